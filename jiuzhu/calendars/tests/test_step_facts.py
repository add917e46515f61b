"""Processing-time facts (办理时效, ``StepFact``): a case moved through its steps gets one
fact per step that ended, written when it ended, with the working days of the holiday
calendar (国庆 2026 crossed); recording is idempotent; ``backfill_step_facts`` rebuilds the
same facts from the step records."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from jiuzhu.calendars.models import StepFact
from jiuzhu.calendars.selectors import add_working_days
from jiuzhu.calendars.services import record_step
from jiuzhu.households.services import household_register
from jiuzhu.testing import UserFactory, household_dict, member_dict

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360f8cf000003010100c9fe92ef0000000049454e44ae426082")
MZ01 = ["户口簿", "身份证", "家庭经济状况核对授权书", "收入证明", "财产申报表"]
FIELDS = ("kind", "object_id", "region_path", "township_path", "item_code", "department",
          "step", "step_label", "started_on", "ended_on", "working_days", "due_on", "on_time")


@pytest.fixture
def clock(monkeypatch):
    """The time every service, step record and fact sees (``timezone.now``)."""
    state = {"now": timezone.make_aware(datetime(2026, 9, 29, 10, 0))}
    monkeypatch.setattr(timezone, "now", lambda: state["now"])

    def set_day(day: date) -> None:
        state["now"] = timezone.make_aware(datetime.combine(day, time(10, 0)))
    return set_day


@pytest.fixture
def people(tree):
    town, county = tree["town1"], tree["county"]
    return {"window": UserFactory(username="fw", role="window_worker", region=town),
            "jy": UserFactory(username="fjy", role="department_officer", department="JY",
                              region=county)}


@pytest.fixture
def family(people):
    return household_register(actor=people["window"], data=household_dict(members=[
        member_dict(occupation="unemployed", health="serious_illness", income={"wages": 1200})]))


def _facts(kind: str, object_id: int) -> list[tuple]:
    return [tuple(getattr(f, name) for name in FIELDS)
            for f in StepFact.objects.filter(kind=kind, object_id=object_id)
            .order_by("ended_on", "step", "started_on")]


def _backfilled_equals_live(kind: str, object_id: int) -> None:
    live = _facts(kind, object_id)
    StepFact.objects.all().delete()
    out = StringIO()
    call_command("backfill_step_facts", stdout=out)
    assert "新增" in out.getvalue() and "已处理" in out.getvalue()
    assert _facts(kind, object_id) == live
    again = StringIO()
    call_command("backfill_step_facts", f"--kind={kind}", stdout=again)
    assert f"{kind}: 新增 0 条办理时效" in again.getvalue()  # idempotent
    assert _facts(kind, object_id) == live


def test_an_application_gets_one_fact_per_ended_step_across_the_national_day(clock, people, family):
    from jiuzhu.applications.services import application_act, application_create

    window = people["window"]
    clock(date(2026, 9, 29))
    app = application_create(actor=window, household=family, item_code="MZ01", channel="window",
                             files=[(m, f"{m}.pdf", PDF) for m in MZ01 if m != "收入证明"])
    assert not StepFact.objects.exists()  # nothing ended yet
    clock(date(2026, 9, 30))
    application_act(actor=window, application_id=app.pk, action="request_supplement",
                    data={"missing": ["收入证明"]})
    clock(date(2026, 10, 9))  # 10-01…10-07 国庆 holidays, 10-08 and 10-09 working days
    application_act(actor=window, application_id=app.pk, action="submit_supplement", data={},
                    files=[("收入证明", "收入证明.pdf", PDF)])
    clock(date(2026, 10, 12))  # 10-10 (Saturday) is an adjusted working day, 10-11 rest
    application_act(actor=window, application_id=app.pk, action="accept", data={})
    clock(date(2026, 10, 13))
    app = application_act(actor=window, application_id=app.pk, action="withdraw",
                          data={"reason": "申请人主动撤回"})

    rows = {(f.step, f.started_on): f for f in StepFact.objects.filter(kind="application",
                                                                      object_id=app.pk)}
    assert {(step, start, f.ended_on, f.working_days) for (step, start), f in rows.items()} == {
        ("acceptance", date(2026, 9, 29), date(2026, 9, 30), 1),
        ("supplement", date(2026, 9, 30), date(2026, 10, 9), 2),
        ("acceptance", date(2026, 10, 9), date(2026, 10, 12), 2),
        ("investigation", date(2026, 10, 12), date(2026, 10, 13), 1),
        ("total", date(2026, 10, 12), date(2026, 10, 13), 1),
    }
    first = rows["acceptance", date(2026, 9, 29)]
    assert (first.step_label, first.item_code, first.township_path) == ("受理", "MZ01",
                                                                         app.region.path)
    assert first.region_path == family.region_path and first.on_time is True
    assert first.due_on is not None and first.due_on >= first.ended_on
    assert rows["total", date(2026, 10, 12)].due_on == app.final_due_date
    # visible by region like every register row
    other = UserFactory(username="fo", role="window_worker", region=family.region.parent.parent
                        .children.exclude(pk=family.region.parent_id).first())
    assert not StepFact.objects.visible_to(other).exists()
    assert StepFact.objects.visible_to(window).count() == 5

    _backfilled_equals_live("application", app.pk)


def test_record_step_is_idempotent(tree):
    fields = {"kind": "application", "object_id": 7, "region_path": tree["village1"].path,
              "step": "acceptance", "step_label": "受理", "started_on": date(2026, 9, 30),
              "ended_on": date(2026, 10, 9), "due_on": date(2026, 10, 8)}
    first = record_step(**fields)
    again = record_step(**{**fields, "ended_on": date(2026, 10, 12)})
    assert again.pk == first.pk and StepFact.objects.count() == 1
    assert (first.working_days, first.on_time) == (2, False)


def test_a_department_item_gets_its_stages_and_its_total(clock, people, family):
    from jiuzhu.intake.services import item_act, request_create

    clock(date(2026, 9, 28))
    request = request_create(actor=people["window"], household=family, items=["JY02"],
                             channel="window", materials={"JY02": ["学籍证明"]},
                             files=[("学籍证明", "x.png", PNG)])
    item = request.items.get()
    clock(date(2026, 9, 30))
    item_act(actor=people["jy"], item=item.pk, action="accept", data={"note": "收到"})
    clock(date(2026, 10, 8))
    item_act(actor=people["jy"], item=item.pk, action="request_more",
             data={"missing": ["学籍证明"]})
    clock(date(2026, 10, 9))
    item_act(actor=people["window"], item=item.pk, action="resubmit",
             data={"materials": ["学籍证明"]})
    clock(date(2026, 10, 12))
    item_act(actor=people["jy"], item=item.pk, action="accept", data={"note": "收到"})
    clock(date(2026, 10, 13))
    item_act(actor=people["jy"], item=item.pk, action="finish",
             data={"result": "granted", "note": "已资助"})

    facts = {(f.step, f.started_on): f for f in StepFact.objects.filter(kind="intake_item")}
    assert {(s, start, f.ended_on, f.working_days) for (s, start), f in facts.items()} == {
        ("transferred", date(2026, 9, 28), date(2026, 9, 30), 2),
        ("accepted", date(2026, 9, 30), date(2026, 10, 8), 1),
        ("more_requested", date(2026, 10, 8), date(2026, 10, 9), 1),
        ("resubmitted", date(2026, 10, 9), date(2026, 10, 12), 2),
        ("accepted", date(2026, 10, 12), date(2026, 10, 13), 1),
        ("total", date(2026, 9, 28), date(2026, 10, 13), 7),
    }
    total = facts["total", date(2026, 9, 28)]
    assert total.department == "JY" and total.item_code == "JY02"
    assert total.due_on == add_working_days(date(2026, 10, 9), item.limit).due  # runs again
    assert total.on_time is True
    assert facts["more_requested", date(2026, 10, 8)].due_on is None

    _backfilled_equals_live("intake_item", item.pk)


def test_an_emergency_case_gets_a_fact_per_state_it_left():
    """The rules of ``emergency/facts.py`` on plain records: 响应 against the response clock
    (to the minute), 补办手续 against the papers' due date; a record that keeps the state
    (a commitment) ends nothing."""
    from types import SimpleNamespace

    from jiuzhu.emergency.facts import facts_of

    def at(day: int, hour: int = 10):
        return timezone.make_aware(datetime(2026, 9, day, hour, 0))

    case = SimpleNamespace(pk=5, region_path="99/9901/990102/990102001/", township_id=1,
                           township=SimpleNamespace(path="99/9901/990102/990102001/"),
                           opened_at=at(28, 9), respond_by=at(29, 9), papers_due=date(2026, 9, 30))
    records = [SimpleNamespace(pk=1, from_state="", to_state="open", at=at(28, 9)),
               SimpleNamespace(pk=2, from_state="open", to_state="helped", at=at(29, 8)),
               SimpleNamespace(pk=3, from_state="helped", to_state="helped", at=at(29, 9)),
               SimpleNamespace(pk=4, from_state="helped", to_state="closed", at=at(30, 16))]
    facts = [(pk, f["step"], f["started_on"], f["ended_on"], f["due_on"], f["on_time"])
             for pk, f in facts_of(case, records)]
    assert facts == [
        (2, "open", date(2026, 9, 28), date(2026, 9, 29), date(2026, 9, 29), True),
        (4, "helped", date(2026, 9, 29), date(2026, 9, 30), date(2026, 9, 30), None),
    ]
    assert record_step(**dict(facts_of(case, records))[4]).on_time is True  # 9-30 <= due


def test_the_backfill_keeps_a_cases_live_facts(tree):
    """A case recorded live (its service run with another "today" than the clock) gets from
    its records only the steps that ended before its first live fact."""
    from jiuzhu.calendars.services import facts_backfill

    path = tree["village1"].path
    live_at = timezone.make_aware(datetime(2026, 10, 12, 10, 0))
    record_step(kind="application", object_id=9, region_path=path, step="investigation",
                started_on=date(2025, 3, 2), ended_on=date(2025, 3, 9), ended_at=live_at)
    rows = [{"object_id": 9, "region_path": path, "step": "acceptance",
             "started_on": date(2026, 10, 9), "ended_on": date(2026, 10, 10),
             "ended_at": live_at - timedelta(days=2)},  # before the live facts: kept
            {"object_id": 9, "region_path": path, "step": "investigation",
             "started_on": date(2026, 10, 12), "ended_on": date(2026, 10, 12),
             "ended_at": live_at}]  # the live step, dated by the clock: not doubled
    assert facts_backfill("application", rows) == 1
    assert sorted(StepFact.objects.values_list("step", flat=True)) == ["acceptance",
                                                                       "investigation"]

"""今日待办 (the home page per role): every count links to its list, and the list at that
address shows exactly that many rows — for every role, red and yellow included (a later
"today" makes the cases red). Never a link to a 403; no row of work the role does not do."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from jiuzhu.households.idnumber import id_number_make
from jiuzhu.households.services import household_register
from jiuzhu.leads.models import GridAssignment
from jiuzhu.testing import UserFactory, household_dict, member_dict

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360f8cf000003010100c9fe92ef0000000049454e44ae426082")
MZ01 = ["户口簿", "身份证", "家庭经济状况核对授权书", "收入证明", "财产申报表"]

#: the rows each list page shows (its own context), by url name
LIST_ROWS = {
    "applications:list": lambda c: c["page"].paginator.count,
    "applications:overdue": lambda c: len(c["rows"]),
    "applications:my_investigations": lambda c: len(c["waiting"]),
    "intake:queue": lambda c: c["page"].paginator.count,
    "intake:inbox": lambda c: c["page"].paginator.count,
    "intake:overdue": lambda c: c["page"].paginator.count,
    "leads:my_tasks": lambda c: len(c["rows"]),
    "leads:list": lambda c: len(c["rows"]),
    "supervision:reviews": lambda c: len(c["tasks"]),
    "verification:list": lambda c: c["page"].paginator.count,
}


@pytest.fixture
def world(tree):
    """A township with a case in several states, a department item, leads and a visit."""
    from jiuzhu.applications.services import application_act, application_create
    from jiuzhu.intake.services import request_create
    from jiuzhu.leads.services import lead_convert, lead_record

    town, county = tree["town1"], tree["county"]
    users = {
        "window": UserFactory(username="hw", role="window_worker", region=town),
        "reviewer": UserFactory(username="hr", role="township_reviewer", region=town),
        "investigator": UserFactory(username="hi", role="investigator", region=town),
        "assistant": UserFactory(username="ha", role="village_assistant", region=tree["village1"]),
        "grid": UserFactory(username="hg", role="grid_worker", region=tree["grid1"]),
        "verifier": UserFactory(username="hv", role="verification_officer", region=county),
        "approver": UserFactory(username="hp", role="county_approver", region=county),
        "officer": UserFactory(username="hjy", role="department_officer", department="JY",
                               region=county),
        "supervisor": UserFactory(username="hs", role="supervisor", region=county),
        "admin": UserFactory(username="hadm", role="administrator", region=county),
        "root": UserFactory(username="hroot", role="administrator", region=tree["province"],
                            is_superuser=True, is_staff=True),
        "other_window": UserFactory(username="hw2", role="window_worker", region=tree["town2"]),
    }
    GridAssignment.objects.create(grid=tree["grid1"], worker=users["grid"],
                                  region_path=tree["grid1"].path)
    window = users["window"]
    families = [household_register(actor=window, data=household_dict(members=[member_dict(
        name=f"户主{n}", occupation="unemployed", income={"wages": 900})])) for n in range(4)]
    application_create(actor=window, household=families[0], item_code="MZ01", channel="window",
                       files=[(m, f"{m}.pdf", PDF) for m in MZ01])
    second = application_create(actor=window, household=families[1], item_code="MZ01",
                                channel="window", files=[(m, f"{m}.pdf", PDF) for m in MZ01])
    application_act(actor=window, application_id=second.pk, action="request_supplement",
                    data={"missing": ["收入证明"]})
    third = application_create(actor=window, household=families[2], item_code="MZ01",
                               channel="window", files=[(m, f"{m}.pdf", PDF) for m in MZ01])
    application_act(actor=window, application_id=third.pk, action="accept", data={})
    request_create(actor=window, household=families[3], items=["JY02"], channel="window",
                   materials={"JY02": ["学籍证明"]}, files=[("学籍证明", "x.png", PNG)])
    lead = {"source": "hotline", "reporter_name": "邻居", "reporter_phone": "13800000001",
            "person_name": "陈老汉", "phone": "13900000002", "address": "第1村3组12号",
            "region_code": tree["grid1"].code, "description": "独居老人", "urgency": "normal"}
    lead_record(actor=window, data=lead)
    visiting = lead_record(actor=window, data={**lead, "person_name": "王老太", "id_number":
                                               id_number_make(area="990102", birth=date(1950, 1, 2),
                                                              sequence=88)})
    lead_convert(actor=window, lead=visiting, health="chronic_illness", occupation="none")
    return users


def _rows_of(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return LIST_ROWS[resolve(url.split("?")[0]).view_name](response.context)


def _check(client, user) -> dict[str, int]:
    client.force_login(user)
    home = client.get(reverse("portal:home"))
    assert home.status_code == 200
    page = home.content.decode()
    seen = {}
    for row in home.context["today"]:
        assert f'href="{row["url"]}"' in page.replace("&amp;", "&"), row["key"]
        assert _rows_of(client, row["url"]) == row["n"], (user.username, row["key"])
        for colour in row["colours"]:
            assert _rows_of(client, colour["url"]) == colour["n"], (user.username, colour)
        seen[row["key"]] = row["n"]
    return seen


@pytest.mark.parametrize("later", [0, 40])
def test_every_count_equals_the_rows_of_the_list_it_opens(client, world, monkeypatch, later):
    if later:  # weeks later: every running step is red
        today = timezone.localdate() + timedelta(days=later)
        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today)
    work = {name: _check(client, user) for name, user in world.items()}
    assert work["window"] == {"state-submitted": 1, "state-awaiting_supplement": 1, "queue": 1}
    assert set(work["reviewer"]) == {"state-accepted", "state-appraisal", "state-opinion",
                                     "state-notice", "reviews"}
    assert work["reviewer"]["state-accepted"] == 1
    assert set(work["approver"]) == {"state-decision"}
    assert work["officer"] == {"inbox": 1}
    assert work["grid"]["visits"] == 1 and work["grid"]["leads"] == 1
    assert set(work["supervisor"]) == {"overdue_applications", "overdue_items", "reviews"}
    assert work["investigator"] == {"investigations": 0}
    assert set(work["verifier"]) == {"verifications"} and work["admin"] == {}
    assert work["other_window"] == {"state-submitted": 0, "state-awaiting_supplement": 0,
                                    "queue": 0}  # another township's cases are not theirs
    if later:
        assert work["supervisor"]["overdue_applications"] == 3
        assert work["supervisor"]["overdue_items"] == 1


def test_the_colours_link_to_the_filtered_list(client, world, monkeypatch):
    today = timezone.localdate() + timedelta(days=40)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today)
    client.force_login(world["window"])
    rows = {row["key"]: row for row in client.get(reverse("portal:home")).context["today"]}
    red = rows["state-submitted"]["colours"]
    assert [(c["level"], c["n"]) for c in red] == [("red", 1)]
    assert "state=submitted" in red[0]["url"] and "alert=red" in red[0]["url"]

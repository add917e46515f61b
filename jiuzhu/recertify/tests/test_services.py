"""资格认证: the daily step opens the period's confirmation per class and county setting;
no change → confirmed, a change → the township's review; 15 days late → one visit task; 45
days late → payment suspended with D22; a late confirmation checked → payment resumed."""

from datetime import date

import pytest

from jiuzhu.applications.models import Application
from jiuzhu.core.access import SYSTEM
from jiuzhu.core.errors import ServiceError
from jiuzhu.documents.models import Document
from jiuzhu.leads.models import VisitTask
from jiuzhu.recertify import services
from jiuzhu.recertify.choices import State
from jiuzhu.recertify.demo import photo_png
from jiuzhu.recertify.models import Confirmation
from jiuzhu.recertify.selectors import changes_waiting, open_for_code, village_counts
from jiuzhu.recertify.workflow import WORKFLOW

pytestmark = pytest.mark.django_db

PHOTO = ("me.png", photo_png())


@pytest.mark.parametrize(("review_class", "months_b", "due_on"), [
    ("A", 6, date(2026, 7, 1)),    # every 3 months after April
    ("B", 6, date(2026, 10, 1)),   # every 6
    ("C", 6, date(2026, 10, 1)),
    ("B", 12, date(2027, 4, 1)),   # the county's own setting
])
def test_the_daily_step_opens_one_confirmation_per_class_and_setting(
        paid, setting, clock, tree, review_class, months_b, due_on):
    Application.objects.filter(pk=paid.pk).update(review_class=review_class)
    services.setting_save(actor=SYSTEM, county=tree["county"],
                          data={**services.DEFAULTS, "months_b": months_b, "active": "1"})
    clock["today"] = date(2026, 4, 15)
    services.daily()
    services.daily()  # idempotent
    rows = list(Confirmation.objects.filter(application=paid))
    assert [(r.due_on, r.state, r.review_class) for r in rows] == [(due_on, "due", review_class)]


def test_no_setting_no_confirmations(paid, clock):
    clock["today"] = date(2026, 4, 15)
    assert services.daily()["opened"] == 0
    assert not Confirmation.objects.exists()


def test_the_next_period_opens_30_days_before_its_due_date(paid, setting, clock, people):
    Application.objects.filter(pk=paid.pk).update(review_class="A")
    clock["today"] = date(2026, 4, 15)
    services.daily()
    first = Confirmation.objects.get(application=paid)
    services.confirmation_submit(confirmation=first, data={}, photo=PHOTO)
    clock["today"] = date(2026, 8, 31)
    services.daily()
    assert Confirmation.objects.filter(application=paid).count() == 1
    clock["today"] = date(2026, 9, 1)  # 30 days before 1 October
    services.daily()
    services.daily()
    assert list(Confirmation.objects.filter(application=paid).values_list("due_on", "state")) == [
        (date(2026, 7, 1), "confirmed"), (date(2026, 10, 1), "due")]


def test_no_change_is_confirmed_and_the_township_checks_the_photo(paid, setting, clock, people):
    clock["today"] = date(2026, 4, 15)
    services.daily()
    row = Confirmation.objects.get(application=paid)
    done = services.confirmation_submit(confirmation=row, photo=PHOTO, data={
        "latitude": "30.5", "longitude": "114.3"})
    assert done.state == State.CONFIRMED and done.photo and done.latitude is not None
    assert not changes_waiting(people["reviewer"]).exists()
    checked = services.confirmation_act(actor=people["reviewer"], confirmation=done,
                                        action="accept")
    assert checked.state == State.REVIEWED and checked.reviewer == people["reviewer"]


def test_a_declared_change_is_a_review_task_for_the_township(paid, setting, clock, people):
    from jiuzhu.portal.views import today_work

    clock["today"] = date(2026, 4, 15)
    services.daily()
    row = Confirmation.objects.get(application=paid)
    done = services.confirmation_submit(confirmation=row, photo=PHOTO, data={
        "changed_income": "1", "change_note": "儿子外出务工，每月 3000 元"})
    assert done.state == State.CHANGE_DECLARED and done.declared_changes == ["收入变化"]
    reviewer = people["reviewer"]
    assert list(changes_waiting(reviewer)) == [done]
    row = next(r for r in today_work(reviewer) if r["key"] == "recertify")
    assert row["n"] == 1 and "state=change_declared" in row["url"]
    assert not changes_waiting(people["other_reviewer"]).exists()
    reviewed = services.confirmation_act(actor=reviewer, confirmation=done, action="review",
                                         data={"decision": "reassess", "note": "转动态复核"})
    assert (reviewed.state, reviewed.outcome) == (State.REVIEWED, "reassess")


def test_errors_name_the_field_and_change_nothing(paid, setting, clock):
    clock["today"] = date(2026, 4, 15)
    services.daily()
    row = Confirmation.objects.get(application=paid)
    with pytest.raises(ServiceError) as refused:
        services.confirmation_submit(confirmation=row, photo=("a.txt", b"not a photo"), data={
            "changed_members": "1", "latitude": "95"})
    assert {e["path"] for e in refused.value.errors} == {"photo", "change_note", "latitude"}
    row.refresh_from_db()
    assert row.state == State.DUE and not row.photo and row.submitted_at is None


def test_late_a_visit_task_once_then_payment_suspended_with_its_notice(
        paid, setting, clock, people, grid_worker):
    Application.objects.filter(pk=paid.pk).update(review_class="A")
    clock["today"] = date(2026, 4, 15)
    services.daily()
    row = Confirmation.objects.get(application=paid)
    assert row.due_on == date(2026, 7, 1)
    clock["today"] = date(2026, 7, 15)
    services.daily()
    assert not VisitTask.objects.exists()
    clock["today"] = date(2026, 7, 16)  # 15 days after the due date
    services.daily()
    services.daily()
    task = VisitTask.objects.get()
    assert task.assignee == grid_worker and task.household_id == paid.household_id
    row.refresh_from_db()
    assert row.state == State.VISIT_ASSIGNED and row.visit_task == task
    assert "资格认证逾期" in task.lead.description
    clock["today"] = date(2026, 8, 14)
    services.daily()
    assert Application.objects.get(pk=paid.pk).state == "in_payment"
    clock["today"] = date(2026, 8, 15)  # 30 days more
    services.daily()
    services.daily()
    row.refresh_from_db()
    application = Application.objects.get(pk=paid.pk)
    assert row.state == State.SUSPENDED and row.suspended_on == date(2026, 8, 15)
    assert application.state == "suspended"
    assert Document.objects.for_owner(application).filter(code="D22").count() == 1
    assert VisitTask.objects.count() == 1
    counts = village_counts(people["reviewer"])
    assert [(c["due"], c["done"], c["missing"]) for c in counts] == [(0, 0, 1)]

    # the recipient confirms late; the township's check pays again
    done = services.confirmation_submit(confirmation=row, data={}, photo=PHOTO)
    assert done.state == State.CONFIRMED
    services.confirmation_act(actor=people["reviewer"], confirmation=done, action="accept")
    assert Application.objects.get(pk=paid.pk).state == "in_payment"


def test_a_stopped_case_closes_its_confirmation(paid, setting, clock):
    clock["today"] = date(2026, 4, 15)
    services.daily()
    Application.objects.filter(pk=paid.pk).update(state="stopped")
    services.daily()
    assert Confirmation.objects.get(application=paid).state == State.CANCELLED


def test_illegal_steps_are_409_and_change_nothing(paid, setting, clock, people):
    clock["today"] = date(2026, 4, 15)
    services.daily()
    row = Confirmation.objects.get(application=paid)
    data = {"review": {"decision": "no_effect"}, "return": {"reason": "照片不清"}}
    for state, action, allowed in WORKFLOW.pairs():
        if allowed or action not in ("accept", "review", "return"):
            continue
        Confirmation.objects.filter(pk=row.pk).update(state=state)
        with pytest.raises(ServiceError) as refused:
            services.confirmation_act(actor=people["reviewer"], confirmation=row.pk,
                                      action=action, data=data.get(action))
        assert refused.value.status == 409, (state, action)
        assert Confirmation.objects.get(pk=row.pk).state == state


def test_visibility_the_township_sees_its_own_the_resident_their_own(paid, setting, clock,
                                                                     people):
    clock["today"] = date(2026, 4, 15)
    services.daily()
    row = Confirmation.objects.get(application=paid)
    assert list(Confirmation.objects.visible_to(people["reviewer"])) == [row]
    assert not Confirmation.objects.visible_to(people["other_reviewer"]).exists()
    with pytest.raises(ServiceError) as refused:
        services.confirmation_act(actor=people["other_reviewer"], confirmation=row.pk,
                                  action="accept")
    assert refused.value.status == 404
    assert open_for_code(paid.query_code) == row
    assert open_for_code("ZZZZZZZZ") is None


def test_the_setting_is_checked_naming_the_field_and_audited(tree, people):
    from jiuzhu.audit.models import AuditEvent

    with pytest.raises(ServiceError) as refused:
        services.setting_save(actor=people["approver"], county=tree["county"], data={
            **services.DEFAULTS, "months_a": "0", "grace_days": "x"})
    assert {e["path"] for e in refused.value.errors} == {"months_a", "grace_days"}
    assert not services.RecertifySetting.objects.exists()
    with pytest.raises(ServiceError) as refused:
        services.setting_save(actor=people["window"], county=tree["county"],
                              data=services.DEFAULTS)
    assert refused.value.status in (403, 404)
    saved = services.setting_save(actor=people["approver"], county=tree["county"],
                                  data={**services.DEFAULTS, "active": "1"})
    assert (saved.months_a, saved.months_b, saved.months_c) == (3, 6, 6)
    assert AuditEvent.objects.filter(object_type="recertify.recertifysetting").count() == 1

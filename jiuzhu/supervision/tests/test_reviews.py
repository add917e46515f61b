"""Periodic reviews (定期复核): schedule, amount changes, phase-out and stops."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from jiuzhu.applications.models import Application
from jiuzhu.core.errors import ServiceError
from jiuzhu.documents.models import Document
from jiuzhu.households.models import Household, Member
from jiuzhu.payments.models import Payment
from jiuzhu.payments.services import payroll_generate
from jiuzhu.supervision.models import PhaseOut, ReviewTask
from jiuzhu.supervision.services import application_statement_notice, review_run, review_schedule


def codes(application):
    return sorted(Document.objects.for_owner(application).values_list("code", flat=True))


def count(application, code):
    return Document.objects.for_owner(application).filter(code=code).count()


@pytest.mark.parametrize(("review_class", "area_type", "due_on"), [
    ("A", "rural", date(2027, 4, 1)),
    ("B", "rural", date(2026, 10, 1)),
    ("C", "rural", date(2026, 10, 1)),
    ("C", "urban", date(2026, 7, 1)),
])
def test_the_first_review_is_one_interval_after_the_start_month(approved, review_class,
                                                                area_type, due_on):
    # Approval scheduled the first review for the class it computed; schedule it again for
    # each class and area here.
    assert ReviewTask.objects.filter(application=approved, status="open").count() == 1
    ReviewTask.objects.filter(application=approved).delete()
    Application.objects.filter(pk=approved.pk).update(review_class=review_class)
    Household.objects.filter(pk=approved.household_id).update(area_type=area_type)
    application = Application.objects.get(pk=approved.pk)
    assert application.start_month == date(2026, 4, 1)
    task = review_schedule(application)
    assert (task.due_on, task.review_class, task.status) == (due_on, review_class, "open")
    assert review_schedule(application).pk == task.pk  # one open task at a time


def test_the_command_schedules_every_case_without_an_open_task(approved):
    call_command("reviews_schedule")
    call_command("reviews_schedule")
    assert ReviewTask.objects.filter(application=approved, status="open").count() == 1


def raise_income(application, wages="120000"):
    Member.objects.filter(household=application.household_id).update(wages=Decimal(wages))


def test_income_above_the_standard_phases_out_for_six_months_then_stops(approved, people, clock,
                                                                         tree):
    reviewer, town = people["reviewer"], tree["town1"]
    amount = approved.approved_amount
    payroll_generate(actor=reviewer, township=town, month=date(2026, 4, 1))
    raise_income(approved)
    task = review_schedule(approved)
    clock["today"] = date(2026, 5, 12)
    done = review_run(actor=reviewer, task=task, today=clock["today"])
    assert done.outcome == "phase_out" and done.status == "done"
    assert PhaseOut.objects.get(application=approved).until == date(2026, 11, 1)
    approved.refresh_from_db()
    assert approved.state == "in_payment" and approved.approved_amount == amount
    assert count(approved, "D18") == 1 and count(approved, "D17") == 0
    follow_up = ReviewTask.objects.get(application=approved, status="open")
    assert follow_up.due_on == date(2026, 12, 1)

    november = payroll_generate(actor=reviewer, township=town, month=date(2026, 11, 1))
    assert november.count == 1
    assert Payment.objects.get(application=approved, month=date(2026, 11, 1)).amount == amount

    clock["today"] = date(2026, 12, 3)
    stopped = review_run(actor=reviewer, task=follow_up, today=clock["today"])
    assert stopped.outcome == "stop"
    approved.refresh_from_db()
    assert approved.state == "stopped"
    assert count(approved, "D17") == 1 and count(approved, "D18") == 2
    assert not ReviewTask.objects.filter(application=approved, status="open").exists()
    december = payroll_generate(actor=reviewer, township=town, month=date(2026, 12, 1))
    assert december.count == 0


def test_the_payroll_after_the_phase_out_stops_the_case(approved, people, clock, tree):
    reviewer, town = people["reviewer"], tree["town1"]
    raise_income(approved)
    review_run(actor=reviewer, task=review_schedule(approved), today=date(2026, 5, 12))
    assert payroll_generate(actor=reviewer, township=town, month=date(2026, 11, 1)).count == 1
    december = payroll_generate(actor=reviewer, township=town, month=date(2026, 12, 1))
    assert december.count == 0
    approved.refresh_from_db()
    assert approved.state == "stopped"
    assert count(approved, "D17") == 1
    assert approved.steps.filter(action="phase_out_end").exists()


def test_a_changed_amount_is_a_decrease_with_d16(approved, people, clock):
    before = approved.approved_amount
    Member.objects.filter(household=approved.household_id, relation="head").update(
        wages=Decimal("6000"))
    task = review_run(actor=people["reviewer"], task=review_schedule(approved),
                      today=date(2027, 4, 2))
    approved.refresh_from_db()
    assert task.outcome == "decrease"
    assert approved.approved_amount == task.amount_after < before
    assert count(approved, "D16") == 1 and count(approved, "D18") == 1
    notice = Document.objects.for_owner(approved).get(code="D16")
    assert notice.context["change"] == "decrease"
    assert notice.context["amount"] == str(task.amount_after)
    assert notice.context["previous_amount"] == str(before)
    assert set(notice.missing_fields) <= {"office.phone"}  # the office's phone is not kept yet
    assert ReviewTask.objects.get(application=approved, status="open").due_on == date(2028, 4, 1)


def test_an_unchanged_case_gets_only_d18(approved, people):
    task = review_run(actor=people["reviewer"], task=review_schedule(approved),
                      today=date(2026, 5, 12))
    assert task.outcome == "unchanged" and count(approved, "D16") == 0
    assert count(approved, "D18") == 1


def test_a_veto_stops_only_after_a_statement_and_defence_notice(approved, people, clock):
    Household.objects.filter(pk=approved.household_id).update(false_information=True)
    task = review_schedule(approved)
    with pytest.raises(ServiceError) as refused:
        review_run(actor=people["reviewer"], task=task, today=date(2026, 5, 12))
    assert refused.value.status == 409 and "D23" in refused.value.message
    task.refresh_from_db()
    approved.refresh_from_db()
    assert task.status == "open" and approved.state == "approved"
    assert count(approved, "D18") == 0

    application_statement_notice(actor=people["supervisor"], application=approved,
                                 decision="停发低保金", facts="隐瞒家庭收入")
    done = review_run(actor=people["reviewer"], task=task, today=date(2026, 5, 12))
    approved.refresh_from_db()
    assert done.outcome == "stop" and approved.state == "stopped"
    assert {"D17", "D18", "D23"} <= set(codes(approved))


def test_review_roles_and_regions(approved, people):
    task = review_schedule(approved)
    with pytest.raises(ServiceError) as other:
        review_run(actor=people["other_reviewer"], task=task)
    assert other.value.status == 404
    with pytest.raises(ServiceError) as role:
        review_run(actor=people["window"], task=task)
    assert role.value.status == 403


def test_recognitions_and_one_off_assistance_get_no_review_task(approved):
    from jiuzhu.supervision.services import review_schedule

    ReviewTask.objects.filter(application=approved).delete()
    type(approved).objects.filter(pk=approved.pk).update(item_code="MZ02")
    approved.refresh_from_db()
    assert review_schedule(approved) is None
    call_command("reviews_schedule")
    assert not ReviewTask.objects.filter(application=approved).exists()

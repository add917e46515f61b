"""Leads, their conversion and visit outcomes (services)."""

from datetime import date

import pytest
from django.utils import timezone

from jiuzhu.audit.models import AuditEvent
from jiuzhu.core.errors import ServiceError
from jiuzhu.households.models import Household, Member
from jiuzhu.households.services import household_register
from jiuzhu.leads import services
from jiuzhu.leads.models import GridAssignment, Lead, LeadEvent, VisitTask
from jiuzhu.leads.selectors import (
    lead_get,
    lead_search,
    my_open_tasks,
    task_alert,
    task_get,
    with_alerts,
)
from jiuzhu.testing import UserFactory, household_dict, member_dict

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _record(actor, data):
    return services.lead_record(actor=actor, data=data)


def _converted(window_worker, grid_worker, lead_data):
    lead = _record(window_worker, lead_data)
    task = services.lead_convert(actor=window_worker, lead=lead, health="chronic_illness",
                                 occupation="none")
    return lead, task


def _visit(actor, task, outcome, **extra):
    return services.visit_record(actor=actor, task=task, visited_on=timezone.localdate(),
                                 findings="家中无人照料，取暖靠电热毯", outcome=outcome, **extra)


# --- recording ----------------------------------------------------------------------------

def test_a_hotline_lead_is_recorded_with_who_and_when(window_worker, lead_data, clock):
    lead = _record(window_worker, lead_data)
    assert lead.status == "new" and lead.source == "hotline" and lead.region_path.endswith("001/")
    assert lead.number == f"XS{lead.pk:06d}" and lead.created_by == window_worker
    event = lead.events.get()
    assert event.action == "record" and event.actor == window_worker
    assert AuditEvent.objects.filter(action="lead_record", object_id=str(lead.pk)).exists()


@pytest.mark.parametrize(("change", "path"), [
    ({"person_name": ""}, "person_name"),
    ({"description": " "}, "description"),
    ({"source": "radio"}, "source"),
    ({"source": "love_station"}, "station_name"),
    ({"id_number": "990102195804121234"}, "id_number"),
    ({"id_number": "12345"}, "id_number"),
    ({"phone": "call me"}, "phone"),
    ({"region_code": ""}, "region_code"),
    ({"region_code": "990102001"}, "region_code"),
    ({"urgency": "soon"}, "urgency"),
])
def test_a_bad_lead_is_refused_naming_the_field(window_worker, lead_data, change, path):
    with pytest.raises(ServiceError) as caught:
        _record(window_worker, {**lead_data, **change})
    assert caught.value.status == 422
    assert path in [e["path"] for e in caught.value.errors]
    assert not Lead.objects.exists()


def test_an_id_number_is_optional_but_checked_when_given(window_worker, lead_data):
    lead = _record(window_worker, {**lead_data, "id_number": ""})
    assert lead.id_number == ""
    lower = _record(window_worker, {**lead_data, "id_number": lead_data["id_number"].lower()})
    assert lower.id_number == lead_data["id_number"].upper()


def test_a_lead_in_another_township_cannot_be_recorded(other_window_worker, lead_data):
    with pytest.raises(ServiceError) as caught:
        _record(other_window_worker, lead_data)
    assert [e["path"] for e in caught.value.errors] == ["region_code"]


def test_roles_that_may_not_record_a_lead(tree, lead_data):
    approver = UserFactory(role="county_approver", region=tree["county"])
    with pytest.raises(ServiceError) as caught:
        _record(approver, lead_data)
    assert caught.value.status == 403


def test_a_grid_worker_records_a_lead_in_the_grid_and_the_window_converts_it(grid_worker,
                                                                            lead_data):
    lead = _record(grid_worker, {**lead_data, "source": "grid_worker"})
    assert lead.region.level == "grid"
    with pytest.raises(ServiceError) as caught:
        services.lead_convert(actor=grid_worker, lead=lead, health="healthy", occupation="none")
    assert caught.value.status == 403


# --- conversion ---------------------------------------------------------------------------

def test_converting_registers_a_household_and_gives_the_grid_worker_a_task(
        window_worker, grid_worker, lead_data, person_id, clock):
    lead, task = _converted(window_worker, grid_worker, lead_data)
    lead.refresh_from_db()
    household = lead.household
    assert household.region == lead.region.parent and household.status == "active"
    head = household.members.get()
    assert (head.name, head.id_number, head.relation, head.health, head.birth_date) == (
        "陈老汉", person_id, "head", "chronic_illness", date(1958, 4, 12))
    assert household.phone == "13900000002" and household.address == "第1村3组12号"
    assert task.assignee == grid_worker and task.household == household
    # Monday 2 March 2026 + 3 working days.
    assert (task.started_on, task.due_on) == (date(2026, 3, 2), date(2026, 3, 5))
    assert lead.status == "visiting"
    assert [e.action for e in lead.events.all()] == ["record", "convert"]


def test_conversion_finds_the_household_of_the_id_number_instead_of_duplicating(
        window_worker, grid_worker, lead_data, clock):
    head = member_dict(name="陈老汉")
    existing = household_register(actor=window_worker, data=household_dict(members=[head]))
    lead = _record(window_worker, {**lead_data, "id_number": head["id_number"]})
    before = Household.objects.count()
    task = services.lead_convert(actor=window_worker, lead=lead)
    assert task.household == existing and Household.objects.count() == before
    assert Member.objects.filter(id_number=head["id_number"]).count() == 1
    assert lead.events.get(action="convert").data["household_created"] is False


def test_conversion_asks_for_what_a_new_household_needs(window_worker, grid_worker, lead_data):
    lead = _record(window_worker, {**lead_data, "id_number": ""})
    with pytest.raises(ServiceError) as caught:
        services.lead_convert(actor=window_worker, lead=lead)
    assert caught.value.status == 422
    assert {e["path"] for e in caught.value.errors} == {"id_number", "health", "occupation"}
    lead.refresh_from_db()
    assert lead.status == "new" and not Household.objects.exists() and not VisitTask.objects.exists()


def test_conversion_checks_a_given_id_number(window_worker, grid_worker, lead_data):
    lead = _record(window_worker, {**lead_data, "id_number": ""})
    with pytest.raises(ServiceError) as caught:
        services.lead_convert(actor=window_worker, lead=lead, id_number="99010219580412000X",
                              health="healthy", occupation="none")
    assert [e["path"] for e in caught.value.errors] == ["id_number"]


def test_conversion_without_a_responsible_worker_asks_for_one(window_worker, lead_data, tree):
    lead = _record(window_worker, lead_data)
    with pytest.raises(ServiceError) as caught:
        services.lead_convert(actor=window_worker, lead=lead, health="healthy", occupation="none")
    assert "assignee" in [e["path"] for e in caught.value.errors]
    assistant = UserFactory(role="village_assistant", region=tree["village1"])
    task = services.lead_convert(actor=window_worker, lead=lead, health="healthy",
                                 occupation="none", assignee=assistant)
    assert task.assignee == assistant


def test_a_lead_is_converted_once(window_worker, grid_worker, lead_data):
    lead, _task = _converted(window_worker, grid_worker, lead_data)
    with pytest.raises(ServiceError) as caught:
        services.lead_convert(actor=window_worker, lead=lead)
    assert caught.value.status == 409
    assert VisitTask.objects.count() == 1


def test_a_supervisor_may_record_but_not_convert(tree, grid_worker, lead_data):
    supervisor = UserFactory(role="supervisor", region=tree["county"])
    lead = _record(supervisor, lead_data)
    with pytest.raises(ServiceError) as caught:
        services.lead_convert(actor=supervisor, lead=lead, health="healthy", occupation="none")
    assert caught.value.status == 403


# --- visits and outcomes ------------------------------------------------------------------

@pytest.mark.parametrize("outcome", ["applied", "already_assisted", "not_eligible", "referred"])
def test_each_closing_outcome_closes_task_and_lead(window_worker, grid_worker, lead_data, clock,
                                                   outcome):
    lead, task = _converted(window_worker, grid_worker, lead_data)
    extra = {"referred_to": "县残联"} if outcome == "referred" else {}
    done = _visit(grid_worker, task, outcome, outcome_note="已告知政策", **extra)
    assert (done.status, done.outcome, done.closed_by) == ("done", outcome, grid_worker)
    lead.refresh_from_db()
    assert (lead.status, lead.outcome, lead.closed_by) == ("closed", outcome, grid_worker)
    assert not VisitTask.objects.filter(status="open").exists()
    assert [e.action for e in lead.events.all()] == ["record", "convert", "visit", "close"]
    if outcome == "referred":
        assert done.referred_to == "县残联"


def test_unreachable_keeps_the_lead_open_and_creates_the_next_visit(
        window_worker, grid_worker, lead_data, clock):
    lead, task = _converted(window_worker, grid_worker, lead_data)
    clock["today"] = date(2026, 3, 4)
    _visit(grid_worker, task, "unreachable")
    lead.refresh_from_db()
    assert lead.status == "visiting" and lead.outcome == ""
    following = VisitTask.objects.get(status="open")
    assert (following.sequence, following.assignee, following.started_on, following.due_on) == (
        2, grid_worker, date(2026, 3, 4), date(2026, 3, 9))
    assert list(my_open_tasks(user=grid_worker)) == [following]
    _visit(grid_worker, following, "not_eligible")
    lead.refresh_from_db()
    assert lead.status == "closed" and lead.outcome == "not_eligible"


@pytest.mark.parametrize("outcome", ["", None, "maybe"])
def test_no_outcome_no_closing_and_nothing_changes(window_worker, grid_worker, lead_data, media,
                                                   outcome):
    lead, task = _converted(window_worker, grid_worker, lead_data)
    events = LeadEvent.objects.count()
    with pytest.raises(ServiceError) as caught:
        _visit(grid_worker, task, outcome, photos=[("a.png", PNG)], latitude="30.1",
               longitude="104.2")
    assert caught.value.status == 422
    assert [e["path"] for e in caught.value.errors] == ["outcome"]
    task.refresh_from_db()
    lead.refresh_from_db()
    assert (task.status, task.findings, task.visited_on) == ("open", "", None)
    assert lead.status == "visiting" and not task.photos.exists()
    assert LeadEvent.objects.count() == events


def test_a_lead_cannot_be_closed_without_an_outcome(window_worker, grid_worker, lead_data):
    lead, task = _converted(window_worker, grid_worker, lead_data)
    for outcome in ("", "unreachable"):
        with pytest.raises(ServiceError) as caught:
            services.lead_close(actor=window_worker, lead=lead, outcome=outcome, note="家属来电说明")
        assert caught.value.status == 422 and caught.value.errors[0]["path"] == "outcome"
    lead.refresh_from_db()
    assert lead.status == "visiting"
    services.lead_close(actor=window_worker, lead=lead, outcome="already_assisted", note="已享受特困")
    lead.refresh_from_db()
    task.refresh_from_db()
    assert lead.status == "closed" and lead.outcome == "already_assisted"
    assert task.status == "cancelled"


def test_referred_needs_the_department_and_applied_checks_the_number(
        window_worker, grid_worker, lead_data):
    _lead, task = _converted(window_worker, grid_worker, lead_data)
    with pytest.raises(ServiceError) as caught:
        _visit(grid_worker, task, "referred")
    assert [e["path"] for e in caught.value.errors] == ["referred_to"]
    with pytest.raises(ServiceError) as caught:
        _visit(grid_worker, task, "applied", linked_number="A-NOT-THERE")
    assert [e["path"] for e in caught.value.errors] == ["linked_number"]


def test_visit_details_are_checked(window_worker, grid_worker, lead_data, clock):
    _lead, task = _converted(window_worker, grid_worker, lead_data)
    with pytest.raises(ServiceError) as caught:
        services.visit_record(actor=grid_worker, task=task, visited_on=date(2026, 3, 9),
                              findings="", outcome="not_eligible", latitude="95",
                              longitude="104", photos=[("x.gif", b"GIF89a")])
    assert {e["path"] for e in caught.value.errors} == {"visited_on", "findings", "latitude",
                                                         "photos"}


def test_photos_and_location_are_kept(window_worker, grid_worker, lead_data, media, clock):
    _lead, task = _converted(window_worker, grid_worker, lead_data)
    done = _visit(grid_worker, task, "not_eligible", photos=[("door.png", PNG)],
                  latitude="30.123456", longitude="104.654321")
    photo = done.photos.get()
    assert photo.content_type == "image/png" and photo.file.read() == PNG
    assert str(done.latitude) == "30.123456"


def test_only_the_assignee_or_window_staff_record_a_visit(window_worker, grid_worker, tree,
                                                          lead_data):
    _lead, task = _converted(window_worker, grid_worker, lead_data)
    stranger = UserFactory(role="grid_worker", region=tree["village1"])
    with pytest.raises(ServiceError) as caught:
        _visit(stranger, task, "not_eligible")
    assert caught.value.status == 403
    _visit(window_worker, task, "not_eligible")
    with pytest.raises(ServiceError) as caught:
        _visit(grid_worker, task, "not_eligible")
    assert caught.value.status == 409


# --- isolation and alerts -----------------------------------------------------------------

def test_another_townships_leads_are_not_found(window_worker, other_window_worker, grid_worker,
                                               lead_data):
    lead, task = _converted(window_worker, grid_worker, lead_data)
    with pytest.raises(ServiceError) as caught:
        lead_get(user=other_window_worker, pk=lead.pk)
    assert caught.value.status == 404
    with pytest.raises(ServiceError):
        task_get(user=other_window_worker, pk=task.pk)
    assert not lead_search(user=other_window_worker).exists()
    with pytest.raises(ServiceError) as caught:
        _visit(other_window_worker, task, "not_eligible")
    assert caught.value.status == 404
    with pytest.raises(ServiceError) as caught:
        services.lead_convert(actor=other_window_worker, lead=Lead.objects.create(
            source="other", person_name="某", description="x", region=lead.region,
            region_path=lead.region_path))
    assert caught.value.status == 404


def test_a_grid_worker_sees_the_grids_named_to_them(window_worker, grid_worker, tree, lead_data):
    lead = _record(window_worker, {**lead_data, "region_code": tree["village1"].code})
    other_grid = _record(window_worker, {**lead_data, "region_code": tree["grid1"].code})
    assert list(lead_search(user=grid_worker)) == [other_grid]
    assert lead.pk not in [x.pk for x in lead_search(user=grid_worker)]


def test_alerts_turn_yellow_then_red_and_overdue_filter(window_worker, grid_worker, lead_data,
                                                        clock):
    lead, task = _converted(window_worker, grid_worker, lead_data)
    levels = {}
    for day in (date(2026, 3, 3), date(2026, 3, 5), date(2026, 3, 6)):
        levels[day.day] = task_alert(task, today=day).level
        assert with_alerts([task], today=day)[0].alert.level == levels[day.day]
    assert levels == {3: "none", 5: "yellow", 6: "red"}
    assert not lead_search(user=window_worker, overdue=True, today=date(2026, 3, 5)).exists()
    assert list(lead_search(user=window_worker, overdue=True, today=date(2026, 3, 6))) == [lead]


def test_lead_search_filters(window_worker, grid_worker, lead_data, tree):
    hotline = _record(window_worker, lead_data)
    station = _record(window_worker, {**lead_data, "source": "love_station",
                                      "station_name": "东门爱心驿站"})
    assert list(lead_search(user=window_worker, source="love_station")) == [station]
    assert set(lead_search(user=window_worker, township=tree["town1"].code)) == {hotline, station}
    assert not lead_search(user=window_worker, township=tree["town2"].code).exists()
    assert list(lead_search(user=window_worker, status="closed")) == []


# --- grids ---------------------------------------------------------------------------------

def test_grid_responsibility(window_worker, tree, other_window_worker):
    worker = UserFactory(role="grid_worker", region=tree["village1"])
    assignment = services.grid_assign(actor=window_worker, grid=tree["grid1"], worker=worker)
    assert assignment.region_path == tree["grid1"].path
    with pytest.raises(ServiceError) as caught:
        services.grid_assign(actor=window_worker, grid=tree["grid1"], worker=worker)
    assert caught.value.errors[0]["path"] == "worker"
    with pytest.raises(ServiceError) as caught:
        services.grid_assign(actor=window_worker, grid=tree["grid1"], worker=window_worker)
    assert caught.value.errors[0]["path"] == "worker"
    with pytest.raises(ServiceError) as caught:
        services.grid_assign(actor=other_window_worker, grid=tree["grid1"], worker=worker)
    assert caught.value.status == 404
    services.grid_assign(actor=window_worker, grid=tree["grid1"],
                         worker=UserFactory(role="grid_worker", region=tree["village1"]))
    assert GridAssignment.objects.filter(grid=tree["grid1"]).count() == 2
    services.grid_unassign(actor=window_worker, assignment=assignment)
    assert GridAssignment.objects.filter(grid=tree["grid1"]).count() == 1
    assert AuditEvent.objects.filter(action__in=["grid_assign", "grid_unassign"]).count() == 3


def test_applied_links_an_application_of_the_region(window_worker, grid_worker, lead_data, tree):
    from jiuzhu.applications.models import Application

    lead, task = _converted(window_worker, grid_worker, lead_data)
    lead.refresh_from_db()
    application = Application.objects.create(
        number="SQ-LEADS-1", query_code="QLEADS1", household=lead.household, item_code="MZ01",
        channel="window", region=tree["town1"], region_path=tree["town1"].path,
        step_started_on=date(2026, 3, 2))
    elsewhere = UserFactory(role="window_worker", region=tree["town2"])
    assert not services._linked_exists(application.number, elsewhere)
    done = _visit(grid_worker, task, "applied", linked_number=application.number)
    assert done.linked_number == application.number
    lead.refresh_from_db()
    assert lead.outcome == "applied"

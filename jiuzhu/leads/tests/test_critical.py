"""Critical and urgent leads (#11): a shorter visit limit, and the critical-lead hook that
emergency listens to (``leads/events.py``), called in the recording or converting transaction."""

from datetime import date

import pytest

from jiuzhu.households.services import household_register
from jiuzhu.leads import events, services
from jiuzhu.leads.choices import visit_limit_days
from jiuzhu.leads.models import Lead, VisitTask
from jiuzhu.leads.selectors import task_alert
from jiuzhu.testing import household_dict, member_dict

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def heard(monkeypatch):
    """The critical-lead callbacks for this test only: one that notes what it heard."""
    monkeypatch.setattr(events.critical_lead, "_callbacks", [])
    calls: list[tuple[Lead, object, int | None]] = []

    def listener(lead, *, actor):
        # saved with its household before the hook: a listener may rely on the row
        calls.append((lead, actor, Lead.objects.get(pk=lead.pk).household_id))

    events.on_critical_lead(listener)
    events.on_critical_lead(listener)  # the same callback twice is kept once
    assert events.critical_lead_callbacks() == (listener,)
    return calls


def _registered(actor, tree, person_id):
    data = household_dict(household_id="H-CRIT", region_code=tree["village1"].code,
                          members=[member_dict(member_id="M1", id_number=person_id,
                                                      birth=date(1958, 4, 12))])
    return household_register(actor=actor, data=data)


def test_visit_limits_by_urgency():
    assert [visit_limit_days(u) for u in ("normal", "urgent", "critical", "?")] == [3, 2, 1, 3]


@pytest.mark.parametrize(("urgency", "due", "red_on"), [
    ("normal", date(2026, 3, 5), date(2026, 3, 6)),
    ("urgent", date(2026, 3, 4), date(2026, 3, 5)),
    ("critical", date(2026, 3, 3), date(2026, 3, 4)),
])
def test_the_visit_task_is_due_by_the_leads_urgency(window_worker, grid_worker, lead_data,
                                                    urgency, due, red_on, heard):
    lead = services.lead_record(actor=window_worker, data={**lead_data, "urgency": urgency})
    task = services.lead_convert(actor=window_worker, lead=lead, health="chronic_illness",
                                 occupation="none")
    assert (task.started_on, task.due_on, task.limit_days) == (
        date(2026, 3, 2), due, visit_limit_days(urgency))
    assert task_alert(task, today=due).level != "red"
    assert task_alert(task, today=red_on).level == "red"


def test_an_unreachable_critical_family_is_visited_again_the_next_working_day(
        window_worker, grid_worker, lead_data, clock, heard):
    lead = services.lead_record(actor=window_worker, data={**lead_data, "urgency": "critical"})
    task = services.lead_convert(actor=window_worker, lead=lead, health="chronic_illness",
                                 occupation="none")
    clock["today"] = date(2026, 3, 6)  # a Friday: the next working day is Monday
    services.visit_record(actor=grid_worker, task=task, visited_on=date(2026, 3, 6),
                          findings="敲门无人应答", outcome="unreachable")
    following = VisitTask.objects.get(lead=lead, status="open")
    assert (following.limit_days, following.due_on) == (1, date(2026, 3, 9))


def test_a_critical_lead_naming_a_registered_household_reaches_emergency_when_recorded(
        window_worker, lead_data, tree, person_id, heard):
    household = _registered(window_worker, tree, person_id)
    lead = services.lead_record(actor=window_worker, data={**lead_data, "urgency": "critical"})
    assert lead.household == household
    assert heard == [(lead, window_worker, household.pk)]
    assert lead.events.get().data["household"] == "H-CRIT"


def test_a_critical_lead_without_its_household_reaches_emergency_on_conversion_once(
        window_worker, grid_worker, lead_data, heard):
    lead = services.lead_record(actor=window_worker, data={**lead_data, "urgency": "critical"})
    assert lead.household is None and heard == []
    task = services.lead_convert(actor=window_worker, lead=lead, health="chronic_illness",
                                 occupation="none")
    assert heard == [(lead, window_worker, task.household.pk)]


def test_a_critical_lead_named_at_recording_is_not_told_again_on_conversion(
        window_worker, grid_worker, lead_data, tree, person_id, heard):
    _registered(window_worker, tree, person_id)
    lead = services.lead_record(actor=window_worker, data={**lead_data, "urgency": "critical"})
    services.lead_convert(actor=window_worker, lead=lead)
    assert len(heard) == 1


@pytest.mark.parametrize("urgency", ["normal", "urgent"])
def test_other_leads_do_not_reach_emergency(window_worker, grid_worker, lead_data, tree,
                                            person_id, urgency, heard):
    _registered(window_worker, tree, person_id)
    lead = services.lead_record(actor=window_worker, data={**lead_data, "urgency": urgency})
    assert lead.household is None  # only a critical lead names its household when recorded
    services.lead_convert(actor=window_worker, lead=lead)
    assert heard == []


def test_a_household_the_recorder_cannot_see_is_not_named(window_worker, other_window_worker,
                                                          lead_data, tree, person_id, heard):
    _registered(window_worker, tree, person_id)  # in 城关街道's village
    lead = services.lead_record(actor=other_window_worker, data={
        **lead_data, "urgency": "critical", "region_code": tree["village2"].code})
    assert lead.household is None and heard == []


def test_a_listener_that_refuses_undoes_the_recording(window_worker, lead_data, tree, person_id,
                                                      monkeypatch):
    monkeypatch.setattr(events.critical_lead, "_callbacks", [])
    _registered(window_worker, tree, person_id)

    def refuse(lead, *, actor):
        raise RuntimeError("no")

    events.on_critical_lead(refuse)
    with pytest.raises(RuntimeError):
        services.lead_record(actor=window_worker, data={**lead_data, "urgency": "critical"})
    assert not Lead.objects.exists()


def test_the_lead_page_shows_the_visit_limit(client, window_worker, lead_data, heard):
    lead = services.lead_record(actor=window_worker, data={**lead_data, "urgency": "critical"})
    client.force_login(window_worker)
    page = client.get(f"/leads/{lead.pk}/").content.decode()
    assert "走访时限 1 个工作日" in page


def test_a_visit_finding_the_family_not_eligible_keeps_it_for_monitoring(
        window_worker, grid_worker, lead_data, heard):
    from jiuzhu.assessments.models import Monitoring
    from jiuzhu.assessments.selectors import counted_circle

    lead = services.lead_record(actor=window_worker, data=lead_data)
    task = services.lead_convert(actor=window_worker, lead=lead, health="chronic_illness",
                                 occupation="none")
    services.visit_record(actor=grid_worker, task=task, visited_on=date(2026, 3, 2),
                          findings="收入略高于标准，但医疗支出大", outcome="not_eligible")
    monitoring = Monitoring.objects.get(household=task.household, ended_at__isnull=True)
    # the family registered at the village lies outside the grid worker's own grid: the
    # system records the monitoring for them
    assert monitoring.source == lead.number and monitoring.started_by is None
    assert counted_circle(task.household, 0) == (4, True)


def test_closing_a_lead_as_not_eligible_keeps_the_family_for_monitoring(
        window_worker, grid_worker, lead_data, heard):
    from jiuzhu.assessments.models import Monitoring

    lead = services.lead_record(actor=window_worker, data=lead_data)
    task = services.lead_convert(actor=window_worker, lead=lead, health="chronic_illness",
                                 occupation="none")
    services.lead_close(actor=window_worker, lead=lead, outcome="not_eligible",
                        note="电话核实：已有稳定收入")
    assert Monitoring.objects.filter(household=task.household, source=lead.number).exists()
    closed_directly = services.lead_record(actor=window_worker, data={**lead_data,
                                                                      "id_number": ""})
    services.lead_close(actor=window_worker, lead=closed_directly, outcome="not_eligible",
                        note="不符合")  # no household: nothing to monitor
    assert Monitoring.objects.count() == 1

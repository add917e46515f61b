"""The contracted investigation end to end through the services: entrusted at the
township's assignment, a surveyor assigned by the coordinator, reported, returned and
redone, accepted, settled once (locked), and what each organisation's users see."""

from datetime import date

import pytest
from django.utils import timezone

from jiuzhu.applications.models import Application
from jiuzhu.audit.models import AuditEvent
from jiuzhu.contracts import services
from jiuzhu.contracts.models import ContractedInvestigation, Settlement
from jiuzhu.core.errors import ServiceError
from jiuzhu.households.models import Household

from .conftest import accepted_case, entrust, record

pytestmark = pytest.mark.django_db


def test_the_whole_way_and_the_settlement_bills_each_household_once(people, tree, contract):
    case = accepted_case(people, tree)
    inv = entrust(people, case)
    assert inv.state == "assigned" and inv.contract == contract
    assert Application.objects.get(pk=case.pk).investigation_organisation == people["rujia"]
    # the coordinator sees it, the surveyor not yet, the other organisation never
    assert Application.objects.visible_to(people["coordinator"]).filter(pk=case.pk).exists()
    assert not Application.objects.visible_to(people["surveyor"]).filter(pk=case.pk).exists()
    assert not Application.objects.visible_to(people["other_coordinator"]).exists()
    assert not Application.objects.visible_to(people["social_worker"]).exists()
    # no household, no contract, no settlement for any outside user
    for who in ("coordinator", "surveyor", "other_coordinator"):
        assert not Household.objects.visible_to(people[who]).exists()

    with pytest.raises(ServiceError) as refused:  # a surveyor of another organisation
        services.assign_surveyor(actor=people["coordinator"], investigation_id=inv.pk,
                                 surveyor_id=people["other_surveyor"].pk)
    assert refused.value.status == 422 and refused.value.errors[0]["path"] == "surveyor_id"
    with pytest.raises(ServiceError) as refused:  # the other organisation's coordinator
        services.assign_surveyor(actor=people["other_coordinator"], investigation_id=inv.pk,
                                 surveyor_id=people["surveyor"].pk)
    assert refused.value.status == 404
    inv = services.assign_surveyor(actor=people["coordinator"], investigation_id=inv.pk,
                                   surveyor_id=people["surveyor"].pk)
    assert inv.state == "investigator_assigned"
    assert Application.objects.visible_to(people["surveyor"]).filter(pk=case.pk).exists()
    assert not Application.objects.visible_to(people["surveyor2"]).exists()
    assert people["surveyor"].has_perm("applications.record_investigation",
                                       Application.objects.get(pk=case.pk))
    assert not people["surveyor2"].has_perm("applications.record_investigation",
                                            Application.objects.get(pk=case.pk))

    record(people["surveyor"], case)
    inv.refresh_from_db()
    assert inv.state == "reported" and inv.report_count == 1

    with pytest.raises(ServiceError) as refused:
        services.return_report(actor=people["reviewer"], investigation_id=inv.pk, reason=" ")
    assert refused.value.status == 422 and refused.value.errors[0]["path"] == "reason"
    inv = services.return_report(actor=people["reviewer"], investigation_id=inv.pk,
                                 reason="邻里访问不足")
    assert inv.state == "returned"
    app = Application.objects.get(pk=case.pk)
    assert not app.investigation_recorded and app.state == "accepted"
    assert Application.objects.visible_to(people["surveyor"]).filter(pk=case.pk).exists()
    record(people["surveyor"], case)  # redone
    inv.refresh_from_db()
    assert inv.state == "reported" and inv.report_count == 2

    with pytest.raises(ServiceError) as refused:  # the coordinator may not accept
        services.accept(actor=people["coordinator"], investigation_id=inv.pk)
    assert refused.value.status == 403
    inv = services.accept(actor=people["reviewer"], investigation_id=inv.pk)
    assert inv.state == "accepted"
    # the assignment closed: the organisation's users see nothing of it any more
    for who in ("coordinator", "surveyor"):
        assert not Application.objects.visible_to(people[who]).exists()
        assert not ContractedInvestigation.objects.visible_to(people[who]).exists()

    second = accepted_case(people, tree, name="李四")
    inv2 = entrust(people, second)
    services.assign_surveyor(actor=people["coordinator"], investigation_id=inv2.pk,
                             surveyor_id=people["surveyor2"].pk)
    record(people["surveyor2"], second)
    services.accept(actor=people["reviewer"], investigation_id=inv2.pk)

    today = timezone.localdate()
    settlement = services.settle(actor=people["approver"], contract_id=contract.pk,
                                 data={"period_start": date(today.year, 1, 1), "period_end": today})
    assert settlement.accepted_count == 2  # rework not billed twice
    assert settlement.amount_fen == 40000 and settlement.advance_applied_fen == 40000
    assert settlement.due_fen == 0 and settlement.refund_fen == 0
    assert settlement.advance_after_fen == 10000000 - 40000
    assert set(ContractedInvestigation.objects.values_list("state", flat=True)) == {"settled"}
    with pytest.raises(ServiceError) as refused:  # locked
        services.return_report(actor=people["reviewer"], investigation_id=inv.pk, reason="再查")
    assert refused.value.status == 409
    with pytest.raises(ServiceError) as refused:  # the same period again
        services.settle(actor=people["approver"], contract_id=contract.pk,
                        data={"period_start": date(today.year, 1, 1), "period_end": today})
    assert refused.value.status == 409
    assert Settlement.objects.count() == 1
    assert AuditEvent.objects.filter(object_type__icontains="settlement").exists() or \
        AuditEvent.objects.filter(detail__contract=contract.number).exists()


def test_withdrawn_assignment_closes_and_the_case_may_be_assigned_anew(people, tree, contract):
    case = accepted_case(people, tree)
    inv = entrust(people, case)
    services.withdraw(actor=people["reviewer"], investigation_id=inv.pk, reason="机构人手不足")
    assert not Application.objects.visible_to(people["coordinator"]).exists()
    app = Application.objects.get(pk=case.pk)
    assert app.investigation_organisation is None and not app.investigators
    inv = entrust(people, case)
    assert inv.state == "assigned"


def test_no_contract_no_entrusting_and_the_cap_holds(people, tree, contract):
    case = accepted_case(people, tree)
    with pytest.raises(ServiceError) as refused:
        entrust(people, case, organisation=people["other"])
    assert refused.value.status == 422 and refused.value.errors[0]["path"] == "organisation_id"
    contract.cap = 1
    contract.save()
    entrust(people, case)
    with pytest.raises(ServiceError) as refused:
        entrust(people, accepted_case(people, tree, name="王五"))
    assert refused.value.errors[0]["path"] == "organisation_id"
    assert ContractedInvestigation.objects.count() == 1


def test_contract_input_is_checked_and_only_the_county_manages(people, contract):
    with pytest.raises(ServiceError) as refused:
        services.contract_create(actor=people["reviewer"], data={})
    assert refused.value.status == 403
    with pytest.raises(ServiceError) as refused:
        services.contract_create(actor=people["approver"], data={
            "number": "X2", "organisation_id": people["rujia"].pk, "starts_on": "2026-01-01",
            "ends_on": "2025-01-01", "price_fen": 20000})
    assert refused.value.errors[0]["path"] == "ends_on"
    with pytest.raises(ServiceError) as refused:
        services.contract_create(actor=people["approver"], data={
            "number": contract.number, "organisation_id": people["rujia"].pk,
            "starts_on": "2026-01-01", "ends_on": "2026-12-31", "price_fen": 20000})
    assert refused.value.status == 409

"""Demo of 政府购买家境调查: a contract of 示范县如家社会工作服务中心 (coordinator1, surveyor1)
at ¥200 a household with a ¥100,000 advance; a settled period (three accepted reports, one
of them returned and redone) and an open one (one accepted, one reported, one returned, one
with the surveyor, one just entrusted). Through the services; idempotent (by the contract's
number). ``load(stdout=None)``."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from jiuzhu.accounts.demo import demo_user
from jiuzhu.accounts.models import Organisation
from jiuzhu.core.errors import ServiceError

from . import services
from .models import Contract, ContractedInvestigation

NUMBER = "XH-DEMO-001"
ORGANISATION = "示范县如家社会工作服务中心"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c636460f80f0001040100a5f2a8d80000000049454e44ae426082")
SIGN = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="

#: what happens to each demo case: (settled period?, steps)
PLAN = [
    (True, ("surveyor", "report", "accept")),
    (True, ("surveyor", "report", "return", "report", "accept")),  # rework billed once
    (True, ("surveyor", "report", "accept")),
    (False, ("surveyor", "report", "accept")),
    (False, ("surveyor", "report")),
    (False, ("surveyor", "report", "return")),
    (False, ("surveyor",)),
    (False, ()),
]


def _say(stdout: Any, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


def _record(surveyor: Any, application_id: int, on: date) -> None:
    from jiuzhu.applications.services import application_act

    application_act(actor=surveyor, application_id=application_id, action="record_investigation",
                    today=on, data={
                        "investigators": [str(surveyor), "江海"],
                        "location": {"lat": 34.2658, "lng": 108.9541}, "visited_on": on.isoformat(),
                        "signatures": {"investigator_1": SIGN, "investigator_2": SIGN,
                                       "applicant": SIGN},
                        "neighbour_visits": [{"name": "邻居王大姐", "relation": "邻居",
                                              "statement": "家里确实困难，情况属实"}],
                        "findings": "入户查看住房、家电、收入来源，与申报一致"},
                    files=[("入户照片", "入户照片.png", PNG)])


def load(stdout: Any = None) -> int:
    """Load the demo contract and its cases; returns how many cases were added."""
    from jiuzhu.applications.procedure import procedure_for
    from jiuzhu.applications.services import application_act, application_create
    from jiuzhu.households.models import Household

    if Contract.objects.filter(number=NUMBER).exists():
        return 0
    approver, reviewer = demo_user("approver1"), demo_user("reviewer1")
    window, coordinator = demo_user("window1"), demo_user("coordinator1")
    surveyor = demo_user("surveyor1")
    organisation = Organisation.objects.filter(name=ORGANISATION).first()
    if approver is None or reviewer is None or window is None or coordinator is None \
            or surveyor is None or organisation is None or window.region is None:
        _say(stdout, "contracts demo: demo users or organisation missing, skipped")
        return 0
    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    starts = (last_month - timedelta(days=1)).replace(day=1)
    ends = date(starts.year + 1, starts.month, 1) - timedelta(days=1)
    settled_on = last_month + timedelta(days=9)
    added = 0
    with transaction.atomic():
        contract = services.contract_create(actor=approver, data={
            "number": NUMBER, "organisation_id": organisation.pk, "region_code": "990102",
            "starts_on": starts, "ends_on": ends, "price_fen": 20000, "advance_fen": 10000000,
            "funding_source": "budget"})
        families = list(Household.objects.visible_to(reviewer)
                        .filter(status="active", applications__isnull=True)
                        .order_by("household_id")[:len(PLAN)])
        materials = procedure_for(window.region.code).materials
        for family, (settled, steps) in zip(families, PLAN, strict=False):
            try:
                case = application_create(actor=window, household=family, item_code="MZ01",
                                          channel="window",
                                          files=[(m, f"{m}.pdf", PDF) for m in materials])
                application_act(actor=window, application_id=case.pk, action="accept", data={})
                application_act(actor=reviewer, application_id=case.pk,
                                action="assign_investigation",
                                data={"organisation_id": organisation.pk})
            except ServiceError as error:
                _say(stdout, f"contracts demo: {family.household_id} skipped ({error.message})")
                continue
            inv = ContractedInvestigation.objects.get(application=case)
            on = settled_on if settled else today
            for step in steps:
                if step == "surveyor":
                    services.assign_surveyor(actor=coordinator, investigation_id=inv.pk,
                                             surveyor_id=surveyor.pk)
                elif step == "report":
                    _record(surveyor, case.pk, on)
                elif step == "return":
                    services.return_report(actor=reviewer, investigation_id=inv.pk,
                                           reason="邻里访问记录不全，请补充两户邻居的证言")
                elif step == "accept":
                    services.accept(actor=reviewer, investigation_id=inv.pk, today=on)
            if settled:
                # the settled period's cases were entrusted in it, not today: their history
                # dated back so the follow list shows the working days they took
                at = timezone.make_aware(datetime.combine(on, time(9)))
                ContractedInvestigation.objects.filter(pk=inv.pk).update(
                    assigned_at=at - timedelta(days=12),
                    investigator_assigned_at=at - timedelta(days=11),
                    reported_at=at - timedelta(days=4))
            added += 1
        services.settle(actor=approver, contract_id=contract.pk, data={
            "period_start": starts, "period_end": this_month - timedelta(days=1)})
    _say(stdout, f"contracts demo: contract {NUMBER}, {added} cases")
    return added

"""Reads of 政府购买家境调查, always through ``visible_to`` (scopes for outside users)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.core.access import not_visible

from .choices import OPEN_STATES
from .choices import InvestigationState as St
from .models import Contract, ContractedInvestigation, Settlement


def contracts_visible_to(user: Any) -> Any:
    return (Contract.objects.visible_to(user).select_related("organisation", "region")
            .annotate(investigation_count=Count("investigations", filter=~Q(
                investigations__state=St.WITHDRAWN)))
            .order_by("-starts_on", "-id"))


def contract_get(*, user: Any, pk: int) -> Contract:
    contract = contracts_visible_to(user).filter(pk=pk).first()
    if contract is None:
        raise not_visible(user, Contract, _("合同不存在"), pk=pk)
    return contract


def settlement_get(*, user: Any, pk: int) -> Settlement:
    settlement = (Settlement.objects.visible_to(user)
                  .select_related("contract", "contract__organisation").filter(pk=pk).first())
    if settlement is None:
        raise not_visible(user, Settlement, _("结算不存在"), pk=pk)
    return settlement


def investigations_visible_to(user: Any) -> Any:
    return (ContractedInvestigation.objects.visible_to(user)
            .select_related("application", "application__household",
                            "application__household__region", "organisation", "investigator",
                            "contract"))


def investigation_get(*, user: Any, pk: int) -> ContractedInvestigation:
    investigation = investigations_visible_to(user).filter(pk=pk).first()
    if investigation is None:
        raise not_visible(user, ContractedInvestigation, _("委托调查不存在"), pk=pk)
    return investigation


def follow_list(user: Any, *, state: str = "", open_only: bool = False) -> Any:
    """委托调查跟踪: every contracted case the user sees, red first, then the oldest."""
    qs = investigations_visible_to(user).with_alert()
    if state:
        qs = qs.filter(state=state)
    if open_only:
        qs = qs.filter(state__in=OPEN_STATES)
    return qs.order_by("alert_rank", "assigned_at", "pk")


def days_used(investigation: ContractedInvestigation, today: date | None = None) -> int:
    """Calendar days from the assignment to the acceptance (or today while open)."""
    today = today or timezone.localdate()
    start = timezone.localtime(investigation.assigned_at).date()
    end = investigation.accepted_on or (
        timezone.localtime(investigation.closed_at).date() if investigation.closed_at else today)
    return max(0, (end - start).days)


def step_label(investigation: ContractedInvestigation) -> str:
    """Where the case stands: the investigation's state, and the case's step."""
    return f"{investigation.get_state_display()} · {investigation.application.get_state_display()}"


def surveyors_of(organisation_id: int | None) -> list[Any]:
    """The organisation's active surveyors (the coordinator's choice)."""
    from jiuzhu.accounts.models import User

    if not organisation_id:
        return []
    return list(User.objects.filter(role="surveyor", is_active=True,
                                    organisation_id=organisation_id).order_by("full_name", "pk"))


@dataclass
class StatementRow:
    number: str
    head_name: str
    village: str
    accepted_on: date | None
    returns: int
    price_fen: int


def statement_rows(settlement: Settlement) -> list[StatementRow]:
    """Each household once (one investigation per case; a reworked report is one row)."""
    rows: dict[int, StatementRow] = {}
    for inv in (settlement.investigations.select_related(
            "application", "application__household", "application__household__region")
            .order_by("application__household__region__path", "accepted_on", "pk")):
        household = inv.application.household
        rows.setdefault(household.pk, StatementRow(
            number=inv.application.number, head_name=household.head_name,
            village=household.region.name, accepted_on=inv.accepted_on,
            returns=inv.return_count, price_fen=settlement.price_fen))
    return list(rows.values())

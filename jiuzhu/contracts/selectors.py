"""Reads of 政府购买家境调查, always through ``visible_to`` (scopes for outside users)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.calendars.selectors import WorkCalendar, calendar_window, working_days_between
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


def _span(investigation: ContractedInvestigation, today: date) -> tuple[date, date]:
    """The assignment's date and the day it ended: accepted (the acceptance date, kept when
    it is settled), taken back, or today while open. An acceptance recorded on a date before
    the assignment (entered afterwards) ends on the day it was actually accepted."""
    start = timezone.localtime(investigation.assigned_at).date()
    if investigation.accepted_on is not None:
        end = investigation.accepted_on
        if end < start and investigation.accepted_at is not None:
            end = timezone.localtime(investigation.accepted_at).date()
    elif investigation.closed_at is not None:
        end = timezone.localtime(investigation.closed_at).date()
    else:
        end = today
    return start, end


def days_used(investigation: ContractedInvestigation, today: date | None = None, *,
              calendar: WorkCalendar | None = None) -> int:
    """Working days (工作日, the official calendar: weekends and holidays not counted, make-up
    Saturdays counted) from the assignment to the acceptance — what an accepted or settled
    case took, it no longer grows — or to today while it is open."""
    start, end = _span(investigation, today or timezone.localdate())
    return working_days_between(start, end, calendar=calendar)


def days_used_all(cases: list[ContractedInvestigation],
                  today: date | None = None) -> list[int]:
    """``days_used`` of many cases with one read of the calendar."""
    today = today or timezone.localdate()
    spans = [_span(c, today) for c in cases]
    if not spans:
        return []
    window = calendar_window(min(a for a, _b in spans), max(max(b for _a, b in spans), today))
    return [working_days_between(a, b, calendar=window) for a, b in spans]


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

"""Reads of the funds: balances, what is available, which fund pays a township's help,
what a case has had, ledgers and statements. A fund is read through ``visible_to``: outside
the user's subtree it is 'not found' like a missing one."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Sum
from django.utils.translation import gettext as _

from jiuzhu.core.access import get_visible
from jiuzhu.regions.models import Region

from .choices import EntryKind, FundKind, IncomeSource, ReplenishmentState
from .models import Fund, LedgerEntry, Replenishment


def _sum(qs: QuerySet[LedgerEntry]) -> int:
    return int(qs.aggregate(total=Sum("amount_fen"))["total"] or 0)


def computed_balance_fen(fund: Fund, *, before: date | None = None,
                         until: date | None = None) -> int:
    """Σ income + recovery − allocation − payment from the entries (reversals included)."""
    entries = fund.entries.all()
    if before is not None:
        entries = entries.filter(on__lt=before)
    if until is not None:
        entries = entries.filter(on__lte=until)
    adding = _sum(entries.filter(kind__in=[EntryKind.INCOME, EntryKind.RECOVERY]))
    taking = _sum(entries.filter(kind__in=[EntryKind.ALLOCATION, EntryKind.PAYMENT]))
    return adding - taking


def open_commitments(fund: Fund | None = None, *, until: date | None = None
                     ) -> QuerySet[LedgerEntry]:
    """Commitments no payment or release names (as of the end of ``until``)."""
    closings = LedgerEntry.objects.filter(commitment=OuterRef("pk"))
    if until is not None:
        closings = closings.filter(on__lte=until)
    qs = LedgerEntry.objects.filter(kind=EntryKind.COMMITMENT)
    if fund is not None:
        qs = qs.filter(fund=fund)
    if until is not None:
        qs = qs.filter(on__lte=until)
    return qs.filter(~Exists(closings))


def computed_committed_fen(fund: Fund) -> int:
    return _sum(open_commitments(fund))


def balance(fund: Fund) -> int:
    """The fund's balance in fen (kept on the row by the services)."""
    return fund.balance_fen


def available(fund: Fund) -> int:
    """Balance − open commitments, in fen; never below zero."""
    return fund.balance_fen - fund.committed_fen


def _ancestor_codes(region: Region) -> list[str]:
    return [code for code in region.path.split("/") if code]


def reserve_for(township: Region) -> Fund | None:
    """The reserve (备用金) of ``township`` (or of the township a village or grid lies in)."""
    return (Fund.objects.filter(kind=FundKind.RESERVE, region__code__in=_ancestor_codes(township))
            .order_by("-region__path").first())


def county_fund_for(region: Region) -> Fund | None:
    """The nearest fund (救急难基金) of ``region`` or of a region above it: the county's for
    a township, a village or the county itself."""
    return (Fund.objects.filter(kind=FundKind.FUND, region__code__in=_ancestor_codes(region))
            .order_by("-region__path").first())


def case_total_fen(case_id: int) -> int:
    """What a case has had from every fund: open commitments + payments, net of
    releases (a released commitment is no longer open) and reversals (negative payments)."""
    committed = _sum(open_commitments().filter(case_id=case_id))
    paid = _sum(LedgerEntry.objects.filter(kind=EntryKind.PAYMENT, case_id=case_id))
    return committed + paid


def funds_visible_to(user: Any) -> QuerySet[Fund]:
    return Fund.objects.visible_to(user).select_related("region", "parent")


def fund_get(*, user: Any, pk: int) -> Fund:
    """The fund ``pk`` when ``user`` may see it; otherwise 'not found' (404)."""
    return get_visible(funds_visible_to(user), user, message=_("基金不存在"), pk=pk)


def entry_get(*, user: Any, pk: int) -> LedgerEntry:
    qs = LedgerEntry.objects.select_related("fund", "fund__region", "created_by")
    return get_visible(qs, user, message=_("台账分录不存在"), pk=pk)


def ledger(fund: Fund) -> QuerySet[LedgerEntry]:
    """The fund's entries, newest first."""
    return (fund.entries.select_related("created_by", "township", "reverses", "commitment",
                                        "counterpart__fund")
            .annotate(reversed=Exists(LedgerEntry.objects.filter(reverses=OuterRef("pk"))),
                      closed=Exists(LedgerEntry.objects.filter(commitment=OuterRef("pk"))))
            .order_by("-on", "-id"))


def replenishments_visible_to(user: Any) -> QuerySet[Replenishment]:
    return (Replenishment.objects.visible_to(user)
            .select_related("reserve", "reserve__region", "requested_by", "decided_by",
                            "allocation"))


def replenishment_get(*, user: Any, pk: int) -> Replenishment:
    return get_visible(replenishments_visible_to(user), user, message=_("补充申请不存在"), pk=pk)


def unreplenished_payments(reserve: Fund) -> QuerySet[LedgerEntry]:
    """The reserve's payments (and reversals of payments) not yet part of a replenishment
    request that is pending or approved: what the next request lists."""
    claimed = Replenishment.objects.filter(
        payments=OuterRef("pk"),
        state__in=[ReplenishmentState.REQUESTED, ReplenishmentState.APPROVED])
    return (reserve.entries.filter(kind=EntryKind.PAYMENT).filter(~Exists(claimed))
            .select_related("township").order_by("on", "id"))


# --- statements ------------------------------------------------------------------------------


@dataclass
class Statement:
    """A fund's statement (收支报表) for a period: every amount in fen."""

    fund: Fund
    start: date
    end: date
    opening_fen: int = 0
    income_by_source: dict[str, int] = field(default_factory=dict)
    income_fen: int = 0
    recovery_fen: int = 0
    allocation_fen: int = 0
    allocations: list[tuple[str, int]] = field(default_factory=list)  # (target name, fen)
    payments: list[tuple[str, str, int]] = field(default_factory=list)  # township, level, fen
    payment_fen: int = 0
    open_commitment_fen: int = 0
    open_commitment_count: int = 0
    closing_fen: int = 0

    @property
    def adds_up(self) -> bool:
        return self.closing_fen == (self.opening_fen + self.income_fen + self.recovery_fen
                                    - self.allocation_fen - self.payment_fen)


def statement(fund: Fund, start: date, end: date) -> Statement:
    """Opening balance, income by source, recoveries, allocations, payments by township and
    level, commitments still open at the end, closing balance."""
    result = Statement(fund=fund, start=start, end=end)
    result.opening_fen = computed_balance_fen(fund, before=start)
    period = fund.entries.filter(on__gte=start, on__lte=end)
    by_source = {row["source"]: int(row["total"] or 0) for row in
                 period.filter(kind=EntryKind.INCOME).values("source").annotate(
                     total=Sum("amount_fen"))}
    result.income_by_source = {source.value: by_source.get(source.value, 0)
                               for source in IncomeSource}
    result.income_fen = sum(result.income_by_source.values())
    result.recovery_fen = _sum(period.filter(kind=EntryKind.RECOVERY))
    allocations: dict[str, int] = defaultdict(int)
    for entry in period.filter(kind=EntryKind.ALLOCATION).select_related("counterpart__fund"):
        target = entry.counterpart.fund.name if entry.counterpart else ""
        allocations[target] += entry.amount_fen
    result.allocations = sorted(allocations.items())
    result.allocation_fen = sum(allocations.values())
    payments: dict[tuple[str, str], int] = defaultdict(int)
    for row in (period.filter(kind=EntryKind.PAYMENT).values("township__name", "level")
                .annotate(total=Sum("amount_fen"))):
        payments[(row["township__name"] or "", row["level"] or "")] += int(row["total"] or 0)
    result.payments = sorted((town, level, total) for (town, level), total in payments.items())
    result.payment_fen = sum(payments.values())
    still_open = open_commitments(fund, until=end)
    result.open_commitment_fen = _sum(still_open)
    result.open_commitment_count = still_open.count()
    result.closing_fen = computed_balance_fen(fund, until=end)
    return result


def fund_totals(funds: list[Fund]) -> dict[str, int]:
    return {"balance": sum(f.balance_fen for f in funds),
            "committed": sum(f.committed_fen for f in funds),
            "available": sum(f.available_fen for f in funds)}


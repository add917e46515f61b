"""Reads of the points ledger and the supermarket, always through ``visible_to`` (or, for
the county-wide summary, the ledgers of the counties the user belongs to)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from jiuzhu.core.access import sees_everything
from jiuzhu.regions.choices import RegionLevel
from jiuzhu.regions.models import Region

from .choices import HOLDER_KINDS, AccountKind, EntryKind, MoveKind
from .models import Good, PointAccount, PointEntry, Redemption, StockMove


def accounts_for(user: Any, *, kind: str = "", q: str = "") -> QuerySet[PointAccount]:
    """The holder accounts (volunteers, families, supermarkets) the user may see."""
    qs = PointAccount.objects.visible_to(user).filter(kind__in=list(HOLDER_KINDS))
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.select_related("region", "user", "ledger").order_by("kind", "-balance", "name", "pk")


def own_accounts(user: Any) -> QuerySet[PointAccount]:
    """A volunteer's own accounts (one per county ledger)."""
    if not getattr(user, "pk", None):
        return PointAccount.objects.none()
    return PointAccount.objects.visible_to(user).filter(user=user,
                                                        kind=AccountKind.VOLUNTEER)


def entries_of(account: PointAccount) -> QuerySet[PointEntry]:
    return (PointEntry.objects.filter(Q(debit=account) | Q(credit=account))
            .select_related("debit", "credit", "created_by", "redemption")
            .order_by("-on", "-id"))


def computed_balance(account: PointAccount) -> int:
    """The balance by the entries (credits − debits): equals ``account.balance``."""
    credits = PointEntry.objects.filter(credit=account).aggregate(s=Sum("amount"))["s"] or 0
    debits = PointEntry.objects.filter(debit=account).aggregate(s=Sum("amount"))["s"] or 0
    return int(credits - debits)


def ledgers_for(user: Any) -> list[Region]:
    """The counties whose ledgers a user's summary covers: the county of the user's region,
    or every county below it (a city, a province); every county for the system."""
    counties = Region.objects.filter(level=RegionLevel.COUNTY)
    if sees_everything(user):
        return list(counties)
    region = getattr(user, "region", None)
    if region is None:
        return []
    if region.level in (RegionLevel.PROVINCE, RegionLevel.CITY):
        return list(counties.within(region))
    return list(counties.filter(code=region.county_code))


def summary(user: Any) -> dict[str, int]:
    """``issued``, ``redeemed`` and ``balances_total`` over the ledgers of the user's region
    (points are kept per county, so a township's user sees its county's): issued − redeemed
    = balances_total, always."""
    ids = [c.pk for c in ledgers_for(user)]
    entries = PointEntry.objects.filter(ledger_id__in=ids)
    issued = entries.filter(kind=EntryKind.ISSUE).aggregate(s=Sum("amount"))["s"] or 0
    redeemed = entries.filter(kind=EntryKind.REDEEM).aggregate(s=Sum("amount"))["s"] or 0
    balances = (PointAccount.objects.filter(ledger_id__in=ids, kind__in=list(HOLDER_KINDS))
                .aggregate(s=Sum("balance"))["s"] or 0)
    return {"issued": int(issued), "redeemed": int(redeemed), "balances_total": int(balances)}


def goods_for(user: Any, *, q: str = "", region: Region | None = None) -> QuerySet[Good]:
    qs = Good.objects.visible_to(user).select_related("region")
    if region is not None:
        qs = qs.within(region)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.order_by("region_path", "name", "pk")


def moves_for(user: Any) -> QuerySet[StockMove]:
    return StockMove.objects.visible_to(user).select_related("good", "redemption__account",
                                                             "created_by")


def redemptions_for(user: Any) -> QuerySet[Redemption]:
    return Redemption.objects.visible_to(user).select_related("account", "region", "created_by")


def month_bounds(year: int, month: int) -> tuple[date, date]:
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1)
    return start, end


def statement(user: Any, year: int, month: int) -> dict[str, Any]:
    """The monthly statement of the supermarkets the user sees: per good, stock in
    (donations, purchases), out (redemptions) and points redeemed; with totals."""
    start, end = month_bounds(year, month)
    moves = moves_for(user).filter(on__gte=start, on__lt=end)
    rows: dict[int, dict[str, Any]] = {}
    for good in goods_for(user):
        rows[good.pk] = {"good": good, "donated": 0, "purchased": 0, "out": 0, "points": 0,
                         "stock": good.stock}
    for move in moves:
        row = rows.get(move.good_id)
        if row is None:
            continue
        if move.kind == MoveKind.DONATION:
            row["donated"] += move.quantity
        elif move.kind == MoveKind.PURCHASE:
            row["purchased"] += move.quantity
        else:
            row["out"] += move.quantity
            row["points"] += move.points
    lines = [r for r in rows.values() if r["donated"] or r["purchased"] or r["out"]]
    redemptions = redemptions_for(user).filter(on__gte=start, on__lt=end)
    return {
        "start": start, "end": end, "lines": lines,
        "donated": sum(r["donated"] for r in lines),
        "purchased": sum(r["purchased"] for r in lines),
        "out": sum(r["out"] for r in lines),
        "points": sum(r["points"] for r in lines),
        "redemptions": redemptions.count(),
        "donations": list(moves.filter(kind=MoveKind.DONATION).order_by("on", "pk")),
    }


def family_name(account: PointAccount, user: Any) -> str:
    """An account's name as ``user`` may read it: an outside user (a volunteer giving points)
    reads a family's account by its number only, never the head of the household's name."""
    if account.kind == AccountKind.FAMILY and getattr(user, "is_outside", False):
        return _("家庭账户 %(number)s") % {"number": account.pk}
    return account.name


def counterpart_name(entry: PointEntry, account: PointAccount, user: Any = None) -> str:
    """The other account of ``entry`` seen from ``account``, as ``user`` may read it."""
    other = entry.debit if entry.credit_id == account.pk else entry.credit
    return family_name(other, user)

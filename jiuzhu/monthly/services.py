"""Closing a month (月报关账): the figures of a county and of every township and village in
it are stored as they stand, with an audit event in the same transaction; a closed month
is never computed again (later corrections show in the next month with a note)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.audit.services import audit_record
from jiuzhu.core.access import require
from jiuzhu.core.errors import ErrorCode, ServiceError, field_error
from jiuzhu.regions.models import Region

from .models import MonthlyReport, ReportDraft
from .selectors import compute, compute_with_notes, month_add, month_first, notes_for


def _name(actor: Any) -> str:
    return (getattr(actor, "full_name", "") or getattr(actor, "username", "")
            or str(actor)) if actor is not None else ""


@transaction.atomic
def month_close(*, actor: Any, region: Region, month: date, today: date | None = None,
                notes: bool = True) -> MonthlyReport:
    """Close ``month`` for the county ``region``: its report and those of its townships and
    villages are stored unchangeable, each with its notes on the month before (差异说明;
    ``notes=False`` only where months are closed one after the other in one go, as the demo
    does: nothing can have changed in between). Only a month that has ended may be closed,
    and only once."""
    require(actor, region.path, "monthly.close", what=_("区划"))
    if region.level != "county":
        raise field_error("region", _("月报按县（区）关账，请选择县级区划"))
    month = month_first(month)
    today = today or timezone.localdate()
    if month >= month_first(today):
        raise field_error("month", _("%(year)s年%(month)s月尚未结束，不能关账")
                          % {"year": month.year, "month": f"{month.month:02d}"})
    # one closing of a county at a time: the second waits, then finds the month closed
    Region.objects.select_for_update().filter(pk=region.pk).exists()
    if MonthlyReport.objects.filter(region=region, month=month).exists():
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED,
                           _("%(region)s%(year)s年%(month)s月月报已关账")
                           % {"region": region.name, "year": month.year,
                              "month": f"{month.month:02d}"})
    now, name = timezone.now(), _name(actor)
    user = actor if getattr(actor, "pk", None) else None
    regions = [region, *Region.objects.within(region).filter(level__in=("township", "village"))
               .order_by("path")]
    closed = MonthlyReport.objects.filter(month=month, region__in=regions).values_list(
        "region_id", flat=True)
    done = set(closed)
    county_report: MonthlyReport | None = None
    for each in regions:
        if each.pk in done:
            continue
        figures = compute(each, month)
        figures["notes"] = notes_for(each, month) if notes else []
        report = MonthlyReport.objects.create(region=each, region_path=each.path, month=month,
                                              figures=figures, closed_at=now, closed_by=user,
                                              closed_by_name=name)
        if each.pk == region.pk:
            county_report = report
    assert county_report is not None
    ReportDraft.objects.filter(region=region, month=month).delete()  # the closing replaces it
    audit_record(actor=actor, action="create", obj=county_report, region_path=region.path,
                 detail={"action": "close_month", "month": f"{month:%Y-%m}",
                         "regions": len(regions) - len(done)})
    return county_report


# --- drafts of the months not closed -------------------------------------------------------


def draft_refresh(region: Region, month: date) -> ReportDraft | None:
    """Compute the county's 月报 of ``month`` now and keep it as its draft (none for a
    closed month)."""
    month = month_first(month)
    if MonthlyReport.objects.filter(region=region, month=month).exists():
        return None
    figures = compute_with_notes(region, month)
    figures.pop("closed", None)
    draft, _created = ReportDraft.objects.update_or_create(
        region=region, month=month, defaults={"region_path": region.path, "figures": figures,
                                              "computed_at": timezone.now()})
    return draft


def draft_recompute(*, actor: Any, region: Region, month: date) -> ReportDraft | None:
    """重新计算: a reader of the county's 月报 has its draft computed again now."""
    require(actor, region.path, "monthly.view", what=_("区划"))
    if region.level != "county":
        raise field_error("region", _("月报草稿按县（区）计算，请选择县级区划"))
    return draft_refresh(region, month)


def drafts_refresh_daily(today: date | None = None) -> int:
    """The daily task: every county's draft of last month and of this month (those not
    closed); drafts of older months are dropped (they are computed when asked)."""
    current = month_first(today or timezone.localdate())
    months = (month_add(current, -1), current)
    count = 0
    for county in Region.objects.filter(level="county").order_by("path"):
        for month in months:
            count += draft_refresh(county, month) is not None
    ReportDraft.objects.filter(month__lt=months[0]).delete()
    return count

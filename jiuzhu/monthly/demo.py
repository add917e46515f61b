"""The 统计月报 part of the demo county (called by ``jiuzhu.demo.loader``): every month of
the county's history before the current one is closed, oldest first, so each closed month
shows its stored figures and the months after carry their notes."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from jiuzhu.core.access import SYSTEM
from jiuzhu.payments.choices import PayrollStatus
from jiuzhu.payments.models import Payroll
from jiuzhu.regions.models import Region

from .models import MonthlyReport
from .selectors import month_add, month_first
from .services import month_close

COUNTY_CODE = "990102"


def months_to_close(county: Region, today: date | None = None) -> list[date]:
    """The months of the county's confirmed payrolls before the current month, not yet
    closed, oldest first (with every month between the first and the last)."""
    current = month_first(today or timezone.localdate())
    paid = sorted(set(Payroll.objects.within(county).filter(
        status=PayrollStatus.CONFIRMED, month__lt=current).values_list("month", flat=True)))
    if not paid:
        return []
    closed = set(MonthlyReport.objects.filter(region=county).values_list("month", flat=True))
    months, month = [], paid[0]
    while month < current:
        if month not in closed:
            months.append(month)
        month = month_add(month, 1)
    return months


def load(stdout: Any = None, *, today: date | None = None) -> int:
    """Idempotent; through the services. Returns how many months were closed."""
    county = Region.objects.filter(code=COUNTY_CODE).first()
    if county is None:
        return 0
    months = months_to_close(county, today)
    for month in months:
        month_close(actor=SYSTEM, region=county, month=month, today=today)
        if stdout is not None:
            stdout.write(f"月报关账 {county.name} {month:%Y-%m}\n")
    return len(months)

"""The 统计月报 part of the demo county (called by ``jiuzhu.demo.loader``): the last
:data:`CLOSED_MONTHS` months of the county's history before the current one are closed,
oldest first, so the 月报 opens on a closed month (last month) and the current month shows
the notes of any later correction. Closing stores the county's, its townships' and its
villages' reports (28 in the demo county), so closing all 24 months of history would make
the demo load (which runs in tests) minutes longer; ``load(months=None)`` closes them all."""

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
from .services import drafts_refresh_daily, month_close

COUNTY_CODE = "990102"
#: How many months before the current one the demo closes.
CLOSED_MONTHS = 3


def months_to_close(county: Region, today: date | None = None,
                    months: int | None = CLOSED_MONTHS) -> list[date]:
    """The months before the current one (the last ``months`` of them; None: from the
    county's first confirmed payroll on) not yet closed, oldest first."""
    current = month_first(today or timezone.localdate())
    paid = sorted(set(Payroll.objects.within(county).filter(
        status=PayrollStatus.CONFIRMED, month__lt=current).values_list("month", flat=True)))
    if not paid:
        return []
    closed = set(MonthlyReport.objects.filter(region=county).values_list("month", flat=True))
    first = paid[0] if months is None else max(paid[0], month_add(current, -months))
    months_out, month = [], first
    while month < current:
        if month not in closed:
            months_out.append(month)
        month = month_add(month, 1)
    return months_out


def load(stdout: Any = None, *, today: date | None = None,
         months: int | None = CLOSED_MONTHS) -> int:
    """Idempotent; through the services. Returns how many months were closed."""
    county = Region.objects.filter(code=COUNTY_CODE).first()
    if county is None:
        return 0
    todo = months_to_close(county, today, months)
    for number, month in enumerate(todo):
        # one month after the other, oldest first: the first may carry notes on an earlier
        # month closed before; the others follow a month closed a moment ago
        month_close(actor=SYSTEM, region=county, month=month, today=today, notes=number == 0)
        if stdout is not None:
            stdout.write(f"月报关账 {county.name} {month:%Y-%m}\n")
    drafts_refresh_daily(today)  # last month's and this month's drafts, as the night does
    return len(todo)

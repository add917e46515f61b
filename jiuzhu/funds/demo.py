"""Demo funds: 示范市救急难基金 (9901) and 示范县救急难基金 (990102) with a year (2026) of income
from every source (a donation with its donor and receipt number), and the reserves of the
county's three townships, each allocated ¥50,000 from the county fund. Everything goes
through the services as the system actor; loading twice adds nothing (a fund is found by
its region, an entry by its fund and voucher).

Called by the demo loader after the regions: ``load(stdout=None)``."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from jiuzhu.core.access import SYSTEM
from jiuzhu.regions.models import Region

from . import services
from .choices import FundKind
from .models import Fund, LedgerEntry

CITY, COUNTY = "9901", "990102"
TOWNSHIPS = ("990102001", "990102002", "990102003")
RESERVE_FEN = 5_000_000  # ¥50,000 a year per township

#: (fund region, source, yuan, day, voucher, donor, receipt number)
INCOME = [
    (CITY, "fiscal", 3_000_000, date(2026, 1, 8), "SCZ2026-001", "", ""),
    (CITY, "lottery", 800_000, date(2026, 3, 16), "SFC2026-001", "", ""),
    (CITY, "donation", 200_000, date(2026, 6, 18), "SJZ2026-001", "示范市慈善总会", "SJ2026000018"),
    (COUNTY, "fiscal", 1_200_000, date(2026, 1, 12), "XCZ2026-001", "", ""),
    (COUNTY, "lottery", 300_000, date(2026, 3, 20), "XFC2026-001", "", ""),
    (COUNTY, "poverty", 200_000, date(2026, 4, 10), "XFP2026-001", "", ""),
    (COUNTY, "donation", 88_888, date(2026, 5, 12), "XJZ2026-001", "示范县爱心企业联合会",
     "JZ2026000001"),
    (COUNTY, "social", 36_500, date(2026, 9, 1), "XSH2026-001", "", ""),
    (COUNTY, "fiscal", 600_000, date(2026, 7, 6), "XCZ2026-002", "", ""),
]
ALLOCATED_ON = date(2026, 1, 20)


def _say(stdout: Any, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _fund(name: str, region: Region, kind: str = FundKind.FUND,
          parent: Fund | None = None) -> tuple[Fund, bool]:
    fund = Fund.objects.filter(region=region, kind=kind).first()
    if fund is not None:
        return fund, False
    return services.fund_create(actor=SYSTEM, name=name, region=region, kind=kind,
                                parent=parent), True


def load(stdout: Any = None) -> dict[str, int]:
    """Load (or complete) the demo funds; returns how many funds and entries were added."""
    regions = {r.code: r for r in Region.objects.filter(code__in=(CITY, COUNTY, *TOWNSHIPS))}
    if CITY not in regions or COUNTY not in regions:
        _say(stdout, "救急难基金：没有示范市、示范县区划，跳过")
        return {"funds": 0, "entries": 0}
    today = timezone.localdate()
    added = {"funds": 0, "entries": 0}
    with transaction.atomic():
        city, new = _fund("示范市救急难基金", regions[CITY])
        added["funds"] += new
        county, new = _fund("示范县救急难基金", regions[COUNTY], parent=city)
        added["funds"] += new
        funds = {CITY: city, COUNTY: county}
        for code, source, yuan, on, voucher, donor, receipt in INCOME:
            fund = funds[code]
            if on > today or fund.entries.filter(voucher=voucher).exists():
                continue
            services.record_income(actor=SYSTEM, fund=fund, amount_fen=yuan * 100,
                                   source=source, on=on, voucher=voucher, donor=donor,
                                   receipt_number=receipt)
            added["entries"] += 1
        for number, code in enumerate(TOWNSHIPS, start=1):
            town = regions.get(code)
            if town is None:
                continue
            reserve, new = _fund(f"{town.name}备用金", town, FundKind.RESERVE, parent=county)
            added["funds"] += new
            voucher = f"XHB2026-{number:03d}"
            if (today >= ALLOCATED_ON and not LedgerEntry.objects.filter(
                    fund=county, voucher=voucher).exists()):
                services.allocate(actor=SYSTEM, fund=county, reserve=reserve,
                                  amount_fen=RESERVE_FEN, on=ALLOCATED_ON, voucher=voucher,
                                  note="2026 年度乡镇备用金")
                added["entries"] += 2
    _say(stdout, f"救急难基金：新增基金 {added['funds']} 个，台账分录 {added['entries']} 笔")
    return added

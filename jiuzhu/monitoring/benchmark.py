"""``jiuzhu bench_dashboard``: N synthetic households with 24 months of history in a scratch
province (98 基准省: 4 counties × 10 townships × 10 villages), written in bulk on the
configured database; then the snapshots are refreshed and the province and county
dashboards (and the 月报, when the monthly app has it) are timed. Removed afterwards unless
``keep``."""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from jiuzhu.applications.models import Application
from jiuzhu.assessments.models import Standing
from jiuzhu.core.access import SYSTEM
from jiuzhu.households.models import Household, Member
from jiuzhu.payments.models import Payment, Payroll
from jiuzhu.regions.models import Region
from jiuzhu.regions.services import region_get_or_create

from . import selectors, services
from .models import MonthlySnapshot

COUNTIES, TOWNS, VILLAGES = 4, 10, 10
RECEIVING_SHARE = 0.08
ITEMS = ("MZ01", "MZ01", "MZ01", "MZ03", "MZ02")


def _tree() -> tuple[Region, list[Region], list[Region], list[Region]]:
    province = region_get_or_create(code="98", name="基准省", level="province")
    city = region_get_or_create(code="9801", name="基准市", level="city", parent=province)
    counties, towns, villages = [], [], []
    for c in range(1, COUNTIES + 1):
        county = region_get_or_create(code=f"9801{c:02d}", name=f"基准{c}县", level="county",
                                      parent=city)
        counties.append(county)
        for t in range(1, TOWNS + 1):
            town = region_get_or_create(code=f"{county.code}{t:03d}", name=f"基准{c}县{t}镇",
                                        level="township", parent=county)
            towns.append(town)
            for v in range(1, VILLAGES + 1):
                villages.append(region_get_or_create(
                    code=f"{town.code}{v:03d}", name=f"{town.name}{v}村", level="village",
                    parent=town, area_type="urban" if v <= 3 else "rural"))
    return province, counties, towns, villages


def _remove(province: Region) -> None:
    with transaction.atomic():
        households = Household.objects.within(province)
        Payment.objects.filter(application__household__in=households).delete()
        Payroll.objects.within(province).delete()
        Application.objects.filter(household__in=households).delete()
        Standing.objects.filter(household__in=households).delete()
        Member.objects.filter(household__in=households).delete()
        MonthlySnapshot.objects.within(province).delete()
        from jiuzhu.monthly.models import ReportDraft

        ReportDraft.objects.within(province).delete()
        from .models import RefreshRun

        RefreshRun.objects.within(province).delete()
        households.delete()


def _generate(n: int, villages: list[Region], towns: list[Region], today: date,
              chunk: int = 20_000) -> dict[str, int]:
    rng = random.Random(13)
    now = timezone.now()
    month = today.replace(day=1)
    months = [selectors.add_months(month, -k) for k in range(23, -1, -1)]
    town_of: dict[int, int | None] = {v.pk: v.parent_id for v in villages}
    town_path = {t.pk: t.path for t in towns}
    payrolls: dict[tuple[int, date], int] = {}
    for town in towns:
        for m in months:
            payrolls[(town.pk, m)] = Payroll.objects.create(
                township=town, region_path=town.path, month=m, status="confirmed",
                generated_at=now, count=0).pk
    counts = {"households": 0, "applications": 0, "payments": 0}
    for start in range(0, n, chunk):
        size = min(chunk, n - start)
        batch = []
        for i in range(start, start + size):
            village = villages[i % len(villages)]
            batch.append(Household(
                household_id=f"B{i:08d}", region=village, region_path=village.path,
                area_type=village.area_type or "rural", assessment_date=today,
                head_name=f"基准户{i}", member_count=rng.randint(1, 5)))
        with transaction.atomic():
            Household.objects.bulk_create(batch, batch_size=5000)
            if connection.vendor != "postgresql" or batch[0].pk is None:
                ids = dict(Household.objects.filter(
                    household_id__in=[h.household_id for h in batch]).values_list(
                    "household_id", "pk"))
                for h in batch:
                    h.pk = ids[h.household_id]
            Standing.objects.bulk_create([Standing(
                household_id=h.pk, region_path=h.region_path, assessment_date=today,
                parameters_effective=today, rules_version="bench", eligible=False,
                benefit_fen=0, per_capita_fen=rng.randint(20_000, 200_000),
                circle=rng.choice((0, 0, 1, 2, 3, 4)), index_hundredths=rng.randint(0, 10_000),
                vetoes=1 if rng.random() < 0.02 else 0, assessed_at=now) for h in batch],
                batch_size=5000)
            apps = []
            for h in batch:
                if rng.random() >= RECEIVING_SHARE:
                    continue
                number = f"BQ{h.pk:09d}"
                town_id = int(town_of[h.region_id] or 0)
                first = months[rng.randint(0, 20)]
                apps.append(Application(
                    number=number, query_code=f"B{h.pk:010d}"[-12:], household_id=h.pk,
                    item_code=rng.choice(ITEMS), channel="window", state="in_payment",
                    region_id=town_id, region_path=town_path[town_id], step="none",
                    step_started_on=first, start_month=first,
                    decided_at=now - timedelta(days=(today - first).days)))
            Application.objects.bulk_create(apps, batch_size=5000)
            # the members of the receiving households (the 月报 counts their persons)
            members = []
            sizes = {h.pk: h.member_count for h in batch}
            for a in apps:
                for k in range(sizes[a.household_id]):
                    born = date(1940 + rng.randint(0, 80), rng.randint(1, 12), rng.randint(1, 28))
                    members.append(Member(
                        household_id=a.household_id, position=k, member_id=f"M{k + 1}",
                        name=f"基准成员{a.household_id}-{k + 1}",
                        id_number=f"980101{born:%Y%m%d}{k:03d}{rng.randint(0, 9)}",
                        relation="head" if k == 0 else "child", birth_date=born,
                        health="healthy" if rng.random() < 0.9 else "moderate_disability",
                        occupation="farming"))
            Member.objects.bulk_create(members, batch_size=5000)
            if connection.vendor != "postgresql" or (apps and apps[0].pk is None):
                ids = dict(Application.objects.filter(
                    number__in=[a.number for a in apps]).values_list("number", "pk"))
                for a in apps:
                    a.pk = ids[a.number]
            payments = []
            for a in apps:
                if a.item_code == "MZ02":
                    continue
                amount = rng.randint(30_000, 90_000)
                for m in months:
                    if m >= (a.start_month or months[0]):
                        payments.append(Payment(
                            application_id=a.pk, payroll_id=payrolls[(a.region_id, m)], month=m,
                            amount=amount / 100, township_id=a.region_id,
                            region_path=a.region_path))
            Payment.objects.bulk_create(payments, batch_size=5000)
        counts["households"] += size
        counts["applications"] += len(apps)
        counts["payments"] += len(payments)
        counts["members"] = counts.get("members", 0) + len(members)
    return counts


def _timed(fn: Any, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return round(1000 * sorted(times)[len(times) // 2], 1)


def bench_dashboard(n: int, *, keep: bool = False, reuse: bool = False,
                    stdout: Any = None) -> dict[str, Any]:
    """``reuse``: time the data kept by an earlier ``keep`` run of the same size (no
    generation)."""
    today = timezone.localdate()
    province, counties, towns, villages = _tree()
    t0 = time.perf_counter()
    if reuse and Household.objects.within(province).count() == n:
        counts = {"households": n, "applications": Application.objects.within(province).count(),
                  "payments": Payment.objects.within(province).count(), "reused": 1}
    else:
        _remove(province)
        counts = _generate(n, villages, towns, today)
    generated = time.perf_counter() - t0
    if stdout:
        stdout.write(f"generated {counts} in {generated:.1f} s\n")
    t1 = time.perf_counter()
    snapshots = 0
    rollup = selectors.Rollup(SYSTEM, province)  # as the daily refresh: one pass
    for region in selectors.refresh_regions(province):
        t = time.perf_counter()
        services.snapshot_save(region, rollup=rollup)
        snapshots += 1
        if stdout:
            stdout.write(f"snapshot {region.code} {time.perf_counter() - t:.1f} s\n")
    refreshed = time.perf_counter() - t1
    county = counties[0]
    result: dict[str, Any] = {
        "benchmark": "dashboard", "database": connection.vendor, **counts,
        "generate_s": round(generated, 1), "snapshots": snapshots,
        "refresh_s": round(refreshed, 1),
        "province_ms": _timed(lambda: selectors.figures(SYSTEM, province)),
        "county_ms": _timed(lambda: selectors.figures(SYSTEM, county)),
        "township_ms": _timed(lambda: selectors.figures(SYSTEM, towns[0])),
        "village_live_ms": _timed(lambda: selectors.figures(SYSTEM, villages[0]), repeat=3),
    }
    try:
        from jiuzhu.monthly import selectors as monthly
    except ImportError:
        monthly = None  # type: ignore[assignment]
    if monthly is not None and hasattr(monthly, "report"):
        from jiuzhu.monthly.models import ReportDraft
        from jiuzhu.monthly.services import draft_refresh

        month = selectors.add_months(today.replace(day=1), -1)
        result["monthly_county_live_ms"] = _timed(
            lambda: monthly.report(county, month, live=True), repeat=1)
        t2 = time.perf_counter()
        for each in counties:  # the nightly drafts of the 月报 (last month)
            draft_refresh(each, month)
        result["monthly_drafts_s"] = round(time.perf_counter() - t2, 1)
        result["monthly_county_ms"] = _timed(lambda: monthly.report(county, month))
        result["monthly_province_ms"] = _timed(lambda: monthly.report(province, month))
        ReportDraft.objects.within(province).delete()
    if not keep:
        _remove(province)
    return result

"""Benchmark: batch re-assessment of N registered households, end to end.

Synthetic households (``jiuzhu.rules.synthetic``, fixed seed) are written into the
registry tables in bulk under a benchmark township of the demo county, then one
``BatchRun`` reads them from the database, assesses them and writes their standings —
the path a real province takes. The standings are checked against the engine run on the
same arrays in memory, and the benchmark rows are removed afterwards.
"""

from __future__ import annotations

import json
import resource
import time
from datetime import date
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from jiuzhu.core.access import SYSTEM
from jiuzhu.core.crypto import blind_index, encrypt
from jiuzhu.households.choices import FLAG_NAMES
from jiuzhu.households.models import Household
from jiuzhu.regions.models import Region
from jiuzhu.regions.services import region_get_or_create
from jiuzhu.rules import vocabulary as v
from jiuzhu.rules.batch import HouseholdBatch
from jiuzhu.rules.synthetic import generate

BENCH_DATE = date(2026, 6, 30)
CHUNK = 50_000


def bench_village() -> Region:
    province = region_get_or_create(code="99", name="示范省", level="province")
    city = region_get_or_create(code="9901", name="示范市", level="city", parent=province)
    county = region_get_or_create(code="990102", name="示范县", level="county", parent=city)
    town = region_get_or_create(code="990102099", name="基准测试镇", level="township",
                                parent=county)
    return region_get_or_create(code="990102099001", name="基准测试村", level="village",
                                parent=town, area_type="rural")


def _write(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _yuan_fen(values: np.ndarray) -> list[int]:
    return values.astype(np.int64).tolist()


def _iso(values: np.ndarray) -> list[str]:
    return [f"{d // 10000:04d}-{d // 100 % 100:02d}-{d % 100:02d}" for d in values.tolist()]


def _sealed(numbers: list[str]) -> tuple[list[str], list[str]]:
    """ID numbers as the registry stores them: SM4-encrypted, with their blind index."""
    return [encrypt(n) for n in numbers], [blind_index(n) for n in numbers]


def insert_households(batch: HouseholdBatch, village: Region, first_pk: int) -> None:
    """Write the batch into the registry tables (households, members, supporters, vehicles)."""
    n = len(batch)
    now = timezone.now()
    members = batch.member_count
    for start in range(0, n, CHUNK):
        stop = min(n, start + CHUNK)
        idx = np.arange(start, stop)
        pks = (first_pk + idx).tolist()
        quantity = {name: (getattr(batch, f"{name}_floor")[idx] // 100).tolist()
                    for name in ("housing_area", "livestock", "land")}
        rows = list(zip(
            pks, [f"B{first_pk + i:09d}" for i in idx.tolist()], [village.pk] * len(idx),
            [village.path] * len(idx),
            ["rural" if r else "urban" for r in batch.rural[idx].tolist()],
            [BENCH_DATE] * len(idx), ["active"] * len(idx), ["基准"] * len(idx),
            members[idx].tolist(),
            *(_yuan_fen(getattr(batch, k)[idx]) for k in
              ("medical", "education", "insurance_premiums", "other_rigid")),
            batch.homes_owned[idx].tolist(),
            [f"{a // 100}.{a % 100:02d}" for a in quantity["housing_area"]],
            batch.dilapidated_housing[idx].tolist(), _yuan_fen(batch.financial_assets[idx]),
            batch.business_registration[idx].tolist(), _yuan_fen(batch.large_machinery_value[idx]),
            [f"{a // 100}.{a % 100:02d}" for a in quantity["livestock"]],
            [f"{a // 100}.{a % 100:02d}" for a in quantity["land"]],
            _yuan_fen(batch.commercial_insurance_premium[idx]), _yuan_fen(batch.debts[idx]),
            *(getattr(batch, f)[idx].tolist() for f in FLAG_NAMES),
            ["" for _ in idx], ["" for _ in idx], [now] * len(idx), [now] * len(idx),
            strict=True,
        ))
        _write("households_household", (
            "id", "household_id", "region_id", "region_path", "area_type", "assessment_date",
            "status", "head_name", "member_count", "medical", "education",
            "insurance_premiums", "other_rigid", "homes_owned", "housing_area_m2",
            "dilapidated_housing", "financial_assets", "business_registration",
            "large_machinery_value", "livestock_sheep_units", "contracted_land_mu",
            "commercial_insurance_premium_annual", "debts", *FLAG_NAMES, "address", "phone",
            "created_at", "updated_at"), rows)

        lo, hi = int(batch.member_offsets[start]), int(batch.member_offsets[stop])
        owner = np.repeat(np.asarray(pks), members[idx])
        position = np.arange(hi - lo) - np.repeat(batch.member_offsets[start:stop] - lo, members[idx])
        sl = slice(lo, hi)
        member_rows = list(zip(
            owner.tolist(), position.tolist(), [f"M{p + 1}" for p in position.tolist()],
            ["成员"] * (hi - lo), *_sealed([f"9901021990{i:08d}"[:18] for i in range(lo, hi)]),
            ["head" if p == 0 else "other" for p in position.tolist()],
            _iso(batch.birth_date[sl]),
            [v.HEALTH[i] for i in batch.health[sl].tolist()],
            [v.OCCUPATIONS[i] for i in batch.occupation[sl].tolist()],
            batch.in_school[sl].tolist(),
            [v.SCHOOL_LEVELS[i] for i in batch.school_level[sl].tolist()],
            batch.public_servant[sl].tolist(), batch.refused_job_offers[sl].tolist(),
            batch.orphan_or_unsupported[sl].tolist(), [""] * (hi - lo),
            *(_yuan_fen(getattr(batch, k)[sl]) for k in v.INCOME_KINDS),
            strict=True,
        ))
        _write("households_member", (
            "household_id", "position", "member_id", "name", "id_number", "id_number_index",
            "relation",
            "birth_date", "health", "occupation", "in_school", "school_level",
            "public_servant", "refused_job_offers", "orphan_or_unsupported", "care_level",
            *v.INCOME_KINDS), member_rows)

        for offsets, table, make in (
            (batch.supporter_offsets, "households_supporter", _supporter_rows),
            (batch.vehicle_offsets, "households_vehicle", _vehicle_rows),
        ):
            lo, hi = int(offsets[start]), int(offsets[stop])
            counts = np.diff(offsets[start:stop + 1])
            owner = np.repeat(np.asarray(pks), counts)
            position = np.arange(hi - lo) - np.repeat(offsets[start:stop] - lo, counts)
            columns, rows = make(batch, slice(lo, hi), owner, position)
            if rows:
                _write(table, columns, rows)


def _supporter_rows(batch, sl, owner, position) -> tuple[tuple[str, ...], list[tuple]]:
    rows = list(zip(
        owner.tolist(), position.tolist(), ["赡养人"] * len(owner), [""] * len(owner),
        _yuan_fen(batch.supporter_income[sl]),
        [json.dumps([f"M{i + 1}" for i in range(k)]) for k in batch.supporter_count[sl].tolist()],
        ["on_dibao" if e else "" for e in batch.supporter_exempt[sl].tolist()],
        batch.supporter_large_assets[sl].tolist(), strict=True))
    return ("household_id", "position", "name", "relation", "annual_income", "supports",
            "exempt", "large_assets"), rows


def _vehicle_rows(batch, sl, owner, position) -> tuple[tuple[str, ...], list[tuple]]:
    rows = list(zip(owner.tolist(), position.tolist(),
                    [v.VEHICLE_KINDS[i] for i in batch.vehicle_kind[sl].tolist()],
                    _yuan_fen(batch.vehicle_value[sl]), strict=True))
    return ("household_id", "position", "kind", "value"), rows


def _remove(village: Region) -> None:
    with connection.cursor() as cursor:
        ids = "SELECT id FROM households_household WHERE region_id = %s"
        for table in ("assessments_standing", "households_member", "households_supporter",
                      "households_vehicle"):
            cursor.execute(f"DELETE FROM {table} WHERE household_id IN ({ids})", [village.pk])
        cursor.execute("DELETE FROM households_household WHERE region_id = %s", [village.pk])


def households_sequence_caught_up(*, analyze: bool = True) -> None:
    """After households were written with explicit ids (``insert_households``): on
    PostgreSQL the id sequence is moved past them (a later registration would collide) and,
    with ``analyze``, the planner's statistics refreshed."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('households_household', 'id'), "
                       "(SELECT MAX(id) FROM households_household))")
        if analyze:
            cursor.execute("ANALYZE")


# --- the county prescription report (大处方统计) ----------------------------------------------

BENCH_TOWNSHIPS = 10
BENCH_FIRST_TOWNSHIP = 81  # 990102081…990102090: scratch townships of the demo county


def bench_townships() -> tuple[Region, list[Region]]:
    """Ten scratch townships of one village each in the demo county (whose parameters the
    engine has), and the county."""
    province = region_get_or_create(code="99", name="示范省", level="province")
    city = region_get_or_create(code="9901", name="示范市", level="city", parent=province)
    county = region_get_or_create(code="990102", name="示范县", level="county", parent=city)
    villages = []
    for n in range(BENCH_FIRST_TOWNSHIP, BENCH_FIRST_TOWNSHIP + BENCH_TOWNSHIPS):
        town = region_get_or_create(code=f"990102{n:03d}", name=f"大处方基准{n}镇",
                                    level="township", parent=county)
        villages.append(region_get_or_create(code=f"{town.code}001", name=f"大处方基准{n}村",
                                             level="village", parent=town, area_type="rural"))
    return county, villages


def _remove_villages(villages: list[Region]) -> None:
    for village in villages:
        _remove(village)


def _bench_extras(batch: HouseholdBatch, first_row: int = 0):
    """The :class:`ProgramExtras` of what :func:`insert_households` writes: the first member
    is the head, the others "other", no care level, the sex from the 17th digit of the ID
    number it makes, supporters of no stated relation supporting the first members."""
    from jiuzhu.rules.programs import ProgramExtras

    members = batch.member_count
    position = np.arange(len(batch.birth_date)) - np.repeat(batch.member_offsets[:-1], members)
    rows = np.arange(len(batch.birth_date)) + first_row
    seventeenth = (rows // 10) % 10  # f"9901021990{i:08d}"[:18]: the 17th character
    supporters = np.repeat(np.arange(len(batch)), np.diff(batch.supporter_offsets))
    counts = batch.supporter_count
    link_supporter = np.repeat(np.arange(len(counts)), counts)
    within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    link_member = batch.member_offsets[supporters][link_supporter] + within
    return ProgramExtras(
        care_level=np.zeros(len(rows), dtype=np.int8),
        female=seventeenth % 2 == 0,
        relation=np.where(position == 0, v.RELATIONS.index("head"),
                          v.RELATIONS.index("other")).astype(np.int8),
        supporter_child=np.zeros(len(counts), dtype=np.bool_),
        link_supporter=link_supporter.astype(np.int64),
        link_member=link_member.astype(np.int64),
    )


def bench_prescription(n: int, *, keep: bool = False, chunk_size: int = 50_000) -> dict[str, Any]:
    """N synthetic households spread over ten scratch townships of the demo county, then the
    county's 大处方统计 built end to end (bulk read, every item decided, counted per township, the
    Excel workbook written) and checked against the engine on the same arrays in memory."""
    from jiuzhu.rules.prescription import ELIGIBLE, prescription_arrays

    from .excel import prescription_report_workbook
    from .item_conditions import rules_in_force
    from .prescription_report import prescription_report

    county, villages = bench_townships()
    _remove_villages(villages)
    batch = generate(n)
    first_pk = (Household.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    started = time.perf_counter()
    with transaction.atomic():
        insert_households(batch, villages[0], first_pk)
        # contiguous blocks of households, one per township
        bounds = np.linspace(0, n, len(villages) + 1).astype(np.int64)
        with connection.cursor() as cursor:
            for village, lo, hi in zip(villages, bounds[:-1], bounds[1:], strict=True):
                cursor.execute("UPDATE households_household SET region_id = %s, region_path = %s "
                               "WHERE id >= %s AND id < %s",
                               [village.pk, village.path, first_pk + int(lo), first_pk + int(hi)])
    households_sequence_caught_up()
    seconds_insert = time.perf_counter() - started

    started = time.perf_counter()
    report = prescription_report(actor=SYSTEM, region=county, on=BENCH_DATE, chunk_size=chunk_size)
    seconds_report = time.perf_counter() - started
    tick = time.perf_counter()
    workbook = prescription_report_workbook(report)
    content = _xlsx_bytes(workbook)
    seconds_excel = time.perf_counter() - tick
    seconds = time.perf_counter() - started

    # The database path must count what the engine decides on the same arrays in memory.
    batch.assessment_date[:] = BENCH_DATE.year * 10000 + BENCH_DATE.month * 100 + BENCH_DATE.day
    # with the items in force the report decided (a county's added items too)
    status = prescription_arrays(batch, _bench_extras(batch, first_row=0),
                                 items=rules_in_force(BENCH_DATE)).status
    town = np.searchsorted(bounds[1:], np.arange(n), side="right")
    expected = [(status[town == t] == ELIGIBLE).sum(axis=0).tolist() for t in range(len(villages))]
    got = {row.code: row.recommended for row in report.rows}
    agree = all(got.get(village.parent.code, [0] * len(e)) == e  # type: ignore[union-attr]
                for village, e in zip(villages, expected, strict=True))
    if not keep:
        with transaction.atomic():
            _remove_villages(villages)
    return {
        "households": n, "database": connection.vendor, "townships": len(report.rows),
        "households_in_report": report.total.households,
        "seconds": round(seconds, 3), "households_per_second": round(n / seconds),
        "seconds_read": round(report.timings["read"], 3),
        "seconds_decide": round(report.timings["decide"], 3),
        "seconds_receiving": round(report.timings["receiving"], 3),
        "seconds_excel": round(seconds_excel, 3), "excel_bytes": len(content),
        "seconds_report": round(seconds_report, 3),
        "seconds_insert": round(seconds_insert, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "agrees_with_engine": agree,
    }


def _xlsx_bytes(workbook) -> bytes:
    import io

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

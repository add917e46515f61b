"""Registered households read column by column into the engine's arrays (列式读取).

Batch re-assessment reads a chunk of households and their members, supporters and
vehicles with one query per table. The database does the coding: enums become their
index in :mod:`jiuzhu.rules.vocabulary` (``CASE``), dates ``yyyymmdd`` integers, the
two-decimal quantities integers × 10 000, a supporter's ``supports`` its length — so no
value is looked at one by one in Python.

On PostgreSQL each query is a ``COPY (SELECT …) TO STDOUT (FORMAT binary)``: every
column is fixed-width and never NULL, so the stream is one packed big-endian record per
row and becomes a numpy structured array in place (``np.frombuffer``), dates as days
since 2000-01-01 turned into ``yyyymmdd`` by numpy. On SQLite (and any other database)
the same SELECT is fetched with ``fetchall`` into a 2-D integer array. Both give the
same :class:`jiuzhu.rules.batch.HouseholdBatch` as
``batch_from_households([household_to_dict(h) …])`` (tests/test_batch_columnar.py).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from django.db import connection

from jiuzhu.households.choices import FLAG_NAMES
from jiuzhu.rules import vocabulary as v
from jiuzhu.rules.batch import HouseholdBatch, batch_from_households
from jiuzhu.rules.memory import no_collection

# (column of the batch, SQL expression, wire type); the wire types are PostgreSQL's.
Column = tuple[str, str, str]

_PG_WIRE = {"int8": ">i8", "int4": ">i4", "int2": ">i2", "bool": "?", "date": ">i4"}
_SQL_TYPE = {"int8": "bigint", "int4": "integer", "int2": "smallint", "bool": "boolean",
             "date": "date"}
_NATIVE = {"int8": np.int64, "int4": np.int32, "int2": np.int16, "bool": np.bool_,
           "date": np.int32}
_PG_EPOCH = np.datetime64("2000-01-01", "D")


def _enum(column: str, vocabulary: Sequence[str], *, blank: str | None = None) -> str:
    """The index of the column's value in ``vocabulary``; −1 for a value outside it
    (refused after the read), ``blank`` standing for the empty string."""
    cases = " ".join(f"WHEN '{name}' THEN {i}" for i, name in enumerate(vocabulary))
    if blank is not None:
        cases += f" WHEN '' THEN {vocabulary.index(blank)}"
    return f"CASE {column} {cases} ELSE -1 END"


def _quantity(column: str) -> str:
    """A quantity of at most two decimals (m², sheep units, mu) × 10 000, exactly."""
    return f"CAST(ROUND({column} * 100) AS BIGINT) * 100"


HOUSEHOLD_COLUMNS: tuple[Column, ...] = (
    ("id", "id", "int8"),
    ("rural", "CASE WHEN area_type = 'rural' THEN 1 ELSE 0 END", "int2"),
    ("medical", "medical", "int8"),
    ("education", "education", "int8"),
    ("insurance_premiums", "insurance_premiums", "int8"),
    ("other_rigid", "other_rigid", "int8"),
    ("homes_owned", "homes_owned", "int2"),
    ("housing_area", _quantity("housing_area_m2"), "int8"),
    ("dilapidated_housing", "dilapidated_housing", "bool"),
    ("financial_assets", "financial_assets", "int8"),
    ("business_registration", "business_registration", "bool"),
    ("large_machinery_value", "large_machinery_value", "int8"),
    ("livestock", _quantity("livestock_sheep_units"), "int8"),
    ("land", _quantity("contracted_land_mu"), "int8"),
    ("commercial_insurance_premium", "commercial_insurance_premium_annual", "int8"),
    ("debts", "debts", "int8"),
    *((name, name, "bool") for name in FLAG_NAMES),
)
MEMBER_COLUMNS: tuple[Column, ...] = (
    ("household_id", "household_id", "int8"),
    ("birth_date", "birth_date", "date"),
    ("health", _enum("health", v.HEALTH), "int2"),
    ("occupation", _enum("occupation", v.OCCUPATIONS), "int2"),
    ("school_level", _enum("school_level", v.SCHOOL_LEVELS, blank="none"), "int2"),
    ("in_school", "in_school", "bool"),
    ("public_servant", "public_servant", "bool"),
    ("refused_job_offers", "refused_job_offers", "int2"),
    ("orphan_or_unsupported", "orphan_or_unsupported", "bool"),
    *((kind, kind, "int8") for kind in v.INCOME_KINDS),
)
SUPPORTER_COLUMNS: tuple[Column, ...] = (
    ("household_id", "household_id", "int8"),
    ("supporter_income", "annual_income", "int8"),
    ("supporter_count", "<supports>", "int4"),
    ("supporter_exempt", "CASE WHEN exempt <> '' THEN 1 ELSE 0 END", "int2"),
    ("supporter_large_assets", "large_assets", "bool"),
)
VEHICLE_COLUMNS: tuple[Column, ...] = (
    ("household_id", "household_id", "int8"),
    ("vehicle_kind", _enum("kind", v.VEHICLE_KINDS), "int2"),
    ("vehicle_value", "value", "int8"),
)
_ENUMS = {"health": "health", "occupation": "occupation", "school_level": "school_level",
          "vehicle_kind": "kind"}


@dataclass
class ColumnarChunk:
    """One chunk of households as arrays. ``region_paths`` is read where the standings are
    written from Python (SQLite); PostgreSQL's write takes the path from the household row."""

    household_pks: np.ndarray
    batch: HouseholdBatch
    region_paths: list[str] | None = None
    timings: dict[str, float] = field(default_factory=dict)


def _expression(column: Column, vendor: str) -> str:
    name, sql, kind = column
    if sql == "<supports>":  # how many members the supporter supports (a JSON list)
        if vendor == "postgresql":
            return ("CASE WHEN jsonb_typeof(supports) = 'array' "
                    "THEN jsonb_array_length(supports) ELSE 0 END")
        return "COALESCE(json_array_length(supports), 0)"
    if kind == "date" and vendor != "postgresql":  # SQLite keeps 'YYYY-MM-DD'
        return f"CAST(REPLACE({sql}, '-', '') AS INTEGER)"
    if vendor == "postgresql":
        return f"CAST({sql} AS {_SQL_TYPE[kind]})"
    return sql


def _select(columns: Sequence[Column], vendor: str) -> str:
    return ", ".join(_expression(c, vendor) for c in columns)


def _yyyymmdd(days: np.ndarray) -> np.ndarray:
    """PostgreSQL's binary dates (days since 2000-01-01) as ``yyyymmdd`` integers."""
    day = _PG_EPOCH + days.astype("timedelta64[D]")
    month = day.astype("datetime64[M]")
    year = month.astype("datetime64[Y]").astype(np.int64) + 1970
    month_number = month.astype(np.int64) % 12 + 1
    day_number = (day - month).astype(np.int64) + 1
    return (year * 10000 + month_number * 100 + day_number).astype(np.int32)


def _copy_binary(sql: str, params: Sequence[Any],
                 columns: Sequence[Column]) -> dict[str, np.ndarray]:
    """``COPY (sql) TO STDOUT (FORMAT binary)`` parsed with numpy: every column is
    fixed-width and NOT NULL, so each row is the same packed record."""
    layout: list[tuple[str, str]] = [("_fields", ">i2")]
    for name, _sql, kind in columns:
        layout += [(f"_length_{name}", ">i4"), (name, _PG_WIRE[kind])]
    record = np.dtype(layout)
    buffer = bytearray()
    with (connection.cursor() as cursor,
          cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT binary)", params) as copy):
        for block in copy:
            buffer += block
    # header: 11-byte signature, 32-bit flags, 32-bit extension length (+ extension);
    # trailer: the 16-bit field count −1
    start = 19 + int.from_bytes(buffer[15:19], "big")
    size = len(buffer) - start - 2
    if size % record.itemsize:
        raise ValueError("COPY binary: rows are not of the expected fixed width")
    rows = np.frombuffer(buffer, dtype=record, offset=start, count=size // record.itemsize)
    if len(rows) and not (rows["_fields"] == len(columns)).all():
        raise ValueError("COPY binary: unexpected number of columns")
    out: dict[str, np.ndarray] = {}
    for name, _sql, kind in columns:
        width = np.dtype(_PG_WIRE[kind]).itemsize
        if len(rows) and not (rows[f"_length_{name}"] == width).all():
            raise ValueError(f"COPY binary: column {name} is NULL or not {kind}")
        values = rows[name]
        out[name] = _yyyymmdd(values) if kind == "date" else values.astype(_NATIVE[kind])
    return out


def _fetch_columns(sql: str, params: Sequence[Any],
                   columns: Sequence[Column], extra: int = 0) -> tuple[dict[str, np.ndarray],
                                                                        list[tuple]]:
    """The same SELECT fetched as rows into a 2-D integer array (SQLite); ``extra``
    trailing non-integer columns are returned apart, as rows."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    width = len(columns)
    if extra:
        tails = [row[width:] for row in rows]
        rows = [row[:width] for row in rows]
    else:
        tails = []
    table = (np.array(rows, dtype=np.int64).reshape(len(rows), width) if rows
             else np.zeros((0, width), dtype=np.int64))
    return ({name: table[:, i].astype(_NATIVE[kind])
             for i, (name, _sql, kind) in enumerate(columns)}, tails)


def _offsets(owners: np.ndarray, pks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Offsets (length H+1) of rows sorted by owner, and the mask of rows whose owner is
    one of ``pks`` (sorted): a household that left between the reads leaves its rows."""
    at = np.searchsorted(pks, owners)
    keep = at < len(pks)
    keep[keep] = pks[at[keep]] == owners[keep]
    counts = np.bincount(at[keep], minlength=len(pks))
    offsets = np.zeros(len(pks) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return offsets, keep


def _county(path: str) -> int:
    return int(path.split("/")[2])


def read_chunk(*, path_prefix: str, after_pk: int, limit: int,
               assessment_date: date) -> ColumnarChunk:
    """Up to ``limit`` active households under ``path_prefix`` with pk > ``after_pk``, in
    pk order, as a :class:`HouseholdBatch`; ``timings`` has the seconds of each step
    (``read_households``, ``read_members``, ``read_supporters``, ``read_vehicles``,
    ``build``)."""
    with no_collection():
        return _read_chunk(path_prefix=path_prefix, after_pk=after_pk, limit=limit,
                           assessment_date=assessment_date)


def _read_chunk(*, path_prefix: str, after_pk: int, limit: int,
                assessment_date: date) -> ColumnarChunk:
    vendor = connection.vendor
    binary = vendor == "postgresql"
    timings: dict[str, float] = {}
    tick = time.perf_counter()
    # not the rows of an import still being written (``staged_by``: invisible until it
    # publishes them); the members', supporters' and vehicles' reads go through the same filter
    where = "status = 'active' AND staged_by IS NULL AND region_path LIKE %s AND id > %s"
    region_paths: list[str] | None = None
    if binary:
        columns = (*HOUSEHOLD_COLUMNS,
                   ("county", "split_part(region_path, '/', 3)", "int4"))
        h = _copy_binary(f"SELECT {_select(columns, vendor)} FROM households_household "
                         f"WHERE {where} ORDER BY id LIMIT %s",
                         [path_prefix + "%", after_pk, limit], columns)
    else:
        h, tails = _fetch_columns(
            f"SELECT {_select(HOUSEHOLD_COLUMNS, vendor)}, region_path "
            f"FROM households_household WHERE {where} ORDER BY id LIMIT %s",
            [path_prefix + "%", after_pk, limit], HOUSEHOLD_COLUMNS, extra=1)
        region_paths = [t[0] for t in tails]
        counties: dict[str, int] = {}
        h["county"] = np.asarray(
            [counties.get(p) or counties.setdefault(p, _county(p)) for p in region_paths],
            dtype=np.int32)
    timings["read_households"] = time.perf_counter() - tick
    pks = h["id"]
    if len(pks) == 0:
        return ColumnarChunk(pks, batch_from_households([]), region_paths or [], timings)
    lo, hi = int(pks[0]), int(pks[-1])

    def rows_of(table: str, columns: tuple[Column, ...], step: str) -> dict[str, np.ndarray]:
        tick = time.perf_counter()
        # rows of the chunk's households only (an id range may hold other regions' too)
        sql = (f"SELECT {_select(columns, vendor)} FROM {table} WHERE household_id IN "
               f"(SELECT id FROM households_household WHERE {where} AND id <= %s) "
               f"AND household_id BETWEEN %s AND %s ORDER BY household_id, position")
        params = [path_prefix + "%", lo - 1, hi, lo, hi]
        out = (_copy_binary(sql, params, columns) if binary
               else _fetch_columns(sql, params, columns)[0])
        timings[step] = time.perf_counter() - tick
        return out

    m = rows_of("households_member", MEMBER_COLUMNS, "read_members")
    s = rows_of("households_supporter", SUPPORTER_COLUMNS, "read_supporters")
    w = rows_of("households_vehicle", VEHICLE_COLUMNS, "read_vehicles")

    tick = time.perf_counter()
    for rows, names in ((m, ("health", "occupation", "school_level")), (w, ("vehicle_kind",))):
        for name in names:
            if len(rows[name]) and rows[name].min() < 0:
                raise ValueError(f"{_ENUMS[name]}: a value outside the vocabulary")
    member_offsets, m_keep = _offsets(m["household_id"], pks)
    supporter_offsets, s_keep = _offsets(s["household_id"], pks)
    vehicle_offsets, w_keep = _offsets(w["household_id"], pks)

    def members(name: str, dtype: Any) -> np.ndarray:
        return m[name][m_keep].astype(dtype, copy=False)

    housing, livestock, land = h["housing_area"], h["livestock"], h["land"]
    batch = HouseholdBatch(
        county=h["county"].astype(np.int32, copy=False),
        assessment_date=np.full(len(pks), assessment_date.year * 10000
                                + assessment_date.month * 100 + assessment_date.day,
                                dtype=np.int32),
        rural=h["rural"].astype(np.bool_),
        medical=h["medical"], education=h["education"],
        insurance_premiums=h["insurance_premiums"], other_rigid=h["other_rigid"],
        homes_owned=h["homes_owned"].astype(np.int64),
        housing_area_floor=housing, housing_area_ceil=housing.copy(),
        dilapidated_housing=h["dilapidated_housing"].astype(np.bool_, copy=False),
        financial_assets=h["financial_assets"],
        business_registration=h["business_registration"].astype(np.bool_, copy=False),
        large_machinery_value=h["large_machinery_value"],
        livestock_floor=livestock, livestock_ceil=livestock.copy(),
        land_floor=land, land_ceil=land.copy(),
        commercial_insurance_premium=h["commercial_insurance_premium"],
        debts=h["debts"],
        **{name: h[name].astype(np.bool_, copy=False) for name in FLAG_NAMES},
        member_offsets=member_offsets,
        birth_date=members("birth_date", np.int32),
        health=members("health", np.int8),
        occupation=members("occupation", np.int8),
        school_level=members("school_level", np.int8),
        in_school=members("in_school", np.bool_),
        public_servant=members("public_servant", np.bool_),
        refused_job_offers=members("refused_job_offers", np.int64),
        orphan_or_unsupported=members("orphan_or_unsupported", np.bool_),
        **{kind: members(kind, np.int64) for kind in v.INCOME_KINDS},
        supporter_offsets=supporter_offsets,
        supporter_income=s["supporter_income"][s_keep],
        supporter_count=s["supporter_count"][s_keep].astype(np.int64),
        supporter_exempt=s["supporter_exempt"][s_keep].astype(np.bool_),
        supporter_large_assets=s["supporter_large_assets"][s_keep].astype(np.bool_),
        vehicle_offsets=vehicle_offsets,
        vehicle_kind=w["vehicle_kind"][w_keep].astype(np.int8),
        vehicle_value=w["vehicle_value"][w_keep],
    )
    timings["build"] = time.perf_counter() - tick
    return ColumnarChunk(pks, batch, region_paths, timings)

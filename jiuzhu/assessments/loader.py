"""Registered households straight from the database into the engine's arrays.

Batch re-assessment reads a chunk of households and their rows with plain SQL (no model
instances, no Decimal per value) and fills :class:`jiuzhu.rules.batch.HouseholdBatch`
column by column, so a province re-assesses in minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from django.db import connection

from jiuzhu.households.choices import FLAG_NAMES
from jiuzhu.rules import vocabulary as v
from jiuzhu.rules.batch import HouseholdBatch
from jiuzhu.rules.memory import no_collection
from jiuzhu.rules.programs import ProgramExtras

HOUSEHOLD_COLUMNS = (
    "id", "region_path", "area_type", "medical", "education", "insurance_premiums",
    "other_rigid", "homes_owned", "housing_area_m2", "dilapidated_housing",
    "financial_assets", "business_registration", "large_machinery_value",
    "livestock_sheep_units", "contracted_land_mu", "commercial_insurance_premium_annual",
    "debts", *FLAG_NAMES,
)
MEMBER_COLUMNS = (
    "household_id", "birth_date", "health", "occupation", "school_level", "in_school",
    "public_servant", "refused_job_offers", "orphan_or_unsupported", *v.INCOME_KINDS,
)
SUPPORTER_COLUMNS = ("household_id", "annual_income", "supports", "exempt", "large_assets")
# What the other programmes and the prescription read beyond the dibao engine
# (:class:`jiuzhu.rules.programs.ProgramExtras`): the sex is the 17th digit of the ID number,
# which is sealed (SM4), so only the members whose sex can matter (the seriously ill for
# FL01, the head for FL02) bring theirs to be opened.
MEMBER_EXTRA_COLUMNS = ("member_id", "relation", "care_level")
SEX_MATTERS = "CASE WHEN health = 'serious_illness' OR relation = 'head' THEN id_number ELSE '' END"
SUPPORTER_EXTRA_COLUMNS = ("relation",)
VEHICLE_COLUMNS = ("household_id", "kind", "value")

_HEALTH = {name: i for i, name in enumerate(v.HEALTH)}
_OCCUPATION = {name: i for i, name in enumerate(v.OCCUPATIONS)}
_SCHOOL = {name: i for i, name in enumerate(v.SCHOOL_LEVELS)}
_VEHICLE = {name: i for i, name in enumerate(v.VEHICLE_KINDS)}


@dataclass
class LoadedChunk:
    household_pks: np.ndarray
    region_paths: list[str]
    batch: HouseholdBatch
    extras: ProgramExtras | None = None  # with ``load_chunk(…, extras=True)``


def _date_int(value: Any) -> int:
    if isinstance(value, int):  # read as yyyymmdd already (:func:`_date_sql`)
        return value
    if isinstance(value, date):
        return value.year * 10000 + value.month * 100 + value.day
    return int(str(value)[:10].replace("-", ""))


def _scaled(value: Any) -> int:
    """A quantity with at most two decimals (m², sheep units, mu) × 10 000, exactly."""
    return int(round(float(value) * 100)) * 100 if value is not None else 0


def _fetch(sql: str, params: Sequence[Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _columns(rows: list[tuple], count: int) -> list[list[Any]]:
    return [list(col) for col in zip(*rows, strict=True)] if rows else [[] for _ in range(count)]


def _offsets(owner: list[int], pks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Offsets (length H+1) of rows sorted by owner, and the mask of rows whose owner is
    one of ``pks`` (rows of inactive households in the same id range are dropped)."""
    owners = np.asarray(owner, dtype=np.int64)
    keep = np.isin(owners, pks)
    owners = owners[keep]
    counts = np.zeros(len(pks), dtype=np.int64)
    np.add.at(counts, np.searchsorted(pks, owners), 1)
    offsets = np.zeros(len(pks) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return offsets, keep


def _date_sql(column: str) -> str:
    """A date column read as the integer yyyymmdd by the database itself (no date object
    per row on the Python side); the plain column elsewhere."""
    if connection.vendor == "sqlite":  # stored as 'YYYY-MM-DD'
        return f"CAST(REPLACE({column}, '-', '') AS INTEGER)"
    if connection.vendor == "postgresql":
        return f"CAST(TO_CHAR({column}, 'YYYYMMDD') AS INTEGER)"
    return column


def load_chunk(*, path_prefix: str, after_pk: int, limit: int, assessment_date: date,
               extras: bool = False) -> LoadedChunk:
    """Up to ``limit`` active households under ``path_prefix`` with pk > ``after_pk``;
    ``extras``: with the members' and supporters' fields the other programmes read."""
    with no_collection():
        return _load_chunk(path_prefix=path_prefix, after_pk=after_pk, limit=limit,
                           assessment_date=assessment_date, extras=extras)


def _load_chunk(*, path_prefix: str, after_pk: int, limit: int, assessment_date: date,
                extras: bool) -> LoadedChunk:
    q = connection.ops.quote_name
    household_rows = _fetch(
        f"SELECT {', '.join(q(c) for c in HOUSEHOLD_COLUMNS)} FROM households_household "
        # not the rows of an import still being written (``staged_by``: invisible until it
        # is published; members of other households are dropped below by their offsets)
        "WHERE status = 'active' AND staged_by IS NULL AND region_path LIKE %s AND id > %s "
        "ORDER BY id LIMIT %s",
        [path_prefix + "%", after_pk, limit],
    )
    h = dict(zip(HOUSEHOLD_COLUMNS, _columns(household_rows, len(HOUSEHOLD_COLUMNS)), strict=True))
    pks = np.asarray(h["id"], dtype=np.int64)
    if len(pks) == 0:
        return LoadedChunk(pks, [], _empty_batch(), _empty_extras() if extras else None)
    lo, hi = int(pks[0]), int(pks[-1])

    def rows_of(table: str, columns: tuple[str, ...],
                more: tuple[str, ...] = ()) -> dict[str, list[Any]]:
        selected = [_date_sql(q(c)) if c == "birth_date" else q(c) for c in columns] + list(more)
        rows = _fetch(
            f"SELECT {', '.join(selected)} FROM {table} "
            "WHERE household_id BETWEEN %s AND %s ORDER BY household_id, position",
            [lo, hi],
        )
        names = (*columns, *(f"extra{k}" for k in range(len(more))))
        return dict(zip(names, _columns(rows, len(names)), strict=True))

    m = rows_of("households_member", MEMBER_COLUMNS,
                (*(q(c) for c in MEMBER_EXTRA_COLUMNS), SEX_MATTERS) if extras else ())
    s = rows_of("households_supporter", SUPPORTER_COLUMNS,
                tuple(q(c) for c in SUPPORTER_EXTRA_COLUMNS) if extras else ())
    w = rows_of("households_vehicle", VEHICLE_COLUMNS)
    member_offsets, m_keep = _offsets(m["household_id"], pks)
    supporter_offsets, s_keep = _offsets(s["household_id"], pks)
    vehicle_offsets, w_keep = _offsets(w["household_id"], pks)

    def arr(values: list[Any], dtype: Any, keep: np.ndarray | None = None) -> np.ndarray:
        out = np.asarray(values, dtype=dtype) if values else np.zeros(0, dtype=dtype)
        return out[keep] if keep is not None else out

    n = len(pks)
    quantities = {name: np.asarray([_scaled(x) for x in h[col]], dtype=np.int64)
                  for name, col in (("housing_area", "housing_area_m2"),
                                    ("livestock", "livestock_sheep_units"),
                                    ("land", "contracted_land_mu"))}
    s["supports"] = [_json_list(x) for x in s["supports"]]
    supports = [len(x) for x in s["supports"]]
    batch = HouseholdBatch(
        county=np.asarray([int(p.split("/")[2]) for p in h["region_path"]], dtype=np.int32),
        assessment_date=np.full(n, _date_int(assessment_date), dtype=np.int32),
        rural=np.asarray([a == "rural" for a in h["area_type"]], dtype=np.bool_),
        medical=arr(h["medical"], np.int64),
        education=arr(h["education"], np.int64),
        insurance_premiums=arr(h["insurance_premiums"], np.int64),
        other_rigid=arr(h["other_rigid"], np.int64),
        homes_owned=arr(h["homes_owned"], np.int64),
        housing_area_floor=quantities["housing_area"],
        housing_area_ceil=quantities["housing_area"],
        dilapidated_housing=arr(h["dilapidated_housing"], np.bool_),
        financial_assets=arr(h["financial_assets"], np.int64),
        business_registration=arr(h["business_registration"], np.bool_),
        large_machinery_value=arr(h["large_machinery_value"], np.int64),
        livestock_floor=quantities["livestock"],
        livestock_ceil=quantities["livestock"],
        land_floor=quantities["land"],
        land_ceil=quantities["land"],
        commercial_insurance_premium=arr(h["commercial_insurance_premium_annual"], np.int64),
        debts=arr(h["debts"], np.int64),
        **{name: arr(h[name], np.bool_) for name in FLAG_NAMES},
        member_offsets=member_offsets,
        birth_date=arr([_date_int(x) for x in m["birth_date"]], np.int32, m_keep),
        health=arr([_HEALTH[x] for x in m["health"]], np.int8, m_keep),
        occupation=arr([_OCCUPATION[x] for x in m["occupation"]], np.int8, m_keep),
        school_level=arr([_SCHOOL[x or "none"] for x in m["school_level"]], np.int8, m_keep),
        in_school=arr(m["in_school"], np.bool_, m_keep),
        public_servant=arr(m["public_servant"], np.bool_, m_keep),
        refused_job_offers=arr(m["refused_job_offers"], np.int64, m_keep),
        orphan_or_unsupported=arr(m["orphan_or_unsupported"], np.bool_, m_keep),
        **{kind: arr(m[kind], np.int64, m_keep) for kind in v.INCOME_KINDS},
        supporter_offsets=supporter_offsets,
        supporter_income=arr(s["annual_income"], np.int64, s_keep),
        supporter_count=arr(supports, np.int64, s_keep),
        supporter_exempt=arr([bool(x) for x in s["exempt"]], np.bool_, s_keep),
        supporter_large_assets=arr(s["large_assets"], np.bool_, s_keep),
        vehicle_offsets=vehicle_offsets,
        vehicle_kind=arr([_VEHICLE[x] for x in w["kind"]], np.int8, w_keep),
        vehicle_value=arr(w["value"], np.int64, w_keep),
    )
    loaded = LoadedChunk(pks, list(h["region_path"]), batch)
    if extras:
        loaded.extras = _extras(m, m_keep, s, s_keep, batch)
    return loaded


_RELATION = {name: i for i, name in enumerate(v.RELATIONS)}
_CARE = {name: i for i, name in enumerate(v.CARE_LEVELS)}
_HEAD = _RELATION["head"]


def _extras(m: dict[str, list[Any]], m_keep: np.ndarray, s: dict[str, list[Any]],
            s_keep: np.ndarray, batch: HouseholdBatch) -> ProgramExtras:
    """:class:`ProgramExtras` of the loaded rows, as ``extras_from_households`` of their
    household dicts would give (the sex read only where FL01 or FL02 can use it)."""
    from jiuzhu.core.crypto import decrypt
    from jiuzhu.rules.programs import is_female

    keep = np.flatnonzero(m_keep).tolist()
    member_ids = [m["extra0"][k] for k in keep]
    relation = np.asarray([_RELATION[m["extra1"][k]] for k in keep], dtype=np.int8)
    care = np.asarray([_CARE[m["extra2"][k] or "self_care"] for k in keep], dtype=np.int8)
    sealed = [m["extra3"][k] for k in keep]
    offsets = batch.member_offsets
    owner = np.repeat(np.arange(len(batch)), np.diff(offsets))
    # FL01 reads the sex of the seriously ill, FL02 that of a single parent's first head
    matters = (batch.health == _HEALTH["serious_illness"]) | (
        (relation == _HEAD) & batch.single_parent[owner])
    female = np.zeros(len(keep), dtype=np.bool_)
    for row in np.flatnonzero(matters).tolist():
        female[row] = is_female(decrypt(sealed[row]))

    s_rows = np.flatnonzero(s_keep).tolist()
    child = np.asarray([s["extra0"][k] == "child" for k in s_rows], dtype=np.bool_)
    link_supporter: list[int] = []
    link_member: list[int] = []
    s_owner = np.repeat(np.arange(len(batch)), np.diff(batch.supporter_offsets)).tolist()
    starts = offsets.tolist()
    row_of: dict[str, int] = {}
    current = -1
    for j, k in enumerate(s_rows):
        household = s_owner[j]
        if household != current:
            current = household
            first, last = starts[household], starts[household + 1]
            row_of = {member_ids[r]: r for r in range(first, last)}
        for member_id in s["supports"][k]:
            if member_id in row_of:  # (validation refuses a supporter of no member)
                link_supporter.append(j)
                link_member.append(row_of[member_id])
    return ProgramExtras(
        care_level=care, female=female, relation=relation, supporter_child=child,
        link_supporter=np.asarray(link_supporter, dtype=np.int64),
        link_member=np.asarray(link_member, dtype=np.int64),
    )


def _empty_extras() -> ProgramExtras:
    from jiuzhu.rules.programs import extras_from_households

    return extras_from_households([])


def _json_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    import json

    return json.loads(value) if value else []


def _empty_batch() -> HouseholdBatch:
    from jiuzhu.rules.batch import batch_from_households

    return batch_from_households([])

"""Member profiles (成员画像): member rules evaluated once per kind of member, not per member.

Everything the rules derive from a member's age, health, schooling, orphan status and
occupation — labour coefficient, add-on rate, imputed incomes, the "each member"
hardship items — depends on a few small categorical values. So the engine evaluates
those rule functions once on the grid of every combination (:class:`ProfileGrid`), and
a member's values are then one look-up by its profile key. The rule functions are the
ordinary vectorised ones; the grid is just their input.

Ages at or above the grid's age cap behave alike, and negative ages (born after the
assessment date) like 0: the cap is one more than the largest age threshold of the
parameter sets in use.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import formulas as fx
from .frame import ELDERLY, FIXED_EMPLOYMENT, JOB_REFUSAL
from .hardship import MEMBER_ITEMS
from .tables import CompiledParameters
from .vocabulary import HEALTH, OCCUPATIONS, SCHOOL_LEVELS

#: every axis but age, in key order: health, in_school, school_level, orphan, occupation
_OTHER_AXES = (len(HEALTH), 2, len(SCHOOL_LEVELS), 2, len(OCCUPATIONS))
_PER_AGE = int(np.prod(_OTHER_AXES))


def age_cap(c: CompiledParameters) -> int:
    """One more than the largest age threshold: older members all behave alike."""
    thresholds = (
        *c.labour_age_bands,
        c.addon_elderly_from,
        c.addon_minor_below,
        c.job_refusal_age_from,
        c.job_refusal_age_to + 1,
        c.age_a01_from,
        c.age_a02_from,
        c.age_a03_from,
        c.age_a04_below,
        c.age_a05_from,
        c.age_a05_to + 1,
        c.age_a14_from,
        c.age_elderly_from,
    )
    return max(thresholds) + 1


def grid_size(cap: int) -> int:
    return (cap + 1) * _PER_AGE


def profile_key(
    cap: int,
    age: np.ndarray,
    health: np.ndarray,
    in_school: np.ndarray,
    school_level: np.ndarray,
    orphan: np.ndarray,
    occupation: np.ndarray,
) -> np.ndarray:
    """The index of each member's profile in a grid with age cap ``cap`` (int32)."""
    key = np.clip(age, 0, cap).astype(np.int32)
    for axis, values in zip(
        _OTHER_AXES, (health, in_school, school_level, orphan, occupation), strict=True
    ):
        key *= axis
        key += values
    return key


@dataclass(frozen=True)
class ProfileGrid:
    """Every combination of age 0..cap, health, in_school, school_level, orphan status and occupation.

    It has the attributes of member arrays, so member rules accept it as it is.
    """

    age: np.ndarray
    health: np.ndarray
    in_school: np.ndarray
    school_level: np.ndarray
    orphan_or_unsupported: np.ndarray
    occupation: np.ndarray
    coefficient: np.ndarray


@dataclass(frozen=True)
class ProfileTables:
    """Per-profile values of one parameter set (indexed by :func:`profile_key`)."""

    coefficient: np.ndarray  # tenths, int32
    addon_rate: np.ndarray  # basis points, int32
    imputed_casual: np.ndarray  # gross units, int64 (0 unless casual work, unemployed or none)
    imputed_land: np.ndarray  # gross units, int64 (0 unless farming)
    member_points: np.ndarray  # int32 hundredths: the each-member items of category A, summed
    flags: (
        np.ndarray
    )  # uint8: ELDERLY, FIXED_EMPLOYMENT, and JOB_REFUSAL before refusals are counted
    items: dict[str, np.ndarray]  # each member item: does the profile score it


@lru_cache(maxsize=64)
def profile_tables(c: CompiledParameters, cap: int) -> ProfileTables:
    """Evaluate the member rules of a parameter set on the whole grid (cached)."""
    if cap < age_cap(c):
        raise ValueError(f"age cap {cap} is below the thresholds of the parameters")
    shape = (cap + 1, *_OTHER_AXES)
    age, health, in_school, school_level, orphan, occupation = (
        axis.ravel() for axis in np.indices(shape)
    )
    in_school = in_school.astype(bool)
    coefficient = fx.labour_coefficient(
        age, health, in_school, np.asarray(c.labour_age_bands), np.asarray(c.labour_table_tenths)
    ).astype(np.int32)
    grid = ProfileGrid(
        age, health, in_school, school_level, orphan.astype(bool), occupation, coefficient
    )
    addon = fx.addon_rate(
        age,
        health,
        c.addon_elderly_from,
        c.addon_minor_below,
        c.addon_elderly_bp,
        c.addon_minor_bp,
        c.addon_severe_disability_bp,
        c.addon_serious_illness_bp,
    ).astype(np.int32)
    items = {item.code: np.asarray(item.score(grid, c), dtype=bool) for item in MEMBER_ITEMS}
    points = np.zeros(age.shape, dtype=np.int32)
    for item in MEMBER_ITEMS:
        points += items[item.code] * np.int32(c.points_of(item.code))
    working_age = (
        (age >= c.job_refusal_age_from) & (age <= c.job_refusal_age_to) & (coefficient > 0)
    )
    flags = (
        ELDERLY * (age >= c.age_elderly_from)
        + JOB_REFUSAL * working_age
        + FIXED_EMPLOYMENT * (occupation == fx.FIXED_EMPLOYMENT)
    ).astype(np.uint8)
    wide = coefficient.astype(np.int64)
    return ProfileTables(
        coefficient=coefficient,
        addon_rate=addon,
        imputed_casual=fx.imputed_casual_income(
            wide, occupation, c.min_wage_monthly_fen, c.casual_work_months
        ),
        imputed_land=fx.imputed_land_income(
            wide, occupation, c.rural_disposable_income_fen, c.land_income_ratio_bp
        ),
        member_points=points,
        flags=flags,
        items=items,
    )


@dataclass(frozen=True)
class BatchTables:
    """The profile tables a batch uses.

    ``block`` is None when every parameter set of the batch has the same tables;
    otherwise the tables are stacked and set s, profile k is at block[s] × size + k.
    """

    tables: ProfileTables
    cap: int
    size: int
    block: np.ndarray | None


def tables_for(compiled: list[CompiledParameters]) -> BatchTables:
    return _tables_for(tuple(compiled))


@lru_cache(maxsize=64)
def _tables_for(compiled: tuple[CompiledParameters, ...]) -> BatchTables:
    cap = max(age_cap(c) for c in compiled)
    distinct: dict[int, int] = {}
    tables: list[ProfileTables] = []
    block = []
    for c in compiled:
        t = profile_tables(c, cap)
        if id(t) not in distinct:
            distinct[id(t)] = len(tables)
            tables.append(t)
        block.append(distinct[id(t)])
    if len(tables) == 1:
        return BatchTables(tables[0], cap, grid_size(cap), None)
    return BatchTables(_stack(tables), cap, grid_size(cap), np.asarray(block, dtype=np.int64))


def _stack(tables: list[ProfileTables]) -> ProfileTables:
    return ProfileTables(
        coefficient=np.concatenate([t.coefficient for t in tables]),
        addon_rate=np.concatenate([t.addon_rate for t in tables]),
        imputed_casual=np.concatenate([t.imputed_casual for t in tables]),
        imputed_land=np.concatenate([t.imputed_land for t in tables]),
        member_points=np.concatenate([t.member_points for t in tables]),
        flags=np.concatenate([t.flags for t in tables]),
        items={code: np.concatenate([t.items[code] for t in tables]) for code in tables[0].items},
    )

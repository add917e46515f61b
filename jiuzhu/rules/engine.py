"""The batch engine (批量核算): arrays of households in, arrays of results out.

One code path for one household and for a million: :func:`assess_arrays` takes a
:class:`~jiuzhu.rules.batch.HouseholdBatch` and computes every quantity of 10-rules.md
for all households at once, in exact integer arithmetic (units in
:mod:`jiuzhu.rules.units`). It builds no dicts; :mod:`jiuzhu.rules.explain` turns its
results into result objects with their explanation.

A large batch is cut into chunks of :data:`CHUNK_HOUSEHOLDS` households, which keep the
working arrays in the processor's cache, and the chunks run on a few threads (numpy
releases the GIL in its loops). Chunks are independent, so a household's result never
depends on the others in the batch.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields
from functools import cached_property
from typing import Any

import numpy as np

from . import formulas as fx
from .batch import HouseholdBatch, int_date
from .frame import ELDERLY, FIXED_EMPLOYMENT, JOB_REFUSAL, PENSION, PUBLIC_SERVANT, Frame
from .hardship import HardshipScores, hardship_scores
from .money import div_half_up
from .parameters import NoParametersForDate, ParameterSet, effective_dates, parameters_for
from .profiles import BatchTables, profile_key, tables_for
from .tables import CompiledParameters, ParameterTable, compile_parameters
from .units import UNITS_PER_FEN
from .vetoes import veto_mask

CHUNK_HOUSEHOLDS = 65_536


@dataclass
class MemberDetail:
    """Per-member quantities (length M), for explanations."""

    age: np.ndarray
    coefficient: np.ndarray  # tenths
    earned: np.ndarray  # gross units
    imputed_casual: np.ndarray  # gross units (0 unless casual work, unemployed or none)
    imputed_land: np.ndarray  # gross units (0 unless farming)
    other: np.ndarray  # gross units
    addon_rate: np.ndarray  # basis points


@dataclass
class BatchResult:
    """Results of :func:`assess_arrays`, one row per household (length H).

    Money in fen except ``gross`` and ``net`` (1/100 000 fen, exact: see ``gross_fen``);
    ``top_up`` and ``addon`` in fen × 1/10 000; ``index`` in hundredths of a point;
    ``vetoes`` bit i = ``VETOES[i]`` fired. ``parameter_sets[parameter_set_index[h]]``
    are the parameters household h was assessed with.
    """

    eligible: np.ndarray
    benefit: np.ndarray
    per_capita: np.ndarray
    circle: np.ndarray
    index: np.ndarray
    vetoes: np.ndarray
    gross: np.ndarray
    deductions: np.ndarray
    net: np.ndarray
    standard: np.ndarray
    members: np.ndarray
    top_up: np.ndarray
    addon: np.ndarray
    parameter_sets: list[ParameterSet]
    parameter_set_index: np.ndarray
    member_offsets: np.ndarray
    supporter_offsets: np.ndarray
    # with detail=True only
    support: np.ndarray | None = None  # per supporter, gross units
    support_rate: np.ndarray | None = None  # per supporter, basis points
    member_detail: MemberDetail | None = None
    hardship: HardshipScores | None = None

    def __len__(self) -> int:
        return len(self.eligible)

    @cached_property
    def gross_fen(self) -> np.ndarray:
        """G rounded half up to the fen, for display only (G itself is exact)."""
        return div_half_up(self.gross, UNITS_PER_FEN)


_HOUSEHOLD_RESULTS = (
    "eligible",
    "benefit",
    "per_capita",
    "circle",
    "index",
    "vetoes",
    "gross",
    "deductions",
    "net",
    "standard",
    "members",
    "top_up",
    "addon",
)


def resolve_parameter_sets(
    county: np.ndarray, on_date: np.ndarray
) -> tuple[list[ParameterSet], np.ndarray]:
    """The parameter sets a batch needs and, per household, which one it uses.

    Dates are placed between the county's effective dates by binary search, so a
    million households cost a few vectorised passes, not a million look-ups. Raises
    ParameterError (unknown county, or a date before the first effective date).
    """
    size = len(county)
    if size == 0:
        return [], np.zeros(0, dtype=np.int64)
    if (county == county[0]).all():
        codes, county_index = np.asarray(county[:1]), np.zeros(size, dtype=np.int64)
    else:
        codes, county_index = np.unique(county, return_inverse=True)
    sets: list[ParameterSet] = []
    set_index = np.empty(size, dtype=np.int64)
    for position, code in enumerate(codes):
        county_code = f"{int(code):06d}"
        chosen = slice(None) if len(codes) == 1 else county_index == position
        breaks = effective_dates(county_code)
        break_ints = np.asarray(
            [d.year * 10000 + d.month * 100 + d.day for d in breaks], dtype=np.int64
        )
        segment = np.searchsorted(break_ints, on_date[chosen], side="right") - 1
        if (segment < 0).any():
            first = int(np.asarray(on_date[chosen])[segment < 0][0])
            raise NoParametersForDate(
                f"评估日期 {int_date(first).isoformat()} 之前没有生效的救助参数（县级区划 {county_code}）"
            )
        used = np.flatnonzero(np.bincount(segment, minlength=len(breaks)))
        remap = np.full(len(breaks), -1, dtype=np.int64)
        for segment_number in used:
            remap[segment_number] = len(sets)
            sets.append(parameters_for(county_code, breaks[segment_number]))
        set_index[chosen] = remap[segment]
    return sets, set_index


def assess_arrays(
    batch: HouseholdBatch,
    detail: bool = False,
    chunk_size: int = CHUNK_HOUSEHOLDS,
    workers: int | None = None,
) -> BatchResult:
    """Assess every household of the batch (inputs must be valid: see validation).

    ``detail`` keeps per-member, per-supporter and per-item quantities for explanations.
    Raises ParameterError when a county or date has no parameters.
    """
    if (batch.member_count < 1).any():
        raise ValueError("every household needs at least one member")
    parameter_sets, set_index = resolve_parameter_sets(batch.county, batch.assessment_date)
    compiled = [compile_parameters(s) for s in parameter_sets]
    profiles = tables_for(compiled) if compiled else None
    bounds = [*range(0, len(batch), max(1, chunk_size)), len(batch)]
    pieces = list(zip(bounds[:-1], bounds[1:], strict=True))

    def run(piece: tuple[int, int]) -> BatchResult:
        start, stop = piece
        assert profiles is not None
        return _assess_chunk(
            batch.slice(start, stop), compiled, set_index[start:stop], profiles, detail
        )

    if len(pieces) > 1:
        with ThreadPoolExecutor(max_workers=workers or _default_workers()) as pool:
            parts = list(pool.map(run, pieces))
    else:
        parts = [run(piece) for piece in pieces]
    return _concatenate(parts, batch, parameter_sets, set_index, detail)


def _default_workers() -> int:
    """Threads for a large batch: the CPUs this process may use, at most 4."""
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        available = os.cpu_count() or 1
    return max(1, min(4, available))


def _assess_chunk(
    batch: HouseholdBatch,
    compiled: list[CompiledParameters],
    set_index: np.ndarray,
    profiles: BatchTables,
    detail: bool,
) -> BatchResult:
    params = ParameterTable(compiled, set_index)
    members = batch.member_count
    standard = np.where(
        batch.rural, params.value("standard_rural_fen"), params.value("standard_urban_fen")
    )
    tables = profiles.tables
    f = Frame(
        batch=batch,
        params=params,
        tables=tables,
        members=members,
        standard=standard.astype(np.int64),
    )

    # Members: age, then everything that depends only on the member's profile.
    f.age = fx.age_in_full_years(batch.birth_date, f.for_members(batch.assessment_date))
    profile = profile_key(
        profiles.cap,
        f.age,
        batch.health,
        batch.in_school,
        batch.school_level,
        batch.orphan_or_unsupported,
        batch.occupation,
    )
    if profiles.block is not None:
        profile += np.repeat((profiles.block[set_index] * profiles.size).astype(np.int32), members)
    f.profile = profile
    f.coefficient = np.take(tables.coefficient, profile)
    f.coefficient_sum = f.members_sum(f.coefficient)
    f.member_points = f.members_sum(np.take(tables.member_points, profile))
    f.member_flags = _member_flags(f, np.take(tables.flags, profile))

    # Income.
    imputed_casual = np.take(tables.imputed_casual, profile)
    imputed_land = np.take(tables.imputed_land, profile)
    earned = fx.earned_income(batch.wages, imputed_casual, imputed_land)
    other = fx.other_income(batch.business, batch.property, batch.transfer, batch.pension)
    support, support_rate = fx.support_payment(
        batch.supporter_income,
        batch.supporter_count,
        batch.supporter_exempt,
        batch.supporter_large_assets,
        f.for_rows(f.value("support_rate_bp"), batch.supporter_offsets),
        f.for_rows(f.value("support_rate_large_assets_bp"), batch.supporter_offsets),
    )
    f.gross = fx.gross_income(f.members_sum(earned + other), f.supporters_sum(support))
    f.deductions = fx.deductions(
        batch.medical, batch.education, batch.insurance_premiums, batch.other_rigid
    )
    f.net, f.per_capita = fx.per_capita_monthly_income(f.gross, f.deductions, members)

    # Decision, amount, circle, index.
    vetoes = veto_mask(f)
    eligible = fx.dibao_eligible(vetoes, f.per_capita, f.standard)
    top_up = fx.top_up(f.per_capita, f.standard, members, f.value("min_benefit_ratio_bp"))
    addon_rate = np.take(tables.addon_rate, profile)
    addon = f.members_sum(addon_rate) * f.standard
    benefit = fx.monthly_benefit(eligible, top_up, addon)
    circle = fx.information_circle(
        eligible, f.per_capita, f.standard, f.value("low_income_multiplier_bp")
    )
    scores = hardship_scores(f, detail=detail)

    result = BatchResult(
        eligible=eligible,
        benefit=benefit,
        per_capita=f.per_capita,
        circle=circle,
        index=scores.index,
        vetoes=vetoes,
        gross=f.gross,
        deductions=f.deductions,
        net=f.net,
        standard=f.standard,
        members=members,
        top_up=top_up,
        addon=addon,
        parameter_sets=[],
        parameter_set_index=set_index,
        member_offsets=batch.member_offsets,
        supporter_offsets=batch.supporter_offsets,
    )
    if detail:
        result.support = support
        result.support_rate = np.broadcast_to(support_rate, support.shape).copy()
        result.member_detail = MemberDetail(
            age=f.age,
            coefficient=f.coefficient,
            earned=earned,
            imputed_casual=imputed_casual,
            imputed_land=imputed_land,
            other=other,
            addon_rate=addon_rate,
        )
        result.hardship = scores
    return result


def _member_flags(f: Frame, profile_flags: np.ndarray) -> np.ndarray:
    """The member flag bits of each household: OR over its members (uint8)."""
    b = f.batch
    refused = b.refused_job_offers >= f.for_members(f.value("job_refusal_offers"))
    bits = profile_flags & (ELDERLY | FIXED_EMPLOYMENT)
    bits |= (profile_flags & JOB_REFUSAL) * refused
    bits |= b.public_servant.view(np.uint8) * PUBLIC_SERVANT
    bits |= (b.pension > 0).view(np.uint8) * PENSION
    return np.bitwise_or.reduceat(bits, b.member_offsets[:-1])


def _concatenate(
    parts: Sequence[BatchResult],
    batch: HouseholdBatch,
    parameter_sets: list[ParameterSet],
    set_index: np.ndarray,
    detail: bool,
) -> BatchResult:
    if len(parts) == 1:
        result = parts[0]
    else:
        empty = np.zeros(0, dtype=np.int64)
        columns: dict[str, Any] = {
            name: np.concatenate([getattr(p, name) for p in parts]) if parts else empty
            for name in _HOUSEHOLD_RESULTS
        }
        result = BatchResult(
            **columns,
            parameter_sets=[],
            parameter_set_index=set_index,
            member_offsets=batch.member_offsets,
            supporter_offsets=batch.supporter_offsets,
        )
        if detail and parts:
            result.support = np.concatenate([p.support for p in parts if p.support is not None])
            result.support_rate = np.concatenate(
                [p.support_rate for p in parts if p.support_rate is not None]
            )
            details = [p.member_detail for p in parts if p.member_detail is not None]
            result.member_detail = MemberDetail(
                **{
                    f.name: np.concatenate([getattr(d, f.name) for d in details])
                    for f in fields(MemberDetail)
                }
            )
            scores = [p.hardship for p in parts if p.hardship is not None]
            result.hardship = HardshipScores(
                index=np.concatenate([s.index for s in scores]),
                categories={c: np.concatenate([s.categories[c] for s in scores]) for c in "ABC"},
                capped={c: np.concatenate([s.capped[c] for s in scores]) for c in "ABC"},
                items=np.concatenate([s.items for s in scores if s.items is not None]),
                member_counts=np.concatenate(
                    [s.member_counts for s in scores if s.member_counts is not None]
                ),
            )
    result.parameter_sets = parameter_sets
    result.parameter_set_index = set_index
    result.member_offsets = batch.member_offsets
    result.supporter_offsets = batch.supporter_offsets
    return result


def ranking(result: BatchResult, household_ids: Sequence[str]) -> np.ndarray:
    """Positions of the households, most difficult first (始终将最困难的放在最前面).

    Index descending, then P ascending, then household_id in plain string order
    (code point order, as Python compares strings).
    """
    ids = np.asarray(list(household_ids), dtype=str)
    return np.lexsort((ids, result.per_capita, -result.index.astype(np.int64)))

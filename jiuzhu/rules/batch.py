"""Households as flat arrays (列式数据): the input of the batch engine.

One row per household, one per member, one per supporter, one per vehicle. Members,
supporters and vehicles are stored household by household; ``*_offsets`` (length H+1)
say where each household's rows start and end, so household ``h`` has members
``member_offsets[h]:member_offsets[h + 1]`` (at least one), and possibly no supporters or
vehicles. Money is int64 fen; area, sheep units and mu are kept as floor and ceiling of
value × 10 000 so that comparisons with thresholds are exact whatever their decimals;
enums are indexes into the tuples of :mod:`jiuzhu.rules.vocabulary`; dates are int
``yyyymmdd``; the county is the int of the first six digits of ``region_code``.

:func:`batch_from_households` builds a batch from household dicts that passed
:func:`jiuzhu.rules.validation.validate_household`; a database re-assessment or the
benchmark (:mod:`jiuzhu.rules.synthetic`) can fill the arrays directly.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

import numpy as np

from . import vocabulary as v
from .money import scaled_ceil, scaled_floor, yuan_to_fen
from .units import QUANTITY_SCALE
from .validation import parse_date

HOUSEHOLD_FIELDS = (
    "county",
    "assessment_date",
    "rural",
    "medical",
    "education",
    "insurance_premiums",
    "other_rigid",
    "homes_owned",
    "housing_area_floor",
    "housing_area_ceil",
    "dilapidated_housing",
    "financial_assets",
    "business_registration",
    "large_machinery_value",
    "livestock_floor",
    "livestock_ceil",
    "land_floor",
    "land_ceil",
    "commercial_insurance_premium",
    "debts",
    *v.FLAG_NAMES,
)
MEMBER_FIELDS = (
    "birth_date",
    "health",
    "occupation",
    "school_level",
    "in_school",
    "public_servant",
    "refused_job_offers",
    "orphan_or_unsupported",
    *v.INCOME_KINDS,
)
SUPPORTER_FIELDS = (
    "supporter_income",
    "supporter_count",
    "supporter_exempt",
    "supporter_large_assets",
)
VEHICLE_FIELDS = ("vehicle_kind", "vehicle_value")


@dataclass
class HouseholdBatch:
    """N households as arrays. See the module docstring for the layout and units."""

    # households (length H)
    county: np.ndarray  # int32, e.g. 990102
    assessment_date: np.ndarray  # int32 yyyymmdd
    rural: np.ndarray  # bool: area_type == "rural"
    medical: np.ndarray  # int64 fen, expenditures
    education: np.ndarray
    insurance_premiums: np.ndarray
    other_rigid: np.ndarray
    homes_owned: np.ndarray  # int64
    housing_area_floor: np.ndarray  # int64, floor(m² × 10 000)
    housing_area_ceil: np.ndarray  # int64, ceil(m² × 10 000)
    dilapidated_housing: np.ndarray  # bool
    financial_assets: np.ndarray  # int64 fen
    business_registration: np.ndarray  # bool
    large_machinery_value: np.ndarray  # int64 fen
    livestock_floor: np.ndarray  # int64, sheep units × 10 000
    livestock_ceil: np.ndarray
    land_floor: np.ndarray  # int64, mu × 10 000
    land_ceil: np.ndarray
    commercial_insurance_premium: np.ndarray  # int64 fen
    debts: np.ndarray  # int64 fen
    home_purchased_within_12m: np.ndarray  # bool flags
    private_school_or_abroad: np.ndarray
    refuses_verification: np.ndarray
    false_information: np.ndarray
    asset_transfer_or_split: np.ndarray
    single_parent: np.ndarray
    recent_hardship_event: np.ndarray
    # members (length M), household by household
    member_offsets: np.ndarray  # int64, length H + 1
    birth_date: np.ndarray  # int32 yyyymmdd
    health: np.ndarray  # int8, index in HEALTH
    occupation: np.ndarray  # int8, index in OCCUPATIONS
    school_level: np.ndarray  # int8, index in SCHOOL_LEVELS
    in_school: np.ndarray  # bool
    public_servant: np.ndarray  # bool
    refused_job_offers: np.ndarray  # int64
    orphan_or_unsupported: np.ndarray  # bool
    wages: np.ndarray  # int64 fen per year
    business: np.ndarray
    property: np.ndarray
    transfer: np.ndarray
    pension: np.ndarray
    # supporters (length S)
    supporter_offsets: np.ndarray  # int64, length H + 1
    supporter_income: np.ndarray  # int64 fen per year
    supporter_count: np.ndarray  # int64: k, how many members the supporter supports
    supporter_exempt: np.ndarray  # bool: an exempt reason is given
    supporter_large_assets: np.ndarray  # bool
    # vehicles (length V)
    vehicle_offsets: np.ndarray  # int64, length H + 1
    vehicle_kind: np.ndarray  # int8, index in VEHICLE_KINDS
    vehicle_value: np.ndarray  # int64 fen

    def __len__(self) -> int:
        return len(self.county)

    # ``builtins.property``: the field ``property`` (property income) shadows the name here.
    @builtins.property
    def member_count(self) -> np.ndarray:
        return np.diff(self.member_offsets)

    def select(self, indices: Sequence[int] | np.ndarray) -> HouseholdBatch:
        """The households at ``indices`` (in that order) as a new batch."""
        idx = np.asarray(indices, dtype=np.int64)
        parts: dict[str, np.ndarray] = {name: getattr(self, name)[idx] for name in HOUSEHOLD_FIELDS}
        for offsets_name, names in (
            ("member_offsets", MEMBER_FIELDS),
            ("supporter_offsets", SUPPORTER_FIELDS),
            ("vehicle_offsets", VEHICLE_FIELDS),
        ):
            offsets, rows = _take_segments(getattr(self, offsets_name), idx)
            parts[offsets_name] = offsets
            for name in names:
                parts[name] = getattr(self, name)[rows]
        return HouseholdBatch(**parts)

    def slice(self, start: int, stop: int) -> HouseholdBatch:
        """Households ``start:stop`` as a batch of views (no copy but the offsets)."""
        parts: dict[str, np.ndarray] = {
            name: getattr(self, name)[start:stop] for name in HOUSEHOLD_FIELDS
        }
        for offsets_name, names in (
            ("member_offsets", MEMBER_FIELDS),
            ("supporter_offsets", SUPPORTER_FIELDS),
            ("vehicle_offsets", VEHICLE_FIELDS),
        ):
            offsets = getattr(self, offsets_name)
            first, last = offsets[start], offsets[stop]
            parts[offsets_name] = offsets[start : stop + 1] - first
            for name in names:
                parts[name] = getattr(self, name)[first:last]
        return HouseholdBatch(**parts)

    def nbytes(self) -> int:
        return sum(getattr(self, f.name).nbytes for f in fields(self))


def concatenate_batches(batches: Sequence[HouseholdBatch]) -> HouseholdBatch:
    """Several batches as one, households in order."""
    parts: dict[str, np.ndarray] = {}
    for name in (*HOUSEHOLD_FIELDS, *MEMBER_FIELDS, *SUPPORTER_FIELDS, *VEHICLE_FIELDS):
        parts[name] = np.concatenate([getattr(b, name) for b in batches])
    for name in ("member_offsets", "supporter_offsets", "vehicle_offsets"):
        lengths = np.concatenate([np.diff(getattr(b, name)) for b in batches])
        offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        parts[name] = offsets
    return HouseholdBatch(**parts)


def _take_segments(offsets: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Offsets and row indexes of the segments ``idx`` of an offsets-described array."""
    starts = offsets[:-1][idx]
    lengths = offsets[1:][idx] - starts
    new_offsets = np.zeros(len(idx) + 1, dtype=np.int64)
    np.cumsum(lengths, out=new_offsets[1:])
    rows = np.arange(new_offsets[-1], dtype=np.int64) - np.repeat(
        new_offsets[:-1] - starts, lengths
    )
    return new_offsets, rows


def date_int(value: Any) -> int:
    parsed = parse_date(value)
    if parsed is None:
        raise ValueError(f"not a date: {value!r}")
    return parsed.year * 10000 + parsed.month * 100 + parsed.day


def int_date(value: int) -> date:
    return date(int(value) // 10000, int(value) // 100 % 100, int(value) % 100)


def _index(vocabulary: tuple[Any, ...]) -> dict[Any, int]:
    return {name: i for i, name in enumerate(vocabulary)}


_HEALTH = _index(v.HEALTH)
_OCCUPATION = _index(v.OCCUPATIONS)
_SCHOOL = _index(v.SCHOOL_LEVELS)
_VEHICLE = _index(v.VEHICLE_KINDS)


def batch_from_households(households: Sequence[Mapping[str, Any]]) -> HouseholdBatch:
    """Arrays of validated household dicts; absent optional fields take the 10-rules.md defaults."""
    cols: dict[str, list[Any]] = {
        name: [] for name in (*HOUSEHOLD_FIELDS, *MEMBER_FIELDS, *SUPPORTER_FIELDS, *VEHICLE_FIELDS)
    }
    member_offsets, supporter_offsets, vehicle_offsets = [0], [0], [0]
    for household in households:
        expenditures = household.get("expenditures") or {}
        assets = household.get("assets") or {}
        flags = household.get("flags") or {}
        cols["county"].append(int(household["region_code"][:6]))
        cols["assessment_date"].append(date_int(household["assessment_date"]))
        cols["rural"].append(household["area_type"] == "rural")
        for kind in v.EXPENDITURE_KINDS:
            cols[kind].append(yuan_to_fen(expenditures.get(kind, 0)))
        cols["homes_owned"].append(int(assets.get("homes_owned", 0)))
        for source, name in (
            ("housing_area_m2", "housing_area"),
            ("livestock_sheep_units", "livestock"),
            ("contracted_land_mu", "land"),
        ):
            cols[f"{name}_floor"].append(scaled_floor(assets.get(source, 0), QUANTITY_SCALE))
            cols[f"{name}_ceil"].append(scaled_ceil(assets.get(source, 0), QUANTITY_SCALE))
        cols["dilapidated_housing"].append(bool(assets.get("dilapidated_housing", False)))
        cols["financial_assets"].append(yuan_to_fen(assets.get("financial_assets", 0)))
        cols["business_registration"].append(bool(assets.get("business_registration", False)))
        cols["large_machinery_value"].append(yuan_to_fen(assets.get("large_machinery_value", 0)))
        cols["commercial_insurance_premium"].append(
            yuan_to_fen(assets.get("commercial_insurance_premium_annual", 0))
        )
        cols["debts"].append(yuan_to_fen(assets.get("debts", 0)))
        for name in v.FLAG_NAMES:
            cols[name].append(bool(flags.get(name, False)))

        members = household["members"]
        for member in members:
            income = member.get("income") or {}
            cols["birth_date"].append(date_int(member["birth_date"]))
            cols["health"].append(_HEALTH[member["health"]])
            cols["occupation"].append(_OCCUPATION[member["occupation"]])
            cols["school_level"].append(_SCHOOL[member.get("school_level", "none")])
            cols["in_school"].append(bool(member.get("in_school", False)))
            cols["public_servant"].append(bool(member.get("public_servant", False)))
            cols["refused_job_offers"].append(int(member.get("refused_job_offers", 0)))
            cols["orphan_or_unsupported"].append(bool(member.get("orphan_or_unsupported", False)))
            for kind in v.INCOME_KINDS:
                cols[kind].append(yuan_to_fen(income.get(kind, 0)))
        member_offsets.append(member_offsets[-1] + len(members))

        supporters = household.get("supporters") or []
        for supporter in supporters:
            cols["supporter_income"].append(yuan_to_fen(supporter["annual_income"]))
            cols["supporter_count"].append(len(supporter["supports"]))
            cols["supporter_exempt"].append(supporter.get("exempt") is not None)
            cols["supporter_large_assets"].append(bool(supporter.get("large_assets", False)))
        supporter_offsets.append(supporter_offsets[-1] + len(supporters))

        vehicles = assets.get("vehicles") or []
        for vehicle in vehicles:
            cols["vehicle_kind"].append(_VEHICLE[vehicle["kind"]])
            cols["vehicle_value"].append(yuan_to_fen(vehicle["value"]))
        vehicle_offsets.append(vehicle_offsets[-1] + len(vehicles))

    arrays = {
        name: np.asarray(values, dtype=_DTYPES.get(name, np.int64)) for name, values in cols.items()
    }
    return HouseholdBatch(
        **arrays,
        member_offsets=np.asarray(member_offsets, dtype=np.int64),
        supporter_offsets=np.asarray(supporter_offsets, dtype=np.int64),
        vehicle_offsets=np.asarray(vehicle_offsets, dtype=np.int64),
    )


_BOOL_FIELDS = (
    "rural",
    "dilapidated_housing",
    "business_registration",
    *v.FLAG_NAMES,
    "in_school",
    "public_servant",
    "orphan_or_unsupported",
    "supporter_exempt",
    "supporter_large_assets",
)
_DTYPES: dict[str, Any] = {
    **{name: np.bool_ for name in _BOOL_FIELDS},
    "county": np.int32,
    "assessment_date": np.int32,
    "birth_date": np.int32,
    "health": np.int8,
    "occupation": np.int8,
    "school_level": np.int8,
    "vehicle_kind": np.int8,
}

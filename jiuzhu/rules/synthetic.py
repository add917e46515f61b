"""Synthetic households (模拟家庭) for the benchmark and property tests.

``generate(n, seed)`` returns a :class:`HouseholdBatch` of N households drawn with a fixed
seed so that every rule is exercised: all healths, occupations, school levels and ages
(with 29 February birthdays), urban and rural, assessment dates on both sides of
2026-01-01, supporters exempt or not and with large assets, every vehicle kind, and
every veto at a low rate. ``to_dicts`` turns a batch into household dicts (valid against
household.schema.json, with real GB 11643 check characters), so tests can compare the
dict path with the array path.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np

from . import vocabulary as v
from .batch import HouseholdBatch
from .units import QUANTITY_SCALE
from .validation import id_check_character

COUNTY = 990102
REGION_CODES = ("990102001001", "990102002003", "990102003002", "990102")
DEFAULT_SEED = 20260101


def _offsets(counts: np.ndarray) -> np.ndarray:
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return offsets


def _sparse_money(rng: np.random.Generator, size: int, share: float, high_yuan: int) -> np.ndarray:
    """Fen amounts: zero for (1 − share) of rows, else up to ``high_yuan`` yuan, some with fen."""
    amount = rng.integers(0, high_yuan * 100 + 1, size=size, dtype=np.int64)
    whole_yuan = rng.random(size) < 0.7
    amount = np.where(whole_yuan, amount // 100 * 100, amount)
    return np.where(rng.random(size) < share, amount, 0)


def _dates(rng: np.random.Generator, years: np.ndarray) -> np.ndarray:
    """yyyymmdd dates in the given years; about 1 in 200 falls on 29 February of a leap year."""
    size = len(years)
    month = rng.integers(1, 13, size=size)
    day = rng.integers(1, 29, size=size)
    leap = (years % 4 == 0) & ((years % 100 != 0) | (years % 400 == 0))
    feb29 = leap & (rng.random(size) < 0.005 * 4)
    month = np.where(feb29, 2, month)
    day = np.where(feb29, 29, day)
    return (years * 10000 + month * 100 + day).astype(np.int32)


def generate(n: int, seed: int = DEFAULT_SEED) -> HouseholdBatch:
    """N synthetic households as arrays (deterministic for a given seed)."""
    rng = np.random.default_rng(seed)
    h = n
    members = rng.choice(np.arange(1, 7), size=h, p=[0.25, 0.25, 0.2, 0.15, 0.1, 0.05])
    member_offsets = _offsets(members)
    m = int(member_offsets[-1])
    household_of_member = np.repeat(np.arange(h), members)

    assessment_year = rng.integers(2025, 2027, size=h)
    assessment_date = _dates(rng, assessment_year)
    rural = rng.random(h) < 0.5

    # Members: ages 0–99 (some exactly at the band edges), birth dates from the age.
    edges = np.array([5, 6, 15, 16, 17, 18, 39, 40, 49, 50, 59, 60, 69, 70, 79, 80])
    age = np.where(rng.random(m) < 0.3, rng.choice(edges, size=m), rng.integers(0, 100, size=m))
    on = assessment_date[household_of_member]
    birth_year = on // 10000 - age
    birth_date = _dates(rng, birth_year)
    health = rng.choice(len(v.HEALTH), size=m, p=[0.55, 0.15, 0.08, 0.08, 0.07, 0.07]).astype(
        np.int8
    )
    occupation = rng.integers(0, len(v.OCCUPATIONS), size=m).astype(np.int8)
    school_age = (age >= 3) & (age <= 23)
    in_school = school_age & (rng.random(m) < 0.8)
    level_by_age = np.select(
        [age < 6, age < 12, age < 15, age < 18, age >= 18],
        [
            v.SCHOOL_LEVELS.index(x)
            for x in ("preschool", "primary", "junior", "senior", "university")
        ],
    )
    vocational = (age >= 15) & (age < 18) & (rng.random(m) < 0.3)
    level_by_age = np.where(vocational, v.SCHOOL_LEVELS.index("vocational"), level_by_age)
    school_level = np.where(
        in_school | (school_age & (rng.random(m) < 0.5)), level_by_age, 0
    ).astype(np.int8)
    public_servant = rng.random(m) < 0.003
    refused_job_offers = np.where(rng.random(m) < 0.03, rng.integers(1, 6, size=m), 0).astype(
        np.int64
    )
    orphan = rng.random(m) < 0.01
    wages = _sparse_money(rng, m, 0.35, 50000)
    business = _sparse_money(rng, m, 0.05, 30000)
    property_income = _sparse_money(rng, m, 0.05, 10000)
    transfer = _sparse_money(rng, m, 0.15, 3000)
    pension = np.where(age >= 55, _sparse_money(rng, m, 0.5, 40000), 0)

    # Supporters: 0–2 per household, supporting 1..n members each.
    supporters = rng.choice(np.arange(0, 3), size=h, p=[0.6, 0.3, 0.1])
    supporter_offsets = _offsets(supporters)
    s = int(supporter_offsets[-1])
    supporter_household = np.repeat(np.arange(h), supporters)
    supporter_count = 1 + (rng.random(s) * members[supporter_household]).astype(np.int64)
    supporter_income = _sparse_money(rng, s, 0.9, 150000)
    supporter_exempt = rng.random(s) < 0.25
    supporter_large_assets = rng.random(s) < 0.1

    # Vehicles: 0–2 per household, all kinds, values around the car limit.
    vehicles = rng.choice(np.arange(0, 3), size=h, p=[0.7, 0.25, 0.05])
    vehicle_offsets = _offsets(vehicles)
    nv = int(vehicle_offsets[-1])
    vehicle_kind = rng.integers(0, len(v.VEHICLE_KINDS), size=nv).astype(np.int8)
    vehicle_value = _sparse_money(rng, nv, 0.95, 60000)

    def quantity(share: float, high: int) -> np.ndarray:
        whole = rng.integers(0, high * 100 + 1, size=h) * (QUANTITY_SCALE // 100)
        return np.where(rng.random(h) < share, whole, 0).astype(np.int64)

    housing_area = quantity(0.9, 240)
    livestock = np.where(rural, quantity(0.4, 120), 0)
    land = np.where(rural, quantity(0.8, 12), 0)

    def flag(rate: float) -> np.ndarray:
        return rng.random(h) < rate

    return HouseholdBatch(
        county=np.full(h, COUNTY, dtype=np.int32),
        assessment_date=assessment_date,
        rural=rural,
        medical=_sparse_money(rng, h, 0.3, 40000),
        education=_sparse_money(rng, h, 0.2, 12000),
        insurance_premiums=_sparse_money(rng, h, 0.4, 2000),
        other_rigid=_sparse_money(rng, h, 0.1, 8000),
        homes_owned=rng.choice(np.arange(0, 4), size=h, p=[0.2, 0.7, 0.08, 0.02]).astype(np.int64),
        housing_area_floor=housing_area,
        housing_area_ceil=housing_area,
        dilapidated_housing=flag(0.05),
        financial_assets=_sparse_money(rng, h, 0.65, 30000) + _sparse_money(rng, h, 0.05, 400000),
        business_registration=flag(0.01),
        large_machinery_value=np.where(rural, _sparse_money(rng, h, 0.1, 90000), 0),
        livestock_floor=livestock,
        livestock_ceil=livestock,
        land_floor=land,
        land_ceil=land,
        commercial_insurance_premium=_sparse_money(rng, h, 0.1, 15000),
        debts=_sparse_money(rng, h, 0.4, 200000),
        home_purchased_within_12m=flag(0.01),
        private_school_or_abroad=flag(0.01),
        refuses_verification=flag(0.005),
        false_information=flag(0.005),
        asset_transfer_or_split=flag(0.005),
        single_parent=flag(0.05),
        recent_hardship_event=flag(0.05),
        member_offsets=member_offsets,
        birth_date=birth_date,
        health=health,
        occupation=occupation,
        school_level=school_level,
        in_school=in_school,
        public_servant=public_servant,
        refused_job_offers=refused_job_offers,
        orphan_or_unsupported=orphan,
        wages=wages,
        business=business,
        property=property_income,
        transfer=transfer,
        pension=pension,
        supporter_offsets=supporter_offsets,
        supporter_income=supporter_income,
        supporter_count=supporter_count,
        supporter_exempt=supporter_exempt,
        supporter_large_assets=supporter_large_assets,
        vehicle_offsets=vehicle_offsets,
        vehicle_kind=vehicle_kind,
        vehicle_value=vehicle_value,
    )


def _yuan(fen: Any) -> Decimal:
    return Decimal(int(fen)) / 100


def _quantity(scaled: Any) -> Decimal:
    return Decimal(int(scaled)) / QUANTITY_SCALE


def _iso(yyyymmdd: Any) -> str:
    value = int(yyyymmdd)
    return f"{value // 10000:04d}-{value // 100 % 100:02d}-{value % 100:02d}"


def id_number(county: str, birth: int, sequence: int) -> str:
    """A valid 18-character ID number for a birth date (yyyymmdd)."""
    first17 = f"{county}{birth:08d}{sequence % 1000:03d}"
    return first17 + id_check_character(first17)


def to_dicts(batch: HouseholdBatch, prefix: str = "SYN") -> list[dict[str, Any]]:
    """The batch as household dicts (money as Decimal), one per household, in order.

    Areas, sheep units and mu must be exact in the batch (floor == ceiling), as
    :func:`generate` makes them.
    """
    result = []
    for i in range(len(batch)):
        first, last = int(batch.member_offsets[i]), int(batch.member_offsets[i + 1])
        ids = [f"M{k + 1}" for k in range(last - first)]
        members = []
        for k, row in enumerate(range(first, last)):
            birth = int(batch.birth_date[row])
            members.append(
                {
                    "member_id": ids[k],
                    "name": f"成员{k + 1}",
                    "id_number": id_number(f"{int(batch.county[i]):06d}", birth, row),
                    "relation": v.RELATIONS[0 if k == 0 else 1 + (row % (len(v.RELATIONS) - 1))],
                    "birth_date": _iso(birth),
                    "health": v.HEALTH[int(batch.health[row])],
                    "occupation": v.OCCUPATIONS[int(batch.occupation[row])],
                    "in_school": bool(batch.in_school[row]),
                    "school_level": v.SCHOOL_LEVELS[int(batch.school_level[row])],
                    "public_servant": bool(batch.public_servant[row]),
                    "refused_job_offers": int(batch.refused_job_offers[row]),
                    "orphan_or_unsupported": bool(batch.orphan_or_unsupported[row]),
                    "income": {kind: _yuan(getattr(batch, kind)[row]) for kind in v.INCOME_KINDS},
                }
            )
        supporters = []
        for row in range(int(batch.supporter_offsets[i]), int(batch.supporter_offsets[i + 1])):
            count = int(batch.supporter_count[row])
            supporters.append(
                {
                    "name": f"赡养人{row}",
                    "relation": "child",
                    "annual_income": _yuan(batch.supporter_income[row]),
                    "supports": ids[:count],
                    "exempt": "on_dibao" if batch.supporter_exempt[row] else None,
                    "large_assets": bool(batch.supporter_large_assets[row]),
                }
            )
        vehicles = [
            {
                "kind": v.VEHICLE_KINDS[int(batch.vehicle_kind[row])],
                "value": _yuan(batch.vehicle_value[row]),
            }
            for row in range(int(batch.vehicle_offsets[i]), int(batch.vehicle_offsets[i + 1]))
        ]
        result.append(
            {
                "household_id": f"{prefix}{i:07d}",
                "region_code": REGION_CODES[i % len(REGION_CODES)],
                "area_type": "rural" if batch.rural[i] else "urban",
                "assessment_date": _iso(batch.assessment_date[i]),
                "members": members,
                "supporters": supporters,
                "expenditures": {
                    kind: _yuan(getattr(batch, kind)[i]) for kind in v.EXPENDITURE_KINDS
                },
                "assets": {
                    "vehicles": vehicles,
                    "homes_owned": int(batch.homes_owned[i]),
                    "housing_area_m2": _quantity(batch.housing_area_floor[i]),
                    "dilapidated_housing": bool(batch.dilapidated_housing[i]),
                    "financial_assets": _yuan(batch.financial_assets[i]),
                    "business_registration": bool(batch.business_registration[i]),
                    "large_machinery_value": _yuan(batch.large_machinery_value[i]),
                    "livestock_sheep_units": _quantity(batch.livestock_floor[i]),
                    "contracted_land_mu": _quantity(batch.land_floor[i]),
                    "commercial_insurance_premium_annual": _yuan(
                        batch.commercial_insurance_premium[i]
                    ),
                    "debts": _yuan(batch.debts[i]),
                },
                "flags": {name: bool(getattr(batch, name)[i]) for name in v.FLAG_NAMES},
            }
        )
    return result


def generate_dicts(n: int, seed: int = DEFAULT_SEED) -> list[dict[str, Any]]:
    """N synthetic households as dicts (the same households as ``generate(n, seed)``)."""
    return to_dicts(generate(n, seed))

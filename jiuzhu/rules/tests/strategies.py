"""Hypothesis strategies: valid household dicts that reach every rule."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from jiuzhu.rules import vocabulary as v

from .factories import id_number

FEB_29 = [
    date(1940, 2, 29),
    date(1956, 2, 29),
    date(2008, 2, 29),
    date(2012, 2, 29),
    date(2020, 2, 29),
]


def money(high: int = 200_000, zero_weight: int = 3) -> st.SearchStrategy[Decimal]:
    amount = st.integers(0, high * 100).map(lambda fen: Decimal(fen) / 100)
    round_yuan = st.integers(0, high).map(Decimal)
    return st.one_of(*[st.just(Decimal(0))] * zero_weight, amount, round_yuan)


def quantity(high: int) -> st.SearchStrategy[Decimal]:
    return st.one_of(
        st.just(Decimal(0)),
        st.integers(0, high * 1000).map(lambda x: Decimal(x) / 1000),
        st.integers(0, high).map(Decimal),
    )


def dates(start: date, end: date) -> st.SearchStrategy[date]:
    return st.integers(0, (end - start).days).map(lambda d: start + timedelta(days=d))


@st.composite
def members(draw: Any, count: int, on: date) -> list[dict[str, Any]]:
    result = []
    for k in range(count):
        born = draw(st.one_of(dates(date(1920, 1, 1), on), st.sampled_from(FEB_29)))
        born = min(born, on)
        income = {
            kind: draw(money(80_000, zero_weight=6))
            for kind in v.INCOME_KINDS
            if draw(st.booleans())
        }
        data = {
            "member_id": f"M{k + 1}",
            "name": f"成员{k + 1}",
            "id_number": id_number(born.isoformat(), sequence=k),
            "relation": draw(st.sampled_from(v.RELATIONS)),
            "birth_date": born.isoformat(),
            "health": draw(st.sampled_from(v.HEALTH)),
            "occupation": draw(st.sampled_from(v.OCCUPATIONS)),
            "in_school": draw(st.booleans()),
            "school_level": draw(st.sampled_from(v.SCHOOL_LEVELS)),
            "public_servant": draw(st.sampled_from([False] * 15 + [True])),
            "refused_job_offers": draw(st.sampled_from([0, 0, 0, 1, 2, 3, 4])),
            "orphan_or_unsupported": draw(st.sampled_from([False] * 8 + [True])),
            "income": income,
        }
        result.append(data)
    return result


@st.composite
def households(draw: Any) -> dict[str, Any]:
    on = draw(dates(date(2025, 1, 1), date(2026, 12, 31)))
    count = draw(st.integers(1, 5))
    people = draw(members(count, on))
    ids = [m["member_id"] for m in people]
    supporters = []
    for k in range(draw(st.integers(0, 2))):
        supports = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=len(ids), unique=True))
        supporters.append(
            {
                "name": f"赡养人{k}",
                "relation": "child",
                "annual_income": draw(money(200_000, zero_weight=1)),
                "supports": supports,
                "exempt": draw(st.sampled_from([None, None, *v.EXEMPT_REASONS[1:]])),
                "large_assets": draw(st.booleans()),
            }
        )
    vehicles = [
        {
            "kind": draw(st.sampled_from(v.VEHICLE_KINDS)),
            "value": draw(money(60_000, zero_weight=1)),
        }
        for _ in range(draw(st.integers(0, 2)))
    ]
    flag_rate = [False] * 12 + [True]
    return {
        "household_id": "".join(
            draw(st.lists(st.sampled_from("ABCH0123456789-"), min_size=1, max_size=8))
        ),
        "region_code": draw(st.sampled_from(["990102", "990102001", "990102001001"])),
        "area_type": draw(st.sampled_from(v.AREA_TYPES)),
        "assessment_date": on.isoformat(),
        "members": people,
        "supporters": supporters,
        "expenditures": {kind: draw(money(40_000, zero_weight=4)) for kind in v.EXPENDITURE_KINDS},
        "assets": {
            "vehicles": vehicles,
            "homes_owned": draw(st.integers(0, 3)),
            "housing_area_m2": draw(quantity(200)),
            "dilapidated_housing": draw(st.booleans()),
            "financial_assets": draw(money(100_000)),
            "business_registration": draw(st.sampled_from(flag_rate)),
            "large_machinery_value": draw(money(80_000, zero_weight=6)),
            "livestock_sheep_units": draw(quantity(150)),
            "contracted_land_mu": draw(quantity(10)),
            "commercial_insurance_premium_annual": draw(money(15_000, zero_weight=6)),
            "debts": draw(money(200_000)),
        },
        "flags": {name: draw(st.sampled_from(flag_rate)) for name in v.FLAG_NAMES},
    }

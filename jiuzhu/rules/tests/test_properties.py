"""Properties that hold for every household (hypothesis)."""

from __future__ import annotations

import copy
from decimal import Decimal
from functools import lru_cache

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiuzhu.rules import assess, validate_household
from jiuzhu.rules.batch import HouseholdBatch, batch_from_households, concatenate_batches
from jiuzhu.rules.engine import assess_arrays
from jiuzhu.rules.synthetic import generate

from .reference import reference_result
from .strategies import households

# database=None: no .hypothesis directory in the working tree.
SETTINGS = settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
THOROUGH = settings(SETTINGS, max_examples=200)
RESULT_ARRAYS = (
    "eligible",
    "benefit",
    "per_capita",
    "circle",
    "index",
    "vetoes",
    "gross",
    "deductions",
    "net",
)


@lru_cache(maxsize=1)
def thousands() -> HouseholdBatch:
    return generate(3000, seed=11)


@SETTINGS
@given(households())
def test_generated_households_are_valid(household):
    assert validate_household(household) == []


@THOROUGH
@given(households())
def test_the_engine_agrees_with_a_plain_reference_implementation(household):
    [result] = assess([household])
    expected = reference_result(household)
    assert {k: str(result[k]) for k in expected} == {k: str(v) for k, v in expected.items()}


@SETTINGS
@given(households(), st.integers(0, 3000))
def test_a_household_alone_equals_the_same_household_in_a_batch_of_thousands(household, position):
    alone = assess_arrays(batch_from_households([household]))
    others = thousands()
    batch = concatenate_batches(
        [
            others.slice(0, position),
            batch_from_households([household]),
            others.slice(position, len(others)),
        ]
    )
    together = assess_arrays(batch, chunk_size=700, workers=2)
    for name in RESULT_ARRAYS:
        assert getattr(together, name)[position] == getattr(alone, name)[0], name


@SETTINGS
@given(households(), st.integers(1, 5_000_000), st.sampled_from(["wages", "pension", "business"]))
def test_more_income_never_raises_the_benefit_when_no_veto_fires(household, extra_fen, kind):
    richer = copy.deepcopy(household)
    income = richer["members"][0].setdefault("income", {})
    income[kind] = Decimal(income.get(kind, 0)) + Decimal(extra_fen) / 100
    before, after = assess([household, richer])
    if before["vetoes"] or after["vetoes"]:
        return
    assert Decimal(after["per_capita_monthly_income"]) >= Decimal(
        before["per_capita_monthly_income"]
    )
    assert Decimal(after["benefit_monthly"]) <= Decimal(before["benefit_monthly"])


@SETTINGS
@given(households())
def test_benefit_is_zero_exactly_when_not_eligible_and_whole_yuan(household):
    [result] = assess([household])
    benefit = Decimal(result["benefit_monthly"])
    assert (benefit == 0) == (not result["eligible"])
    assert benefit == benefit.to_integral_value()
    assert result["eligible"] == (result["circle"] == 1)
    assert result["vetoes"] == sorted(result["vetoes"])


@SETTINGS
@given(households())
def test_index_within_0_100_and_each_category_within_its_cap(household):
    [result] = assess([household])
    index = Decimal(result["hardship_index"])
    assert 0 <= index <= 100
    hardship = result["explanation"]["hardship"]
    total = Decimal(0)
    for category in hardship["categories"]:
        points, cap, counted = (Decimal(category[k]) for k in ("points", "cap", "counted"))
        assert counted == min(points, cap)
        total += counted
    assert total == index
    by_category: dict[str, Decimal] = {}
    for item in hardship["items"]:
        by_category[item["category"]] = by_category.get(item["category"], Decimal(0)) + Decimal(
            item["points"]
        )
    for category in hardship["categories"]:
        assert by_category.get(category["code"], Decimal(0)) == Decimal(category["points"])


def test_synthetic_dicts_and_arrays_give_the_same_results():
    from jiuzhu.rules.synthetic import to_dicts

    batch = generate(400, seed=5)
    dicts = to_dicts(batch)
    assert all(validate_household(d) == [] for d in dicts)
    from_arrays = assess_arrays(batch)
    from_dicts = assess_arrays(batch_from_households(dicts))
    for name in RESULT_ARRAYS:
        assert np.array_equal(getattr(from_arrays, name), getattr(from_dicts, name)), name


def test_synthetic_households_agree_with_the_reference():
    from jiuzhu.rules.synthetic import generate_dicts

    dicts = generate_dicts(600, seed=3)
    for household, result in zip(dicts, assess(dicts), strict=True):
        expected = reference_result(household)
        assert {k: str(result[k]) for k in expected} == {k: str(v) for k, v in expected.items()}

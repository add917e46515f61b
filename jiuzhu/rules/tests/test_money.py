"""Exact money: decimals in, integer fen inside, half-up rounding on integers."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from jiuzhu.rules.money import (
    NotANumber,
    decimal_places,
    div_half_up,
    div_half_up_nonnegative,
    format_fen,
    format_scaled,
    scaled_ceil,
    scaled_floor,
    to_decimal,
    yuan_to_fen,
)


@pytest.mark.parametrize(
    ("value", "fen"),
    [
        (Decimal("860.00"), 86000),
        (860, 86000),
        ("0.01", 1),
        ("12345.67", 1234567),
        (0.1, 10),
        (Decimal("1E+2"), 10000),
    ],
)
def test_yuan_to_fen_accepts_decimal_int_str_and_float_literals(value, fen):
    assert yuan_to_fen(value) == fen


@pytest.mark.parametrize("value", ["0.001", Decimal("1.005"), 0.1 + 0.2])
def test_more_than_two_decimals_is_an_error_not_a_rounding(value):
    with pytest.raises(ValueError):
        yuan_to_fen(value)


@pytest.mark.parametrize(
    "value", [True, None, "abc", "NaN", Decimal("Infinity"), float("inf"), [1]]
)
def test_not_a_number(value):
    with pytest.raises(NotANumber):
        to_decimal(value)


def test_decimal_places_ignores_trailing_zeros():
    assert decimal_places(Decimal("1.50")) == 1
    assert decimal_places(Decimal("100")) == 0
    assert decimal_places(Decimal("1E+2")) == 0
    assert decimal_places(Decimal("0.125")) == 3


@pytest.mark.parametrize(
    ("numerator", "denominator", "rounded"),
    [
        (5, 10, 1),
        (4, 10, 0),
        (15, 10, 2),
        (25, 10, 3),
        (-5, 10, -1),
        (-4, 10, 0),
        (-15, 10, -2),
        (0, 7, 0),
        (7, 7, 1),
    ],
)
def test_div_half_up_rounds_ties_away_from_zero(numerator, denominator, rounded):
    assert div_half_up(numerator, denominator) == rounded
    assert div_half_up(np.array([numerator]), denominator)[0] == rounded


def test_div_half_up_on_large_int64_does_not_overflow():
    big = np.array([9_000_000_000_000_000_000 // 2 * 2 - 1], dtype=np.int64)
    assert div_half_up(big, 2)[0] == 4_500_000_000_000_000_000 - 1 + 1


def test_div_half_up_python_ints_beyond_int64():
    assert div_half_up(10**30 + 5, 10) == 10**29 + 1


def test_formatting():
    assert format_fen(0) == "0.00"
    assert format_fen(123450) == "1234.50"
    assert format_fen(-5) == "-0.05"
    assert format_scaled(61728350, 100_000) == "617.2835"
    assert format_scaled(3000, 10_000) == "0.30"
    assert format_scaled(7, 10, min_places=1) == "0.7"


def test_scaled_floor_and_ceil_are_exact():
    assert scaled_floor(Decimal("40.00001"), 10_000) == 400_000
    assert scaled_ceil(Decimal("40.00001"), 10_000) == 400_001
    assert scaled_floor(Decimal("40"), 10_000) == scaled_ceil(Decimal("40"), 10_000) == 400_000


def test_div_half_up_nonnegative_agrees_with_div_half_up():
    rng = np.random.default_rng(0)
    numerator = np.concatenate(
        [rng.integers(0, 10**18, 2000), rng.integers(0, 100, 2000), [0, 5, 15, 25]]
    )
    denominator = np.concatenate(
        [rng.integers(1, 10**7, 2000), rng.integers(1, 11, 2000), [10, 10, 10, 10]]
    )
    assert np.array_equal(
        div_half_up_nonnegative(numerator, denominator), div_half_up(numerator, denominator)
    )
    assert div_half_up_nonnegative(np.array([5, 4, 15]), 10).tolist() == [1, 0, 2]

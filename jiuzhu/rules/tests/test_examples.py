"""The 29 spec examples and the hand-written boundary cases (cases/*.yaml): every field."""

from __future__ import annotations

from typing import Any

import pytest

from jiuzhu.rules import assess
from jiuzhu.rules.batch import batch_from_households
from jiuzhu.rules.engine import assess_arrays

from .factories import load_cases

SPEC = load_cases("spec_examples")
BOUNDARIES = load_cases("boundaries")
RESULT_FIELDS = (
    "household_id",
    "program",
    "parameters_effective",
    "members",
    "standard",
    "gross_annual_income",
    "deductions",
    "per_capita_monthly_income",
    "vetoes",
    "eligible",
    "benefit_monthly",
    "circle",
    "hardship_index",
)


def test_spec_cases_are_all_there():
    assert len(SPEC) == 29
    assert all(set(case["output"]) == set(RESULT_FIELDS) for case in SPEC)


@pytest.mark.parametrize("case", SPEC, ids=[c["name"] for c in SPEC])
def test_spec_example(case: dict[str, Any]):
    [result] = assess([case["input"]])
    for key, expected in case["output"].items():
        assert str(result.get(key)) == str(expected), key


def test_spec_examples_as_one_batch_keep_input_order():
    results = assess([case["input"] for case in SPEC])
    assert [r["household_id"] for r in results] == [c["name"] for c in SPEC]
    for case, result in zip(SPEC, results, strict=True):
        assert {k: str(result[k]) for k in RESULT_FIELDS} == {
            k: str(v) for k, v in case["output"].items()
        }


def test_spec_examples_through_chunks_and_threads():
    batch = batch_from_households([case["input"] for case in SPEC])
    whole = assess_arrays(batch)
    chunked = assess_arrays(batch, chunk_size=4, workers=3)
    for name in (
        "eligible",
        "benefit",
        "per_capita",
        "circle",
        "index",
        "vetoes",
        "gross",
        "deductions",
    ):
        assert (getattr(whole, name) == getattr(chunked, name)).all(), name


def test_result_has_exactly_the_spec_fields_and_an_explanation():
    [result] = assess([SPEC[0]["input"]])
    assert list(result) == [*RESULT_FIELDS, "explanation"]


@pytest.mark.parametrize("case", BOUNDARIES, ids=[c["name"] for c in BOUNDARIES])
def test_boundary_case(case: dict[str, Any]):
    [result] = assess([case["input"]])
    assert "errors" not in result, result.get("errors")
    expected = dict(case["output"])
    members_detail = expected.pop("members_detail", [])
    gross_exact = expected.pop("gross_income_exact", None)
    for key, value in expected.items():
        assert str(result[key]) == str(value), key
    for position, fields in enumerate(members_detail):
        got = result["explanation"]["members"][position]
        for key, value in fields.items():
            assert str(got[key]) == str(value), f"members[{position}].{key}"
    if gross_exact is not None:
        assert result["explanation"]["quantities"]["gross_income"]["value"] == gross_exact

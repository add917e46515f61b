"""The reasons of the prescription, built as templates over the arrays, are the very texts
the per-household path (``reference_reasons.py``) wrote: over a generated population with
every kind of household mixed in, and over hypothesis' households with what they receive."""

from __future__ import annotations

import copy
import random
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiuzhu.rules import vocabulary as v
from jiuzhu.rules.batch import batch_from_households
from jiuzhu.rules.prescription import (
    CODES,
    COLUMN,
    fen_texts,
    prescribe,
    prescription_arrays,
    prescription_reasons,
)
from jiuzhu.rules.programs import extras_from_households
from jiuzhu.rules.synthetic import generate_dicts
from jiuzhu.rules.validation import id_check_character, validate_household

from .reference_reasons import reference_reasons
from .test_prescription import with_care_levels


def _varied(households: list[dict[str, Any]], seed: int) -> list[dict[str, Any]]:
    """The synthetic households with what they lack mixed in: care levels, female heads,
    households without a head, supporters who are not children, single parents, events."""
    rng = random.Random(seed)
    out = []
    for household in copy.deepcopy(households):
        for member in household["members"]:
            if rng.random() < 0.3:
                member["care_level"] = rng.choice(v.CARE_LEVELS)
            if rng.random() < 0.5:  # the 17th digit decides the sex
                first17 = member["id_number"][:16] + str(rng.randrange(10))
                member["id_number"] = first17 + id_check_character(first17)
        if rng.random() < 0.1:
            for member in household["members"]:
                if member["relation"] == "head":
                    member["relation"] = "spouse"
        for supporter in household["supporters"]:
            supporter["relation"] = rng.choice(["child", "other"])
        flags = household["flags"]
        flags["single_parent"] = rng.random() < 0.3
        flags["recent_hardship_event"] = rng.random() < 0.2
        household["assets"]["homes_owned"] = rng.choice([0, 0, 1, 2])
        household["assets"]["dilapidated_housing"] = rng.random() < 0.3
        out.append(household)
    return out


def _both(households: list[dict[str, Any]], receiving: list[set[str]]):
    valid = [h for h in households if not validate_household(h)]
    kept = [r for h, r in zip(households, receiving, strict=True) if not validate_household(h)]
    batch = batch_from_households(valid)
    extras = extras_from_households(valid)
    matrix = np.zeros((len(valid), len(CODES)), dtype=np.bool_)
    for row, codes in enumerate(kept):
        for code in codes:
            matrix[row, COLUMN[code]] = True
    arrays = prescription_arrays(batch, extras, receiving=matrix)
    names = [m["name"] for h in valid for m in h["members"]]
    new = prescription_reasons(arrays, batch, extras, names)
    old = [reference_reasons(h, arrays, i) for i, h in enumerate(valid)]
    return valid, new, old


def test_the_reasons_of_a_generated_population_are_the_old_texts():
    households = _varied(generate_dicts(3000, seed=11), seed=11)
    rng = random.Random(5)
    receiving = [set(rng.sample(CODES, rng.choice([0, 0, 0, 1, 3]))) for _ in households]
    valid, new, old = _both(households, receiving)
    assert len(valid) == len(households)
    differences = [(valid[i]["household_id"], CODES[c], new[i, c], old[i][c])
                   for i in range(len(valid)) for c in range(len(CODES)) if new[i, c] != old[i][c]]
    assert differences[:5] == []
    # every case of every item is met somewhere: the population is not a trivial one
    assert len({text for row in old for text in row}) > 3000
    assert all(isinstance(text, str) for text in new.ravel())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.lists(with_care_levels(), min_size=1, max_size=4),
       receiving=st.sets(st.sampled_from(CODES), max_size=5))
def test_the_reasons_of_any_household_are_the_old_texts(data, receiving):
    valid, new, old = _both(data, [receiving] * len(data))
    for i in range(len(valid)):
        assert list(new[i]) == old[i]


def test_prescribe_carries_the_reasons_row_by_row():
    households = _varied(generate_dicts(200, seed=3), seed=3)
    results = prescribe(households)
    valid, new, _old = _both(households, [set()] * len(households))
    for i, result in enumerate(results):
        assert [e["reason"] for e in result["prescription"]] == list(new[i])


def test_fen_texts_are_format_fen():
    from jiuzhu.rules.money import format_fen

    values = np.asarray([0, 1, 99, 100, 123450, -5, -12345, 10**12], dtype=np.int64)
    assert list(fen_texts(values)) == [format_fen(int(x)) for x in values]


def test_an_empty_batch_has_no_reasons():
    assert prescribe([]) == []

"""The straightforward numpy implementation ``jiuzhu bench assess`` times the engine
against gives the engine's results exactly (else the ratio would compare different work)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiuzhu.rules.batch import batch_from_households
from jiuzhu.rules.engine import assess_arrays
from jiuzhu.rules.reference_numpy import reference_arrays
from jiuzhu.rules.synthetic import generate
from jiuzhu.rules.validation import validate_household

from .strategies import households


def _same(batch) -> None:
    result = assess_arrays(batch)
    for name, values in reference_arrays(batch).items():
        assert np.array_equal(np.asarray(values, dtype=np.int64),
                              np.asarray(getattr(result, name), dtype=np.int64)), name


def test_the_reference_equals_the_engine_on_synthetic_households():
    _same(generate(20_000, seed=9))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(households(), min_size=1, max_size=6))
def test_the_reference_equals_the_engine_on_any_households(data):
    valid = [h for h in data if not validate_household(h)]
    if valid:
        _same(batch_from_households(valid))

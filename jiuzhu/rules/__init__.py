"""The rules engine (核算规则引擎): dibao eligibility, amount, information circle, hardship index.

A pure library — numpy, PyYAML and its parameter files; no Django. See README.md here.

    from jiuzhu.rules import assess, validate_household
    results = assess([household_dict, ...])     # results with explanations, input order

The batch engine for arrays (a million households in well under a second) is
:func:`jiuzhu.rules.engine.assess_arrays`.
"""

from __future__ import annotations

from .batch import HouseholdBatch, batch_from_households
from .engine import BatchResult, assess_arrays, ranking
from .explain import assess
from .parameters import ParameterError, ParameterSet, parameters_for
from .validation import FieldError, birth_date_from_id, id_number_valid, validate_household

__all__ = [
    "BatchResult",
    "FieldError",
    "HouseholdBatch",
    "ParameterError",
    "ParameterSet",
    "assess",
    "assess_arrays",
    "batch_from_households",
    "birth_date_from_id",
    "id_number_valid",
    "parameters_for",
    "ranking",
    "validate_household",
]

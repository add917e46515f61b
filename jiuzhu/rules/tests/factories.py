"""Small builders of valid household dicts for the rules tests."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from jiuzhu.rules.parameters import load_yaml
from jiuzhu.rules.validation import id_check_character

CASES = Path(__file__).resolve().parent / "cases"


def load_cases(name: str) -> list[dict[str, Any]]:
    """The cases of ``cases/<name>.yaml`` (numbers as Decimal)."""
    return load_yaml(CASES / f"{name}.yaml")


def id_number(birth_date: str, sequence: int = 101, county: str = "990102") -> str:
    first17 = f"{county}{birth_date.replace('-', '')}{sequence:03d}"
    return first17 + id_check_character(first17)


def member(birth_date: str = "1980-01-01", member_id: str = "M1", **fields: Any) -> dict[str, Any]:
    data = {
        "member_id": member_id,
        "name": f"测试{member_id}",
        "id_number": id_number(birth_date),
        "relation": "head" if member_id == "M1" else "child",
        "birth_date": birth_date,
        "health": "healthy",
        "occupation": "retired",
    }
    data.update(fields)
    return data


def household(members: list[dict[str, Any]] | None = None, **fields: Any) -> dict[str, Any]:
    """A valid household (rural, 990102, 2026-06-15, one retired member of 46) with overrides."""
    data: dict[str, Any] = {
        "household_id": "T-1",
        "region_code": "990102001001",
        "area_type": "rural",
        "assessment_date": "2026-06-15",
        "members": members if members is not None else [member()],
        "assets": {"homes_owned": 1, "housing_area_m2": 40},
    }
    data.update(fields)
    return copy.deepcopy(data)

"""Resident ID numbers (居民身份证号码, GB 11643): making them for demo and test data."""

from __future__ import annotations

from datetime import date

from jiuzhu.rules.validation import id_check_character


def id_number_make(*, area: str, birth: date, sequence: int, female: bool = False) -> str:
    """An 18-character ID number with a correct check character."""
    seq = sequence % 500 * 2 + (0 if female else 1)
    first17 = f"{area[:6]}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_character(first17)

"""Resident ID numbers (居民身份证号码, GB 11643): making them for demo and test data."""

from __future__ import annotations

from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def id_number_make(*, area: str, birth: date, sequence: int, female: bool = False) -> str:
    """An 18-character ID number with a correct check character."""
    seq = sequence % 500 * 2 + (0 if female else 1)
    first17 = f"{area[:6]}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)

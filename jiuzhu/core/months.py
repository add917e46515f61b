"""Months as the first day of the month (发放月份, 月报, audit partitions)."""

from __future__ import annotations

from datetime import date


def month_of(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_parse(value: str) -> date:
    """'2026-04' or '2026-04-01' → date(2026, 4, 1); ValueError otherwise."""
    parts = value.strip().split("-")
    if len(parts) not in (2, 3):
        raise ValueError(value)
    return date(int(parts[0]), int(parts[1]), 1)

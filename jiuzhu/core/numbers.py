"""Case numbers and query codes, the same way for every kind of case, from counter rows.

A number is the next value of a :class:`~jiuzhu.core.models.Counter` row, incremented in
the transaction that stores the numbered row (``UPDATE … SET value = value + 1``): the row
lock serialises concurrent transactions on PostgreSQL (and SQLite has one writer at a
time), so two never take the same number, and a rolled-back transaction gives its number
back. A counter that does not exist yet starts from what is already stored under its key
(``start``), so numbers given before the counter existed are not given again.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.db import IntegrityError, models, transaction
from django.db.models import F

from .models import Counter

#: Query codes for residents: no look-alike characters (no I, L, O, 0, 1).
QUERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def counter_next(key: str, *, start: Callable[[], int] | None = None) -> int:
    """The next value of the series ``key`` (1, 2, … or ``start() + 1`` for a new series).

    Call it inside the transaction that uses the value; the counter row stays locked until
    that transaction ends. Two transactions creating the same new series meet on the
    unique key: the loser's savepoint rolls back and it then increments the winner's row."""
    with transaction.atomic():
        if Counter.objects.filter(key=key).update(value=F("value") + 1):
            return _value(key)
        first = (start() if start is not None else 0) + 1
        try:
            with transaction.atomic():
                Counter.objects.create(key=key, value=first)
            return first
        except IntegrityError:
            Counter.objects.filter(key=key).update(value=F("value") + 1)
            return _value(key)


def _value(key: str) -> int:
    return int(Counter.objects.filter(key=key).values_list("value", flat=True).get())


def next_number(model: type[models.Model], prefix: str, width: int = 5) -> str:
    """``prefix`` + the next serial under it (…00001, …00002), from the counter of
    ``model`` and ``prefix``. Call it inside the transaction that saves the row."""

    def highest() -> int:
        last = (model._default_manager.filter(number__startswith=prefix)
                .order_by("-number").values_list("number", flat=True).first())
        tail = last[len(prefix):] if last else ""
        return int(tail) if tail.isdigit() else 0

    serial = counter_next(f"{model._meta.label_lower}:{prefix}", start=highest)
    return f"{prefix}{serial:0{width}d}"


def query_code(model: type[models.Model], length: int = 8) -> str:
    """A random code unique among ``model.query_code`` (drawn again on a collision; the
    unique index of the column catches the one-in-10¹¹ race of two equal draws)."""
    while True:
        code = "".join(secrets.choice(QUERY_ALPHABET) for _ in range(length))
        if not model._default_manager.filter(query_code=code).exists():
            return code

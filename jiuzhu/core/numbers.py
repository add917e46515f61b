"""Case numbers and query codes, the same way for every kind of case."""

from __future__ import annotations

import secrets

from django.db import models

#: Query codes for residents: no look-alike characters (no I, L, O, 0, 1).
QUERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def next_number(model: type[models.Model], prefix: str, width: int = 5) -> str:
    """``prefix`` + the next serial of ``model.number`` under it (…00001, …00002). Call it
    inside the transaction that saves the row: the last one is read FOR UPDATE."""
    last = (model._default_manager.select_for_update().filter(number__startswith=prefix)
            .order_by("-number").values_list("number", flat=True).first())
    serial = int(last[len(prefix):]) + 1 if last else 1
    return f"{prefix}{serial:0{width}d}"


def query_code(model: type[models.Model], length: int = 8) -> str:
    """A random code unique among ``model.query_code``."""
    while True:
        code = "".join(secrets.choice(QUERY_ALPHABET) for _ in range(length))
        if not model._default_manager.filter(query_code=code).exists():
            return code

"""How a figure is shown and where it links (pages, the home page's summary)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.http import urlencode

from jiuzhu.rules.money import format_fen


def figure_url(c: dict[str, Any]) -> str:
    """The list a figure links to (``monitoring:list`` with the same filter)."""
    query = {"m": c["m"], "r": c["r"]}
    if c.get("p"):
        query["p"] = c["p"]
    if c.get("mo"):
        query["mo"] = c["mo"]
    return reverse("monitoring:list") + "?" + urlencode(query)


def show(c: dict[str, Any]) -> str:
    """A figure as text: fen as yuan with two decimals, counts with thousands separators."""
    value = c["v"]
    if c.get("fmt") == "fen":
        return format_fen(int(value))
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)

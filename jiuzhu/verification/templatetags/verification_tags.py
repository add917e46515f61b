"""Template filters of the verification pages."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def when(value: str | None) -> str:
    """An ISO timestamp of the report, in local time as 2026-03-01 09:30."""
    if not value:
        return "—"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d %H:%M")


@register.filter
def lookup(mapping: dict, key: object) -> object:
    """``mapping[key]``, or "" (templates cannot index a dict by a variable)."""
    return mapping.get(key, "") if mapping else ""

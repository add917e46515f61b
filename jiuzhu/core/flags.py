"""Flags the platform records about its own database (:class:`jiuzhu.core.models.Flag`).

``DEMO_COUNTY``: ``jiuzhu demo`` loaded the demo county here; the value is its region code.
The verification app's demo source answers for that county's households only when this
flag is set (or ``settings.VERIFICATION_DEMO`` is on)."""

from __future__ import annotations

from .models import Flag

DEMO_COUNTY = "demo_county"


def flag_set(name: str, value: str) -> None:
    Flag.objects.update_or_create(name=name, defaults={"value": value})


def flag_value(name: str) -> str:
    """The flag's value, or "" when it was never set."""
    return Flag.objects.filter(name=name).values_list("value", flat=True).first() or ""

"""A household's standing lies where the household lies: when a household moves (another
village, another grid) its standing's ``region_path`` follows, so who sees the standing and
the region filters of the ranking and the dashboard agree with the household's."""

from __future__ import annotations

from typing import Any


def standing_follows_household(sender: Any, instance: Any, created: bool = False,
                               **kwargs: Any) -> None:
    if created or kwargs.get("raw"):
        return
    from .models import Standing

    Standing.objects.filter(household_id=instance.pk).exclude(
        region_path=instance.region_path).update(region_path=instance.region_path)

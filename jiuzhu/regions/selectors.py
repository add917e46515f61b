from __future__ import annotations

from django.db.models import QuerySet

from .models import Region


def region_subtree(*, root: Region, include_root: bool = True) -> QuerySet[Region]:
    qs = Region.objects.within(root)
    return qs if include_root else qs.exclude(pk=root.pk)


def region_by_code(code: str) -> Region | None:
    return Region.objects.filter(code=code).first()


def region_choices_for(*, root: Region, levels: tuple[str, ...]) -> QuerySet[Region]:
    return region_subtree(root=root).filter(level__in=levels).order_by("path")

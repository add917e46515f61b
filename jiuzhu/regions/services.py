from __future__ import annotations

from django.db import transaction

from .choices import CODE_LENGTH, LEVEL_ORDER
from .models import Region


class RegionError(ValueError):
    pass


@transaction.atomic
def region_create(*, code: str, name: str, level: str, parent: Region | None = None,
                  area_type: str = "") -> Region:
    """Create a region below ``parent``; its code must extend the parent's code."""
    if level not in CODE_LENGTH:
        raise RegionError(f"未知层级：{level}")
    if len(code) != CODE_LENGTH[level] or not code.isdigit():
        raise RegionError(f"区划代码 {code} 应为 {CODE_LENGTH[level]} 位数字")
    if parent is None:
        if level != LEVEL_ORDER[0]:
            raise RegionError("只有省级区划可以没有上级")
        path = f"{code}/"
    else:
        if LEVEL_ORDER.index(level) != LEVEL_ORDER.index(parent.level) + 1:
            raise RegionError(f"{name} 的层级与上级 {parent.name} 不衔接")
        if not code.startswith(parent.code):
            raise RegionError(f"区划代码 {code} 应以上级代码 {parent.code} 开头")
        path = f"{parent.path}{code}/"
    return Region.objects.create(
        code=code, name=name, level=level, parent=parent, path=path, area_type=area_type
    )


def region_get_or_create(*, code: str, name: str, level: str, parent: Region | None = None,
                         area_type: str = "") -> Region:
    existing = Region.objects.filter(code=code).first()
    if existing is not None:
        return existing
    return region_create(code=code, name=name, level=level, parent=parent, area_type=area_type)

"""Reads for the resident pages: places to choose from, the catalogue by department."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jiuzhu.catalogue.models import Item
from jiuzhu.catalogue.selectors import items_in_force
from jiuzhu.regions.models import Region


@dataclass
class Township:
    code: str
    name: str
    villages: list[tuple[str, str]]


def townships_with_villages() -> list[Township]:
    """Townships (named with their county) and their villages, in tree order."""
    rows = (Region.objects.filter(level__in=("county", "township", "village"))
            .order_by("path").only("code", "name", "level", "path"))
    counties: dict[str, str] = {}
    townships: dict[str, Township] = {}
    for region in rows:
        if region.level == "county":
            counties[region.code] = region.name
        elif region.level == "township":
            name = f"{counties.get(region.code[:6], '')} {region.name}".strip()
            townships[region.code] = Township(region.code, name, [])
        elif region.code[:9] in townships:
            townships[region.code[:9]].villages.append((region.code, region.name))
    return [town for town in townships.values() if town.villages]


def village_named(code: str) -> Region | None:
    return (Region.objects.filter(code=code, level="village").select_related("parent")
            .first())


@dataclass
class DepartmentItems:
    code: str
    name: str
    items: list[Item]


def catalogue_by_department() -> list[DepartmentItems]:
    """The catalogue in force, grouped by department in catalogue order."""
    groups: dict[str, DepartmentItems] = {}
    for item in items_in_force():
        group = groups.setdefault(item.department.code,
                                  DepartmentItems(item.department.code, item.department.name, []))
        group.items.append(item)
    return list(groups.values())


def items_named(codes: list[str]) -> list[Item]:
    by_code = {item.code: item for item in items_in_force()}
    return [by_code[c] for c in codes if c in by_code]


def materials_for(codes: list[str]) -> list[dict[str, Any]]:
    """Each material the chosen items ask for, once, with the items that need it."""
    out: dict[str, dict[str, Any]] = {}
    for item in items_named(codes):
        for material in item.materials or []:
            entry = out.setdefault(material, {"material": material, "items": [],
                                              "item_code": item.code})
            entry["items"].append(item.name)
    return list(out.values())

"""The catalogue (文书目录) of the legal documents (D01–D24 of the dibao procedure, D25–D27
of the emergency cases), read from ``catalogue.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

CATALOGUE_FILE = Path(__file__).with_name("catalogue.yaml")


@dataclass(frozen=True)
class CatalogueEntry:
    """One legal document (法律文书): its code, title, group and number series."""

    code: str
    title: str
    group: str
    series: str
    produced_by: str
    fields: tuple[str, ...]

    @property
    def required_fields(self) -> tuple[str, ...]:
        """The common fields plus the document's own, in order, without repeats."""
        return tuple(dict.fromkeys(_load().common_fields + self.fields))


@dataclass(frozen=True)
class Catalogue:
    common_fields: tuple[str, ...]
    groups: dict[str, str]  # group name → series abbreviation
    entries: dict[str, CatalogueEntry]


@lru_cache(maxsize=1)
def _load() -> Catalogue:
    data = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    groups = {g["name"]: g["series"] for g in data["groups"]}
    entries = {}
    for item in data["documents"]:
        entries[item["code"]] = CatalogueEntry(
            code=item["code"], title=item["title"], group=item["group"],
            series=item.get("series") or groups[item["group"]],
            produced_by=item.get("produced_by", ""),
            fields=tuple(item.get("fields") or ()),
        )
    return Catalogue(common_fields=tuple(data["common_fields"]), groups=groups,
                     entries=entries)


def catalogue_entries() -> list[CatalogueEntry]:
    """All documents in code order (D01 … D27)."""
    return sorted(_load().entries.values(), key=lambda e: e.code)


def catalogue_entry(code: str) -> CatalogueEntry | None:
    return _load().entries.get(code)


def catalogue_groups() -> dict[str, str]:
    return dict(_load().groups)

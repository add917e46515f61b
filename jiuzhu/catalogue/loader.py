"""Load the service catalogue (政策清单) from its YAML file into the database."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent / "data" / "service_catalog.yaml"
FIRST_VERSION = date(2025, 1, 1)


def read_catalogue(path: Path = DATA) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load_catalogue(Department: Any, Item: Any, path: Path = DATA,
                   valid_from: date = FIRST_VERSION) -> int:
    """Create the departments and the first version of every item that is not there yet.

    Takes the model classes, so the data migration can pass its historical models.
    Returns the number of item versions created.
    """
    data = read_catalogue(path)
    departments = {}
    for entry in data["departments"]:
        department, _ = Department.objects.get_or_create(
            code=entry["code"], defaults={"name": entry["name"]})
        departments[entry["code"]] = department
    existing = set(Item.objects.values_list("code", flat=True))
    fields = {f.name for f in Item._meta.get_fields()}
    rows = [
        Item(code=entry["code"], valid_from=valid_from, name=entry["name"],
             department=departments[entry["department"]], level=entry["level"],
             limit=int(entry["limit"]), program=entry.get("program") or "",
             materials=list(entry.get("materials") or []),
             position=position,
             # the texts the (possibly historical, in a migration) model has
             **{f: entry.get(f, "") for f in TEXT_FIELDS if f in fields},
             **{f: text for f, text in default_conditions(entry["code"]).items() if f in fields})
        for position, entry in enumerate(data["items"], start=1)
        if entry["code"] not in existing
    ]
    Item.objects.bulk_create(rows)
    return len(rows)


TEXT_FIELDS = ("policy", "conditions", "process", "resident_text")
CONDITION_FIELDS = ("condition_eligible", "condition_possible")


def default_conditions(code: str) -> dict[str, str]:
    """The conditions of one of the 39 items as written in the rules library
    (``jiuzhu/rules/items/conditions.yaml``); {} for another item."""
    from jiuzhu.rules.prescription import DEFAULT_CONDITIONS

    if code not in DEFAULT_CONDITIONS:
        return {}
    eligible, possible = DEFAULT_CONDITIONS[code]
    return {"condition_eligible": eligible, "condition_possible": possible}


def fill_conditions(Item: Any) -> int:
    """Write the rules library's conditions into every version of the 39 items that has
    none (both empty); returns the number of versions changed. A county's own conditions
    are never overwritten."""
    changed = 0
    for item in Item.objects.filter(condition_eligible="", condition_possible=""):
        conditions = default_conditions(item.code)
        if any(conditions.values()):
            for field, text in conditions.items():
                setattr(item, field, text)
            item.save(update_fields=list(CONDITION_FIELDS))
            changed += 1
    return changed


def fill_texts(Item: Any, path: Path = DATA, fields: tuple[str, ...] = TEXT_FIELDS) -> int:
    """Write the YAML's texts into every version whose field is empty; returns the number
    of versions changed. Never overwrites a text that is there."""
    texts = {entry["code"]: entry for entry in read_catalogue(path)["items"]}
    changed = 0
    for item in Item.objects.filter(code__in=list(texts)):
        entry = texts[item.code]
        empty = [f for f in fields if not (getattr(item, f) or "").strip() and entry.get(f)]
        for field in empty:
            setattr(item, field, entry[field])
        if empty:
            item.save(update_fields=empty)
            changed += 1
    return changed

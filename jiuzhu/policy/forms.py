"""The parameter form: every parameter of a county, grouped, as inputs named after the
parameter and the key inside its value (``p.addon_rates.elderly``), pre-filled with the
values in force; a list (a row of labour coefficients) is one input, numbers separated by
commas. What is not a number or a text (the yes/no of a checklist item) is kept as it is."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from jiuzhu.rules import parameters

from .labels import grouped, label_of

PREFIX = "p."


def text_of(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list | tuple):
        return ", ".join(text_of(v) for v in value)
    return "" if value is None else str(value)


@dataclass
class Leaf:
    path: str  # name.key.sub
    key: str  # key.sub ("" for the value itself)
    text: str
    errors: list[str] = field(default_factory=list)

    @property
    def input_name(self) -> str:
        return PREFIX + self.path


def leaves_of(name: str, value: Any, key: str = "") -> list[Leaf]:
    path = f"{name}.{key}" if key else name
    if isinstance(value, Mapping):
        found: list[Leaf] = []
        for sub, item in value.items():
            found += leaves_of(name, item, f"{key}.{sub}" if key else str(sub))
        return found
    if isinstance(value, bool):
        return []
    return [Leaf(path=path, key=key, text=text_of(value))]


def rebuild(template: Any, data: Mapping[str, Any], path: str) -> Any:
    """The value of the inputs under ``path``, in the form of ``template`` (numbers stay
    text: the engine's checks read them)."""
    if isinstance(template, Mapping):
        return {k: rebuild(v, data, f"{path}.{k}") for k, v in template.items()}
    if isinstance(template, bool):
        return template
    raw = data.get(PREFIX + path)
    if raw is None:
        return template
    if isinstance(template, list | tuple):
        return [part for part in re.split(r"[,，;；\s]+", str(raw).strip()) if part]
    return str(raw).strip()


@dataclass
class Row:
    name: str
    label: str
    description: str
    unit: str
    effective: date | None
    reference: str
    leaves: list[Leaf]
    changed: bool = False
    errors: list[str] = field(default_factory=list)


def rows(county: str, when: date, values: Mapping[str, Any] | None = None,
         errors: list[dict[str, str]] | None = None) -> list[tuple[str, list[Row]]]:
    """The form's groups of rows: each parameter in force on ``when`` (or the values
    given), with the errors of the engine's checks placed on their inputs."""
    known = parameters.county_parameters(county)
    result = []
    for title, names in grouped(list(known)):
        group = []
        for name in names:
            parameter = known[name]
            found = parameter.at(when)
            effective, current = found or parameter.values[0]
            shown = values[name] if values and name in values else current
            row = Row(name=name, label=_(label_of(name)), description=parameter.description,
                      unit=text_of(parameter.unit), effective=effective if found else None,
                      reference=parameter.reference_at(effective),
                      leaves=leaves_of(name, shown if isinstance(shown, Mapping) or not isinstance(
                          current, Mapping) else current),
                      changed=bool(values and name in values and parameters.normalise(
                          current, values[name]) != current))
            group.append(row)
        result.append((_(title), group))
    for error in errors or []:
        _place(result, error)
    return result


def _place(groups: list[tuple[str, list[Row]]], error: dict[str, str]) -> None:
    path = error.get("path", "")
    for _title, group in groups:
        for row in group:
            if path != row.name and not path.startswith(row.name + "."):
                continue
            best = None
            for leaf in row.leaves:
                inside = path == leaf.path or path.startswith(leaf.path + ".")
                if inside and (best is None or len(leaf.path) > len(best.path)):
                    best = leaf
            (best.errors if best else row.errors).append(error["message"])
            return


def proposed_from(county: str, when: date, data: Mapping[str, Any]) -> dict[str, Any]:
    """Every parameter's value as posted (the form sends them all)."""
    result = {}
    for name in parameters.county_parameters(county):
        template = parameters.template_of(county, name, when)
        result[name] = rebuild(template, data, name)
    return result


def parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None

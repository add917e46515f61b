"""Parameters (政策参数) as data: one YAML file per parameter, values keyed by effective date.

Layout (OpenFisca country-template style)::

    jiuzhu/rules/parameters/<county code>/<parameter name>.yaml

    description: 城市最低生活保障标准（低保标准，城市）
    unit: 元/人/月
    reference: 示范县民政局 演示参数 (demo)   # or {2025-01-01: 文件一, 2026-01-01: 文件二}
    values:
      2025-01-01: 860
      2026-01-01: 900

A household is assessed with the parameters of its county (the first six digits of its
``region_code``) in force on its ``assessment_date``: for every parameter, the value with
the latest effective date on or before that date. An unknown county, or a date before a
parameter's first value, is an error — never a default. Adding a year or a county is a
change of data only: a new date key, or a new directory.

Numbers in these files are read as ``Decimal`` (YAML floats never become binary floats).
Files are read once per process and cached.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

PARAMETERS_ROOT = Path(__file__).resolve().parent / "parameters"
REQUIRED_KEYS = ("description", "unit", "reference", "values")
_COUNTY_CODE = re.compile(r"^[0-9]{6}$")

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DecimalSafeLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """YAML SafeLoader that reads floats as exact Decimals."""


def load_yaml(path: Path) -> Any:
    """A YAML file read with :class:`DecimalSafeLoader` (floats as Decimal, dates as date)."""
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=DecimalSafeLoader)  # noqa: S506 - a SafeLoader subclass


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    return Decimal(str(loader.construct_scalar(node)).replace("_", ""))


DecimalSafeLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


class ParameterError(Exception):
    """No parameters apply. ``path`` names the household field that caused it."""

    path = ""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UnknownCounty(ParameterError):
    """The county (first six digits of ``region_code``) has no parameter files."""

    path = "region_code"


class NoParametersForDate(ParameterError):
    """The assessment date is before the first effective date of a parameter."""

    path = "assessment_date"


class ParameterFileError(Exception):
    """A parameter file is malformed (a defect of the data, not of a household)."""


@dataclass(frozen=True)
class Parameter:
    """One parameter of one county, with its dated values (参数及其历次取值)."""

    name: str
    description: str
    unit: Any
    reference: str | Mapping[date, str]
    values: tuple[tuple[date, Any], ...]
    source: str = ""

    @property
    def effective_dates(self) -> tuple[date, ...]:
        return tuple(d for d, _ in self.values)

    def at(self, when: date) -> tuple[date, Any] | None:
        """(effective date, value) in force on ``when``, or None before the first date."""
        index = bisect_right(self.effective_dates, when)
        return None if index == 0 else self.values[index - 1]

    def reference_at(self, effective: date) -> str:
        if isinstance(self.reference, str):
            return self.reference
        dated = [d for d in sorted(self.reference) if d <= effective]
        return self.reference[dated[-1]] if dated else ""


@dataclass(frozen=True)
class ParameterValue:
    """A parameter's value as used for an assessment, with where it comes from."""

    name: str
    value: Any
    effective: date
    unit: Any
    reference: str
    description: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "value": _plain(self.value),
            "effective": self.effective.isoformat(),
            "unit": _plain(self.unit),
            "reference": self.reference,
            "description": self.description,
        }


@dataclass(frozen=True, eq=False)
class ParameterSet:
    """All parameters of a county in force on one date: ``params["dibao_standard_urban"]``.

    ``effective`` is the latest effective date among the values used (the
    ``parameters_effective`` of a result). Hashable by identity, so the engine can cache
    what it derives from it.
    """

    county: str
    effective: date
    entries: Mapping[str, ParameterValue] = field(repr=False)

    def __getitem__(self, name: str) -> Any:
        return self.entries[name].value

    def __contains__(self, name: object) -> bool:
        return name in self.entries

    def explain(self) -> dict[str, dict[str, Any]]:
        """Every value with its effective date, unit, legal reference and description."""
        return {name: entry.as_dict() for name, entry in sorted(self.entries.items())}


def county_of(region_code: str) -> str:
    """The county part (县级区划代码) of a region code: its first six digits."""
    return region_code[:6]


def counties(root: Path | None = None) -> tuple[str, ...]:
    """Codes of the counties that have parameter files."""
    base = root or PARAMETERS_ROOT
    return tuple(
        sorted(p.name for p in base.iterdir() if p.is_dir() and _COUNTY_CODE.match(p.name))
    )


def load_parameter_file(path: Path) -> Parameter:
    """Read and check one parameter file."""
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise ParameterFileError(f"{path}: not a mapping")
    missing = [key for key in REQUIRED_KEYS if key not in data]
    if missing:
        raise ParameterFileError(f"{path}: missing {', '.join(missing)}")
    values = data["values"]
    if not isinstance(values, dict) or not values:
        raise ParameterFileError(f"{path}: values must be a non-empty mapping of dates")
    bad = [k for k in values if not isinstance(k, date)]
    if bad:
        raise ParameterFileError(f"{path}: value keys must be ISO dates (YYYY-MM-DD), got {bad!r}")
    reference = data["reference"]
    if isinstance(reference, dict):
        if not all(isinstance(k, date) and isinstance(v, str) for k, v in reference.items()):
            raise ParameterFileError(f"{path}: a dated reference maps ISO dates to text")
    elif not isinstance(reference, str) or not reference.strip():
        raise ParameterFileError(f"{path}: reference must name the document that sets the value")
    if not isinstance(data["description"], str) or not data["description"].strip():
        raise ParameterFileError(f"{path}: description must be text")
    return Parameter(
        name=path.stem,
        description=data["description"].strip(),
        unit=data["unit"],
        reference=reference,
        values=tuple(sorted(values.items())),
        source=str(path),
    )


@cache
def county_parameters(county: str, root: Path | None = None) -> Mapping[str, Parameter]:
    """All parameters of a county, read once. Raises UnknownCounty."""
    base = root or PARAMETERS_ROOT
    directory = base / county
    if not _COUNTY_CODE.match(county) or not directory.is_dir():
        raise UnknownCounty(f"县级区划 {county} 没有配置救助参数")
    parameters = {p.stem: load_parameter_file(p) for p in sorted(directory.glob("*.yaml"))}
    if not parameters:
        raise UnknownCounty(f"县级区划 {county} 没有配置救助参数")
    return MappingProxyType(parameters)


@cache
def effective_dates(county: str, root: Path | None = None) -> tuple[date, ...]:
    """Every date on which some parameter of the county changes, ascending."""
    dates: set[date] = set()
    for parameter in county_parameters(county, root).values():
        dates.update(parameter.effective_dates)
    return tuple(sorted(dates))


def parameters_for(county: str, when: date, root: Path | None = None) -> ParameterSet:
    """The parameters of ``county`` in force on ``when``.

    Raises UnknownCounty or NoParametersForDate. Every date between two effective dates
    gets the same (cached) ParameterSet object.
    """
    dates = effective_dates(county, root)
    index = bisect_right(dates, when)
    if index == 0:
        raise NoParametersForDate(
            f"评估日期 {when.isoformat()} 之前没有生效的救助参数（最早生效日期 {dates[0].isoformat()}）"
        )
    return _parameter_set(county, dates[index - 1], root)


@cache
def _parameter_set(county: str, when: date, root: Path | None) -> ParameterSet:
    entries: dict[str, ParameterValue] = {}
    for name, parameter in county_parameters(county, root).items():
        found = parameter.at(when)
        if found is None:
            raise NoParametersForDate(
                f"评估日期 {when.isoformat()} 时参数 {name}（{parameter.description}）尚未生效"
            )
        effective, value = found
        entries[name] = ParameterValue(
            name=name,
            value=value,
            effective=effective,
            unit=parameter.unit,
            reference=parameter.reference_at(effective),
            description=parameter.description,
        )
    latest = max(entry.effective for entry in entries.values())
    return ParameterSet(county=county, effective=latest, entries=MappingProxyType(entries))


def clear_caches() -> None:
    """Forget files read so far (tests that write parameter files use this)."""
    county_parameters.cache_clear()
    effective_dates.cache_clear()
    _parameter_set.cache_clear()


def _plain(value: Any) -> Any:
    """A parameter value as JSON-ready data: decimals as strings, dates as ISO text."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value

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

Values a county enters itself (``jiuzhu/policy``, approved by a second person) are kept in
this process as an **overlay** (:func:`install_overlay`) merged over the files: an overlay
date adds that date's value, or replaces the file's value of the same date. The engine stays
pure: it keeps what it is given and calls nothing back. The Django side (``jiuzhu/policy``)
installs the approved sets — at commit in the approving process, and in every other
process before a request, a background task or a command that computes, whenever the
approved sets changed.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
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
    return parameter_from_data(path.stem, load_yaml(path), str(path))


def parse_parameter_text(name: str, text: str | bytes, source: str = "") -> Parameter:
    """A parameter file's text read and checked like a file (for imports)."""
    try:
        data = yaml.load(text, Loader=DecimalSafeLoader)  # noqa: S506 - a SafeLoader subclass
    except (yaml.YAMLError, ValueError, TypeError) as error:  # a date such as 2027-13-01
        raise ParameterFileError(f"{source or name}: not YAML ({error})") from None
    return parameter_from_data(name, data, source or name)


def parameter_from_data(name: str, data: Any, path: str) -> Parameter:
    """Check the data of one parameter file (a mapping read from YAML)."""
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
        name=name,
        description=data["description"].strip(),
        unit=data["unit"],
        reference=reference,
        values=tuple(sorted(values.items())),
        source=path,
    )


def county_parameters(county: str, root: Path | None = None) -> Mapping[str, Parameter]:
    """All parameters of a county (files, with the installed overlay merged over them),
    read once. Raises UnknownCounty."""
    return _county_parameters(county, root)


@cache
def _file_parameters(county: str, root: Path | None = None) -> Mapping[str, Parameter]:
    """The parameters of a county as its files say, read once. Raises UnknownCounty."""
    base = root or PARAMETERS_ROOT
    directory = base / county
    if not _COUNTY_CODE.match(county) or not directory.is_dir():
        raise UnknownCounty(f"县级区划 {county} 没有配置救助参数")
    parameters = {p.stem: load_parameter_file(p) for p in sorted(directory.glob("*.yaml"))}
    if not parameters:
        raise UnknownCounty(f"县级区划 {county} 没有配置救助参数")
    return MappingProxyType(parameters)


@cache
def _county_parameters(county: str, root: Path | None = None) -> Mapping[str, Parameter]:
    files = _file_parameters(county, root)
    overlay = _overlays.get(county) if root in (None, PARAMETERS_ROOT) else None
    if not overlay:
        return files
    merged = dict(files)
    for name, dated in overlay.items():
        if name in merged:
            merged[name] = merge_values(merged[name], dated)
    return MappingProxyType(merged)


def merge_values(parameter: Parameter, dated: Mapping[date, tuple[Any, str]]) -> Parameter:
    """``parameter`` with the values (and references) of ``dated`` added: a date it
    already has takes the new value."""
    values = dict(parameter.values)
    references = {d: parameter.reference_at(d) for d in values}
    for when, (value, reference) in dated.items():
        values[when] = value
        references[when] = reference
    return replace(parameter, values=tuple(sorted(values.items())),
                   reference=MappingProxyType(dict(sorted(references.items()))))


def effective_dates(county: str, root: Path | None = None) -> tuple[date, ...]:
    """Every date on which some parameter of the county changes, ascending."""
    return _effective_dates(county, root)


@cache
def _effective_dates(county: str, root: Path | None = None) -> tuple[date, ...]:
    dates: set[date] = set()
    for parameter in _county_parameters(county, root).values():
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
    return build_set(county, _county_parameters(county, root), when)


def build_set(county: str, parameters: Mapping[str, Parameter], when: date) -> ParameterSet:
    """The set of ``parameters`` in force on ``when`` (raises NoParametersForDate)."""
    entries: dict[str, ParameterValue] = {}
    for name, parameter in parameters.items():
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
    _file_parameters.cache_clear()
    _county_parameters.cache_clear()
    _effective_dates.cache_clear()
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


# --- values a county enters (overlays) -----------------------------------------------------

#: county → parameter name → effective date → (value, legal reference)
Overlay = Mapping[str, Mapping[date, tuple[Any, str]]]

_overlays: dict[str, dict[str, dict[date, tuple[Any, str]]]] = {}
_overlay_version: dict[str, str] = {}


def install_overlay(county: str, values: Overlay, version: str = "") -> None:
    """Merge ``values`` over the files of ``county`` from now on in this process
    (replacing what was installed for the county before; empty removes it). Raises
    UnknownCounty, or ParameterFileError for a name the county has no file of."""
    known = _file_parameters(county, None)
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ParameterFileError(f"county {county}: no parameter {', '.join(unknown)}")
    kept = {name: dict(dated) for name, dated in values.items() if dated}
    if kept:
        _overlays[county] = kept
        _overlay_version[county] = version
    else:
        _overlays.pop(county, None)
        _overlay_version.pop(county, None)
    clear_caches()


def remove_overlays() -> None:
    """Forget every overlay (back to the files alone)."""
    _overlays.clear()
    _overlay_version.clear()
    clear_caches()


def has_overlays() -> bool:
    """Whether any county has values installed over its files."""
    return bool(_overlays)


def overlay_of(county: str) -> Overlay:
    """What is installed for ``county`` (name → date → (value, reference))."""
    return MappingProxyType(_overlays.get(county, {}))


def overlay_version(county: str | None = None) -> str:
    """The version installed for ``county`` (or every county's, joined); "" for none."""
    if county is not None:
        return _overlay_version.get(county, "")
    return ",".join(f"{c}:{v}" for c, v in sorted(_overlay_version.items()))


# --- checking values entered for a parameter -----------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Why a value entered for a parameter is refused: ``name`` the parameter, ``key`` the
    place inside its value (``"elderly"``, ``"healthy.2"``, "" for the value itself),
    ``kind`` one of ``unknown_parameter``, ``missing``, ``unknown_key``, ``shape``,
    ``not_number``, ``negative``, ``not_text``, ``not_exact``, ``not_date``; ``detail``
    the engine's own words (for ``not_exact``)."""

    name: str
    key: str
    kind: str
    detail: str = ""

    @property
    def field(self) -> str:
        return f"{self.name}.{self.key}" if self.key else self.name


def parse_number(text: Any) -> Any:
    """A number typed in a form as the files read it: int, or Decimal with its places;
    anything else unchanged (fractions such as ``"1/6"`` stay text)."""
    if not isinstance(text, str):
        return text
    cleaned = text.strip().replace(",", "").replace("_", "")
    if re.fullmatch(r"-?[0-9]+", cleaned):
        return int(cleaned)
    if re.fullmatch(r"-?[0-9]*\.[0-9]+", cleaned):
        return Decimal(cleaned)
    return text.strip()


def _is_number(value: Any) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def _shape(name: str, key: str, template: Any, value: Any) -> list[Problem]:
    """``value`` has the form of ``template`` (the value in force): the same keys, as many
    items, numbers where numbers are, never negative."""
    if isinstance(template, Mapping):
        if not isinstance(value, Mapping):
            return [Problem(name, key, "shape")]
        problems = []
        for sub in template:
            path = f"{key}.{sub}" if key else str(sub)
            if sub not in value:
                problems.append(Problem(name, path, "missing"))
            else:
                problems += _shape(name, path, template[sub], value[sub])
        for sub in value:
            if sub not in template:
                problems.append(Problem(name, f"{key}.{sub}" if key else str(sub), "unknown_key"))
        return problems
    if isinstance(template, list | tuple):
        if not isinstance(value, list | tuple) or len(value) != len(template):
            return [Problem(name, key, "shape", str(len(template)))]
        problems = []
        for index, (t, v) in enumerate(zip(template, value, strict=True)):
            problems += _shape(name, f"{key}.{index}" if key else str(index), t, v)
        return problems
    if isinstance(template, bool):
        return [] if isinstance(value, bool) else [Problem(name, key, "shape")]
    if _is_number(template):
        value = parse_number(value)
        if not _is_number(value):
            return [Problem(name, key, "not_number")]
        return [Problem(name, key, "negative")] if value < 0 else []
    if isinstance(template, str):
        if not isinstance(value, str) or not value.strip():
            return [Problem(name, key, "not_text")]
        if re.fullmatch(r"\s*-?[0-9./\s]+", template):  # a fraction such as "1/6"
            try:
                number = Fraction(value.strip())
            except (ValueError, ZeroDivisionError):
                return [Problem(name, key, "not_number")]
            return [Problem(name, key, "negative")] if number < 0 else []
    return []


def normalise(template: Any, value: Any) -> Any:
    """``value`` with the numbers typed as text read as the files read them (after
    :func:`validate_values` found no problem)."""
    if isinstance(template, Mapping) and isinstance(value, Mapping):
        return {k: normalise(template.get(k), v) for k, v in value.items()}
    if isinstance(template, list | tuple) and isinstance(value, list | tuple):
        return [normalise(t, v) for t, v in zip(template, value, strict=False)]
    if _is_number(template):
        return parse_number(value)
    return value


def template_of(county: str, name: str, when: date) -> Any:
    """The value of ``name`` in force on ``when`` (or its first value before that)."""
    parameter = _county_parameters(county, None)[name]
    found = parameter.at(when)
    return (found or parameter.values[0])[1]


def validate_values(county: str, name: str, values: Mapping[Any, Any]) -> list[Problem]:
    """What is wrong with ``values`` (effective date → value) for parameter ``name`` of
    ``county``: the checks of loading a file and of compiling it for the engine."""
    return validate_set(county, {name: values})


def validate_set(county: str, changes: Mapping[str, Mapping[Any, Any]]) -> list[Problem]:
    """What is wrong with several parameters' new values (name → date → value), checked
    together as the engine would compile them on each of their dates. Empty when none."""
    known = county_parameters(county)
    problems: list[Problem] = []
    clean: dict[str, dict[date, Any]] = {}
    for name, dated in changes.items():
        if name not in known:
            problems.append(Problem(name, "", "unknown_parameter"))
            continue
        for when, value in dated.items():
            if not isinstance(when, date):
                problems.append(Problem(name, "", "not_date", str(when)))
                continue
            template = template_of(county, name, when)
            found = _shape(name, "", template, value)
            problems += found
            if not found:
                clean.setdefault(name, {})[when] = normalise(template, value)
    # the values of the right form are compiled together (the others as in force), so that
    # a value the engine cannot use is named beside a value that is not a number
    merged = dict(known)
    for name, dated in clean.items():
        merged[name] = merge_values(merged[name], {d: (v, "") for d, v in dated.items()})
    for when in sorted({d for dated in clean.values() for d in dated}):
        problems += _compile_problems(county, merged, when, sorted(clean, key=len, reverse=True))
    return problems


def _compile_problems(county: str, parameters: Mapping[str, Parameter], when: date,
                      names: list[str]) -> list[Problem]:
    from .emergency import emergency_parameters_of
    from .programs import program_parameters
    from .tables import compile_parameters

    try:
        trial = build_set(county, parameters, when)
    except NoParametersForDate:
        return []
    for check in (compile_parameters, program_parameters, emergency_parameters_of):
        try:
            check(trial)  # type: ignore[operator]
        except ParameterFileError as error:
            text = str(error)
            name = next((n for n in names if n in text), names[-1] if names else "")
            match = re.search(re.escape(name) + r"\.([A-Za-z0-9_.]+)", text) if name else None
            return [Problem(name, match.group(1) if match else "", "not_exact", text)]
    return []


# --- the files of a county, as they are in force (export) ---------------------------------


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    if "." not in text:
        return dumper.represent_int(int(text))
    return dumper.represent_scalar("tag:yaml.org,2002:float", text)


_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(MappingProxyType, lambda d, m: d.represent_dict(dict(m)))


def dump_parameter(parameter: Parameter) -> str:
    """The YAML text of a parameter file (description, unit, reference, values)."""
    reference: Any = parameter.reference
    if not isinstance(reference, str):
        reference = dict(sorted(reference.items()))
    data = {"description": parameter.description, "unit": parameter.unit,
            "reference": reference, "values": dict(parameter.values)}
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=4096)


def export_files(county: str, extra: Overlay | None = None) -> dict[str, bytes]:
    """The files of ``county`` as in force (``<county>/<name>.yaml`` → bytes): a file no
    overlay changes is exported as it is, byte for byte; one with county-entered values is
    written out with them (and with ``extra``, a set not yet approved, when given)."""
    merged = county_parameters(county)  # first: it may install what was approved meanwhile
    files = _file_parameters(county, None)
    result: dict[str, bytes] = {}
    for name, parameter in merged.items():
        if extra and name in extra:
            parameter = merge_values(parameter, extra[name])
        if parameter is files[name] and parameter.source:
            result[f"{county}/{name}.yaml"] = Path(parameter.source).read_bytes()
        else:
            result[f"{county}/{name}.yaml"] = dump_parameter(parameter).encode("utf-8")
    return result

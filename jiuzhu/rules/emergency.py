"""Urgent-need assessment of the four-colour emergency response (急难评估, 四色响应;
``shared/spec/40-emergency-social.md`` §1). Pure: no Django, no numpy.

    params = emergency_parameters("990102", date(2026, 12, 5))
    result = assess_urgency(params, ticked=["E04", "E05"], sudden_expense_fen=0,
                            standard_fen=90000, size=3, receiving=False)
    result.level        # "yellow"
    result.explanation  # "E04 突发重大疾病或意外伤害 30 分 + E05 … 25 分 = 55 分，40–59 分为黄色"

The checklist (E01–E11, scores and the critical items), the level thresholds and the
response parameters are dated per-county parameters (``parameters/<county>/emergency_*.yaml``).
E07 (sudden expense above ``e07_months`` × standard × size) and E09 (already a dibao,
tekun or low-income recipient) are computed, never ticked: ticking them is a
:class:`ChecklistError` naming the code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .parameters import ParameterFileError, ParameterSet, parameters_for

LEVELS = ("red", "yellow", "blue", "green")
LEVEL_NAMES = {"red": "红色", "yellow": "黄色", "blue": "蓝色", "green": "绿色"}
#: the items computed from the case, never ticked by hand
COMPUTED = ("E07", "E09")


class ChecklistError(ValueError):
    """A checklist that cannot be assessed; ``code`` names the item at fault."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    name: str
    score: int
    critical: bool


@dataclass(frozen=True)
class EmergencyParameters:
    """The emergency parameters of one county in force on one date."""

    county: str
    effective: date
    checklist: tuple[ChecklistItem, ...]
    red: int
    yellow: int
    blue: int
    red_hours: int
    yellow_working_days: int
    blue_working_days: int
    green_working_days: int
    papers_working_days: int
    first_help_months: int
    repeat_months: int
    e07_months: int
    temporary_cap_months: int

    def item(self, code: str) -> ChecklistItem:
        for entry in self.checklist:
            if entry.code == code:
                return entry
        raise ChecklistError(code, f"评估清单没有 {code} 项")

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(entry.code for entry in self.checklist)

    def working_days(self, level: str) -> int:
        """Working days to respond to a yellow, blue or green case."""
        return {"yellow": self.yellow_working_days, "blue": self.blue_working_days,
                "green": self.green_working_days}[level]


@dataclass(frozen=True)
class UrgentAssessment:
    level: str  # "red" | "yellow" | "blue" | "green"
    score: int
    critical: tuple[str, ...]
    ticked: tuple[str, ...]  # what counted, E07/E09 included when computed true
    explanation: str
    parameters_effective: date


def _whole(value: Any, what: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ParameterFileError(f"emergency parameter {what} is not a whole number") from None
    if number != value or number < 0:
        raise ParameterFileError(f"emergency parameter {what} is not a whole number ≥ 0")
    return number


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ParameterFileError(f"emergency parameter {what} must be a mapping")
    return value


def emergency_parameters(county: str, when: date, root: Path | None = None) -> EmergencyParameters:
    """The emergency parameters of ``county`` in force on ``when`` (raises the parameters'
    ``UnknownCounty`` / ``NoParametersForDate``, or ``ParameterFileError`` for a file
    that lacks a value)."""
    return emergency_parameters_of(parameters_for(county, when, root))


def emergency_parameters_of(params: ParameterSet) -> EmergencyParameters:
    """The emergency parameters of one parameter set (``ParameterFileError`` for a value
    that is missing or not a whole number)."""
    county = params.county
    try:
        raw_items = _mapping(params["emergency_checklist"], "emergency_checklist")
        levels = _mapping(params["emergency_levels"], "emergency_levels")
        response = _mapping(params["emergency_response"], "emergency_response")
        cap_months = params["temporary_cap_months"]
    except KeyError as missing:
        raise ParameterFileError(f"county {county}: parameter {missing} is missing") from None
    items = []
    for code in sorted(raw_items):
        entry = _mapping(raw_items[code], f"emergency_checklist.{code}")
        items.append(ChecklistItem(code=str(code), name=str(entry.get("name", "")),
                                   score=_whole(entry.get("score", 0), f"{code}.score"),
                                   critical=bool(entry.get("critical", False))))
    for code in COMPUTED:
        if code not in raw_items:
            raise ParameterFileError(f"county {county}: emergency_checklist lacks {code}")

    def number(source: Mapping[str, Any], key: str, what: str) -> int:
        if key not in source:
            raise ParameterFileError(f"county {county}: {what}.{key} is missing")
        return _whole(source[key], f"{what}.{key}")

    effective = max(params.entries[name].effective for name in (
        "emergency_checklist", "emergency_levels", "emergency_response", "temporary_cap_months"))
    red = number(levels, "red", "emergency_levels")
    yellow = number(levels, "yellow", "emergency_levels")
    blue = number(levels, "blue", "emergency_levels")
    if not red > yellow > blue > 0:
        raise ParameterFileError(f"county {county}: emergency_levels must fall red > yellow > blue > 0")
    r = "emergency_response"
    return EmergencyParameters(
        county=county, effective=effective, checklist=tuple(items),
        red=red, yellow=yellow, blue=blue,
        red_hours=number(response, "red_hours", r),
        yellow_working_days=number(response, "yellow_working_days", r),
        blue_working_days=number(response, "blue_working_days", r),
        green_working_days=number(response, "green_working_days", r),
        papers_working_days=number(response, "papers_working_days", r),
        first_help_months=number(response, "first_help_months", r),
        repeat_months=number(response, "repeat_months", r),
        e07_months=number(response, "e07_months", r),
        temporary_cap_months=_whole(cap_months, "temporary_cap_months"),
    )


def yuan(fen: int) -> str:
    """``¥1,234.50`` (the explanation's money)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}¥{whole:,}.{cents:02d}"


def e07_threshold_fen(params: EmergencyParameters, standard_fen: int, size: int) -> int:
    """The sudden expense above which E07 holds: e07_months × standard × size."""
    return params.e07_months * int(standard_fen) * max(int(size), 1)


def first_help_limit_fen(params: EmergencyParameters, standard_fen: int, size: int) -> int:
    """Most a township approves alone: first_help_months × standard × size."""
    return params.first_help_months * int(standard_fen) * max(int(size), 1)


def event_cap_fen(params: EmergencyParameters, standard_fen: int, size: int) -> int:
    """Most all help for one event may give, from every fund: temporary_cap_months ×
    standard × size."""
    return params.temporary_cap_months * int(standard_fen) * max(int(size), 1)


def level_range(params: EmergencyParameters, level: str) -> str:
    """The score range of a level in words: ``40–59 分为黄色``."""
    if level == "red":
        return f"{params.red} 分及以上为红色"
    if level == "yellow":
        return f"{params.yellow}–{params.red - 1} 分为黄色"
    if level == "blue":
        return f"{params.blue}–{params.yellow - 1} 分为蓝色"
    return f"低于 {params.blue} 分为绿色"


def level_of_score(params: EmergencyParameters, score: int) -> str:
    if score >= params.red:
        return "red"
    if score >= params.yellow:
        return "yellow"
    if score >= params.blue:
        return "blue"
    return "green"


def checked_codes(params: EmergencyParameters, ticked: Iterable[str]) -> tuple[str, ...]:
    """The hand-ticked codes, checked: each known, none computed; in checklist order."""
    given = [str(code).strip().upper() for code in ticked]
    for code in given:
        if code in COMPUTED:
            why = ("按突发刚性支出与低保标准计算" if code == "E07"
                   else "按家庭正在享受的低保、特困或低收入认定计算")
            raise ChecklistError(code, f"{code} 不能勾选：{why}")
        if code not in params.codes:
            raise ChecklistError(code, f"评估清单没有 {code} 项")
    wanted = set(given)
    return tuple(code for code in params.codes if code in wanted)


def assess_urgency(params: EmergencyParameters, *, ticked: Iterable[str],
                   sudden_expense_fen: int, standard_fen: int, size: int,
                   receiving: bool) -> UrgentAssessment:
    """The level of an emergency: any critical item → red; otherwise by the sum of scores
    (≥ red, ≥ yellow, ≥ blue, else green). E07 = the sudden expense above e07_months ×
    standard × size; E09 = ``receiving``. Raises :class:`ChecklistError` for E07/E09
    ticked by hand, an unknown code, or a negative expense."""
    if int(sudden_expense_fen) < 0:
        raise ChecklistError("E07", "突发刚性支出不能为负数")
    codes = set(checked_codes(params, ticked))
    threshold = e07_threshold_fen(params, standard_fen, size)
    e07 = int(sudden_expense_fen) > threshold
    if e07:
        codes.add("E07")
    if receiving:
        codes.add("E09")
    counted = tuple(code for code in params.codes if code in codes)
    items = [params.item(code) for code in counted]
    critical = tuple(item.code for item in items if item.critical)
    scored = [item for item in items if not item.critical]
    score = sum(item.score for item in scored)

    def words(item: ChecklistItem) -> str:
        detail = (f"（{yuan(int(sudden_expense_fen))} > {yuan(threshold)}）"
                  if item.code == "E07" else "")
        return f"{item.code} {item.name}{detail} {item.score} 分"

    sum_text = (" + ".join(words(item) for item in scored) + f" = {score} 分") if scored \
        else "未符合任何计分项 = 0 分"
    if critical:
        level = "red"
        names = "、".join(f"{item.code} {item.name}（红色必要项）" for item in items
                         if item.critical)
        explanation = f"{names}→ 红色"
        if scored:
            explanation += f"；计分：{sum_text}"
    else:
        level = level_of_score(params, score)
        explanation = f"{sum_text}，{level_range(params, level)}"
    return UrgentAssessment(level=level, score=score, critical=critical, ticked=counted,
                            explanation=explanation, parameters_effective=params.effective)


def higher(new: str, old: str) -> bool:
    """Whether level ``new`` is more urgent than ``old``."""
    return LEVELS.index(new) < LEVELS.index(old)

"""Time limits (办理时限) of the dibao procedure, per county, as data.

One YAML file per county, named by its six-digit code::

    jiuzhu/calendars/limits/<county code>.yaml

    description: 最低生活保障审核确认各环节办理时限（示范县）
    reference: 《最低生活保障审核确认办法》（民发〔2021〕57号）；示范县民政局 演示参数 (demo)
    steps:
      acceptance: {description: 受理决定…, unit: 工作日, limit: 3}
      notice:     {description: 公示…,     unit: 自然日, limit: 7}
      …

``unit`` is 工作日 (working days) or 自然日 (calendar days). Every step of :data:`STEPS`
must be there. A region is looked up by its county (the first six digits of its code);
an unknown county is an error, never a default. Files are read once per process.

The other items that run the same procedure (MZ02–MZ06) have their own total, the
catalogue item's limit (MZ05 急难型临时救助: 1 working day), and may name shorter steps::

    items:
      MZ05: {acceptance: 1, investigation: 1, verification: 1, appraisal: 1, opinion: 1,
             notice: 1, decision: 1}

(same units as the county's step). ``limits.for_item("MZ05")`` is the county's limits with
those steps. No step that runs within a total (:data:`WITHIN_TOTAL`) may be longer than it:
the file is refused when a step exceeds the dibao ``total``, and ``applications`` checks the
items against their catalogue limits (a test over every county, item and step; the
catalogue refuses an item limit shorter than its longest step, :func:`longest_step`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

LIMITS_ROOT = Path(__file__).resolve().parent / "limits"
STEPS = ("acceptance", "supplement", "investigation", "verification", "appraisal", "opinion",
         "notice", "decision", "total", "total_yellow", "extension")
UNITS = {"工作日": False, "自然日": True}  # unit -> counted in calendar days
#: The steps an office runs within the total (办结期限): none may be longer than the total.
#: Not ``supplement`` (the applicant's time to bring materials, before the total starts; late
#: is a withdrawal) nor the total's own rows.
WITHIN_TOTAL = ("acceptance", "investigation", "verification", "appraisal", "opinion",
                "notice", "decision")
_COUNTY = re.compile(r"^[0-9]{6}$")


class LimitsError(LookupError):
    """No time limits apply (an unknown county, or a malformed limits file)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UnknownCounty(LimitsError):
    """The county (first six digits of the region code) has no limits file."""


@dataclass(frozen=True)
class StepLimit:
    """One step's limit: ``days`` working days, or calendar days if ``calendar_days``."""

    step: str
    days: int
    calendar_days: bool
    description: str


def _days(step: str) -> property:
    def days(self: StepLimits) -> int:
        return self.steps[step].days

    days.__doc__ = f"The limit of the {step} step, in days."
    return property(days)


@dataclass(frozen=True)
class StepLimits:
    """The time limits of one county (各环节办理时限): ``limits.acceptance == 3``;
    ``limits["notice"]`` is the whole :class:`StepLimit` with its unit and description."""

    county: str
    description: str
    reference: str
    steps: Mapping[str, StepLimit]
    #: item code -> its own steps (only those it names), e.g. MZ05's one-day steps
    items: Mapping[str, Mapping[str, StepLimit]] = field(default_factory=lambda: MappingProxyType({}))
    #: the item these limits are for ("" : the county's dibao limits)
    item_code: str = ""

    acceptance = _days("acceptance")
    supplement = _days("supplement")
    investigation = _days("investigation")
    verification = _days("verification")
    appraisal = _days("appraisal")
    opinion = _days("opinion")
    notice = _days("notice")
    decision = _days("decision")
    total = _days("total")
    total_yellow = _days("total_yellow")
    extension = _days("extension")

    def __getitem__(self, step: str) -> StepLimit:
        try:
            return self.steps[step]
        except KeyError:
            raise KeyError(f"没有环节 {step!r} 的办理时限") from None

    def for_item(self, item_code: str) -> StepLimits:
        """The limits of ``item_code``'s steps: the county's, with the item's own where the
        file names them (unchanged for an item it does not name)."""
        own = self.items.get(item_code)
        if not own:
            return self
        return StepLimits(county=self.county, description=self.description,
                          reference=self.reference,
                          steps=MappingProxyType({**self.steps, **own}), items=self.items,
                          item_code=item_code)

    def longest_within_total(self) -> StepLimit:
        """The longest step run within the total (:data:`WITHIN_TOTAL`), the first on a tie."""
        return max((self.steps[step] for step in WITHIN_TOTAL), key=lambda limit: limit.days)

    def total_limit(self, *, extended: bool = False) -> int:
        """The total limit in working days: 30, or 45 once extended."""
        return self.total + (self.extension if extended else 0)

    def total_yellow_after(self, *, extended: bool = False) -> int:
        """Working days after which the total turns yellow: 24, or 39 once extended (the
        same distance before the extended limit)."""
        return self.total_yellow + (self.extension if extended else 0)


def county_of(region_code: str) -> str:
    """The county code (first six digits) of a region code."""
    code = (region_code or "").strip()[:6]
    if not _COUNTY.match(code):
        raise UnknownCounty(f"区划代码 {region_code!r} 无效：需要至少 6 位数字的县级代码")
    return code


def step_limits(region_code: str) -> StepLimits:
    """The time limits of the county ``region_code`` lies in; :class:`UnknownCounty` if none."""
    return _load(county_of(region_code))


def counties() -> list[str]:
    """The counties that have a limits file."""
    return sorted(path.stem for path in LIMITS_ROOT.glob("*.yaml") if _COUNTY.match(path.stem))


def longest_step(item_code: str) -> tuple[str, StepLimit] | None:
    """The longest step within the total that ``item_code`` runs in any county, with the
    county (an item's total may not be shorter); None when no county has limits."""
    found = [(county, _load(county).for_item(item_code).longest_within_total())
             for county in counties()]
    return max(found, key=lambda pair: pair[1].days) if found else None


@cache
def _load(county: str) -> StepLimits:
    path = LIMITS_ROOT / f"{county}.yaml"
    if not path.is_file():
        raise UnknownCounty(f"县级区划 {county} 没有配置办理时限（缺少 {path.name}）")
    with path.open(encoding="utf-8") as handle:
        data: Any = yaml.safe_load(handle)
    try:
        raw_steps = data["steps"]
        steps = {}
        for step in STEPS:
            item = raw_steps[step]
            unit = item["unit"]
            days = item["limit"]
            if unit not in UNITS or not isinstance(days, int) or isinstance(days, bool) or days < 0:
                raise ValueError(step)
            steps[step] = StepLimit(step=step, days=days, calendar_days=UNITS[unit],
                                    description=str(item["description"]))
        for step in WITHIN_TOTAL:
            if steps[step].days > steps["total"].days:
                raise ValueError(f"环节 {step} 的时限 {steps[step].days} 天超过办结时限 "
                                 f"{steps['total'].days} 个工作日")
        items = {}
        for code, own in (data.get("items") or {}).items():
            named = {}
            for step, days in own.items():
                if step not in WITHIN_TOTAL or not isinstance(days, int) \
                        or isinstance(days, bool) or days < 0:
                    raise ValueError(f"{code}.{step}")
                named[step] = StepLimit(step=step, days=days,
                                        calendar_days=steps[step].calendar_days,
                                        description=steps[step].description)
            items[str(code)] = MappingProxyType(named)
        return StepLimits(county=county, description=str(data["description"]),
                          reference=str(data["reference"]), steps=MappingProxyType(steps),
                          items=MappingProxyType(items))
    except (KeyError, TypeError, ValueError) as error:
        raise LimitsError(f"办理时限文件 {path.name} 格式有误：{error}") from None

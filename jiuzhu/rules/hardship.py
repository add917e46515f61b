"""The family hardship index (家庭困难指数), 0–100: 35 items in 3 categories (金乡县).

Two kinds of items:

- **each-member items** (``MemberItem``: A01–A11, A13) are functions of a member
  (age, health, schooling, orphan status) and a parameter set; every member who meets
  one scores its points. They are evaluated on the member profiles of
  :mod:`jiuzhu.rules.profiles`.
- **household items** (``HouseholdItem``) are functions of the frame and return a boolean
  per household; B01 is graded and returns hundredths of a point itself.

Items are independent; a member can score several (A02 and A08, say).
index = min(A, cap A) + min(B, cap B) + min(C, cap C), in hundredths of a point.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .formulas import exceeds_share
from .frame import ELDERLY, FIXED_EMPLOYMENT, PENSION, Frame, segment_sum
from .money import div_half_up_nonnegative
from .registry import JINXIANG, SPEC
from .tables import HARDSHIP_ITEMS, CompiledParameters
from .units import BASIS_POINTS, TENTHS
from .vocabulary import HEALTH, SCHOOL_LEVELS, VEHICLE_KINDS

CATEGORIES = {"A": "户籍状况（老弱病残）", "B": "家庭收入", "C": "家庭财产"}
REFERENCE = f"{SPEC} §Hardship index；{JINXIANG}"

PRIMARY_OR_JUNIOR = np.array([level in ("primary", "junior") for level in SCHOOL_LEVELS])
UPPER_SCHOOL = np.array(
    [level in ("senior", "vocational", "university") for level in SCHOOL_LEVELS]
)
OWN_VEHICLE = np.array([kind in ("car", "commercial_livelihood") for kind in VEHICLE_KINDS])


@dataclass(frozen=True)
class MemberItem:
    code: str
    label: str
    score: Callable[[Any, CompiledParameters], np.ndarray]
    reference: str = REFERENCE

    @property
    def category(self) -> str:
        return self.code[0]


@dataclass(frozen=True)
class HouseholdItem:
    code: str
    label: str
    score: Callable[[Frame], np.ndarray]
    #: the function returns hundredths of a point itself (B01), not a boolean
    graded: bool = False
    reference: str = REFERENCE

    @property
    def category(self) -> str:
        return self.code[0]


# --- A: people (户籍状况：老弱病残), each member ------------------------------------------


def a01_younger_elderly(p: Any, c: CompiledParameters) -> np.ndarray:
    return (p.age >= c.age_a01_from) & (p.age < c.age_a02_from)


def a02_middle_elderly(p: Any, c: CompiledParameters) -> np.ndarray:
    return (p.age >= c.age_a02_from) & (p.age < c.age_a03_from)


def a03_oldest(p: Any, c: CompiledParameters) -> np.ndarray:
    return p.age >= c.age_a03_from


def a04_young_child(p: Any, c: CompiledParameters) -> np.ndarray:
    return p.age < c.age_a04_below


def a05_compulsory_school(p: Any, c: CompiledParameters) -> np.ndarray:
    """Aged 6–17 with school_level primary or junior (in_school is not required)."""
    school_age = (p.age >= c.age_a05_from) & (p.age <= c.age_a05_to)
    return school_age & np.take(PRIMARY_OR_JUNIOR, p.school_level)


def a06_upper_school(p: Any, c: CompiledParameters) -> np.ndarray:
    """In school at senior, vocational or university level, any age."""
    return p.in_school & np.take(UPPER_SCHOOL, p.school_level)


def _health(code: str) -> Callable[[Any, CompiledParameters], np.ndarray]:
    index = HEALTH.index(code)

    def score(p: Any, c: CompiledParameters) -> np.ndarray:
        return p.health == index

    score.__name__ = code
    return score


def a13_orphan(p: Any, c: CompiledParameters) -> np.ndarray:
    """Flagged orphan_or_unsupported, whatever the age."""
    return p.orphan_or_unsupported


# --- A: people, household -------------------------------------------------------------------


def a12_single_parent(f: Frame) -> np.ndarray:
    return f.batch.single_parent


def a14_single_elderly(f: Frame) -> np.ndarray:
    first_member_age = f.age[f.batch.member_offsets[:-1]]
    return (f.members == 1) & (first_member_age >= f.value("age_a14_from"))


def a15_no_labour(f: Frame) -> np.ndarray:
    return f.coefficient_sum == 0


# --- B: income (家庭收入) -----------------------------------------------------------------


def b01_income_gap(f: Frame) -> np.ndarray:
    """points × (standard − P) / standard, rounded to 0.01, when P < standard."""
    gap = np.maximum(f.standard - f.per_capita, 0)
    return div_half_up_nonnegative(f.point("B01") * gap, f.standard)


def b02_no_fixed_employment(f: Frame) -> np.ndarray:
    return ~f.any_member(FIXED_EMPLOYMENT)


def b03_weak_labour(f: Frame) -> np.ndarray:
    # Σc / n < ratio, with c in tenths and the ratio in basis points
    return (
        f.coefficient_sum * (BASIS_POINTS // TENTHS)
        < f.value("b03_labour_per_capita_bp") * f.members
    )


def b04_medical(f: Frame) -> np.ndarray:
    return exceeds_share(f.batch.medical, f.value("b04_medical_share_bp"), f.gross_in_fen)


def b05_education(f: Frame) -> np.ndarray:
    return exceeds_share(f.batch.education, f.value("b05_education_share_bp"), f.gross_in_fen)


def b06_rigid(f: Frame) -> np.ndarray:
    return exceeds_share(f.deductions, f.value("b06_rigid_share_bp"), f.gross_in_fen)


def b07_elderly_without_pension(f: Frame) -> np.ndarray:
    return f.any_member(ELDERLY) & ~f.any_member(PENSION)


def b08_elderly_without_support(f: Frame) -> np.ndarray:
    """A member is elderly and every listed supporter is exempt (or none is listed)."""
    b = f.batch
    paying_supporters = segment_sum(~b.supporter_exempt, b.supporter_offsets)
    return f.any_member(ELDERLY) & (paying_supporters == 0)


def b09_hardship_event(f: Frame) -> np.ndarray:
    return f.batch.recent_hardship_event


def b10_no_income(f: Frame) -> np.ndarray:
    return f.per_capita == 0


# --- C: property (家庭财产) ---------------------------------------------------------------


def c01_no_home(f: Frame) -> np.ndarray:
    return f.batch.homes_owned == 0


def c02_dilapidated(f: Frame) -> np.ndarray:
    return f.batch.dilapidated_housing


def c03_small_home(f: Frame) -> np.ndarray:
    """Owns a home and area / n < threshold (an area of 0 fires it)."""
    b = f.batch
    return (b.homes_owned >= 1) & (
        b.housing_area_floor < f.value("c03_area_per_capita_q") * f.members
    )


def c04_no_vehicle(f: Frame) -> np.ndarray:
    """No vehicle of kind car or commercial_livelihood, whatever its value."""
    b = f.batch
    return segment_sum(np.take(OWN_VEHICLE, b.vehicle_kind), b.vehicle_offsets) == 0


def c05_few_financial_assets(f: Frame) -> np.ndarray:
    months = f.value("c05_standard_months_bp")
    return f.batch.financial_assets * BASIS_POINTS < months * f.standard * f.members


def c06_no_financial_assets(f: Frame) -> np.ndarray:
    return f.batch.financial_assets == 0


def c07_rural_no_livestock_or_machinery(f: Frame) -> np.ndarray:
    b = f.batch
    return b.rural & (b.livestock_ceil == 0) & (b.large_machinery_value == 0)


def c08_rural_little_land(f: Frame) -> np.ndarray:
    b = f.batch
    return b.rural & (b.land_floor < f.value("c08_land_per_capita_q") * f.members)


def _debts_above(f: Frame, months: str) -> np.ndarray:
    return f.batch.debts * BASIS_POINTS > f.value(months) * f.standard * f.members


def c09_debts(f: Frame) -> np.ndarray:
    return _debts_above(f, "c09_standard_months_bp")


def c10_heavy_debts(f: Frame) -> np.ndarray:
    return _debts_above(f, "c10_standard_months_bp")


MEMBER_ITEMS: tuple[MemberItem, ...] = (
    MemberItem("A01", "低龄老年人（每人）", a01_younger_elderly),
    MemberItem("A02", "中龄老年人（每人）", a02_middle_elderly),
    MemberItem("A03", "高龄老年人（每人）", a03_oldest),
    MemberItem("A04", "学龄前儿童（每人）", a04_young_child),
    MemberItem("A05", "义务教育阶段学生（每人）", a05_compulsory_school),
    MemberItem("A06", "高中、中职、大学在校生（每人）", a06_upper_school),
    MemberItem("A07", "慢性病患者（每人）", _health("chronic_illness")),
    MemberItem("A08", "重病患者（每人）", _health("serious_illness")),
    MemberItem("A09", "轻度残疾人（每人）", _health("mild_disability")),
    MemberItem("A10", "中度残疾人（每人）", _health("moderate_disability")),
    MemberItem("A11", "重度残疾人（每人）", _health("severe_disability")),
    MemberItem("A13", "孤儿或事实无人抚养（每人）", a13_orphan),
)
HOUSEHOLD_ITEMS: tuple[HouseholdItem, ...] = (
    HouseholdItem("A12", "单亲家庭", a12_single_parent),
    HouseholdItem("A14", "独居老人", a14_single_elderly),
    HouseholdItem("A15", "家庭成员均无劳动能力", a15_no_labour),
    HouseholdItem("B01", "人均收入低于低保标准（按差距折算）", b01_income_gap, graded=True),
    HouseholdItem("B02", "无固定就业成员", b02_no_fixed_employment),
    HouseholdItem("B03", "家庭人均劳动能力弱", b03_weak_labour),
    HouseholdItem("B04", "医疗支出占收入比重高", b04_medical),
    HouseholdItem("B05", "教育支出占收入比重高", b05_education),
    HouseholdItem("B06", "刚性支出占收入比重高", b06_rigid),
    HouseholdItem("B07", "有老年成员且无人领取养老金", b07_elderly_without_pension),
    HouseholdItem("B08", "有老年成员且无有效赡养", b08_elderly_without_support),
    HouseholdItem("B09", "近期遭遇灾害、事故或收入骤减", b09_hardship_event),
    HouseholdItem("B10", "家庭无收入", b10_no_income),
    HouseholdItem("C01", "无自有住房", c01_no_home),
    HouseholdItem("C02", "居住危房", c02_dilapidated),
    HouseholdItem("C03", "人均住房面积小", c03_small_home),
    HouseholdItem("C04", "无小汽车或经营性车辆", c04_no_vehicle),
    HouseholdItem("C05", "人均金融资产少", c05_few_financial_assets),
    HouseholdItem("C06", "无金融资产", c06_no_financial_assets),
    HouseholdItem("C07", "农村家庭无牲畜、无大型农机具", c07_rural_no_livestock_or_machinery),
    HouseholdItem("C08", "农村家庭人均承包地少", c08_rural_little_land),
    HouseholdItem("C09", "负债较重", c09_debts),
    HouseholdItem("C10", "负债严重", c10_heavy_debts),
)
ITEMS: tuple[MemberItem | HouseholdItem, ...] = tuple(
    sorted((*MEMBER_ITEMS, *HOUSEHOLD_ITEMS), key=lambda item: item.code)
)
assert tuple(item.code for item in ITEMS) == HARDSHIP_ITEMS
ITEM_LABELS = {item.code: item.label for item in ITEMS}


@dataclass
class HardshipScores:
    """Points per household, in hundredths.

    With detail: ``items`` [household, item] points of every item (HARDSHIP_ITEMS order),
    ``member_counts`` [household, item] how many members scored an each-member item.
    """

    index: np.ndarray
    categories: dict[str, np.ndarray]
    capped: dict[str, np.ndarray]
    items: np.ndarray | None = None
    member_counts: np.ndarray | None = None


def hardship_scores(f: Frame, detail: bool = False) -> HardshipScores:
    """All 35 items, the category totals, their caps and the index."""
    totals = {
        "A": f.member_points.astype(np.int32),
        "B": np.zeros(f.size, dtype=np.int32),
        "C": np.zeros(f.size, dtype=np.int32),
    }
    items = np.zeros((f.size, len(ITEMS)), dtype=np.int64) if detail else None
    counts = np.zeros((f.size, len(ITEMS)), dtype=np.int64) if detail else None
    for item in HOUSEHOLD_ITEMS:
        result = item.score(f)
        score: np.ndarray = result if item.graded else result * f.point(item.code)
        totals[item.category] += score
        if items is not None:
            items[:, HARDSHIP_ITEMS.index(item.code)] = score
    if items is not None and counts is not None:
        for member_item in MEMBER_ITEMS:
            column = HARDSHIP_ITEMS.index(member_item.code)
            counts[:, column] = f.members_sum(f.member_item(member_item.code))
            items[:, column] = counts[:, column] * f.point(member_item.code)
    capped = {
        "A": np.minimum(totals["A"], f.value("cap_a")),
        "B": np.minimum(totals["B"], f.value("cap_b")),
        "C": np.minimum(totals["C"], f.value("cap_c")),
    }
    index = capped["A"] + capped["B"] + capped["C"]
    return HardshipScores(
        index=index, categories=totals, capped=capped, items=items, member_counts=counts
    )

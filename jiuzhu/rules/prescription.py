"""The comprehensive assessment (大处方) of 15-programs.md: all 39 catalogue items at once.

:func:`prescription_arrays` decides every item for every household of a batch with numpy
(a status matrix, one row per household, one column per item of :data:`ITEMS`), from the
same arrays as the dibao engine and :mod:`jiuzhu.rules.programs`; :func:`prescribe` turns
household dicts into entries ``{"item_code", "status", "reason", "order", "overlaps"}``
with one Chinese sentence per item naming the figures that decided it, plus the special
hardship members and their monthly amounts.

Status: **receiving** when the household already has an active application or benefit
of the item (passed in), else **eligible** when the item's predicate holds, else
**possible** when its "possible" predicate holds, else **not_eligible**.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import vocabulary as v
from .batch import HouseholdBatch, batch_from_households
from .engine import BatchResult, assess_arrays
from .formulas import exceeds_share
from .frame import segment_sum
from .money import format_fen, format_scaled, yuan_to_fen
from .programs import (
    CHILD,
    HEAD,
    ProgramExtras,
    ProgramResult,
    extras_from_households,
    programs_arrays,
)
from .units import BASIS_POINTS, MONTHS_PER_YEAR, UNITS_PER_FEN
from .validation import validate_household
from .vetoes import veto_codes

#: (item code, coordination order 衔接顺序, name) in the order of the table of 15-programs.md.
ITEMS: tuple[tuple[str, int, str], ...] = (
    ("MZ03", 1, "特困人员救助供养"),
    ("MZ01", 2, "最低生活保障"),
    ("MZ02", 3, "低保边缘家庭认定"),
    ("MZ06", 4, "刚性支出困难家庭认定"),
    ("MZ04", 5, "临时救助"),
    ("MZ05", 6, "急难先行救助"),
    ("WJ01", 7, "医疗救助"),
    ("WJ02", 8, "重特大疾病医疗救助"),
    ("JY01", 9, "学前教育资助"),
    ("JY02", 9, "义务教育生活补助"),
    ("JY03", 9, "普通高中助学金"),
    ("JY04", 9, "中职资助"),
    ("JY05", 10, "助学贷款"),
    ("ZJ01", 11, "公租房"),
    ("ZJ02", 12, "农村危房改造"),
    ("ZJ03", 13, "租赁补贴"),
    ("RS01", 14, "公益性岗位"),
    ("RS02", 15, "养老保险代缴"),
    ("RS03", 16, "技能培训补贴"),
    ("CL01", 17, "困难残疾人生活补贴"),
    ("CL02", 18, "重度残疾人护理补贴"),
    ("CL03", 19, "残疾人康复救助"),
    ("MZ07", 20, "困境儿童保障"),
    ("MZ08", 21, "高龄津贴"),
    ("MZ09", 22, "养老服务补贴"),
    ("WJ03", 23, "计生特殊家庭扶助"),
    ("FL01", 24, "两癌救助"),
    ("FL02", 25, "单亲困难母亲帮扶"),
    ("GH01", 26, "困难职工帮扶"),
    ("GH02", 27, "金秋助学"),
    ("HS01", 28, "人道救助"),
    ("HM01", 28, "惠民帮扶救助金"),
    ("HM02", 29, "慈善助医"),
    ("HS02", 30, "博爱助学"),
    ("TW01", 30, "希望工程"),
    ("SF01", 31, "法律援助"),
    ("SF02", 31, "司法救助"),
    ("MZ10", 32, "流浪乞讨人员救助"),
    ("MZ11", 32, "殡葬救助"),
)
CODES = tuple(code for code, _order, _name in ITEMS)
COLUMN = {code: i for i, code in enumerate(CODES)}
ORDER = {code: order for code, order, _name in ITEMS}
NAMES = {code: name for code, _order, name in ITEMS}
ON_REQUEST = ("SF01", "SF02", "MZ10", "MZ11")
ASSISTANCE = ("MZ01", "MZ02", "MZ03")
ASSISTED_LABELS = {"MZ01": "低保家庭", "MZ02": "低保边缘家庭", "MZ03": "特困人员"}

NOT_ELIGIBLE, POSSIBLE, ELIGIBLE, RECEIVING = 0, 1, 2, 3
STATUSES = ("not_eligible", "possible", "eligible", "receiving")
STATUS_LABELS = {"not_eligible": "不符合", "possible": "可能符合", "eligible": "符合",
                 "receiving": "正在享受"}

#: HM02 慈善助医: medical expenses above this share of G (fixed by 15-programs.md).
HM02_MEDICAL_SHARE_BP = 3000

_HEALTH = {name: i for i, name in enumerate(v.HEALTH)}
_SCHOOL = {name: i for i, name in enumerate(v.SCHOOL_LEVELS)}
_OCCUPATION = {name: i for i, name in enumerate(v.OCCUPATIONS)}
DISABILITIES = (_HEALTH["mild_disability"], _HEALTH["moderate_disability"],
                _HEALTH["severe_disability"])
JY_LEVELS = {"JY01": ("preschool",), "JY02": ("primary", "junior"), "JY03": ("senior",),
             "JY04": ("vocational",)}


@dataclass
class PrescriptionArrays:
    """:func:`prescription_arrays`: ``status`` (H × 39, int8, STATUSES index), the
    household terms, and per item the members (length M, bool) its predicate looked at."""

    status: np.ndarray
    eligible: np.ndarray  # H × 39 bool, before "receiving"
    possible: np.ndarray  # H × 39 bool
    assisted: np.ndarray
    near_poor: np.ndarray
    member_masks: dict[str, np.ndarray]
    programs: ProgramResult
    result: BatchResult


def prescription_arrays(
    batch: HouseholdBatch,
    extras: ProgramExtras,
    result: BatchResult | None = None,
    receiving: np.ndarray | None = None,
) -> PrescriptionArrays:
    """Every item's status for every household of the batch.

    ``result`` is ``assess_arrays(batch, detail=True)`` (computed when omitted);
    ``receiving`` an H × 39 bool matrix in :data:`CODES` order (None: nothing received).
    """
    if result is None:
        result = assess_arrays(batch, detail=True)
    assert result.member_detail is not None
    p = programs_arrays(batch, extras, result)
    size = len(batch)
    offsets = batch.member_offsets
    n = result.members
    if receiving is None:
        receiving = np.zeros((size, len(CODES)), dtype=np.bool_)
    receiving = np.asarray(receiving, dtype=np.bool_)

    age = result.member_detail.age
    coefficient = result.member_detail.coefficient
    health, school, occupation = batch.health, batch.school_level, batch.occupation
    in_school = batch.in_school
    single_parent = batch.single_parent
    event = batch.recent_hardship_event

    def anyone(mask: np.ndarray) -> np.ndarray:
        return segment_sum(mask, offsets) > 0

    circle = result.circle
    open_circle = ~p.vetoed & (circle != 0)
    assisted = open_circle & (
        p.dibao | p.low_income | p.tekun
        | receiving[:, [COLUMN[c] for c in ASSISTANCE]].any(axis=1)
    )
    near_poor = open_circle & ((circle == 3) | (circle == 4)) & ~assisted
    helped = assisted | near_poor

    disability = np.isin(health, DISABILITIES)
    serious = health == _HEALTH["serious_illness"]
    working_age = (age >= 16) & (age <= 59)
    masks: dict[str, np.ndarray] = {
        "MZ03": p.tekun_member,
        "WJ02": serious,
        "JY05": in_school & (school == _SCHOOL["university"]),
        "RS01": working_age & (coefficient > 0)
        & np.isin(occupation, [_OCCUPATION[o] for o in ("unemployed", "none", "casual_work")]),
        "RS02": working_age & ~in_school & (occupation != _OCCUPATION["fixed_employment"]),
        "RS03": working_age & (coefficient > 0) & ~in_school,
        "CL01": disability,
        "CL02": health == _HEALTH["severe_disability"],
        "CL03": disability,
        "MZ07": (age < 18) & batch.orphan_or_unsupported,
        "MZ08": age >= 80,
        "MZ09": (age >= 60) & (extras.care_level > 0),
        "FL01": extras.female & (age >= 18) & serious,
        "GH01": occupation == _OCCUPATION["fixed_employment"],
        "GH02": in_school & (school == _SCHOOL["university"]),
        "HS02": in_school & (school != _SCHOOL["none"]),
        "TW01": (age < 18) & in_school,
    }
    for code, levels in JY_LEVELS.items():
        masks[code] = in_school & np.isin(school, [_SCHOOL[level] for level in levels])
    has = {code: anyone(mask) for code, mask in masks.items()}
    minor = anyone(age < 18)

    homeless = batch.homes_owned == 0
    medical = batch.medical > 0
    rural_dilapidated = batch.rural & batch.dilapidated_housing
    whole_fen = result.gross // UNITS_PER_FEN
    medical_share = exceeds_share(
        batch.medical, HM02_MEDICAL_SHARE_BP, (whole_fen, result.gross - whole_fen * UNITS_PER_FEN)
    )
    # WJ03: every member ≥ 49, no member and no supporter with relation child.
    all_older = segment_sum(age < 49, offsets) == 0
    no_child = (segment_sum(extras.relation == CHILD, offsets) == 0) & (
        segment_sum(extras.supporter_child, batch.supporter_offsets) == 0
    )
    # FL02: the first member with relation head is female.
    is_head = extras.relation == HEAD
    heads_so_far = np.cumsum(is_head) - np.repeat(
        np.concatenate([[0], np.cumsum(is_head)])[offsets[:-1]], n
    )
    female_head = anyone(is_head & (heads_so_far == 1) & extras.female)
    mother = single_parent & female_head

    false = np.zeros(size, dtype=np.bool_)
    eligible: dict[str, np.ndarray] = {
        "MZ03": p.tekun, "MZ01": p.dibao, "MZ02": p.low_income, "MZ06": p.rigid_expense,
        "WJ01": assisted & medical, "WJ02": assisted & has["WJ02"],
        "ZJ01": assisted & homeless, "ZJ02": rural_dilapidated & assisted,
        "RS01": assisted & has["RS01"], "RS02": assisted & has["RS02"],
        "CL01": assisted & has["CL01"], "CL02": has["CL02"], "MZ07": has["MZ07"],
        "MZ08": has["MZ08"], "MZ09": assisted & has["MZ09"], "FL02": mother & assisted,
        "GH01": assisted & has["GH01"],
    }
    possible: dict[str, np.ndarray] = {
        "MZ04": p.temporary, "MZ05": event,
        "WJ01": near_poor & medical, "WJ02": has["WJ02"],
        "JY05": has["JY05"], "ZJ01": near_poor & homeless, "ZJ02": rural_dilapidated,
        "ZJ03": homeless & helped, "RS01": near_poor & has["RS01"], "RS03": has["RS03"],
        "CL01": near_poor & has["CL01"], "CL03": has["CL03"],
        "MZ07": minor & single_parent, "MZ09": near_poor & has["MZ09"],
        "WJ03": all_older & no_child, "FL01": has["FL01"], "FL02": mother & near_poor,
        "GH01": near_poor & has["GH01"], "GH02": has["GH02"] & helped,
        "HS01": event & helped, "HM01": event & helped, "HM02": medical_share,
        "HS02": has["HS02"] & helped, "TW01": has["TW01"] & helped,
    }
    for code in JY_LEVELS:
        eligible[code] = assisted & has[code]
        possible[code] = near_poor & has[code]
    eligible_matrix = np.stack([eligible.get(c, false) for c in CODES], axis=1)
    possible_matrix = np.stack([possible.get(c, false) for c in CODES], axis=1)
    status = np.where(
        receiving, RECEIVING,
        np.where(eligible_matrix, ELIGIBLE, np.where(possible_matrix, POSSIBLE, NOT_ELIGIBLE)),
    ).astype(np.int8)
    return PrescriptionArrays(
        status=status, eligible=eligible_matrix, possible=possible_matrix, assisted=assisted,
        near_poor=near_poor, member_masks=masks, programs=p, result=result,
    )


# --- household dicts -------------------------------------------------------------------


def prescribe(
    households: Sequence[Any],
    receiving: Sequence[Collection[str]] | None = None,
    names: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The prescription of each household dict, in input order.

    ``receiving[i]`` is the set of item codes household i already receives (an active
    application or benefit). Each result is ``{"household_id", "prescription": [39
    entries], "tekun_members": [{"member_id", "monthly_amount"}], ...}`` (plus a summary
    of the terms used), or ``{"household_id", "errors"}`` for an invalid household. With
    ``names`` (item code → the catalogue's name) each entry also carries ``item_name``.
    """
    results: list[dict[str, Any] | None] = [None] * len(households)
    valid: list[int] = []
    for position, household in enumerate(households):
        errors = validate_household(household)
        if errors:
            results[position] = {
                "household_id": household.get("household_id") if isinstance(household, dict) else None,
                "errors": [e.as_dict() for e in errors],
            }
        else:
            valid.append(position)
    if valid:
        chosen = [households[i] for i in valid]
        batch = batch_from_households(chosen)
        extras = extras_from_households(chosen)
        matrix = np.zeros((len(chosen), len(CODES)), dtype=np.bool_)
        if receiving is not None:
            for row, position in enumerate(valid):
                for code in receiving[position] or ():
                    if code in COLUMN:
                        matrix[row, COLUMN[code]] = True
        arrays = prescription_arrays(batch, extras, receiving=matrix)
        for row, position in enumerate(valid):
            results[position] = household_prescription(chosen[row], arrays, row, names)
    return [r for r in results if r is not None]


def household_prescription(
    household: Mapping[str, Any], a: PrescriptionArrays, i: int,
    names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The prescription of row ``i`` of :func:`prescription_arrays` as a dict."""
    facts = _Facts(household, a, i)
    entries = []
    for column, code in enumerate(CODES):
        status = STATUSES[int(a.status[i, column])]
        entry: dict[str, Any] = {
            "item_code": code,
            "status": status,
            "reason": _reason(code, status, facts),
            "order": ORDER[code],
            "overlaps": ["MZ03"] if code == "MZ01" and facts.tekun else [],
        }
        if names is not None:
            entry["item_name"] = names.get(code) or NAMES[code]
        entries.append(entry)
    p = a.programs
    return {
        "household_id": household["household_id"],
        "prescription": entries,
        "tekun_members": facts.tekun_members,
        "summary": {
            "assisted": bool(a.assisted[i]),
            "near_poor": bool(a.near_poor[i]),
            "circle": int(a.result.circle[i]),
            "per_capita_monthly_income": format_fen(int(a.result.per_capita[i])),
            "standard": format_fen(int(a.result.standard[i])),
            "low_income_line": facts.line,
            "vetoes": facts.vetoes,
            "tekun_monthly_total": format_fen(int(p.tekun_total[i])),
            "temporary_cap": format_fen(int(p.temporary_cap[i])),
            "township_approval_limit": format_fen(int(p.township_limit[i])),
        },
    }


class _Facts:
    """The figures of one household that the reasons name."""

    def __init__(self, household: Mapping[str, Any], a: PrescriptionArrays, i: int):
        r, p = a.result, a.programs
        self.household = household
        self.members = household["members"]
        start, stop = int(r.member_offsets[i]), int(r.member_offsets[i + 1])
        self.start, self.stop = start, stop
        assert r.member_detail is not None
        self.ages = [int(x) for x in r.member_detail.age[start:stop]]
        self.coefficients = [int(x) for x in r.member_detail.coefficient[start:stop]]
        self.a, self.i = a, i
        self.P = format_fen(int(r.per_capita[i]))
        self.standard = format_fen(int(r.standard[i]))
        self.line = format_fen(int(p.low_income_line[i]) // BASIS_POINTS)
        self.vetoes = veto_codes(int(r.vetoes[i]))
        self.circle = int(r.circle[i])
        self.G = format_fen(int(r.gross_fen[i]))
        self.D = format_fen(int(r.deductions[i]))
        self.n = int(r.members[i])
        expenditures = household.get("expenditures") or {}
        self.medical = format_fen(yuan_to_fen(expenditures.get("medical", 0)))
        self.assisted = bool(a.assisted[i])
        self.near_poor = bool(a.near_poor[i])
        self.tekun = bool(p.tekun[i])
        self.share = _ratio(int(p.rigid_expense_share_bp[i]))
        self.rigid = bool(p.rigid_hardship[i])
        self.event = bool((household.get("flags") or {}).get("recent_hardship_event", False))
        self.annual = format_fen(int(r.per_capita[i]) * MONTHS_PER_YEAR)
        self.disposable = format_fen(int(p.disposable_income[i]))
        self.rural = household["area_type"] == "rural"
        self.cap = format_fen(int(p.temporary_cap[i]))
        self.township = format_fen(int(p.township_limit[i]))
        self.tekun_members = [
            {"member_id": self.members[k]["member_id"],
             "monthly_amount": format_fen(int(p.tekun_amount[start + k]))}
            for k in range(stop - start) if p.tekun_member[start + k]
        ]

    def who(self, code: str) -> str:
        """The members an item's member predicate found, e.g. "成员1（17岁）"."""
        mask = self.a.member_masks[code][self.start:self.stop]
        found = [f"{self.members[k]['name']}（{self.ages[k]}岁）" for k in range(len(mask)) if mask[k]]
        return "、".join(found)

    def receiving(self, code: str) -> bool:
        return int(self.a.status[self.i, COLUMN[code]]) == RECEIVING

    @property
    def standing(self) -> str:
        """Why the household is assisted, near-poor or neither."""
        if self.vetoes:
            return f"存在一票否决情形（{'、'.join(self.vetoes)}），不属于救助对象或低收入边缘家庭"
        if self.assisted:
            kinds = [ASSISTED_LABELS[c] for c in ASSISTANCE if self._assisted_by(c)]
            return f"家庭属于救助对象（{'、'.join(kinds)}）"
        if self.near_poor:
            return f"家庭人均月收入 {self.P} 元，处于第{self.circle}信息圈（低收入边缘）"
        if self.circle == 0:
            return f"家庭人均月收入 {self.P} 元超过 2 倍低收入标准，不属于救助对象或低收入边缘家庭"
        return f"家庭人均月收入 {self.P} 元，处于第{self.circle}信息圈，不属于救助对象或低收入边缘家庭"

    def _assisted_by(self, code: str) -> bool:
        column = COLUMN[code]
        return bool(self.a.eligible[self.i, column]) or self.receiving(code)


def _ratio(bp: int) -> str:
    return format_scaled(bp, BASIS_POINTS, min_places=1)


def _reason(code: str, status: str, f: _Facts) -> str:
    if status == "receiving":
        return f"家庭已在办理或享受“{NAMES[code]}”"
    if code in ON_REQUEST:
        return "依申请办理"
    handler = _REASONS.get(code)
    if handler is not None:
        return handler(status, f)
    return _group_reason(code, status, f)


def _mz03(status: str, f: _Facts) -> str:
    if status == "eligible":
        names = {m["member_id"]: m["name"] for m in f.members}
        people = "、".join(f"{names[m['member_id']]}（每月 {m['monthly_amount']} 元）"
                          for m in f.tekun_members)
        return (f"家庭人均月收入 {f.P} 元低于低保标准 {f.standard} 元，无否决情形，"
                f"{people}无劳动能力且无法定赡养抚养能力人，符合特困人员条件")
    if f.vetoes:
        return f"存在一票否决情形（{'、'.join(f.vetoes)}），不符合特困人员条件"
    if not bool(f.a.programs.dibao[f.i]):
        return f"家庭人均月收入 {f.P} 元不低于低保标准 {f.standard} 元，不符合特困人员条件"
    if bool(f.a.programs.able_member[f.i]):
        return "家庭中有其他具备劳动能力（劳动力系数大于 0）的成员，不符合特困人员条件"
    return "没有同时满足无劳动能力、无生活来源、无赡养抚养能力人三个条件的成员"


def _mz01(status: str, f: _Facts) -> str:
    if f.vetoes:
        return f"存在一票否决情形：{'、'.join(f.vetoes)}，不符合低保条件"
    if status == "eligible":
        reason = f"家庭人均月收入 {f.P} 元低于低保标准 {f.standard} 元，无否决情形"
        return reason + ("；与特困人员救助供养重复，衔接时优先特困" if f.tekun else "")
    return f"家庭人均月收入 {f.P} 元不低于低保标准 {f.standard} 元，不符合低保条件"


def _mz02(status: str, f: _Facts) -> str:
    if f.vetoes:
        return f"存在一票否决情形：{'、'.join(f.vetoes)}，不能认定为低保边缘家庭"
    if status == "eligible":
        return (f"家庭人均月收入 {f.P} 元不低于低保标准 {f.standard} 元且不高于低收入标准 "
                f"{f.line} 元，无否决情形")
    if bool(f.a.programs.dibao[f.i]):
        return f"家庭人均月收入 {f.P} 元低于低保标准 {f.standard} 元，应为低保家庭"
    return f"家庭人均月收入 {f.P} 元高于低收入标准 {f.line} 元"


def _mz06(status: str, f: _Facts) -> str:
    area = "农村" if f.rural else "城镇"
    if status == "eligible":
        return (f"家庭人均年收入 {f.annual} 元低于上年度{area}居民人均可支配收入 {f.disposable} 元，"
                f"刚性支出 {f.D} 元超过家庭总收入 {f.G} 元的 {f.share} 倍，无否决情形")
    if f.vetoes:
        return f"存在一票否决情形：{'、'.join(f.vetoes)}，不能认定为刚性支出困难家庭"
    if f.a.programs.dibao[f.i] or f.a.programs.low_income[f.i] or f.tekun:
        return "家庭已符合特困、低保或低保边缘条件，不再认定刚性支出困难"
    if int(f.a.result.per_capita[f.i]) * MONTHS_PER_YEAR >= int(f.a.programs.disposable_income[f.i]):
        return f"家庭人均年收入 {f.annual} 元不低于上年度{area}居民人均可支配收入 {f.disposable} 元"
    return f"刚性支出 {f.D} 元未超过家庭总收入 {f.G} 元的 {f.share} 倍"


def _mz04(status: str, f: _Facts) -> str:
    if status == "possible":
        why = "近期遭遇突发困难" if f.event else \
            f"刚性支出 {f.D} 元超过家庭总收入 {f.G} 元的 {f.share} 倍"
        return (f"{why}，可申请临时救助：单次最多 {f.cap} 元，乡镇可审批 {f.township} 元以内，"
                "超过由县级审批")
    return f"无近期突发困难，刚性支出 {f.D} 元未超过家庭总收入 {f.G} 元的 {f.share} 倍"


def _mz05(status: str, f: _Facts) -> str:
    if status == "possible":
        return "近期遭遇突发困难，可先行救助（急难先行）"
    return "没有登记近期突发困难事件"


def _member_reason(code: str, what: str, *, assisted_only: bool = False,
                   group: bool = True, none: str = "") -> Any:
    """A reason for items of the form "(assisted|near-poor and) a member such that …"."""

    def reason(status: str, f: _Facts) -> str:
        found = f.who(code)
        if not found:
            return none or f"家庭中没有{what}的成员"
        if not group:
            return f"{found}{what}" + ("，符合条件" if status == "eligible" else
                                       "，可能符合条件" if status == "possible" else "")
        if status in ("eligible", "possible"):
            return f"{f.standing}，{found}{what}"
        if assisted_only and f.near_poor:
            return f"{f.standing}，{found}{what}，但本事项仅面向救助对象"
        return f"{f.standing}，{found}{what}"

    return reason


def _wj01(status: str, f: _Facts) -> str:
    return f"{f.standing}，年医疗支出 {f.medical} 元"


def _zj(status: str, f: _Facts) -> str:
    homes = int((f.household.get("assets") or {}).get("homes_owned", 0))
    return f"{f.standing}，家庭自有住房 {homes} 套"


def _zj02(status: str, f: _Facts) -> str:
    if not f.rural:
        return "城市家庭不适用农村危房改造"
    if not (f.household.get("assets") or {}).get("dilapidated_housing"):
        return "农村家庭，住房未登记为危房"
    return f"{f.standing}，农村家庭住房为危房"


def _mz07(status: str, f: _Facts) -> str:
    if status == "eligible":
        return f"{f.who('MZ07')}为未满 18 周岁的孤儿或事实无人抚养儿童"
    if status == "possible":
        return "单亲家庭，有未满 18 周岁的成员，可能属于困境儿童"
    return "没有未满 18 周岁的孤儿或事实无人抚养儿童，且不属于有未成年人的单亲家庭"


def _wj03(status: str, f: _Facts) -> str:
    youngest = min(f.ages)
    if status == "possible":
        return f"成员均已年满 49 周岁（最小 {youngest} 岁），成员和赡养人中没有子女"
    return f"成员最小 {youngest} 岁，或成员、赡养人中有子女，不符合计生特殊家庭情形"


def _fl02(status: str, f: _Facts) -> str:
    single = bool((f.household.get("flags") or {}).get("single_parent"))
    if not single:
        return "不是单亲家庭"
    head = next((m for m in f.members if m["relation"] == "head"), None)
    if head is None:
        return "家庭没有登记户主"
    if int(head["id_number"][16]) % 2 == 1:
        return f"单亲家庭，户主 {head['name']} 为男性（身份证号第17位为奇数）"
    return f"{f.standing}，单亲家庭，户主 {head['name']} 为女性"


def _event_group(status: str, f: _Facts) -> str:
    if not f.event:
        return "没有登记近期突发困难事件"
    return f"{f.standing}，近期遭遇突发困难"


def _hm02(status: str, f: _Facts) -> str:
    if status == "possible":
        return f"年医疗支出 {f.medical} 元超过家庭总收入 {f.G} 元的 0.3 倍"
    return f"年医疗支出 {f.medical} 元未超过家庭总收入 {f.G} 元的 0.3 倍"


def _group_reason(code: str, status: str, f: _Facts) -> str:
    return f"{f.standing}"


_REASONS: dict[str, Any] = {
    "MZ03": _mz03, "MZ01": _mz01, "MZ02": _mz02, "MZ06": _mz06, "MZ04": _mz04, "MZ05": _mz05,
    "WJ01": _wj01,
    "WJ02": _member_reason("WJ02", "患重病", group=False),
    "JY01": _member_reason("JY01", "在读学前教育"),
    "JY02": _member_reason("JY02", "在读义务教育（小学或初中）"),
    "JY03": _member_reason("JY03", "在读普通高中"),
    "JY04": _member_reason("JY04", "在读中等职业教育"),
    "JY05": _member_reason("JY05", "在读大学", group=False),
    "ZJ01": _zj, "ZJ02": _zj02, "ZJ03": _zj,
    "RS01": _member_reason("RS01", "16–59 岁、有劳动能力且失业、无业或灵活就业"),
    "RS02": _member_reason("RS02", "16–59 岁、不在校且非固定就业", assisted_only=True),
    "RS03": _member_reason("RS03", "16–59 岁、有劳动能力且不在校", group=False),
    "CL01": _member_reason("CL01", "有残疾", none="家庭中没有残疾成员"),
    "CL02": _member_reason("CL02", "重度残疾", group=False),
    "CL03": _member_reason("CL03", "有残疾", group=False, none="家庭中没有残疾成员"),
    "MZ07": _mz07,
    "MZ08": _member_reason("MZ08", "年满 80 周岁", group=False),
    "MZ09": _member_reason("MZ09", "年满 60 周岁且需要半护理或全护理"),
    "WJ03": _wj03,
    "FL01": _member_reason("FL01", "为年满 18 周岁、患重病的女性", group=False,
                           none="家庭中没有年满 18 周岁、患重病的女性成员"),
    "FL02": _fl02,
    "GH01": _member_reason("GH01", "固定就业"),
    "GH02": _member_reason("GH02", "在读大学"),
    "HS01": _event_group, "HM01": _event_group, "HM02": _hm02,
    "HS02": _member_reason("HS02", "在校就读", none="家庭中没有在校就读的成员"),
    "TW01": _member_reason("TW01", "未满 18 周岁且在校就读"),
}

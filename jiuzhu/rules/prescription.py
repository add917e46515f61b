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
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from . import vocabulary as v
from .batch import HouseholdBatch, batch_from_households
from .conditions import (
    Condition,
    Facts,
    check,
    evaluate,
    evaluate_members,
    explain,
    first_member_condition,
    parse_members,
)
from .conditions import reason as explained_reason
from .engine import BatchResult, assess_arrays
from .frame import segment_sum
from .memory import no_collection
from .money import format_fen, format_scaled
from .programs import (
    HEAD,
    ProgramExtras,
    ProgramResult,
    extras_from_households,
    programs_arrays,
)
from .units import BASIS_POINTS, MONTHS_PER_YEAR
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


@dataclass(frozen=True)
class ItemRule:
    """One item of the prescription: its code, coordination order, name and conditions
    (:mod:`jiuzhu.rules.conditions` texts; "" = never). ``members`` names the members its
    reason lists (by default the first quantifier's body)."""

    code: str
    order: int
    name: str
    eligible: str = ""
    possible: str = ""
    members: str = ""

    def conditions(self) -> tuple[Condition | None, Condition | None]:
        return check(self.eligible), check(self.possible)

    def member_condition(self) -> Condition | None:
        if self.members.strip():
            return parse_members(self.members.strip())
        eligible, possible = self.conditions()
        return first_member_condition(eligible) or first_member_condition(possible)


CONDITIONS_FILE = Path(__file__).resolve().parent / "items" / "conditions.yaml"


def _default_rules() -> tuple[ItemRule, ...]:
    data = yaml.safe_load(CONDITIONS_FILE.read_text(encoding="utf-8"))
    return tuple(ItemRule(code, order, name, **{k: str(x).strip() for k, x in (data[code] or {}).items()})
                 for code, order, name in ITEMS)


#: The 39 items with the conditions of ``items/conditions.yaml``, in :data:`CODES` order.
DEFAULT_RULES: tuple[ItemRule, ...] = _default_rules()
DEFAULT_CONDITIONS = {r.code: (r.eligible, r.possible) for r in DEFAULT_RULES}


def default_rule(code: str) -> ItemRule | None:
    return next((r for r in DEFAULT_RULES if r.code == code), None)


@dataclass
class PrescriptionArrays:
    """:func:`prescription_arrays`: ``status`` (H × items, int8, STATUSES index; the
    columns are ``codes``), the household terms, and per item the members (length M, bool)
    its reason names."""

    status: np.ndarray
    eligible: np.ndarray  # H × items bool, before "receiving"
    possible: np.ndarray  # H × items bool
    assisted: np.ndarray
    near_poor: np.ndarray
    member_masks: dict[str, np.ndarray]
    programs: ProgramResult
    result: BatchResult
    items: tuple[ItemRule, ...] = DEFAULT_RULES
    facts: Facts | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.items)

    @property
    def column(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.codes)}

    def templated(self, code: str) -> bool:
        """The item's reason is the engine's sentence: one of the 39 with its own conditions."""
        rule = next((r for r in self.items if r.code == code), None)
        return rule is not None and DEFAULT_CONDITIONS.get(code) == (rule.eligible, rule.possible)


def prescription_facts(batch: HouseholdBatch, extras: ProgramExtras, result: BatchResult,
                       p: ProgramResult, receiving: np.ndarray, codes: Sequence[str]) -> Facts:
    """The named facts of :data:`jiuzhu.rules.conditions.FACTS` for a batch; ``receiving``
    (H × len(codes)) is what each household already receives."""
    assert result.member_detail is not None
    offsets = batch.member_offsets
    column = {code: i for i, code in enumerate(codes)}
    circle = result.circle
    open_circle = ~p.vetoed & (circle != 0)
    held = [column[c] for c in ASSISTANCE if c in column]
    assisted = open_circle & (p.dibao | p.low_income | p.tekun | receiving[:, held].any(axis=1))
    near_poor = open_circle & ((circle == 3) | (circle == 4)) & ~assisted
    n = result.members

    def female_head() -> np.ndarray:
        is_head = extras.relation == HEAD
        heads_so_far = np.cumsum(is_head) - np.repeat(
            np.concatenate([[0], np.cumsum(is_head)])[offsets[:-1]], n)
        return segment_sum(is_head & (heads_so_far == 1) & extras.female, offsets) > 0

    def receives(code: str) -> np.ndarray:
        if code in column:
            return receiving[:, column[code]]
        return np.zeros(len(batch), dtype=np.bool_)

    hardship = result.index
    values: dict[str, Any] = {
        "per_capita": result.per_capita, "standard": result.standard,
        "low_income_line": p.low_income_line, "gross": result.gross,
        "deductions": result.deductions, "medical": batch.medical,
        "financial_assets": batch.financial_assets, "disposable_income": p.disposable_income,
        "members": lambda: np.diff(offsets), "circle": circle,
        "homes_owned": batch.homes_owned, "hardship_index": hardship,
        "rural": batch.rural, "dilapidated": batch.dilapidated_housing,
        "single_parent": batch.single_parent, "event": batch.recent_hardship_event,
        "vetoed": p.vetoed, "dibao": p.dibao, "low_income": p.low_income, "tekun": p.tekun,
        "rigid_expense": p.rigid_expense, "temporary": p.temporary,
        "assisted": assisted, "near_poor": near_poor, "female_head": female_head,
        "child_supporter": lambda: segment_sum(extras.supporter_child, batch.supporter_offsets) > 0,
        "member.age": result.member_detail.age, "member.health": batch.health,
        "member.school": batch.school_level, "member.in_school": batch.in_school,
        "member.occupation": batch.occupation, "member.female": extras.female,
        "member.care_level": extras.care_level, "member.relation": extras.relation,
        "member.orphan": batch.orphan_or_unsupported,
        "member.coefficient": result.member_detail.coefficient,
        "member.tekun": p.tekun_member,
    }
    return Facts(len(batch), offsets, values, receives)


def prescription_arrays(
    batch: HouseholdBatch,
    extras: ProgramExtras,
    result: BatchResult | None = None,
    receiving: np.ndarray | None = None,
    items: Sequence[ItemRule] | None = None,
) -> PrescriptionArrays:
    """Every item's status for every household of the batch.

    ``result`` is ``assess_arrays(batch, detail=True)`` (computed when omitted);
    ``items`` the items in force with their conditions (default: the 39 of
    :data:`DEFAULT_RULES`); ``receiving`` an H × len(items) bool matrix in that order
    (None: nothing received). Each item is decided by evaluating its conditions
    (:mod:`jiuzhu.rules.conditions`) on the batch's facts.
    """
    rules = tuple(items) if items is not None else DEFAULT_RULES
    if result is None:
        result = assess_arrays(batch, detail=True)
    assert result.member_detail is not None
    p = programs_arrays(batch, extras, result)
    size = len(batch)
    codes = [r.code for r in rules]
    if receiving is None:
        receiving = np.zeros((size, len(codes)), dtype=np.bool_)
    receiving = np.asarray(receiving, dtype=np.bool_)
    facts = prescription_facts(batch, extras, result, p, receiving, codes)

    eligible_matrix = np.zeros((size, len(codes)), dtype=np.bool_)
    possible_matrix = np.zeros((size, len(codes)), dtype=np.bool_)
    masks: dict[str, np.ndarray] = {}
    for column, rule in enumerate(rules):
        eligible, possible = rule.conditions()
        if eligible is not None:
            eligible_matrix[:, column] = evaluate(eligible, facts)
        if possible is not None:
            possible_matrix[:, column] = evaluate(possible, facts)
        members = rule.member_condition()
        if members is not None:
            masks[rule.code] = evaluate_members(members, facts)
    status = np.where(
        receiving, RECEIVING,
        np.where(eligible_matrix, ELIGIBLE, np.where(possible_matrix, POSSIBLE, NOT_ELIGIBLE)),
    ).astype(np.int8)
    return PrescriptionArrays(
        status=status, eligible=eligible_matrix, possible=possible_matrix,
        assisted=facts["assisted"], near_poor=facts["near_poor"], member_masks=masks,
        programs=p, result=result, items=rules, facts=facts,
    )


# --- household dicts -------------------------------------------------------------------


def prescribe(
    households: Sequence[Any],
    receiving: Sequence[Collection[str]] | None = None,
    names: Mapping[str, str] | None = None,
    items: Sequence[ItemRule] | None = None,
) -> list[dict[str, Any]]:
    """The prescription of each household dict, in input order.

    ``receiving[i]`` is the set of item codes household i already receives (an active
    application or benefit). Each result is ``{"household_id", "prescription": [39
    entries], "tekun_members": [{"member_id", "monthly_amount"}], ...}`` (plus a summary
    of the terms used), or ``{"household_id", "errors"}`` for an invalid household. With
    ``names`` (item code → the catalogue's name) each entry also carries ``item_name``.
    The reasons of the whole batch are built at once (:func:`prescription_reasons`).
    ``items``: the items in force with their conditions (default :data:`DEFAULT_RULES`).
    """
    with no_collection():
        return _prescribe(households, receiving, names, items)


def _prescribe(
    households: Sequence[Any],
    receiving: Sequence[Collection[str]] | None,
    names: Mapping[str, str] | None,
    items: Sequence[ItemRule] | None = None,
) -> list[dict[str, Any]]:
    rules = tuple(items) if items is not None else DEFAULT_RULES
    column_of = {rule.code: i for i, rule in enumerate(rules)}
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
        matrix = np.zeros((len(chosen), len(rules)), dtype=np.bool_)
        if receiving is not None:
            for row, position in enumerate(valid):
                for code in receiving[position] or ():
                    if code in column_of:
                        matrix[row, column_of[code]] = True
        arrays = prescription_arrays(batch, extras, receiving=matrix, items=rules)
        member_names = [m["name"] for h in chosen for m in h["members"]]
        reasons = prescription_reasons(arrays, batch, extras, member_names)
        for row, position in enumerate(valid):
            results[position] = household_prescription(chosen[row], arrays, row, names,
                                                       reasons=reasons[row])
    return [r for r in results if r is not None]


def household_prescription(
    household: Mapping[str, Any], a: PrescriptionArrays, i: int,
    names: Mapping[str, str] | None = None, *, reasons: Sequence[str],
) -> dict[str, Any]:
    """The prescription of row ``i`` of :func:`prescription_arrays` as a dict; ``reasons``
    is row ``i`` of :func:`prescription_reasons`."""
    r, p = a.result, a.programs
    statuses = a.status[i].tolist()
    tekun = bool(p.tekun[i])
    entries = []
    for column, rule in enumerate(a.items):
        code = rule.code
        entry: dict[str, Any] = {
            "item_code": code,
            "status": STATUSES[statuses[column]],
            "reason": str(reasons[column]),
            "order": rule.order,
            "overlaps": ["MZ03"] if code == "MZ01" and tekun and "MZ03" in a.column else [],
        }
        if names is not None:
            entry["item_name"] = names.get(code) or rule.name
        entries.append(entry)
    start, stop = int(r.member_offsets[i]), int(r.member_offsets[i + 1])
    members = household["members"]
    amounts = p.tekun_amount[start:stop].tolist()
    tekun_members = [{"member_id": members[k]["member_id"], "monthly_amount": format_fen(amounts[k])}
                     for k in np.flatnonzero(p.tekun_member[start:stop]).tolist()]
    return {
        "household_id": household["household_id"],
        "prescription": entries,
        "tekun_members": tekun_members,
        "summary": {
            "assisted": bool(a.assisted[i]),
            "near_poor": bool(a.near_poor[i]),
            "circle": int(r.circle[i]),
            "per_capita_monthly_income": format_fen(int(r.per_capita[i])),
            "standard": format_fen(int(r.standard[i])),
            "low_income_line": format_fen(int(p.low_income_line[i]) // BASIS_POINTS),
            "vetoes": veto_codes(int(r.vetoes[i])),
            "tekun_monthly_total": format_fen(int(p.tekun_total[i])),
            "temporary_cap": format_fen(int(p.temporary_cap[i])),
            "township_approval_limit": format_fen(int(p.township_limit[i])),
        },
    }


# --- reasons: templates over the arrays --------------------------------------------------
#
# Each item's reason is a chain of cases (the first that holds wins), each case a template
# with ``{}`` filled from columns of the batch: a case is formatted for the rows it holds
# on only, and the figures are turned into text once per batch (:func:`fen_texts`), so the
# reasons of a county cost a few string operations per household and item.


def _objects(values: Sequence[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def fen_texts(values: np.ndarray) -> np.ndarray:
    """:func:`~jiuzhu.rules.money.format_fen` of every value, as an object array of str."""
    values = np.asarray(values, dtype=np.int64)
    whole, cents = np.divmod(np.abs(values), 100)
    out = _objects([f"{w}.{c:02d}" for w, c in zip(whole.tolist(), cents.tolist(), strict=True)])
    for k in np.flatnonzero(values < 0).tolist():
        out[k] = "-" + out[k]
    return out


def _by_value(values: np.ndarray, text: Any) -> np.ndarray:
    """``text(v)`` for every value, computed once per distinct value."""
    values = np.asarray(values)
    if len(values) == 0:
        return np.empty(0, dtype=object)
    distinct, inverse = np.unique(values, return_inverse=True)
    return _objects([text(v) for v in distinct.tolist()])[inverse.reshape(-1)]


class _Cases:
    """One column of reasons filled case by case; a row takes the first case that holds."""

    def __init__(self, pending: np.ndarray):
        self.out = np.empty(len(pending), dtype=object)
        self.pending = pending.copy()

    def when(self, mask: np.ndarray, template: str, *columns: np.ndarray) -> _Cases:
        rows = np.flatnonzero(self.pending & mask)
        if len(rows):
            if columns:
                self.out[rows] = [template.format(*values)
                                  for values in zip(*(c[rows] for c in columns), strict=True)]
            else:
                self.out[rows] = template
            self.pending[rows] = False
        return self

    def otherwise(self, template: str, *columns: np.ndarray) -> np.ndarray:
        self.when(self.pending, template, *columns)
        return self.out


def _join(mask: np.ndarray, labels: np.ndarray, owner: np.ndarray, size: int) -> np.ndarray:
    """Per household, the labels of its members in ``mask`` joined by "、" ("" for none)."""
    out = np.full(size, "", dtype=object)
    rows = np.flatnonzero(mask)
    if len(rows):
        owners = owner[rows]
        starts = np.flatnonzero(np.concatenate([[True], owners[1:] != owners[:-1]]))
        joined = np.add.reduceat("、" + labels[rows], starts)
        out[owners[starts]] = [text[1:] for text in joined.tolist()]
    return out


def prescription_reasons(
    a: PrescriptionArrays, batch: HouseholdBatch, extras: ProgramExtras,
    member_names: Sequence[str],
) -> np.ndarray:
    """The reason of every item for every household: an H × items object array of str in
    ``a.codes`` order, one Chinese sentence naming the figures that decided the item — the
    engine's sentence for the 39 items with their own conditions, else the clauses of the
    item's condition that decided (:func:`jiuzhu.rules.conditions.explain`).

    ``member_names`` are the members' names (length M, batch order).
    """
    size = len(batch)
    reasons = np.empty((size, len(a.items)), dtype=object)
    if size == 0:
        return reasons
    reasons39 = _template_reasons(a, batch, extras, member_names)
    for column, rule in enumerate(a.items):
        if a.templated(rule.code):
            reasons[:, column] = reasons39[:, COLUMN[rule.code]]
        else:
            reasons[:, column] = _condition_reasons(a, column, rule, member_names)
    return reasons


def _condition_reasons(a: PrescriptionArrays, column: int, rule: ItemRule,
                       member_names: Sequence[str]) -> np.ndarray:
    """The reasons of an item decided by its condition alone: the clauses that decided."""
    assert a.facts is not None
    eligible, possible = rule.conditions()
    out = np.empty(len(a.status), dtype=object)
    for i, status in enumerate(a.status[:, column].tolist()):
        if status == RECEIVING:
            out[i] = f"家庭已在办理或享受“{rule.name}”"
        elif eligible is None and possible is None:
            out[i] = "依申请办理"
        elif status == ELIGIBLE:
            out[i] = explained_reason(explain(eligible, a.facts, i, member_names), True)
        elif status == POSSIBLE:
            out[i] = explained_reason(explain(possible, a.facts, i, member_names), True)
        else:
            out[i] = explained_reason(explain(eligible or possible, a.facts, i, member_names),
                                      False)
    return out


def _template_reasons(
    a: PrescriptionArrays, batch: HouseholdBatch, extras: ProgramExtras,
    member_names: Sequence[str],
) -> np.ndarray:
    """The engine's sentences of the 39 items (H × 39, :data:`CODES` order); an item not
    among ``a.items`` reads as not eligible."""
    r, p = a.result, a.programs
    assert r.member_detail is not None
    size = len(batch)
    reasons = np.empty((size, len(CODES)), dtype=object)
    offsets = r.member_offsets
    owner = np.repeat(np.arange(size), np.diff(offsets))
    ages = r.member_detail.age
    names = _objects(member_names)
    status = np.full((size, len(CODES)), NOT_ELIGIBLE, dtype=np.int8)
    eligible39 = np.zeros((size, len(CODES)), dtype=np.bool_)
    for code, column in a.column.items():
        if code in COLUMN:
            status[:, COLUMN[code]] = a.status[:, column]
            eligible39[:, COLUMN[code]] = a.eligible[:, column]

    # The figures, as text once.
    P = fen_texts(r.per_capita)
    standard = fen_texts(r.standard)
    line = fen_texts(p.low_income_line // BASIS_POINTS)
    G, D = fen_texts(r.gross_fen), fen_texts(r.deductions)
    medical = fen_texts(batch.medical)
    annual = fen_texts(r.per_capita * MONTHS_PER_YEAR)
    disposable = fen_texts(p.disposable_income)
    cap, township = fen_texts(p.temporary_cap), fen_texts(p.township_limit)
    share = _by_value(p.rigid_expense_share_bp, _ratio)
    vetoes = _by_value(r.vetoes, lambda mask: "、".join(veto_codes(mask)))
    vetoed = vetoes != ""
    circle = r.circle
    area = np.where(batch.rural, "农村", "城镇").astype(object)
    homes = batch.homes_owned
    event = batch.recent_hardship_event
    dibao, low_income, tekun = p.dibao, p.low_income, p.tekun
    assisted, near_poor = a.assisted, a.near_poor
    labels = names + "（" + _objects([str(x) for x in ages.tolist()]) + "岁）"
    who = {code: _join(mask, labels, owner, size) for code, mask in a.member_masks.items()}
    for code in CODES:
        who.setdefault(code, np.full(size, "", dtype=object))
    youngest = np.minimum.reduceat(ages, offsets[:-1])

    # Why the household is assisted, near-poor or neither (the 信息圈 terms).
    receiving = status == RECEIVING
    kinds = np.zeros(size, dtype=np.int64)
    for bit, code in enumerate(ASSISTANCE):
        column = COLUMN[code]
        kinds |= (eligible39[:, column] | receiving[:, column]).astype(np.int64) << bit
    assisted_text = _by_value(kinds, lambda k: "家庭属于救助对象（{}）".format("、".join(
        ASSISTED_LABELS[c] for bit, c in enumerate(ASSISTANCE) if k >> bit & 1)))
    standing = (_Cases(np.ones(size, dtype=np.bool_))
                .when(vetoed, "存在一票否决情形（{}），不属于救助对象或低收入边缘家庭", vetoes)
                .when(assisted, "{}", assisted_text)
                .when(near_poor, "家庭人均月收入 {} 元，处于第{}信息圈（低收入边缘）", P, circle)
                .when(circle == 0, "家庭人均月收入 {} 元超过 2 倍低收入标准，不属于救助对象或低收入边缘家庭", P)
                .otherwise("家庭人均月收入 {} 元，处于第{}信息圈，不属于救助对象或低收入边缘家庭",
                           P, circle))

    # MZ03's members with their amounts; FL02's head (the first member with relation head).
    tekun_labels = names + "（每月 " + fen_texts(p.tekun_amount) + " 元）"
    tekun_people = _join(p.tekun_member, tekun_labels, owner, size)
    heads = np.flatnonzero(extras.relation == HEAD)
    first = heads[np.concatenate([[True], owner[heads][1:] != owner[heads][:-1]])] \
        if len(heads) else heads
    has_head = np.zeros(size, dtype=np.bool_)
    has_head[owner[first]] = True
    head_name = np.full(size, "", dtype=object)
    head_name[owner[first]] = names[first]
    male_head = np.zeros(size, dtype=np.bool_)
    male_head[owner[first]] = ~extras.female[first]

    def item(code: str) -> tuple[_Cases, np.ndarray, np.ndarray]:
        column = status[:, COLUMN[code]]
        return _Cases(column != RECEIVING), column == ELIGIBLE, column == POSSIBLE

    def member(code: str, what: str, *, assisted_only: bool = False, group: bool = True,
               none: str = "") -> np.ndarray:
        cases, eligible, possible = item(code)
        found = who[code]
        cases.when(found == "", none or f"家庭中没有{what}的成员")
        if not group:
            return (cases.when(eligible, "{}" + what + "，符合条件", found)
                    .when(possible, "{}" + what + "，可能符合条件", found)
                    .otherwise("{}" + what, found))
        cases.when(eligible | possible, "{}，{}" + what, standing, found)
        if assisted_only:
            cases.when(near_poor, "{}，{}" + what + "，但本事项仅面向救助对象", standing, found)
        return cases.otherwise("{}，{}" + what, standing, found)

    columns: dict[str, np.ndarray] = {}
    cases, eligible, _possible = item("MZ03")
    columns["MZ03"] = (
        cases.when(eligible, "家庭人均月收入 {} 元低于低保标准 {} 元，无否决情形，"
                   "{}无劳动能力且无法定赡养抚养能力人，符合特困人员条件", P, standard, tekun_people)
        .when(vetoed, "存在一票否决情形（{}），不符合特困人员条件", vetoes)
        .when(~dibao, "家庭人均月收入 {} 元不低于低保标准 {} 元，不符合特困人员条件", P, standard)
        .when(p.able_member, "家庭中有其他具备劳动能力（劳动力系数大于 0）的成员，不符合特困人员条件")
        .otherwise("没有同时满足无劳动能力、无生活来源、无赡养抚养能力人三个条件的成员"))
    cases, eligible, _possible = item("MZ01")
    columns["MZ01"] = (
        cases.when(vetoed, "存在一票否决情形：{}，不符合低保条件", vetoes)
        .when(eligible & tekun, "家庭人均月收入 {} 元低于低保标准 {} 元，无否决情形"
              "；与特困人员救助供养重复，衔接时优先特困", P, standard)
        .when(eligible, "家庭人均月收入 {} 元低于低保标准 {} 元，无否决情形", P, standard)
        .otherwise("家庭人均月收入 {} 元不低于低保标准 {} 元，不符合低保条件", P, standard))
    cases, eligible, _possible = item("MZ02")
    columns["MZ02"] = (
        cases.when(vetoed, "存在一票否决情形：{}，不能认定为低保边缘家庭", vetoes)
        .when(eligible, "家庭人均月收入 {} 元不低于低保标准 {} 元且不高于低收入标准 {} 元，无否决情形",
              P, standard, line)
        .when(dibao, "家庭人均月收入 {} 元低于低保标准 {} 元，应为低保家庭", P, standard)
        .otherwise("家庭人均月收入 {} 元高于低收入标准 {} 元", P, line))
    cases, eligible, _possible = item("MZ06")
    columns["MZ06"] = (
        cases.when(eligible, "家庭人均年收入 {} 元低于上年度{}居民人均可支配收入 {} 元，"
                   "刚性支出 {} 元超过家庭总收入 {} 元的 {} 倍，无否决情形",
                   annual, area, disposable, D, G, share)
        .when(vetoed, "存在一票否决情形：{}，不能认定为刚性支出困难家庭", vetoes)
        .when(dibao | low_income | tekun, "家庭已符合特困、低保或低保边缘条件，不再认定刚性支出困难")
        .when(r.per_capita * MONTHS_PER_YEAR >= p.disposable_income,
              "家庭人均年收入 {} 元不低于上年度{}居民人均可支配收入 {} 元", annual, area, disposable)
        .otherwise("刚性支出 {} 元未超过家庭总收入 {} 元的 {} 倍", D, G, share))
    temporary = "，可申请临时救助：单次最多 {} 元，乡镇可审批 {} 元以内，超过由县级审批"
    cases, _eligible, possible = item("MZ04")
    columns["MZ04"] = (
        cases.when(possible & event, "近期遭遇突发困难" + temporary, cap, township)
        .when(possible, "刚性支出 {} 元超过家庭总收入 {} 元的 {} 倍" + temporary,
              D, G, share, cap, township)
        .otherwise("无近期突发困难，刚性支出 {} 元未超过家庭总收入 {} 元的 {} 倍", D, G, share))
    cases, _eligible, possible = item("MZ05")
    columns["MZ05"] = (cases.when(possible, "近期遭遇突发困难，可先行救助（急难先行）")
                       .otherwise("没有登记近期突发困难事件"))
    columns["WJ01"] = item("WJ01")[0].otherwise("{}，年医疗支出 {} 元", standing, medical)
    columns["WJ02"] = member("WJ02", "患重病", group=False)
    columns["JY01"] = member("JY01", "在读学前教育")
    columns["JY02"] = member("JY02", "在读义务教育（小学或初中）")
    columns["JY03"] = member("JY03", "在读普通高中")
    columns["JY04"] = member("JY04", "在读中等职业教育")
    columns["JY05"] = member("JY05", "在读大学", group=False)
    for code in ("ZJ01", "ZJ03"):
        columns[code] = item(code)[0].otherwise("{}，家庭自有住房 {} 套", standing, homes)
    columns["ZJ02"] = (item("ZJ02")[0].when(~batch.rural, "城市家庭不适用农村危房改造")
                       .when(~batch.dilapidated_housing, "农村家庭，住房未登记为危房")
                       .otherwise("{}，农村家庭住房为危房", standing))
    columns["RS01"] = member("RS01", "16–59 岁、有劳动能力且失业、无业或灵活就业")
    columns["RS02"] = member("RS02", "16–59 岁、不在校且非固定就业", assisted_only=True)
    columns["RS03"] = member("RS03", "16–59 岁、有劳动能力且不在校", group=False)
    columns["CL01"] = member("CL01", "有残疾", none="家庭中没有残疾成员")
    columns["CL02"] = member("CL02", "重度残疾", group=False)
    columns["CL03"] = member("CL03", "有残疾", group=False, none="家庭中没有残疾成员")
    cases, eligible, possible = item("MZ07")
    columns["MZ07"] = (
        cases.when(eligible, "{}为未满 18 周岁的孤儿或事实无人抚养儿童", who["MZ07"])
        .when(possible, "单亲家庭，有未满 18 周岁的成员，可能属于困境儿童")
        .otherwise("没有未满 18 周岁的孤儿或事实无人抚养儿童，且不属于有未成年人的单亲家庭"))
    columns["MZ08"] = member("MZ08", "年满 80 周岁", group=False)
    columns["MZ09"] = member("MZ09", "年满 60 周岁且需要半护理或全护理")
    cases, _eligible, possible = item("WJ03")
    columns["WJ03"] = (
        cases.when(possible, "成员均已年满 49 周岁（最小 {} 岁），成员和赡养人中没有子女", youngest)
        .otherwise("成员最小 {} 岁，或成员、赡养人中有子女，不符合计生特殊家庭情形", youngest))
    columns["FL01"] = member("FL01", "为年满 18 周岁、患重病的女性", group=False,
                             none="家庭中没有年满 18 周岁、患重病的女性成员")
    columns["FL02"] = (
        item("FL02")[0].when(~batch.single_parent, "不是单亲家庭")
        .when(~has_head, "家庭没有登记户主")
        .when(male_head, "单亲家庭，户主 {} 为男性（身份证号第17位为奇数）", head_name)
        .otherwise("{}，单亲家庭，户主 {} 为女性", standing, head_name))
    columns["GH01"] = member("GH01", "固定就业")
    columns["GH02"] = member("GH02", "在读大学")
    for code in ("HS01", "HM01"):
        columns[code] = (item(code)[0].when(~event, "没有登记近期突发困难事件")
                         .otherwise("{}，近期遭遇突发困难", standing))
    cases, _eligible, possible = item("HM02")
    columns["HM02"] = (cases.when(possible, "年医疗支出 {} 元超过家庭总收入 {} 元的 0.3 倍", medical, G)
                       .otherwise("年医疗支出 {} 元未超过家庭总收入 {} 元的 0.3 倍", medical, G))
    columns["HS02"] = member("HS02", "在校就读", none="家庭中没有在校就读的成员")
    columns["TW01"] = member("TW01", "未满 18 周岁且在校就读")
    for code in ON_REQUEST:
        columns[code] = item(code)[0].otherwise("依申请办理")

    for column, code in enumerate(CODES):
        texts = columns[code]
        held = receiving[:, column]
        texts[held] = f"家庭已在办理或享受“{NAMES[code]}”"
        reasons[:, column] = texts
    return reasons


def _ratio(bp: int) -> str:
    return format_scaled(bp, BASIS_POINTS, min_places=1)

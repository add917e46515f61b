"""Results with their explanation (核算结果及依据): the public entry point of the rules.

``assess(households)`` validates each household dict, assesses the valid ones together
with the batch engine, and returns, in input order, either the result object of
10-rules.md with an ``explanation`` (every intermediate quantity, the parameters used
with their dates, units and references, the vetoes that fired, the hardship items that
scored) or ``{"household_id": …, "errors": [{"path": …, "message": …}]}``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from . import vocabulary as v
from .batch import batch_from_households
from .engine import BatchResult, assess_arrays
from .formulas import SERIOUS_ILLNESS, SEVERE_DISABILITY
from .hardship import CATEGORIES, ITEMS, MemberItem
from .hardship import REFERENCE as HARDSHIP_REFERENCE
from .money import format_fen, format_scaled, yuan_to_fen
from .parameters import ParameterSet
from .registry import RULES
from .tables import compile_parameters
from .units import (
    BASIS_POINTS,
    CIRCLE_3_FACTOR,
    CIRCLE_4_FACTOR,
    POINTS_SCALE,
    TENTHS,
    UNITS_PER_FEN,
)
from .validation import validate_household
from .vetoes import REFERENCE as VETO_REFERENCE
from .vetoes import VETO_LABELS, veto_codes

PROGRAM = "dibao"
YUAN_PER_GROSS_UNIT = 100 * UNITS_PER_FEN  # gross units per yuan
YUAN_PER_FEN_BP = 100 * BASIS_POINTS  # top-up and add-on units per yuan

CIRCLE_LABELS = {
    1: "第一圈：低保对象",
    2: "第二圈：人均收入不超过低收入标准 L",
    3: "第三圈：人均收入不超过 1.5 倍 L",
    4: "第四圈：人均收入不超过 2 倍 L",
    0: "圈外：人均收入超过 2 倍 L",
}
ADDON_LABELS = {
    "elderly": "老年人",
    "minor": "未成年人",
    "severe_disability": "重度残疾",
    "serious_illness": "重病",
}
EARNED_RULES = {
    "fixed_employment": "工资收入",
    "student": "工资收入",
    "retired": "工资收入",
    "casual_work": "工资收入与推算务工收入（c × 最低工资 × 月数）取大者",
    "unemployed": "工资收入与推算务工收入（c × 最低工资 × 月数）取大者",
    "none": "工资收入与推算务工收入（c × 最低工资 × 月数）取大者",
    "farming": "工资收入 + 推算土地经营收入（c × 农村居民人均可支配收入 × 比例）",
}


def assess(households: Sequence[Any]) -> list[dict[str, Any]]:
    """Assess households (dicts as in household.schema.json), keeping their order."""
    results: list[dict[str, Any] | None] = [None] * len(households)
    valid: list[int] = []
    for position, household in enumerate(households):
        errors = validate_household(household)
        if errors:
            results[position] = {
                "household_id": household.get("household_id")
                if isinstance(household, dict)
                else None,
                "errors": [error.as_dict() for error in errors],
            }
        else:
            valid.append(position)
    if valid:
        chosen = [households[p] for p in valid]
        batch = batch_from_households(chosen)
        computed = assess_arrays(batch, detail=True)
        for row, position in enumerate(valid):
            results[position] = result_object(chosen[row], computed, row)
    return [r for r in results if r is not None]


def result_object(household: Mapping[str, Any], r: BatchResult, i: int) -> dict[str, Any]:
    """The result of household row ``i`` of a detailed batch result."""
    params = r.parameter_sets[int(r.parameter_set_index[i])]
    return {
        "household_id": household["household_id"],
        "program": PROGRAM,
        "parameters_effective": params.effective.isoformat(),
        "members": int(r.members[i]),
        "standard": format_fen(int(r.standard[i])),
        "gross_annual_income": format_fen(int(r.gross_fen[i])),
        "deductions": format_fen(int(r.deductions[i])),
        "per_capita_monthly_income": format_fen(int(r.per_capita[i])),
        "vetoes": veto_codes(int(r.vetoes[i])),
        "eligible": bool(r.eligible[i]),
        "benefit_monthly": format_fen(int(r.benefit[i])),
        "circle": int(r.circle[i]),
        "hardship_index": format_fen(int(r.index[i])),
        "explanation": explanation(household, r, i, params),
    }


def _yuan(units: int, per_yuan: int) -> str:
    return format_scaled(int(units), per_yuan)


def _quantity(label: str, value: str, unit: str = "元") -> dict[str, str]:
    return {"label": label, "value": value, "unit": unit}


def explanation(
    household: Mapping[str, Any], r: BatchResult, i: int, params: ParameterSet
) -> dict[str, Any]:
    assert r.member_detail is not None and r.hardship is not None
    assert (
        r.top_up is not None
        and r.addon is not None
        and r.support is not None
        and r.support_rate is not None
    )
    members = int(r.members[i])
    standard = int(r.standard[i])
    per_capita = int(r.per_capita[i])
    eligible = bool(r.eligible[i])
    codes = veto_codes(int(r.vetoes[i]))
    compiled = compile_parameters(params)
    low_income = compiled.low_income_multiplier_bp * standard  # fen × 1/10 000
    member_start = int(r.member_offsets[i])
    support_start = int(r.supporter_offsets[i])

    supporters = []
    for offset, supporter in enumerate(household.get("supporters") or []):
        row = support_start + offset
        exempt = supporter.get("exempt")
        supporters.append(
            {
                "name": supporter.get("name", ""),
                "annual_income": format_fen(yuan_to_fen(supporter["annual_income"])),
                "supported_members": len(supporter["supports"]),
                "supports": list(supporter["supports"]),
                "large_assets": bool(supporter.get("large_assets", False)),
                "exempt": exempt,
                "exempt_label": v.EXEMPT_LABELS.get(exempt) if exempt else None,
                "rate": format_scaled(int(r.support_rate[row]), BASIS_POINTS),
                "support": _yuan(int(r.support[row]), YUAN_PER_GROSS_UNIT),
            }
        )

    d = r.member_detail
    member_rows = []
    members_income = 0
    for offset, member in enumerate(household["members"]):
        row = member_start + offset
        members_income += int(d.earned[row]) + int(d.other[row])
        member_rows.append(
            {
                "member_id": member["member_id"],
                "age": int(d.age[row]),
                "health": member["health"],
                "occupation": member["occupation"],
                "in_school": bool(member.get("in_school", False)),
                "labour_coefficient": format_scaled(int(d.coefficient[row]), TENTHS, min_places=1),
                "earned_income": _yuan(int(d.earned[row]), YUAN_PER_GROSS_UNIT),
                "earned_income_rule": EARNED_RULES[member["occupation"]],
                "imputed_casual_work_income": _yuan(
                    int(d.imputed_casual[row]), YUAN_PER_GROSS_UNIT
                ),
                "imputed_land_income": _yuan(int(d.imputed_land[row]), YUAN_PER_GROSS_UNIT),
                "other_income": _yuan(int(d.other[row]), YUAN_PER_GROSS_UNIT),
                "addon_rate": format_scaled(int(d.addon_rate[row]), BASIS_POINTS),
                "addon_reasons": _addon_reasons(int(d.age[row]), member["health"], params),
            }
        )

    support_total = sum(int(r.support[support_start + k]) for k in range(len(supporters)))
    top_up_floor = compiled.min_benefit_ratio_bp * standard * members
    quantities = {
        "members_income": _quantity(
            "成员收入合计（劳动收入 + 其他收入）",
            _yuan(members_income, YUAN_PER_GROSS_UNIT),
            "元/年",
        ),
        "support": _quantity(
            "赡养（抚养、扶养）费合计", _yuan(support_total, YUAN_PER_GROSS_UNIT), "元/年"
        ),
        "gross_income": _quantity(
            "家庭年总收入 G（精确值）", _yuan(int(r.gross[i]), YUAN_PER_GROSS_UNIT), "元/年"
        ),
        "deductions": _quantity("刚性支出扣减 D", format_fen(int(r.deductions[i])), "元/年"),
        "net_income": _quantity(
            "可计算收入 max(0, G − D)", _yuan(int(r.net[i]), YUAN_PER_GROSS_UNIT), "元/年"
        ),
        "per_capita_monthly_income": _quantity(
            "家庭人均月收入 P（四舍五入到分）", format_fen(per_capita), "元/人/月"
        ),
        "standard": _quantity("低保标准", format_fen(standard), "元/人/月"),
        "low_income_standard": _quantity(
            "低收入标准 L = 倍数 × 低保标准", _yuan(low_income, YUAN_PER_FEN_BP), "元/人/月"
        ),
        "top_up": _quantity(
            "补差 max((标准 − P) × n, 最低比例 × 标准 × n)",
            _yuan(int(r.top_up[i]), YUAN_PER_FEN_BP),
            "元/月",
        ),
        "top_up_floor": _quantity(
            "补差下限 最低比例 × 标准 × n", _yuan(top_up_floor, YUAN_PER_FEN_BP), "元/月"
        ),
        "addon": _quantity(
            "分类施保 Σ 成员加发比例 × 标准", _yuan(int(r.addon[i]), YUAN_PER_FEN_BP), "元/月"
        ),
        "benefit_before_rounding": _quantity(
            "补差 + 分类施保（取整前）",
            _yuan(int(r.top_up[i]) + int(r.addon[i]), YUAN_PER_FEN_BP),
            "元/月",
        ),
        "benefit_monthly": _quantity(
            "月保障金（四舍五入到元；不符合条件为 0）", format_fen(int(r.benefit[i])), "元/月"
        ),
    }
    expenditures = household.get("expenditures") or {}
    return {
        "county": params.county,
        "assessment_date": str(household["assessment_date"]),
        "area_type": household["area_type"],
        "quantities": quantities,
        "expenditures": {
            kind: format_fen(yuan_to_fen(expenditures.get(kind, 0))) for kind in v.EXPENDITURE_KINDS
        },
        "members": member_rows,
        "supporters": supporters,
        "vetoes": [
            {"code": code, "label": VETO_LABELS[code], "reference": VETO_REFERENCE}
            for code in codes
        ],
        "decision": {
            "eligible": eligible,
            "reason": _reason(codes, per_capita, standard),
            "circle": int(r.circle[i]),
            "circle_label": CIRCLE_LABELS[int(r.circle[i])],
            "circle_bounds": {
                "2": _yuan(low_income, YUAN_PER_FEN_BP),
                "3": _bound(low_income, CIRCLE_3_FACTOR),
                "4": _bound(low_income, CIRCLE_4_FACTOR),
            },
        },
        "hardship": _hardship(r, i),
        "parameters": _parameters(params),
        "rules": [rule.as_dict() for rule in RULES.values()],
    }


def _bound(low_income: int, factor: tuple[int, int]) -> str:
    """factor × L as exact yuan (L in fen × 1/10 000; the factor's denominator is 1 or 2)."""
    numerator, denominator = factor
    return _yuan(low_income * numerator * (10 // denominator), YUAN_PER_FEN_BP * 10)


def _addon_reasons(age: int, health: str, params: ParameterSet) -> list[dict[str, str]]:
    rates = params["addon_rates"]
    ages = params["addon_ages"]
    applicable = []
    if age >= ages["elderly_from"]:
        applicable.append("elderly")
    if age < ages["minor_below"]:
        applicable.append("minor")
    if health == v.HEALTH[SEVERE_DISABILITY]:
        applicable.append("severe_disability")
    if health == v.HEALTH[SERIOUS_ILLNESS]:
        applicable.append("serious_illness")
    return [
        {
            "code": code,
            "label": ADDON_LABELS[code],
            "rate": format_scaled(int(rates[code] * BASIS_POINTS), BASIS_POINTS),
        }
        for code in applicable
    ]


def _reason(codes: list[str], per_capita: int, standard: int) -> str:
    if codes:
        return f"存在一票否决情形：{'、'.join(codes)}，不符合低保条件"
    if per_capita < standard:
        return f"家庭人均月收入 {format_fen(per_capita)} 元低于低保标准 {format_fen(standard)} 元，无否决情形"
    return f"家庭人均月收入 {format_fen(per_capita)} 元不低于低保标准 {format_fen(standard)} 元，不符合低保条件"


def _hardship(r: BatchResult, i: int) -> dict[str, Any]:
    scores = r.hardship
    assert scores is not None and scores.items is not None and scores.member_counts is not None
    items = []
    for column, item in enumerate(ITEMS):
        points = int(scores.items[i, column])
        if points > 0:
            entry: dict[str, Any] = {
                "code": item.code,
                "label": item.label,
                "category": item.category,
                "points": format_scaled(points, POINTS_SCALE),
            }
            if isinstance(item, MemberItem):
                entry["members"] = int(scores.member_counts[i, column])
            items.append(entry)
    params = r.parameter_sets[int(r.parameter_set_index[i])]
    caps = params["hardship_caps"]
    categories = [
        {
            "code": code,
            "label": label,
            "points": format_scaled(int(scores.categories[code][i]), POINTS_SCALE),
            "cap": format_scaled(int(caps[code] * POINTS_SCALE), POINTS_SCALE),
            "counted": format_scaled(int(scores.capped[code][i]), POINTS_SCALE),
        }
        for code, label in CATEGORIES.items()
    ]
    return {
        "index": format_fen(int(r.index[i])),
        "reference": HARDSHIP_REFERENCE,
        "categories": categories,
        "items": items,
    }


@lru_cache(maxsize=64)
def _parameters_json(params: ParameterSet) -> str:
    return json.dumps(params.explain(), ensure_ascii=False)


def _parameters(params: ParameterSet) -> dict[str, Any]:
    """The parameters' explanation: a fresh copy per result (decoding is faster than deepcopy)."""
    return json.loads(_parameters_json(params))

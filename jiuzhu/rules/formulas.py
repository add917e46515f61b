"""The quantities of dibao (低保核算公式), one small function each, on arrays.

Every function here is pure and vectorised: it takes arrays (of members, supporters or
households) and integers or arrays of parameters in the units of
:mod:`jiuzhu.rules.units`, and returns arrays. Nothing is rounded except where
10-rules.md says so, and then half up. Conditions are applied by multiplying with a
boolean array rather than ``np.where`` where it is hot: the same result, several times
faster on a million rows.
"""

from __future__ import annotations

import numpy as np

from .money import div_half_up_nonnegative
from .registry import BALINZUOQI, BEILIN, MINIMUM_LIVING_REGULATIONS, SPEC, rule
from .units import (
    BASIS_POINTS,
    CIRCLE_3_FACTOR,
    CIRCLE_4_FACTOR,
    MONTHS_PER_YEAR,
    TENTHS,
    UNITS_PER_FEN,
)
from .vocabulary import HEALTH, OCCUPATIONS

Int = int | np.ndarray

SEVERE_DISABILITY = HEALTH.index("severe_disability")
SERIOUS_ILLNESS = HEALTH.index("serious_illness")
#: occupations whose earned income is the larger of wages and imputed casual-work income
IMPUTED_CASUAL = np.array([o in ("casual_work", "unemployed", "none") for o in OCCUPATIONS])
#: occupations whose earned income adds imputed land income to wages
IMPUTED_LAND = np.array([o == "farming" for o in OCCUPATIONS])
FIXED_EMPLOYMENT = OCCUPATIONS.index("fixed_employment")


@rule("年龄（评估日足岁）", f"{SPEC} §Money and rounding：2 月 29 日出生者在平年 3 月 1 日满岁")
def age_in_full_years(birth_date: np.ndarray, on_date: Int) -> np.ndarray:
    """Full years on ``on_date`` (both int yyyymmdd).

    (on − birth) // 10 000 is the difference in years, less one while the month-day of
    ``on_date`` is before that of the birthday. So a 29 February birthday is reached on
    1 March in a year without one: 0228 is before 0229, 0301 is after it.
    """
    return (on_date - birth_date) // 10000


@rule("劳动力系数 c", f"{SPEC} §Labour coefficient；{BALINZUOQI}")
def labour_coefficient(
    age: np.ndarray,
    health: np.ndarray,
    in_school: np.ndarray,
    age_bands: np.ndarray,
    table: np.ndarray,
) -> np.ndarray:
    """c in tenths, by health and age band; 0 below the first band or when in school."""
    band = np.searchsorted(age_bands, age, side="right")
    return table[health, band] * ~in_school


@rule(
    "推算务工收入 c × 最低工资 × 月数（零工、失业、无业者）",
    f"{SPEC} §Income；{BALINZUOQI}（不养懒人）",
)
def imputed_casual_income(
    coefficient: Int, occupation: np.ndarray, min_wage_monthly: Int, casual_work_months: Int
) -> np.ndarray:
    """In gross units, for casual work, unemployed or none; 0 for other occupations.

    c (tenths) × W (fen) × months is in tenths of fen; × 10 000 makes gross units.
    """
    imputed = coefficient * (min_wage_monthly * casual_work_months * BASIS_POINTS)
    return imputed * np.take(IMPUTED_CASUAL, occupation)


@rule(
    "推算土地经营收入 c × 农村居民人均可支配收入 × 比例（务农者）", f"{SPEC} §Income；{BALINZUOQI}"
)
def imputed_land_income(
    coefficient: Int,
    occupation: np.ndarray,
    rural_disposable_income: Int,
    land_income_ratio_bp: Int,
) -> np.ndarray:
    """In gross units (c in tenths × R in fen × ratio in basis points), for farming; else 0."""
    imputed = coefficient * (rural_disposable_income * land_income_ratio_bp)
    return imputed * np.take(IMPUTED_LAND, occupation)


@rule(
    "劳动收入",
    f"{SPEC} §Income：固定就业、学生、退休按工资；零工、失业、无业取工资与推算务工收入之大者；务农为工资加推算土地收入",
)
def earned_income(
    wages: np.ndarray, imputed_casual: np.ndarray, imputed_land: np.ndarray
) -> np.ndarray:
    """Earned income in gross units, from wages (fen) and the imputed incomes that apply.

    The larger of wages and imputed casual income, not their sum: wages plus the part of
    the imputed income above them. Imputed incomes are 0 for occupations they do not
    apply to, so fixed employment, students and the retired earn their wages.
    """
    wages_units = wages * UNITS_PER_FEN
    return wages_units + np.maximum(imputed_casual - wages_units, 0) + imputed_land


@rule("其他收入（经营、财产、转移性收入和养老金）", f"{SPEC} §Income；{MINIMUM_LIVING_REGULATIONS}")
def other_income(
    business: np.ndarray, property_income: np.ndarray, transfer: np.ndarray, pension: np.ndarray
) -> np.ndarray:
    return (business + property_income + transfer + pension) * UNITS_PER_FEN


@rule("赡养（抚养、扶养）费", f"{SPEC} §Income；{BALINZUOQI}（按子女收入 5%–10% 计算）")
def support_payment(
    annual_income: np.ndarray,
    supported_members: np.ndarray,
    exempt: np.ndarray,
    large_assets: np.ndarray,
    support_rate_bp: Int,
    support_rate_large_assets_bp: Int,
) -> tuple[np.ndarray, np.ndarray]:
    """(support in gross units, rate used in basis points) per supporter; 0 when exempt."""
    rate = np.where(large_assets, support_rate_large_assets_bp, support_rate_bp)
    support = rate * annual_income * supported_members * TENTHS * ~exempt
    return support, rate


@rule("家庭年总收入 G", f"{SPEC} §Income：G = Σ 成员（劳动收入 + 其他收入）+ 赡养费")
def gross_income(members_income: np.ndarray, support: np.ndarray) -> np.ndarray:
    return members_income + support


@rule("刚性支出扣减 D", f"{SPEC} §Income：医疗 + 教育 + 保险 + 其他刚性支出；{BALINZUOQI}")
def deductions(
    medical: np.ndarray, education: np.ndarray, insurance: np.ndarray, other: np.ndarray
) -> np.ndarray:
    return medical + education + insurance + other


@rule("家庭人均月收入 P", f"{SPEC} §Income：P = round(max(0, G − D) / 12 / n, 0.01)，四舍五入")
def per_capita_monthly_income(
    gross: np.ndarray, deduction_fen: np.ndarray, members: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(net in gross units, P in fen rounded half up)."""
    net = np.maximum(gross - deduction_fen * UNITS_PER_FEN, 0)
    return net, div_half_up_nonnegative(net, MONTHS_PER_YEAR * UNITS_PER_FEN * members)


@rule(
    "低保资格",
    f"{SPEC} §Decision and amount：无否决情形且 P 低于低保标准；{MINIMUM_LIVING_REGULATIONS}",
)
def dibao_eligible(vetoes: np.ndarray, per_capita: np.ndarray, standard: Int) -> np.ndarray:
    return (vetoes == 0) & (per_capita < standard)


@rule(
    "补差",
    f"{SPEC} §Decision and amount：max((标准 − P) × n, 最低比例 × 标准 × n)；{MINIMUM_LIVING_REGULATIONS}",
)
def top_up(
    per_capita: np.ndarray, standard: Int, members: np.ndarray, min_benefit_ratio_bp: Int
) -> np.ndarray:
    """In fen × 1/10 000."""
    return np.maximum(
        (standard - per_capita) * members * BASIS_POINTS, min_benefit_ratio_bp * standard * members
    )


@rule(
    "分类施保加发比例（每人取最高一项）",
    f"{SPEC} §Decision and amount；{MINIMUM_LIVING_REGULATIONS}（分类施保）",
)
def addon_rate(
    age: np.ndarray,
    health: np.ndarray,
    elderly_from: Int,
    minor_below: Int,
    elderly_bp: Int,
    minor_bp: Int,
    severe_disability_bp: Int,
    serious_illness_bp: Int,
) -> np.ndarray:
    """The member's highest applicable add-on rate, basis points (never a sum of rates)."""
    rate = np.where(age >= elderly_from, elderly_bp, 0)
    rate = np.maximum(rate, np.where(age < minor_below, minor_bp, 0))
    rate = np.maximum(rate, np.where(health == SEVERE_DISABILITY, severe_disability_bp, 0))
    return np.maximum(rate, np.where(health == SERIOUS_ILLNESS, serious_illness_bp, 0))


@rule("月保障金", f"{SPEC} §Decision and amount：round(补差 + 分类施保, 元)，不符合条件为 0")
def monthly_benefit(eligible: np.ndarray, top_up_q: np.ndarray, addon_q: np.ndarray) -> np.ndarray:
    """In fen, a whole number of yuan (inputs in fen × 1/10 000)."""
    yuan = div_half_up_nonnegative(top_up_q + addon_q, 100 * BASIS_POINTS)
    return yuan * 100 * eligible


@rule("信息圈", f"{SPEC} §Information circle；{BEILIN}")
def information_circle(
    eligible: np.ndarray, per_capita: np.ndarray, standard: Int, low_income_multiplier_bp: Int
) -> np.ndarray:
    """1 eligible; else 2 if P ≤ L, 3 if P ≤ 1.5 L, 4 if P ≤ 2 L, else 0 (L = multiplier × standard)."""
    p = per_capita * BASIS_POINTS
    low = low_income_multiplier_bp * standard
    within_l = p <= low
    within_15l = p * CIRCLE_3_FACTOR[1] <= low * CIRCLE_3_FACTOR[0]
    within_2l = p * CIRCLE_4_FACTOR[1] <= low * CIRCLE_4_FACTOR[0]
    # The bounds are nested (within L ⇒ within 1.5 L ⇒ within 2 L): 2, 3, 4 or 0 by counting.
    circle = 4 * within_2l.astype(np.int8) - within_15l - within_l
    return (circle + eligible * (1 - circle)).astype(np.int8)


def exceeds_share(
    amount_fen: np.ndarray, share_bp: Int, total: tuple[np.ndarray, np.ndarray]
) -> np.ndarray:
    """amount > share × total, exactly; ``total`` is G as (whole fen, remainder in gross units).

    A direct cross-multiplication can overflow int64 for large incomes, so with
    G = q × U + r: amount × 10⁴ × U > share × (q × U + r) ⟺ U × (amount × 10⁴ − share × q)
    > share × r, and the left factor only matters up to ``share`` (0 ≤ share × r < share × U).
    When G is 0 this is amount > 0.
    """
    whole_fen, remainder = total
    difference = amount_fen * BASIS_POINTS - share_bp * whole_fen
    difference = np.clip(difference, 0, max(int(np.max(share_bp, initial=0)), 1))
    return UNITS_PER_FEN * difference > share_bp * remainder

"""Chinese names and groups of the parameters on the pages (the files' ``description`` and
``unit`` say the rest). A parameter not named here shows its description."""

from __future__ import annotations

from django.utils.translation import gettext_noop

LABELS = {
    "dibao_standard_urban": gettext_noop("城市低保标准"),
    "dibao_standard_rural": gettext_noop("农村低保标准"),
    "tekun_basic_ratio": gettext_noop("特困基本生活标准倍数"),
    "low_income_multiplier": gettext_noop("低收入认定倍数"),
    "min_benefit_ratio": gettext_noop("最低补差比例"),
    "addon_rates": gettext_noop("分类施保加发比例"),
    "addon_ages": gettext_noop("分类施保年龄条件"),
    "care_allowance_full": gettext_noop("照料护理标准（全护理）"),
    "care_allowance_partial": gettext_noop("照料护理标准（半护理）"),
    "care_allowance_self_care": gettext_noop("照料护理标准（生活自理）"),
    "min_wage_monthly": gettext_noop("最低工资标准"),
    "rural_disposable_income": gettext_noop("农村居民人均可支配收入"),
    "urban_disposable_income": gettext_noop("城镇居民人均可支配收入"),
    "casual_work_months": gettext_noop("零工收入推算月数"),
    "land_income_ratio": gettext_noop("土地经营收入推算比例"),
    "support_rate": gettext_noop("赡养费计算比例"),
    "support_rate_large_assets": gettext_noop("赡养费计算比例（大额财产）"),
    "labour_coefficients": gettext_noop("劳动力系数"),
    "rigid_expense_share": gettext_noop("刚性支出困难认定比例"),
    "vehicle_value_limit": gettext_noop("小汽车价值上限"),
    "machinery_value_limit": gettext_noop("大型农机具价值上限"),
    "housing_guarantee_area_per_capita": gettext_noop("人均住房保障面积"),
    "livestock_limit": gettext_noop("牲畜数量上限"),
    "commercial_insurance_premium_limit": gettext_noop("商业保险年缴保费上限"),
    "financial_assets_months": gettext_noop("人均金融资产月数上限"),
    "job_refusal_veto": gettext_noop("拒绝就业否决条件"),
    "temporary_cap_months": gettext_noop("临时救助上限月数"),
    "township_approval_months": gettext_noop("乡镇审批临时救助月数"),
    "emergency_checklist": gettext_noop("急难评估清单"),
    "emergency_levels": gettext_noop("急难响应分数线"),
    "emergency_response": gettext_noop("急难响应时限"),
    "hardship_points": gettext_noop("困难指数分值"),
    "hardship_caps": gettext_noop("困难指数封顶分值"),
    "hardship_ages": gettext_noop("困难指数年龄条件"),
    "hardship_ratios": gettext_noop("困难指数比例条件"),
    "hardship_property": gettext_noop("困难指数财产条件"),
}

#: (group title, parameter names) in page order; the rest go under 其他参数.
GROUPS = (
    (gettext_noop("保障标准"), ("dibao_standard_urban", "dibao_standard_rural", "tekun_basic_ratio",
                           "low_income_multiplier", "min_benefit_ratio", "addon_rates",
                           "addon_ages", "care_allowance_full", "care_allowance_partial",
                           "care_allowance_self_care")),
    (gettext_noop("收入推算"), ("min_wage_monthly", "rural_disposable_income",
                           "urban_disposable_income", "casual_work_months", "land_income_ratio",
                           "support_rate", "support_rate_large_assets", "labour_coefficients",
                           "rigid_expense_share")),
    (gettext_noop("一票否决"), ("vehicle_value_limit", "machinery_value_limit",
                           "housing_guarantee_area_per_capita", "livestock_limit",
                           "commercial_insurance_premium_limit", "financial_assets_months",
                           "job_refusal_veto")),
    (gettext_noop("临时救助与急难"), ("temporary_cap_months", "township_approval_months",
                              "emergency_levels", "emergency_response", "emergency_checklist")),
    (gettext_noop("家庭困难指数"), ("hardship_points", "hardship_caps", "hardship_ages",
                             "hardship_ratios", "hardship_property")),
)
OTHER = gettext_noop("其他参数")


def label_of(name: str) -> str:
    """The Chinese name of a parameter (a msgid: translate it where shown)."""
    return LABELS.get(name, name)


def grouped(names: list[str]) -> list[tuple[str, list[str]]]:
    """``names`` in the groups of the page, each group in its order, the rest last."""
    placed: set[str] = set()
    result = []
    for title, members in GROUPS:
        found = [n for n in members if n in names]
        placed.update(found)
        if found:
            result.append((title, found))
    rest = sorted(n for n in names if n not in placed)
    if rest:
        result.append((OTHER, rest))
    return result

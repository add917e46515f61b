"""The closed vocabularies of a household (取值范围), in the order the engine codes them.

The engine stores an enum as its index in these tuples (``HEALTH.index("healthy") == 0``),
so their order is part of the array layout of :mod:`jiuzhu.rules.batch`.
"""

from __future__ import annotations

AREA_TYPES = ("urban", "rural")
RELATIONS = ("head", "spouse", "child", "parent", "grandchild", "grandparent", "sibling", "other")
HEALTH = (
    "healthy",
    "chronic_illness",
    "mild_disability",
    "moderate_disability",
    "serious_illness",
    "severe_disability",
)
OCCUPATIONS = (
    "fixed_employment",
    "casual_work",
    "farming",
    "student",
    "retired",
    "unemployed",
    "none",
)
SCHOOL_LEVELS = ("none", "preschool", "primary", "junior", "senior", "vocational", "university")
CARE_LEVELS = ("self_care", "partial", "full")
VEHICLE_KINDS = ("car", "motorcycle", "farm", "disability", "commercial_livelihood")
SUPPORTER_RELATIONS = ("child", "other")
EXEMPT_REASONS = (None, "on_dibao", "serious_illness_or_severe_disability", "in_prison", "student")

INCOME_KINDS = ("wages", "business", "property", "transfer", "pension")
EXPENDITURE_KINDS = ("medical", "education", "insurance_premiums", "other_rigid")
FLAG_NAMES = (
    "home_purchased_within_12m",
    "private_school_or_abroad",
    "refuses_verification",
    "false_information",
    "asset_transfer_or_split",
    "single_parent",
    "recent_hardship_event",
)

HEALTH_LABELS = {
    "healthy": "健康",
    "chronic_illness": "慢性病",
    "mild_disability": "轻度残疾",
    "moderate_disability": "中度残疾",
    "serious_illness": "重病",
    "severe_disability": "重度残疾",
}
OCCUPATION_LABELS = {
    "fixed_employment": "固定就业",
    "casual_work": "灵活就业（零工）",
    "farming": "务农",
    "student": "学生",
    "retired": "退休",
    "unemployed": "失业",
    "none": "无职业",
}
EXEMPT_LABELS = {
    "on_dibao": "赡养人本人享受低保",
    "serious_illness_or_severe_disability": "赡养人重病或重度残疾",
    "in_prison": "赡养人服刑",
    "student": "赡养人在校就读",
}

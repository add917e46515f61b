"""The example household of the import template (示例家庭)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from jiuzhu.households.idnumber import id_number_make
from jiuzhu.regions.models import Region

FALLBACK_REGION_CODE = "990102001001"


def example_region_code(region: Region | None) -> str:
    """A code a household could be registered at within ``region`` (村居 or 乡镇)."""
    if region is None:
        return FALLBACK_REGION_CODE
    if region.level in ("township", "village"):
        return region.code
    if region.level == "grid" and region.parent_id:
        return region.code[:12]
    below = (Region.objects.within(region).filter(level="village")
             .order_by("path").values_list("code", flat=True).first())
    return below or FALLBACK_REGION_CODE


def example_household(region_code: str) -> dict[str, Any]:
    area = region_code[:6]

    def person(member_id: str, name: str, relation: str, born: date, sequence: int,
               female: bool = False, **extra: Any) -> dict[str, Any]:
        return {"member_id": member_id, "name": name, "relation": relation,
                "id_number": id_number_make(area=area, birth=born, sequence=sequence,
                                            female=female),
                "birth_date": born.isoformat(), **extra}

    return {
        "household_id": "示例0001",
        "region_code": region_code,
        "area_type": "rural",
        "assessment_date": date.today().replace(day=1).isoformat(),
        "address": "示范村三组 12 号",
        "phone": "13800000000",
        "members": [
            person("M1", "张建国", "head", date(1958, 4, 12), 11, health="chronic_illness",
                   occupation="farming", income={"business": Decimal("6800.00"),
                                                 "pension": Decimal("2160.00")}),
            person("M2", "李秀英", "spouse", date(1960, 9, 3), 12, female=True,
                   health="moderate_disability", occupation="none", care_level="partial",
                   income={"pension": Decimal("2160.00")}),
            person("M3", "张乐乐", "grandchild", date(2015, 6, 18), 13, health="healthy",
                   occupation="student", in_school=True, school_level="primary",
                   orphan_or_unsupported=False),
        ],
        "supporters": [
            {"name": "张伟", "relation": "child", "annual_income": Decimal("42000.00"),
             "supports": ["M1", "M2"], "exempt": None, "large_assets": False},
        ],
        "expenditures": {"medical": Decimal("8600.50"), "education": Decimal("1200.00"),
                         "insurance_premiums": Decimal("760.00")},
        "assets": {
            "vehicles": [{"kind": "motorcycle", "value": Decimal("2500.00")}],
            "homes_owned": 1, "housing_area_m2": Decimal("96"), "dilapidated_housing": False,
            "financial_assets": Decimal("3000.00"), "contracted_land_mu": Decimal("4.5"),
        },
        "flags": {"recent_hardship_event": True},
    }

"""Between a household as schema JSON (household.schema.json) and its model rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from jiuzhu.core.jsonio import plain_number

from .choices import EXPENDITURE_KINDS, FLAG_NAMES, INCOME_KINDS
from .models import Household, Member, Supporter, Vehicle

ASSET_MONEY = ("financial_assets", "large_machinery_value",
               "commercial_insurance_premium_annual", "debts")
ASSET_NUMBERS = ("housing_area_m2", "livestock_sheep_units", "contracted_land_mu")


def _num(value: Any) -> Decimal:
    if value is None:
        return Decimal(0)
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def household_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The Household model fields of a validated household dict."""
    expenditures = data.get("expenditures") or {}
    assets = data.get("assets") or {}
    flags = data.get("flags") or {}
    fields: dict[str, Any] = {
        "area_type": data["area_type"],
        "assessment_date": _date(data["assessment_date"]),
        "address": data.get("address", ""),
        "phone": data.get("phone", ""),
        "homes_owned": int(assets.get("homes_owned", 0)),
        "dilapidated_housing": bool(assets.get("dilapidated_housing", False)),
        "business_registration": bool(assets.get("business_registration", False)),
    }
    for kind in EXPENDITURE_KINDS:
        fields[kind] = _num(expenditures.get(kind))
    for name in ASSET_MONEY + ASSET_NUMBERS:
        fields[name] = _num(assets.get(name))
    for name in FLAG_NAMES:
        fields[name] = bool(flags.get(name, False))
    members = data["members"]
    fields["member_count"] = len(members)
    head = next((m for m in members if m.get("relation") == "head"), members[0])
    fields["head_name"] = head["name"]
    return fields


def member_fields(data: dict[str, Any], position: int) -> dict[str, Any]:
    income = data.get("income") or {}
    fields = {
        "position": position,
        "name": data["name"],
        "id_number": data["id_number"],
        "relation": data["relation"],
        "birth_date": _date(data["birth_date"]),
        "health": data["health"],
        "occupation": data["occupation"],
        "in_school": bool(data.get("in_school", False)),
        "school_level": data.get("school_level") or "none",
        "public_servant": bool(data.get("public_servant", False)),
        "refused_job_offers": int(data.get("refused_job_offers", 0)),
        "orphan_or_unsupported": bool(data.get("orphan_or_unsupported", False)),
        "care_level": data.get("care_level") or "",
    }
    for kind in INCOME_KINDS:
        fields[kind] = _num(income.get(kind))
    return fields


def supporter_fields(data: dict[str, Any], position: int) -> dict[str, Any]:
    return {
        "position": position,
        "name": data["name"],
        "relation": data.get("relation") or "",
        "annual_income": _num(data.get("annual_income")),
        "supports": list(data["supports"]),
        "exempt": data.get("exempt") or "",
        "large_assets": bool(data.get("large_assets", False)),
    }


def _money(value: Decimal) -> int | float:
    return plain_number(value)


def household_to_dict(household: Household, *, members: list[Member] | None = None,
                      supporters: list[Supporter] | None = None,
                      vehicles: list[Vehicle] | None = None) -> dict[str, Any]:
    """The household as schema JSON, as it is registered."""
    members = list(household.members.all()) if members is None else members
    supporters = list(household.supporters.all()) if supporters is None else supporters
    vehicles = list(household.vehicles.all()) if vehicles is None else vehicles
    out: dict[str, Any] = {
        "household_id": household.household_id,
        "region_code": household.region.code,
        "area_type": household.area_type,
        "assessment_date": household.assessment_date.isoformat(),
    }
    if household.address:
        out["address"] = household.address
    if household.phone:
        out["phone"] = household.phone
    out["members"] = [member_to_dict(m) for m in members]
    out["supporters"] = [supporter_to_dict(s) for s in supporters]
    out["expenditures"] = {k: _money(getattr(household, k)) for k in EXPENDITURE_KINDS}
    assets: dict[str, Any] = {
        "vehicles": [{"kind": v.kind, "value": _money(v.value)} for v in vehicles],
        "homes_owned": household.homes_owned,
        "housing_area_m2": _money(Decimal(household.housing_area_m2)),
        "dilapidated_housing": household.dilapidated_housing,
        "financial_assets": _money(household.financial_assets),
        "business_registration": household.business_registration,
        "large_machinery_value": _money(household.large_machinery_value),
        "livestock_sheep_units": _money(Decimal(household.livestock_sheep_units)),
        "contracted_land_mu": _money(Decimal(household.contracted_land_mu)),
        "commercial_insurance_premium_annual": _money(household.commercial_insurance_premium_annual),
        "debts": _money(household.debts),
    }
    out["assets"] = assets
    out["flags"] = {name: getattr(household, name) for name in FLAG_NAMES}
    return out


def member_to_dict(member: Member) -> dict[str, Any]:
    out: dict[str, Any] = {
        "member_id": member.member_id,
        "name": member.name,
        "id_number": member.id_number,
        "relation": member.relation,
        "birth_date": member.birth_date.isoformat(),
        "health": member.health,
        "occupation": member.occupation,
        "in_school": member.in_school,
        "school_level": member.school_level,
        "public_servant": member.public_servant,
        "refused_job_offers": member.refused_job_offers,
        "orphan_or_unsupported": member.orphan_or_unsupported,
        "income": {k: _money(getattr(member, k)) for k in INCOME_KINDS},
    }
    if member.care_level:
        out["care_level"] = member.care_level
    return out


def supporter_to_dict(supporter: Supporter) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": supporter.name,
        "annual_income": _money(supporter.annual_income),
        "supports": list(supporter.supports),
        "exempt": supporter.exempt or None,
        "large_assets": supporter.large_assets,
    }
    if supporter.relation:
        out["relation"] = supporter.relation
    return out

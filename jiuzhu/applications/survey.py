"""The structured survey of a home investigation (入户调查核实表): incomes per member and
kind, vehicles, houses, savings and housing as the investigators found them, beside what
the household declared in the registry, with every difference stated in Chinese.

Amounts are in yuan per year like the registry (``households.Member.wages`` …); a value
left out was not checked and is not compared. ``survey_compare`` is pure: it takes the
household's registry data (``households.serializers.household_to_dict``) and the survey.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field

IncomeKind = Literal["wages", "business", "property", "transfer", "pension"]
VehicleKindIn = Literal["car", "motorcycle", "farm", "disability", "commercial_livelihood"]
Money = Field(default=None, ge=0, le=Decimal("100000000"), max_digits=12, decimal_places=2)

INCOME_LABELS = {"wages": "工资性收入", "business": "经营性收入", "property": "财产性收入",
                 "transfer": "转移性收入", "pension": "养老金"}
VEHICLE_LABELS = {"car": "小汽车", "motorcycle": "摩托车", "farm": "农用车",
                  "disability": "残疾人代步车", "commercial_livelihood": "营运谋生车辆"}
#: household fields compared, with their label and unit
HOUSEHOLD_FIELDS = {"homes_owned": ("自有住房", "套"), "housing_area_m2": ("住房面积", "㎡"),
                    "financial_assets": ("存款等金融资产", "元"),
                    "large_machinery_value": ("大型农机具价值", "元"),
                    "livestock_sheep_units": ("牲畜", "羊单位"),
                    "contracted_land_mu": ("承包地", "亩")}


class MemberFindingIn(Schema):
    """One member's incomes as found (元/年), by kind; a kind left out was not checked."""

    member_id: str = Field(min_length=1, max_length=40, description="成员编号")
    incomes: dict[IncomeKind, Decimal] = Field(default={}, description="各类收入（元/年）")
    note: str = Field(default="", max_length=500)


class VehicleFoundIn(Schema):
    kind: VehicleKindIn
    value: Decimal = Field(default=Decimal(0), ge=0, le=Decimal("100000000"), max_digits=12,
                           decimal_places=2, description="价值（元）")


class SurveyIn(Schema):
    """入户调查核实: what the investigators found; ``None`` = not checked."""

    members: list[MemberFindingIn] = Field(default=[], max_length=30)
    vehicles: list[VehicleFoundIn] | None = Field(default=None, max_length=20,
                                                  description="发现的车辆（空列表 = 没有车辆）")
    homes_owned: int | None = Field(default=None, ge=0, le=50, description="自有住房套数")
    housing_area_m2: Decimal | None = Field(default=None, ge=0, le=Decimal("100000"),
                                            max_digits=9, decimal_places=2)
    dilapidated_housing: bool | None = Field(default=None, description="危房")
    financial_assets: Decimal | None = Money
    large_machinery_value: Decimal | None = Money
    livestock_sheep_units: Decimal | None = Field(default=None, ge=0, le=Decimal("100000"),
                                                  max_digits=9, decimal_places=2)
    contracted_land_mu: Decimal | None = Field(default=None, ge=0, le=Decimal("100000"),
                                               max_digits=9, decimal_places=2)
    housing: str = Field(default="", max_length=1000, description="居住状况")
    living_conditions: str = Field(default="", max_length=1000, description="生活状况")


def _number(value: Any) -> Decimal:
    return Decimal(str(value or 0))


def _text(value: Decimal, unit: str) -> str:
    amount = value.quantize(Decimal("0.01")) if unit == "元" or unit == "元/年" else value.normalize()
    if unit in ("元", "元/年"):
        return f"{amount:,.2f} {unit}"
    return f"{amount:f} {unit}"


def _difference(label: str, declared: Decimal, found: Decimal, unit: str,
                path: str) -> dict[str, Any] | None:
    if declared == found:
        return None
    more = found > declared
    return {"path": path, "label": label, "declared": str(declared), "found": str(found),
            "unit": unit, "direction": "more" if more else "less",
            "text": _("%(label)s：申报 %(declared)s，调查核实 %(found)s（%(change)s %(amount)s）") % {
                "label": label, "declared": _text(declared, unit), "found": _text(found, unit),
                "change": _("多") if more else _("少"),
                "amount": _text(abs(found - declared), unit)}}


def survey_compare(household: dict[str, Any], survey: dict[str, Any]) -> list[dict[str, Any]]:
    """The differences between the registry (``household_to_dict``) and the survey, in
    order: members' incomes, vehicles, then the household's assets and housing."""
    out: list[dict[str, Any]] = []
    members = {m["member_id"]: m for m in household.get("members", [])}
    for index, finding in enumerate(survey.get("members") or []):
        member = members.get(finding["member_id"])
        if member is None:
            continue
        declared_incomes = member.get("income") or {}
        for kind, found in (finding.get("incomes") or {}).items():
            diff = _difference(f"{member['name']} {INCOME_LABELS[kind]}",
                               _number(declared_incomes.get(kind)), _number(found), "元/年",
                               f"survey.members[{index}].incomes.{kind}")
            if diff:
                out.append(diff)
    assets = household.get("assets") or household
    if survey.get("vehicles") is not None:
        declared = assets.get("vehicles") or []
        found = survey["vehicles"]
        for kind, label in VEHICLE_LABELS.items():
            had = [v for v in declared if v.get("kind") == kind]
            has = [v for v in found if v.get("kind") == kind]
            if len(had) != len(has):
                diff = _difference(_("车辆（%(kind)s）") % {"kind": label}, Decimal(len(had)),
                                   Decimal(len(has)), "辆", "survey.vehicles")
                if diff:
                    out.append(diff)
            elif had:
                diff = _difference(_("车辆（%(kind)s）价值") % {"kind": label},
                                   sum((_number(v.get("value")) for v in had), Decimal(0)),
                                   sum((_number(v.get("value")) for v in has), Decimal(0)),
                                   "元", "survey.vehicles")
                if diff:
                    out.append(diff)
    for name, (label, unit) in HOUSEHOLD_FIELDS.items():
        if survey.get(name) is None:
            continue
        diff = _difference(_(label), _number(assets.get(name)), _number(survey[name]), unit,
                           f"survey.{name}")
        if diff:
            out.append(diff)
    if survey.get("dilapidated_housing") is not None:
        declared_flag = bool(assets.get("dilapidated_housing"))
        if declared_flag != survey["dilapidated_housing"]:
            out.append({"path": "survey.dilapidated_housing", "label": _("危房"),
                        "declared": declared_flag, "found": survey["dilapidated_housing"],
                        "unit": "", "direction": "more" if survey["dilapidated_housing"] else "less",
                        "text": _("危房：申报%(declared)s，调查核实%(found)s") % {
                            "declared": _("是") if declared_flag else _("否"),
                            "found": _("是") if survey["dilapidated_housing"] else _("否")}})
    return out


def survey_clean(survey: dict[str, Any], household: dict[str, Any]) -> dict[str, Any]:
    """The survey as stored (JSON: amounts as text); 422 naming
    ``survey.members.<i>.member_id`` for a member not of the household."""
    from jiuzhu.core.errors import field_error

    ids = {m["member_id"] for m in household.get("members", [])}
    for index, finding in enumerate(survey.get("members") or []):
        if finding["member_id"] not in ids:
            raise field_error(f"survey.members[{index}].member_id",
                              _("成员编号 %(id)s 不是本户成员") % {"id": finding["member_id"]})
    return SurveyIn.model_validate(survey).model_dump(mode="json")


def declared_rows(household: dict[str, Any]) -> dict[str, Any]:
    """What the registry says, for the page's survey form (beside each input)."""
    assets = household.get("assets") or household
    return {
        "members": [{"member_id": m["member_id"], "name": m["name"],
                     "incomes": [(kind, INCOME_LABELS[kind], _number((m.get("income") or {}).get(kind)))
                                 for kind in INCOME_LABELS]}
                    for m in household.get("members", [])],
        "vehicles": [{"kind": v.get("kind"), "label": VEHICLE_LABELS.get(v.get("kind", ""), ""),
                      "value": _number(v.get("value"))} for v in assets.get("vehicles") or []],
        "fields": [(name, label, unit, _number(assets.get(name)))
                   for name, (label, unit) in HOUSEHOLD_FIELDS.items()],
        "dilapidated_housing": bool(assets.get("dilapidated_housing")),
    }


def survey_record(household: Any, survey: dict[str, Any] | None) -> dict[str, Any]:
    """What the investigation keeps of its survey: the survey, the differences from the
    registry at that moment (each with the declared value) and D06's notes in Chinese."""
    if not survey:
        return {}
    from jiuzhu.households.serializers import household_to_dict

    registry = household_to_dict(household)
    clean = survey_clean(survey, registry)
    differences = survey_compare(registry, clean)
    incomes = [d["text"] for d in differences if d["path"].startswith("survey.members")]
    assets = [d["text"] for d in differences if not d["path"].startswith("survey.members")]
    checked_incomes = any(m.get("incomes") for m in clean.get("members") or [])
    checked_assets = any(clean.get(k) is not None for k in (*HOUSEHOLD_FIELDS, "vehicles",
                                                            "dilapidated_housing"))
    same = _("与申报一致")
    return {"survey": clean, "differences": differences,
            "housing": clean.get("housing") or "",
            "living_conditions": clean.get("living_conditions") or "",
            "income_notes": "；".join(incomes) if incomes else (same if checked_incomes else ""),
            "assets_notes": "；".join(assets) if assets else (same if checked_assets else "")}


def investigation_step(data: dict[str, Any], investigation: dict[str, Any]) -> dict[str, Any]:
    """The step record of a recorded investigation: the neighbours without their drawn
    signatures, the survey as its differences in Chinese."""
    out = {k: v for k, v in data.items() if k not in ("survey", "neighbour_visits")}
    out["neighbour_visits"] = [{k: v for k, v in visit.items() if k != "signature"}
                               for visit in data.get("neighbour_visits") or []]
    if "survey" in investigation:
        out["differences"] = [d["text"] for d in investigation.get("differences") or []] \
            or [_("收入、财产和住房与申报一致")]
    return out

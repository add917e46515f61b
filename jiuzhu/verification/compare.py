"""Comparing what a household declared with what a source found (申报与核对比对).

Pure functions on dicts: the household in the shape of household.schema.json (as
``household_to_dict`` gives it) and a source's facts (see ``adapters/base.py``). Each
source yields *lines*, one per member and field (or per household for household-level
assets), equal or not; the differing lines become findings. A difference *matters* when
it changes an input of the rules (10-rules.md): wages, pensions, cars, homes owned,
housing area, business registration, financial assets, the number of members.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from jiuzhu.households.choices import VehicleKind

CENT = Decimal("0.01")
# Housing-fund contributions are paid on a base that may be below the real wage, so only
# an implied wage above the declared one by more than this share is a difference.
HOUSING_FUND_TOLERANCE = Decimal("0.05")
HOUSEHOLD = ""  # member_id of household-level lines

# Vehicle kinds that count for the hardship index (C04) besides cars (V01).
C04_KINDS = {VehicleKind.CAR, VehicleKind.COMMERCIAL_LIVELIHOOD}

LABELS = {
    "id_number": "身份证号",
    "name": "姓名",
    "alive": "在世状态",
    "income.wages": "工资性收入（年）",
    "income.pension": "养老金（年）",
    "assets.vehicles": "车辆",
    "assets.homes_owned": "自有住房套数",
    "assets.housing_area_m2": "住房总面积",
    "assets.business_registration": "工商登记",
    "assets.financial_assets": "金融资产（存款、证券）",
}
KINDS = {
    "id_number": "text", "name": "text", "alive": "alive", "income.wages": "money",
    "income.pension": "money", "assets.vehicles": "vehicles", "assets.homes_owned": "count",
    "assets.housing_area_m2": "area", "assets.business_registration": "bool",
    "assets.financial_assets": "money",
}
_MEMBER_PATH = re.compile(r"^members\[(\d+)\](?:\.(.+))?$")


def field_key(path: str) -> str:
    """``members[2].income.wages`` → ``income.wages``; ``members[0]`` → ``alive``."""
    match = _MEMBER_PATH.match(path)
    if match:
        return match.group(2) or "alive"
    return path


def field_kind(path: str) -> str:
    return KINDS.get(field_key(path), "text")


@dataclass
class Line:
    """One compared item: declared and found as JSON values (money as "0.00" strings)."""

    source: str
    member_id: str
    member_name: str
    field: str
    label: str
    declared: Any
    found: Any
    differs: bool
    matters: bool = False
    applicable: bool = True
    detail: dict[str, Any] = dataclasses.field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def money(value: Any) -> str:
    """A JSON money value: a string with two decimals."""
    return str(decimal(value).quantize(CENT))


def decimal(value: Any) -> Decimal:
    if value is None:
        return Decimal(0)
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


@dataclass
class _Context:
    source: str
    declared: dict[str, Any]
    # (index in the declared members, member dict, facts or None) per member queried
    people: list[tuple[int, dict[str, Any], dict[str, Any] | None]]

    @property
    def assets(self) -> dict[str, Any]:
        return self.declared.get("assets") or {}

    def member_line(self, index: int, member: dict[str, Any], key: str, declared: Any,
                    found: Any, *, differs: bool, matters: bool, applicable: bool = True,
                    detail: dict[str, Any] | None = None) -> Line:
        path = f"members[{index}]" if key == "alive" else f"members[{index}].{key}"
        return Line(self.source, member["member_id"], member["name"], path, LABELS[key],
                    declared, found, differs, matters and differs, applicable, detail or {})

    def household_line(self, path: str, declared: Any, found: Any, *, differs: bool,
                       matters: bool, detail: dict[str, Any] | None = None) -> Line:
        return Line(self.source, HOUSEHOLD, "", path, LABELS[path], declared, found, differs,
                    matters and differs, True, detail or {})


def compare(source: str, declared: dict[str, Any], queried: list[dict[str, Any]],
            facts: dict[str, dict[str, Any]]) -> list[Line]:
    """Every line of one source's answer. ``queried`` are the members asked about
    ({member_id, name, id_number}); those no longer in the household are left out."""
    members = declared.get("members") or []
    by_id = {m["member_id"]: (i, m) for i, m in enumerate(members)}
    people = []
    for person in queried:
        if person["member_id"] in by_id:
            index, member = by_id[person["member_id"]]
            people.append((index, member, facts.get(str(member["id_number"]).upper())))
    return COMPARERS[source](_Context(source, declared, people))


def _hukou(ctx: _Context) -> list[Line]:
    lines = []
    for index, member, found in ctx.people:
        if found is None:
            lines.append(ctx.member_line(
                index, member, "id_number", member["id_number"], None, differs=True,
                matters=False, applicable=False,
                detail={"note": "户籍系统中没有该身份证号，请核实证件号码"}))
            continue
        name = found.get("name") or member["name"]
        lines.append(ctx.member_line(index, member, "name", member["name"], name,
                                     differs=name != member["name"], matters=False))
        alive = bool(found.get("alive", True))
        # A member who died is no longer counted: n, the divisor of every per-capita rule.
        lines.append(ctx.member_line(index, member, "alive", True, alive, differs=not alive,
                                     matters=True))
    return lines


def _income(ctx: _Context, key: str, found_key: str) -> list[Line]:
    lines = []
    for index, member, found in ctx.people:
        declared = money((member.get("income") or {}).get(key.split(".")[1]))
        value = money(found.get(found_key)) if found is not None else None
        lines.append(ctx.member_line(index, member, key, declared, value,
                                     differs=value is not None and value != declared,
                                     matters=True))
    return lines


def _social_insurance(ctx: _Context) -> list[Line]:
    return _income(ctx, "income.wages", "wages") + _income(ctx, "income.pension", "pension")


def _housing_fund(ctx: _Context) -> list[Line]:
    lines = []
    for index, member, found in ctx.people:
        declared = money((member.get("income") or {}).get("wages"))
        if found is None:
            lines.append(ctx.member_line(index, member, "income.wages", declared, None,
                                         differs=False, matters=True,
                                         detail={"basis": "housing_fund"}))
            continue
        implied = decimal(found.get("implied_wages"))
        differs = implied > decimal(declared) * (1 + HOUSING_FUND_TOLERANCE)
        lines.append(ctx.member_line(
            index, member, "income.wages", declared, money(implied), differs=differs,
            matters=True, detail={"basis": "housing_fund",
                                  "contributions": money(found.get("contributions"))}))
    return lines


def _vehicle_list(vehicles: list[dict[str, Any]]) -> list[dict[str, str]]:
    return sorted(({"kind": str(v["kind"]), "value": money(v["value"])} for v in vehicles),
                  key=lambda v: (v["kind"], decimal(v["value"])))


def _vehicles(ctx: _Context) -> list[Line]:
    declared = _vehicle_list(ctx.assets.get("vehicles") or [])
    owned = [(member, v) for _, member, found in ctx.people if found
             for v in found.get("vehicles") or []]
    found = _vehicle_list([v for _, v in owned])

    def cars(vehicles: list[dict[str, str]]) -> list[str]:
        return sorted(v["value"] for v in vehicles
                      if v["kind"] == VehicleKind.CAR and decimal(v["value"]) > 0)

    def has_c04(vehicles: list[dict[str, str]]) -> bool:
        return any(v["kind"] in C04_KINDS for v in vehicles)

    matters = cars(declared) != cars(found) or has_c04(declared) != has_c04(found)
    detail = {"by_member": [{"member_id": m["member_id"], "name": m["name"],
                             "kind": str(v["kind"]), "value": money(v["value"]),
                             "plate": v.get("plate", "")} for m, v in owned]}
    return [ctx.household_line("assets.vehicles", declared, found, differs=declared != found,
                               matters=matters, detail=detail)]


def _real_estate(ctx: _Context) -> list[Line]:
    seen: set[str] = set()
    homes = 0
    area = Decimal(0)
    by_member = []
    for _, member, found in ctx.people:
        for home in (found or {}).get("homes") or []:
            unit = home.get("unit") or ""
            by_member.append({"member_id": member["member_id"], "name": member["name"],
                              "unit": unit, "area_m2": money(home.get("area_m2"))})
            if unit and unit in seen:  # co-owned: one home, listed under each owner
                continue
            seen.add(unit)
            homes += 1
            area += decimal(home.get("area_m2"))
    declared_homes = int(ctx.assets.get("homes_owned") or 0)
    declared_area = money(ctx.assets.get("housing_area_m2"))
    detail = {"by_member": by_member}
    return [
        ctx.household_line("assets.homes_owned", declared_homes, homes,
                           differs=homes != declared_homes, matters=True, detail=detail),
        ctx.household_line("assets.housing_area_m2", declared_area, money(area),
                           differs=money(area) != declared_area, matters=True, detail=detail),
    ]


def _business(ctx: _Context) -> list[Line]:
    declared = bool(ctx.assets.get("business_registration"))
    by_member = [{"member_id": m["member_id"], "name": m["name"], "enterprise": name}
                 for _, m, found in ctx.people if found and found.get("business_registration")
                 for name in found.get("enterprises") or [""]]
    found = bool(by_member)
    return [ctx.household_line("assets.business_registration", declared, found,
                               differs=declared != found, matters=True,
                               detail={"by_member": by_member})]


def _deposits(ctx: _Context) -> list[Line]:
    declared = money(ctx.assets.get("financial_assets"))
    by_member = [{"member_id": m["member_id"], "name": m["name"],
                  "amount": money(found.get("financial_assets"))}
                 for _, m, found in ctx.people if found is not None]
    total = money(sum((decimal(b["amount"]) for b in by_member), Decimal(0)))
    return [ctx.household_line("assets.financial_assets", declared, total,
                               differs=total != declared, matters=True,
                               detail={"by_member": by_member})]


COMPARERS: dict[str, Callable[[_Context], list[Line]]] = {
    "hukou": _hukou,
    "vehicles": _vehicles,
    "real_estate": _real_estate,
    "social_insurance": _social_insurance,
    "business": _business,
    "housing_fund": _housing_fund,
    "deposits": _deposits,
}


# --- applying an accepted finding to the household --------------------------------------


class NotApplicable(Exception):
    """The finding names no value the household could take (e.g. an unknown ID number)."""


def exact(value: Any) -> Any:
    """The household dict with every float read as the decimal it prints as."""
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {k: exact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [exact(v) for v in value]
    return value


def apply_found(data: dict[str, Any], *, path: str, member_id: str, found: Any) -> dict[str, Any]:
    """``data`` (a household dict) changed to hold ``found`` at ``path``; the member is
    found by ``member_id``, since positions may have moved since the finding was made."""
    data = exact(data)
    key = field_key(path)
    if _MEMBER_PATH.match(path):
        member = next((m for m in data["members"] if m["member_id"] == member_id), None)
        if member is None:
            raise NotApplicable("该成员已不在家庭中")
        if key == "alive":
            if found:
                raise NotApplicable("没有需要更新的内容")
            data["members"] = [m for m in data["members"] if m["member_id"] != member_id]
            supporters = []
            for supporter in data.get("supporters") or []:
                supports = [i for i in supporter["supports"] if i != member_id]
                if supports:
                    supporters.append({**supporter, "supports": supports})
            data["supporters"] = supporters
        elif key == "name" and found:
            member["name"] = found
        elif key in ("income.wages", "income.pension") and found is not None:
            member.setdefault("income", {})[key.split(".")[1]] = decimal(found)
        else:
            raise NotApplicable("该差异不能自动更新家庭信息")
        return data
    assets = data.setdefault("assets", {})
    name = key.split(".", 1)[1] if key.startswith("assets.") else ""
    if key == "assets.vehicles":
        assets["vehicles"] = [{"kind": v["kind"], "value": decimal(v["value"])} for v in found]
    elif key == "assets.homes_owned":
        assets[name] = int(found)
    elif key in ("assets.housing_area_m2", "assets.financial_assets"):
        assets[name] = decimal(found)
    elif key == "assets.business_registration":
        assets[name] = bool(found)
    else:
        raise NotApplicable("该差异不能自动更新家庭信息")
    return data


# --- showing values ----------------------------------------------------------------------

_VEHICLE_LABELS = dict(VehicleKind.choices)


def _yuan(value: Any) -> str:
    return f"{decimal(value):,.2f}"


def show(path: str, value: Any) -> str:
    """A declared or found value as the report prints it."""
    if value is None:
        return "无记录"
    kind = field_kind(path)
    if kind == "money":
        return f"{_yuan(value)} 元"
    if kind == "area":
        return f"{decimal(value):,.2f} ㎡"
    if kind == "count":
        return f"{value} 套"
    if kind == "bool":
        return "有" if value else "无"
    if kind == "alive":
        return "在世" if value else "已死亡（户籍注销）"
    if kind == "vehicles":
        if not value:
            return "无"
        return "；".join(f"{_VEHICLE_LABELS.get(v['kind'], v['kind'])} {_yuan(v['value'])} 元"
                        for v in value)
    return str(value)


def difference(path: str, declared: Any, found: Any) -> str:
    """Found minus declared for amounts; otherwise whether they differ."""
    if found is None:
        return ""
    kind = field_kind(path)
    if kind in ("money", "area", "count"):
        delta = decimal(found) - decimal(declared)
        if not delta:
            return "一致"
        unit = {"money": " 元", "area": " ㎡", "count": " 套"}[kind]
        number = f"{delta:+,.2f}" if kind != "count" else f"{delta:+}"
        return number + unit
    return "一致" if declared == found else "不一致"


def breakdown(path: str, detail: dict[str, Any]) -> list[str]:
    """Who holds what behind a household-level value, or how a value was derived."""
    rows = detail.get("by_member") or []
    key = field_key(path)
    if key == "assets.vehicles":
        return [f"{r['name']}：{_VEHICLE_LABELS.get(r['kind'], r['kind'])} {_yuan(r['value'])} 元"
                + (f"（{r['plate']}）" if r.get("plate") else "") for r in rows]
    if key in ("assets.homes_owned", "assets.housing_area_m2"):
        return [f"{r['name']}：{decimal(r['area_m2']):,.2f} ㎡" + (f"（{r['unit']}）" if r["unit"] else "")
                for r in rows]
    if key == "assets.business_registration":
        return [f"{r['name']}：{r['enterprise']}" for r in rows if r.get("enterprise")]
    if key == "assets.financial_assets":
        return [f"{r['name']}：{_yuan(r['amount'])} 元" for r in rows]
    if detail.get("basis") == "housing_fund" and detail.get("contributions"):
        return [f"公积金年缴存额 {_yuan(detail['contributions'])} 元，据此推算年工资"]
    return []

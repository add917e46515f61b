"""Reading the catalogue: the versions in force on a day."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from django.apps import apps
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.core.errors import ErrorCode, ServiceError

from .models import Department, Item


def items_in_force(on: date | None = None) -> list[Item]:
    """Every item in force on ``on`` (today by default), in catalogue order."""
    day = on or timezone.localdate()
    latest = (Item.objects.filter(code=OuterRef("code"), valid_from__lte=day)
              .order_by("-valid_from").values("id")[:1])
    rows = (Item.objects.filter(valid_from__lte=day, id=Subquery(latest), retired=False)
            .select_related("department").order_by("position", "code"))
    return list(rows)


def item_names() -> dict[str, str]:
    """Every item code → its latest name (retired items too: old cases still name them)."""
    return dict(Item.objects.order_by("valid_from").values_list("code", "name"))


def item_in_force(code: str, on: date | None = None) -> Item:
    """The version of item ``code`` in force on ``on``; 422 naming ``item_code`` if none."""
    day = on or timezone.localdate()
    item = (Item.objects.filter(code=code, valid_from__lte=day).select_related("department")
            .order_by("-valid_from").first())
    if item is None or item.retired:
        raise ServiceError(ErrorCode.VALIDATION, _("事项 %(code)s 不在政策清单中") % {"code": code},
                           [{"path": "item_code", "message": _("未知或已停用的事项：%(code)s") % {"code": code}}])
    return item


def item_versions(code: str) -> list[Item]:
    return list(Item.objects.filter(code=code).select_related("department")
                .order_by("-valid_from"))


def item_used(code: str) -> bool:
    """Whether any case names item ``code``: a row of any model with an ``item_code``
    field (applications, intake…) or a foreign key to a version of it."""
    for model, lookup in _users_of_items():
        if model._default_manager.filter(**{lookup: code}).exists():
            return True
    return False


@cache
def _users_of_items() -> tuple[tuple[Any, str], ...]:
    found = []
    for model in apps.get_models():
        if model is Item:
            continue
        for field in model._meta.get_fields():
            if not getattr(field, "concrete", False):
                continue
            if field.name == "item_code" and not field.is_relation:
                found.append((model, "item_code"))
            elif field.is_relation and field.related_model is Item and not field.many_to_many:
                found.append((model, f"{field.name}__code"))
    return tuple(found)


def departments_all() -> list[Department]:
    return list(Department.objects.order_by("id"))


def item_versions_any(code: str) -> list[Item]:
    """Every version of ``code`` with its author, newest first; 404 naming ``code`` if none."""
    versions = list(Item.objects.filter(code=code).select_related("department", "created_by")
                    .order_by("-valid_from"))
    if not versions:
        raise ServiceError(ErrorCode.NOT_FOUND, _("事项 %(code)s 不存在") % {"code": code},
                           [{"path": "code", "message": _("未知的事项：%(code)s") % {"code": code}}])
    return versions


def _haystack(item: Item) -> str:
    return " ".join([item.code, item.name, item.department.code, item.department.name,
                     " ".join(item.materials), item.policy, item.conditions,
                     item.resident_text]).lower()


def items_search(query: str = "", on: date | None = None,
                 department: str = "") -> list[Item]:
    """Items in force matching every word of ``query`` (code, name, department, materials,
    policy and conditions), optionally of one department; catalogue order."""
    items = items_in_force(on)
    if department:
        items = [i for i in items if i.department.code == department]
    words = [w.lower() for w in re.split(r"[\s,，、;；]+", query or "") if w]
    if words:
        items = [i for i in items if all(w in _haystack(i) for w in words)]
    return items


def grouped_by_department(items: list[Item]) -> list[tuple[Department, list[Item]]]:
    """``items`` grouped by department, the groups in the order their first item comes."""
    groups: dict[int, tuple[Department, list[Item]]] = {}
    for item in items:
        groups.setdefault(item.department_id, (item.department, []))[1].append(item)
    return list(groups.values())


# Parameters of jiuzhu.rules shown with a programme's items (those the county has).
PROGRAM_PARAMETERS = {
    "dibao": ("dibao_standard_urban", "dibao_standard_rural", "min_benefit_ratio"),
    "low_income": ("dibao_standard_urban", "dibao_standard_rural", "low_income_multiplier"),
    "tekun": ("dibao_standard_urban", "dibao_standard_rural", "tekun_basic_ratio",
              "care_allowance_full", "care_allowance_partial", "care_allowance_self_care",
              "min_wage_monthly"),
    "rigid_expense": ("urban_disposable_income", "rural_disposable_income",
                      "rigid_expense_share"),
    "temporary": ("dibao_standard_urban", "dibao_standard_rural", "temporary_cap_months",
                  "township_approval_months", "rigid_expense_share"),
    "emergency": ("dibao_standard_urban", "dibao_standard_rural", "temporary_cap_months"),
}
DEFAULT_COUNTY = "990102"


def county_of_user(user: Any) -> str:
    region = getattr(user, "region", None) if getattr(user, "region_id", None) else None
    code = getattr(region, "code", "") or ""
    return code[:6] if len(code) >= 6 else DEFAULT_COUNTY


def _plain(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, dict):
        return "；".join(f"{k} {_plain(v)}" for k, v in value.items())
    return str(value)


def item_figures(item: Item, county: str, on: date | None = None) -> list[dict[str, str]]:
    """The rules parameters in force for ``item``'s programme in ``county`` on ``on``:
    ``[{"name", "description", "value", "unit", "effective", "reference"}]``, plus the
    low-income lines (标准 × 倍数) for MZ02; [] for an item without a programme or a
    county without parameters."""
    names = PROGRAM_PARAMETERS.get(item.program or "")
    if not names:
        return []
    from jiuzhu.rules.parameters import ParameterError, parameters_for

    try:
        params = parameters_for(county, on or timezone.localdate())
    except ParameterError:
        return []
    rows = []
    for name in names:
        if name not in params:
            continue
        entry = params.entries[name]
        rows.append({"name": name, "description": entry.description,
                     "value": _plain(entry.value), "unit": _plain(entry.unit),
                     "effective": entry.effective.isoformat(), "reference": entry.reference})
    if item.program == "low_income" and "low_income_multiplier" in params:
        multiplier = params["low_income_multiplier"]
        for area, label in (("urban", "城市"), ("rural", "农村")):
            name = f"dibao_standard_{area}"
            if name in params:
                line = (Decimal(params[name]) * Decimal(multiplier)).quantize(Decimal("0.01"))
                rows.append({"name": f"low_income_line_{area}",
                             "description": f"低保边缘标准（{label}）= 低保标准 × 倍数",
                             "value": f"{line:.2f}", "unit": "元/人/月",
                             "effective": params.entries[name].effective.isoformat(),
                             "reference": params.entries[name].reference})
    return rows


def items_not_in_force(on: date | None = None, department: str = "") -> list[Item]:
    """The newest version of every item that is not in force on ``on``: retired, or not
    yet begun (a new item from a later date); so an administrator can still reach them."""
    day = on or timezone.localdate()
    in_force = {i.code for i in items_in_force(day)}
    rows = Item.objects.exclude(code__in=in_force).select_related("department")
    if department:
        rows = rows.filter(department__code=department)
    newest: dict[str, Item] = {}
    for item in rows.order_by("code", "-valid_from"):
        newest.setdefault(item.code, item)
    return sorted(newest.values(), key=lambda i: (i.position, i.code))

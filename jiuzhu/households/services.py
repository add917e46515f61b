"""Writes to the household registry (家庭档案): register, edit, deactivate."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from jiuzhu.audit.services import audit_record
from jiuzhu.core.access import sees_everything
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.limits import model_text_errors
from jiuzhu.core.numbers import counter_next
from jiuzhu.regions.models import Region
from jiuzhu.rules.validation import validate_household

from . import events
from .choices import HouseholdStatus
from .models import Household, Member, Supporter, Vehicle
from .serializers import household_fields, member_fields, supporter_fields


def household_validate(*, actor: Any, data: Any, existing: Household | None = None,
                       regions: dict[str, Region | None] | None = None,
                       registry_checks: bool = True,
                       permitted: Collection[str] | None = None) -> Region:
    """Check a household dict completely; returns its region. Raises ServiceError.

    For many households at once (an Excel import): ``regions`` caches the regions by code
    (filled as they are looked up), ``permitted`` holds the codes of those regions the actor
    may register in (:func:`household_regions_permitted`, asked once per region), and
    ``registry_checks=False`` leaves out the checks against the registry (household number
    taken, member registered in another active household), which the caller then makes for
    all households in a few queries. With all three, nothing here reads the database."""
    if not isinstance(data, dict):
        raise ServiceError(ErrorCode.VALIDATION, _("家庭信息应为 JSON 对象"),
                           [{"path": "", "message": _("应为对象")}])
    # No household number: household_register numbers it (household_number).
    numbered = bool(data.get("household_id"))
    errors = [e.as_dict() for e in validate_household(
        data if numbered or existing is not None else {**data, "household_id": "H"})]
    given = data.get("members")
    members = given if isinstance(given, list) else []
    # lengths and control characters, as the columns hold them (#14: a 10 MB address)
    errors += model_text_errors(Household, data)
    for index, member in enumerate(members):
        errors += model_text_errors(Member, member, f"members[{index}].")
    seen: dict[str, int] = {}
    for index, member in enumerate(members):
        number = member.get("id_number") if isinstance(member, dict) else None
        if isinstance(number, str):
            if number in seen:
                errors.append({"path": f"members[{index}].id_number",
                               "message": _("身份证号与第 %(n)s 位成员重复") % {"n": seen[number] + 1}})
            seen.setdefault(number, index)
    region = None
    code = data.get("region_code")
    if isinstance(code, str) and not any(e["path"] == "region_code" for e in errors):
        if regions is None:
            region = Region.objects.filter(code=code).first()
        else:
            if code not in regions:
                regions[code] = Region.objects.filter(code=code).first()
            region = regions[code]
        if region is None:
            errors.append({"path": "region_code", "message": _("区划代码 %(code)s 不存在") % {"code": code}})
        elif region.level not in ("township", "village"):
            errors.append({"path": "region_code", "message": _("家庭应登记到乡镇或村（社区）")})
    if errors:
        raise ServiceError(ErrorCode.VALIDATION, _("家庭信息有误，请按提示修改"), errors)
    assert region is not None
    if not (region.code in permitted if permitted is not None else _may_write(actor, region)):
        raise ServiceError(ErrorCode.FORBIDDEN, _("您无权在该区划登记或修改家庭"),
                           [{"path": "region_code", "message": _("不在您的管辖范围内")}])
    if not registry_checks:
        return region
    if existing is None and numbered and \
            Household.objects.filter(household_id=data["household_id"]).exists():
        raise ServiceError(ErrorCode.DUPLICATE_HOUSEHOLD, _("家庭编号已存在"),
                           [{"path": "household_id", "message": _("家庭编号已被使用")}])
    _check_duplicate_members(members, exclude=existing)
    return region


def household_regions_permitted(actor: Any, regions: Iterable[Region | None]) -> set[str]:
    """The codes of ``regions`` in which ``actor`` may register households."""
    return {r.code for r in regions if r is not None and _may_write(actor, r)}


def _may_write(actor: Any, region: Region) -> bool:
    if sees_everything(actor):  # the system itself (demo loader) or a superuser
        return True
    return actor.has_perm("households.add_household", region)


def _check_duplicate_members(members: list[dict], *, exclude: Household | None) -> None:
    numbers = {m["id_number"]: i for i, m in enumerate(members)}
    # By ID number first (an indexed lookup), then the status of those few households:
    # one joined query lets SQLite scan every active household instead.
    owners = list(Member.objects.filter(id_number__in=numbers)
                  .values_list("id_number", "household_id"))
    if exclude is not None:
        owners = [(n, h) for n, h in owners if h != exclude.pk]
    active = set(Household.objects.filter(pk__in={h for _n, h in owners},
                                          status=HouseholdStatus.ACTIVE)
                 .values_list("pk", flat=True)) if owners else set()
    found = sorted({n for n, h in owners if h in active})
    if found:
        raise ServiceError(
            ErrorCode.DUPLICATE_MEMBER,
            _("成员已在另一个在册家庭中登记，不能重复登记"),
            [{"path": f"members[{numbers[n]}].id_number",
              "message": _("该身份证号已在另一个在册家庭中登记")} for n in found],
        )


def grid_check(region: Region, grid_code: str | None) -> Region | None:
    """The grid of ``grid_code`` inside ``region`` (a village or a township), or ``None``
    for no grid; 422 naming ``grid_code`` otherwise."""
    if not grid_code:
        return None
    grid = Region.objects.filter(code=grid_code, level="grid").first()
    if grid is None or not region.contains(grid):
        raise ServiceError(ErrorCode.VALIDATION, _("网格有误"),
                           [{"path": "grid_code", "message": _("网格 %(grid_code)s 不在 %(name)s 内") % {"grid_code": grid_code, "name": region.name}}])
    return grid


def location_path(region: Region, grid: Region | None) -> str:
    """The household's region path: its grid's when it has one (inside its village)."""
    return grid.path if grid is not None else region.path


def household_number(region: Region) -> str:
    """The next household number of ``region`` (the township or village it is registered
    in): H + the region code + a serial of at least four digits from the region's counter
    (H9901020010010001); a number some household was given explicitly is skipped. Call it
    in the transaction that saves the household."""
    while True:
        number = f"H{region.code}{counter_next(f'households:{region.code}'):04d}"
        # all_objects: a number staged by an unfinished import is taken too
        if not Household.all_objects.filter(household_id=number).exists():
            return number


@transaction.atomic
def household_register(*, actor: Any, data: dict[str, Any], reason: str = "",
                       grid_code: str | None = None) -> Household:
    """Register a new household from a household dict; all or nothing. ``grid_code``
    places it in a grid of its village (its grid worker then sees it)."""
    region = household_validate(actor=actor, data=data)
    grid = grid_check(region, grid_code)
    number = data.get("household_id") or household_number(region)
    household = Household(household_id=number, region=region, grid=grid,
                          region_path=location_path(region, grid),
                          created_by=actor if getattr(actor, "pk", None) else None,
                          **household_fields(data))
    _mark(household, actor, reason or "登记")
    try:
        with transaction.atomic():
            household.save()
    except IntegrityError:
        raise ServiceError(ErrorCode.DUPLICATE_HOUSEHOLD, _("家庭编号已存在"),
                           [{"path": "household_id", "message": _("家庭编号已被使用")}]) from None
    _create_children(household, data, actor=actor, reason=reason or "登记")
    audit_record(actor=actor, action="create", obj=household,
                 detail={"household_id": household.household_id, "reason": reason})
    return household


@transaction.atomic
def household_update(*, actor: Any, household: Household, data: dict[str, Any],
                     reason: str = "") -> Household:
    """Replace what is registered for ``household`` with ``data``; all or nothing."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    data = {**data, "household_id": household.household_id}
    region = household_validate(actor=actor, data=data, existing=household)
    if not _may_write(actor, household.region):
        raise ServiceError(ErrorCode.FORBIDDEN, _("您无权修改该家庭"))
    if household.region_id != region.pk:
        household.grid = None  # moved to another village: its grid is not known yet
    was = household.region_path
    household.region = region
    household.region_path = location_path(region, household.grid)
    for name, value in household_fields(data).items():
        setattr(household, name, value)
    _mark(household, actor, reason or "修改")
    household.save()
    if household.region_path != was:
        events.moved(household, actor=actor)
    _write_children(household, data, actor=actor, reason=reason or "修改")
    audit_record(actor=actor, action="update", obj=household,
                 detail={"household_id": household.household_id, "reason": reason})
    return household


@transaction.atomic
def household_set_grid(*, actor: Any, household: Household, grid_code: str | None) -> Household:
    """Place a household in a grid of its village (or in none)."""
    household = Household.objects.select_for_update().select_related("region").get(pk=household.pk)
    if not _may_write(actor, household.region):
        raise ServiceError(ErrorCode.FORBIDDEN, _("您无权修改该家庭"))
    grid = grid_check(household.region, grid_code)
    was = household.region_path
    household.grid = grid
    household.region_path = location_path(household.region, grid)
    _mark(household, actor, "调整网格")
    household.save(update_fields=["grid", "region_path", "updated_at"])
    if household.region_path != was:
        events.moved(household, actor=actor)
    audit_record(actor=actor, action="update", obj=household,
                 detail={"household_id": household.household_id,
                         "grid": grid.code if grid else ""})
    return household


def _mark(instance: Any, actor: Any, reason: str) -> Any:
    """Tell django-simple-history who made this change and why."""
    instance._history_user = actor if getattr(actor, "pk", None) else None
    instance._change_reason = reason
    return instance


def _create_children(household: Household, data: dict[str, Any], *, actor: Any,
                     reason: str) -> None:
    """The rows of a new household, each kind in one insert, with its history."""
    user = actor if getattr(actor, "pk", None) else None
    rows = {
        Member: [Member(household=household, member_id=item["member_id"],
                        **member_fields(item, i)) for i, item in enumerate(data["members"])],
        Supporter: [Supporter(household=household, **supporter_fields(item, i))
                    for i, item in enumerate(data.get("supporters") or [])],
        Vehicle: [Vehicle(household=household, position=i, kind=v["kind"], value=v["value"])
                  for i, v in enumerate((data.get("assets") or {}).get("vehicles") or [])],
    }
    for model, objects in rows.items():
        if objects:
            bulk_create_with_history(objects, model, default_user=user,
                                     default_change_reason=reason)


def _write_children(household: Household, data: dict[str, Any], *, actor: Any,
                    reason: str) -> None:
    """Bring members, supporters and vehicles in line with ``data``, row by row, so that
    each row's history shows what really changed."""
    existing = {m.member_id: m for m in household.members.all()}
    wanted = [m["member_id"] for m in data["members"]]
    for member in existing.values():
        if member.member_id not in wanted:
            _mark(member, actor, reason).delete()
    for position, item in enumerate(data["members"]):
        fields = member_fields(item, position)
        current = existing.get(item["member_id"])
        if current is None:
            current = Member(household=household, member_id=item["member_id"], **fields)
            _mark(current, actor, reason).save()
        elif any(getattr(current, k) != _coerce(current, k, v) for k, v in fields.items()):
            for name, value in fields.items():
                setattr(current, name, value)
            _mark(current, actor, reason).save()
    rows = _Rows(household, actor, reason)
    rows.replace(household.supporters.all(), Supporter,
                 [supporter_fields(s, i) for i, s in enumerate(data.get("supporters") or [])])
    vehicles = (data.get("assets") or {}).get("vehicles") or []
    rows.replace(household.vehicles.all(), Vehicle,
                 [{"position": i, "kind": v["kind"], "value": v["value"]}
                  for i, v in enumerate(vehicles)])


def _coerce(instance: Any, name: str, value: Any) -> Any:
    field = instance._meta.get_field(name)
    return field.to_python(value)


class _Rows:
    """Rows without an identity of their own (supporters, vehicles), matched by position."""

    def __init__(self, household: Household, actor: Any, reason: str):
        self.household, self.actor, self.reason = household, actor, reason

    def replace(self, current_qs, model, rows: list[dict[str, Any]]) -> None:
        current = list(current_qs)
        for index, fields in enumerate(rows):
            if index < len(current):
                row = current[index]
                if any(getattr(row, k) != _coerce(row, k, v) for k, v in fields.items()):
                    for name, value in fields.items():
                        setattr(row, name, value)
                    _mark(row, self.actor, self.reason).save()
            else:
                _mark(model(household=self.household, **fields), self.actor, self.reason).save()
        for row in current[len(rows):]:
            _mark(row, self.actor, self.reason).delete()


@transaction.atomic
def household_deactivate(*, actor: Any, household: Household, reason: str) -> Household:
    if not reason.strip():
        raise ServiceError(ErrorCode.VALIDATION, _("请填写注销原因"),
                           [{"path": "reason", "message": _("必填项")}])
    household.status = HouseholdStatus.INACTIVE
    _mark(household, actor, reason)
    household.save()
    audit_record(actor=actor, action="update", obj=household,
                 detail={"status": "inactive", "reason": reason})
    return household

"""Maintaining the catalogue (政策清单管理): new dated versions, new items, retirement,
departments and the Excel import. Only the system administrator (系统管理员) and
superusers may; everything else is 403.

An item is never edited in place. Every change is a new version with its own
``valid_from``:

* The date a change takes effect defaults to tomorrow. An item that a case already
  names (an application, an intake record…) can only change **from tomorrow on**: the
  cases taken in today or before were received under the version then in force (its
  materials checklist and time limit decide their due dates), and the county expects a
  policy change to apply to new cases, never to rewrite the ones on the desk.
* An item no case has named yet may be corrected with a version from today or earlier
  (not before its first version): the usual fix of a typo in an item just entered.
* Two versions of one item never share a date; a date after a version already planned
  is fine (each version is in force until the next one begins).
* A retired item is retired by a version marked ``retired``; it cannot be changed or
  retired again from a later date (409).

Every write is audited with who and the revision note (修订说明, required), inside the
same transaction; bad input raises ``ServiceError`` naming the field and changes nothing.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.accounts.choices import Role
from jiuzhu.audit.services import audit_record
from jiuzhu.calendars.limits import LimitsError, longest_step
from jiuzhu.core.errors import ErrorCode, ServiceError

from .choices import Level, Program
from .models import Department, Item
from .selectors import item_used

ADMIN_ROLES = frozenset({Role.ADMINISTRATOR})
# The fields a new version may change (code and position stay).
EDITABLE = ("name", "department", "level", "limit", "program", "materials",
            "policy", "conditions", "process", "resident_text",
            "condition_eligible", "condition_possible")
CODE = re.compile(r"^[A-Z][A-Z0-9]{1,15}$")
DEPARTMENT_CODE = re.compile(r"^[A-Z]{2,8}$")
MAX_LIMIT = 365
FIELD_LABELS = {
    "code": "事项编码", "name": "事项名称", "department": "部门", "level": "办理层级",
    "limit": "办理时限", "program": "规则程序", "materials": "申请材料", "policy": "政策依据",
    "conditions": "申请条件", "process": "办理流程", "resident_text": "给居民的说明",
    "valid_from": "生效日期",
    "note": "修订说明",
    "condition_eligible": "符合条件（表达式）", "condition_possible": "可能符合条件（表达式）",
}


def may_administer(user: Any) -> bool:
    """The ``catalogue.administer`` predicate (rules.py), as the pages ask it."""
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and user.has_perm("catalogue.administer"))


def _require_admin(actor: Any) -> None:
    if not may_administer(actor):
        raise ServiceError(ErrorCode.FORBIDDEN, _("只有系统管理员可以维护政策清单"))


def _invalid(errors: list[dict[str, str]]) -> ServiceError:
    message = "；".join(e["message"] for e in errors[:3])
    return ServiceError(ErrorCode.VALIDATION, message or _("输入有误"), errors)


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def materials_list(value: Any) -> list[str]:
    """Materials from a list or a text with one per line (also split at ；), in order,
    without blanks or repeats."""
    if value is None:
        return []
    parts = (re.split(r"[\r\n；;]+", value) if isinstance(value, str)
             else [str(v) for v in value])
    out: list[str] = []
    for part in parts:
        part = part.strip().lstrip("-•·").strip()
        if part and part not in out:
            out.append(part)
    return out


def _whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value or "").strip()
    return int(text) if re.fullmatch(r"-?\d+", text) else None


def _clean_fields(data: dict[str, Any], errors: list[dict[str, str]],
                  departments: dict[str, Department]) -> dict[str, Any]:
    """Check and normalise the editable fields present in ``data``."""
    clean: dict[str, Any] = {}
    if "name" in data:
        name = str(data["name"] or "").strip()
        if not name:
            errors.append({"path": "name", "message": _("请填写事项名称")})
        elif len(name) > 100:
            errors.append({"path": "name", "message": _("事项名称不能超过 100 个字")})
        clean["name"] = name
    if "department" in data:
        value = data["department"]
        code = value.code if isinstance(value, Department) else str(value or "").strip().upper()
        if code not in departments:
            errors.append({"path": "department", "message": _("未知的部门：%(code)s") % {"code": code or _("（空）")}})
        else:
            clean["department"] = departments[code]
    if "level" in data:
        level = str(data["level"] or "").strip()
        if level not in Level.values:
            errors.append({"path": "level",
                           "message": _("办理层级应为 %(values)s 之一") % {"values": '、'.join(Level.values)}})
        clean["level"] = level
    if "limit" in data:
        limit = _whole_number(data["limit"])
        if limit is None:
            errors.append({"path": "limit", "message": _("办理时限应为整数个工作日")})
        elif not 1 <= limit <= MAX_LIMIT:
            errors.append({"path": "limit",
                           "message": _("办理时限应在 1 至 %(MAX_LIMIT)s 个工作日之间") % {"MAX_LIMIT": MAX_LIMIT}})
        else:
            clean["limit"] = limit
    if "program" in data:
        program = str(data["program"] or "").strip()
        if program and program not in Program.values:
            errors.append({"path": "program",
                           "message": _("规则程序应为空或 %(values)s 之一") % {"values": '、'.join(Program.values)}})
        clean["program"] = program
    if "materials" in data:
        materials = materials_list(data["materials"])
        too_long = [m for m in materials if len(m) > 60]
        if too_long:
            errors.append({"path": "materials",
                           "message": _("每项材料不超过 60 个字：%(material)s…") % {"material": too_long[0][:20]}})
        clean["materials"] = materials
    for field in ("policy", "conditions", "process", "resident_text"):
        if field in data:
            clean[field] = str(data[field] or "").strip()
    for field in ("condition_eligible", "condition_possible"):
        if field in data:
            clean[field] = _clean_condition(field, data[field], errors)
    return clean


def _clean_condition(field: str, value: Any, errors: list[dict[str, str]]) -> str:
    """A condition of the 大处方 (jiuzhu/rules/conditions.py), parsed and checked; the error
    names the field and the character where it goes wrong."""
    from jiuzhu.rules.conditions import ConditionError, check

    text = " ".join(str(value or "").split())
    try:
        check(text)
    except ConditionError as error:
        errors.append({"path": field, "message": _(
            "%(label)s第 %(position)s 个字符有误：%(message)s") % {
            "label": _(FIELD_LABELS[field]), "position": error.position,
            "message": error.message}})
    return text


def _limit_covers_steps(code: str, program: str, limit: Any,
                        errors: list[dict[str, str]]) -> None:
    """An item that runs the paperless procedure (a rules programme; not dibao, whose total is
    the county's) may not have a total (办理时限) shorter than one of its steps in any county:
    no step's deadline may run past the item's own (#11: MZ05's 8-day investigation)."""
    if not program or program == Program.DIBAO or not isinstance(limit, int):
        return
    try:
        longest = longest_step(code)
    except LimitsError:
        return
    if longest is None or limit >= longest[1].days:
        return
    county, step = longest
    from jiuzhu.regions.models import Region

    name = Region.objects.filter(code=county).values_list("name", flat=True).first() or county
    errors.append({"path": "limit", "message": _(
        "办理时限不能短于本事项“%(step)s”环节的时限（%(county)s %(days)s 天）；"
        "请先缩短该环节时限，或填写不少于 %(days)s 个工作日") % {
        "step": step.description.split("：")[0], "county": name, "days": step.days}})


def _clean_note(note: Any, errors: list[dict[str, str]]) -> str:
    note = str(note or "").strip()
    if not note:
        errors.append({"path": "note", "message": _("请填写修订说明")})
    elif len(note) > 200:
        errors.append({"path": "note", "message": _("修订说明不能超过 200 个字")})
    return note


def _check_date(code: str, valid_from: Any, errors: list[dict[str, str]], today: date,
                *, first: date | None) -> date | None:
    """The rules of the module docstring for a new version of ``code`` from ``valid_from``."""
    if not isinstance(valid_from, date):
        errors.append({"path": "valid_from", "message": _("请填写生效日期（YYYY-MM-DD）")})
        return None
    if Item.objects.filter(code=code, valid_from=valid_from).exists():
        errors.append({"path": "valid_from",
                       "message": _("事项 %(code)s 已有 %(valid_from)s 生效的版本，请另选日期") % {"code": code, "valid_from": valid_from.isoformat()}})
        return None
    if first is not None and valid_from < first:
        errors.append({"path": "valid_from",
                       "message": _("生效日期不能早于事项的首个版本（%(first)s）") % {"first": first.isoformat()}})
        return None
    if valid_from <= today and item_used(code):
        tomorrow = today + timedelta(days=1)
        errors.append({"path": "valid_from", "message":
                       _("事项 %(code)s 已有办理记录，新版本最早从明天（%(tomorrow)s）起生效，不能改变已受理案件所依据的版本") % {"code": code, "tomorrow": tomorrow.isoformat()}})
    return valid_from


def _base_version(code: str, on: date) -> Item | None:
    return (Item.objects.filter(code=code, valid_from__lte=on).select_related("department")
            .order_by("-valid_from").first())


def _first_date(code: str) -> date | None:
    return (Item.objects.filter(code=code).order_by("valid_from")
            .values_list("valid_from", flat=True).first())


def _value(item: Item, field: str) -> Any:
    value = getattr(item, field)
    return value.code if isinstance(value, Department) else value


def _copy(base: Item, **changes: Any) -> Item:
    item = Item(code=base.code, valid_from=base.valid_from, name=base.name,
                department=base.department, level=base.level, limit=base.limit,
                program=base.program, materials=list(base.materials), policy=base.policy,
                conditions=base.conditions, process=base.process,
                resident_text=base.resident_text, position=base.position,
                retired=base.retired, condition_eligible=base.condition_eligible,
                condition_possible=base.condition_possible)
    for field, value in changes.items():
        setattr(item, field, value)
    return item


def _audit(actor: Any, action: str, obj: Any, detail: dict[str, Any]) -> None:
    audit_record(actor=actor, action=action, obj=obj, detail=detail,
                 region_path=getattr(actor, "region_path", "") or "")


def _departments() -> dict[str, Department]:
    return {d.code: d for d in Department.objects.all()}


def _known_item(code: str) -> None:
    if not Item.objects.filter(code=code).exists():
        raise ServiceError(ErrorCode.NOT_FOUND, _("事项 %(code)s 不存在") % {"code": code},
                           [{"path": "code", "message": _("未知的事项：%(code)s") % {"code": code}}])


def _revise(*, actor: Any, code: str, valid_from: Any, note: Any, changes: dict[str, Any],
            today: date, departments: dict[str, Department]) -> Item | None:
    """Check and write one new version; raises ServiceError. None when nothing changes."""
    errors: list[dict[str, str]] = []
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        errors += [{"path": f, "message": _("字段 %(f)s 不能修订") % {"f": f}} for f in sorted(unknown)]
    clean = _clean_fields(changes, errors, departments)
    note = _clean_note(note, errors)
    first = _first_date(code)
    day = _check_date(code, valid_from, errors, today, first=first)
    if errors or day is None:  # no day comes with an error
        raise _invalid(errors)
    base = _base_version(code, day)
    if base is None:  # pragma: no cover - excluded by the first-version check
        raise _invalid([{"path": "valid_from", "message": _("该日期事项尚未设立")}])
    if base.retired:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED,
                           _("事项 %(code)s 自 %(valid_from)s 起已停用，不能再修订") % {"code": code, "valid_from": base.valid_from.isoformat()})
    diff = {f: [_value(base, f), (v.code if isinstance(v, Department) else v)]
            for f, v in clean.items() if _value(base, f) != (v.code if isinstance(v, Department) else v)}
    if not diff:
        return None
    item = _copy(base, valid_from=day, **clean)
    if "limit" in clean or "program" in clean:
        steps: list[dict[str, str]] = []
        _limit_covers_steps(code, item.program, item.limit, steps)
        if steps:
            raise _invalid(steps)
    item.created_by = actor if getattr(actor, "pk", None) else None
    item.note = note
    item.save()
    _audit(actor, "update", item, {"code": code, "valid_from": day.isoformat(), "note": note,
                                   "changes": diff, "previous_version": base.valid_from.isoformat()})
    return item


@transaction.atomic
def item_revise(*, actor: Any, code: str, valid_from: Any, note: str,
                today: date | None = None, **changes: Any) -> Item:
    """A new version of ``code`` from ``valid_from`` with ``changes`` (fields of EDITABLE)
    over the version in force that day."""
    _require_admin(actor)
    _known_item(code)
    item = _revise(actor=actor, code=code, valid_from=valid_from, note=note, changes=changes,
                   today=_today(today), departments=_departments())
    if item is None:
        raise ServiceError(ErrorCode.VALIDATION, _("修订内容与该日现行版本相同，没有需要保存的修改"),
                           [{"path": "changes", "message": _("没有修改任何内容")}])
    return item


@transaction.atomic
def item_create(*, actor: Any, code: str, name: str, department: Any, level: str, limit: Any,
                program: str = "", materials: Any = (), policy: str = "",
                conditions: str = "", process: str = "", resident_text: str = "",
                condition_eligible: str = "", condition_possible: str = "",
                valid_from: Any = None,
                note: str, today: date | None = None) -> Item:
    """A new item (新增事项); ``valid_from`` defaults to tomorrow and is never in the past."""
    _require_admin(actor)
    day0 = _today(today)
    return _create(actor=actor, code=code, valid_from=valid_from or day0 + timedelta(days=1),
                   note=note, today=day0, departments=_departments(),
                   data={"name": name, "department": department, "level": level,
                         "limit": limit, "program": program, "materials": materials,
                         "policy": policy, "conditions": conditions, "process": process,
                         "resident_text": resident_text,
                         "condition_eligible": condition_eligible,
                         "condition_possible": condition_possible})


def _create(*, actor: Any, code: Any, valid_from: Any, note: Any, data: dict[str, Any],
            today: date, departments: dict[str, Department]) -> Item:
    errors: list[dict[str, str]] = []
    code = str(code or "").strip().upper()
    if not CODE.match(code):
        errors.append({"path": "code", "message": _("事项编码为 2–16 位大写字母和数字，以字母开头（如 MZ12）")})
    elif Item.objects.filter(code=code).exists():
        errors.append({"path": "code", "message": _("事项编码 %(code)s 已存在") % {"code": code}})
    clean = _clean_fields(data, errors, departments)
    for field in ("name", "department", "level", "limit"):
        if field not in data:
            errors.append({"path": field, "message": _("请填写%(label)s") % {"label": _(FIELD_LABELS[field])}})
    if CODE.match(code):
        _limit_covers_steps(code, clean.get("program", ""), clean.get("limit"), errors)
    note = _clean_note(note, errors)
    if not isinstance(valid_from, date):
        errors.append({"path": "valid_from", "message": _("请填写生效日期（YYYY-MM-DD）")})
    elif valid_from < today:
        errors.append({"path": "valid_from", "message": _("新增事项的生效日期不能早于今天")})
    if errors:
        raise _invalid(errors)
    position = (Item.objects.aggregate(m=Max("position"))["m"] or 0) + 1
    item = Item(code=code, valid_from=valid_from, position=position, note=note,
                created_by=actor if getattr(actor, "pk", None) else None, **clean)
    item.save()
    _audit(actor, "create", item, {"code": code, "valid_from": valid_from.isoformat(),
                                   "note": note})
    return item


@transaction.atomic
def item_retire(*, actor: Any, code: str, valid_from: Any, note: str,
                today: date | None = None) -> Item:
    """Retire ``code`` from ``valid_from`` (a version marked retired)."""
    _require_admin(actor)
    _known_item(code)
    errors: list[dict[str, str]] = []
    note = _clean_note(note, errors)
    day = _check_date(code, valid_from, errors, _today(today), first=_first_date(code))
    if errors or day is None:  # no day comes with an error
        raise _invalid(errors)
    base = _base_version(code, day)
    if base is None or base.retired:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("事项 %(code)s 在该日已停用") % {"code": code})
    item = _copy(base, valid_from=day, retired=True)
    item.created_by = actor if getattr(actor, "pk", None) else None
    item.note = note
    item.save()
    _audit(actor, "update", item, {"code": code, "valid_from": day.isoformat(), "note": note,
                                   "retired": True})
    return item


@transaction.atomic
def department_create(*, actor: Any, code: str, name: str, note: str) -> Department:
    _require_admin(actor)
    errors: list[dict[str, str]] = []
    code = str(code or "").strip().upper()
    name = str(name or "").strip()
    if not DEPARTMENT_CODE.match(code):
        errors.append({"path": "code", "message": _("部门代码为 2–8 位大写字母（如 YB）")})
    elif Department.objects.filter(code=code).exists():
        errors.append({"path": "code", "message": _("部门代码 %(code)s 已存在") % {"code": code}})
    _check_department_name(name, errors, exclude=None)
    note = _clean_note(note, errors)
    if errors:
        raise _invalid(errors)
    department = Department.objects.create(code=code, name=name)
    _audit(actor, "create", department, {"code": code, "name": name, "note": note})
    return department


def _check_department_name(name: str, errors: list[dict[str, str]], exclude: int | None) -> None:
    if not name:
        errors.append({"path": "name", "message": _("请填写部门名称")})
    elif len(name) > 64:
        errors.append({"path": "name", "message": _("部门名称不能超过 64 个字")})
    # pk=None is a valid lookup (IS NULL: excludes nothing); django-stubs rejects None.
    elif Department.objects.filter(name=name).exclude(pk=exclude).exists():  # type: ignore[misc]
        errors.append({"path": "name", "message": _("已有名为“%(name)s”的部门") % {"name": name}})


@transaction.atomic
def department_rename(*, actor: Any, code: str, name: str, note: str) -> Department:
    """Rename a department (its code, which items and officers refer to, stays)."""
    _require_admin(actor)
    department = Department.objects.select_for_update().filter(code=code).first()
    if department is None:
        raise ServiceError(ErrorCode.NOT_FOUND, _("部门 %(code)s 不存在") % {"code": code},
                           [{"path": "code", "message": _("未知的部门：%(code)s") % {"code": code}}])
    errors: list[dict[str, str]] = []
    name = str(name or "").strip()
    _check_department_name(name, errors, exclude=department.pk)
    note = _clean_note(note, errors)
    if errors:
        raise _invalid(errors)
    old = department.name
    department.name = name
    department.save(update_fields=["name"])
    _audit(actor, "update", department, {"code": code, "changes": {"name": [old, name]},
                                         "note": note})
    return department


@transaction.atomic
def catalogue_import(*, actor: Any, content: bytes, valid_from: Any, note: str,
                     today: date | None = None) -> dict[str, list[str]]:
    """A new version of many items from an Excel workbook (the layout of the export).

    All or nothing: every row is checked, and any error (named ``rows[N].field`` with the
    sheet's row number and column) refuses the whole file. A known code gets a new
    version from ``valid_from`` when a column differs; an unknown code is a new item; a
    row equal to the version in force is left alone; items absent from the sheet stay.
    Returns the codes ``created``, ``revised`` and ``unchanged``.
    """
    from .excel import COLUMNS, read_workbook

    _require_admin(actor)
    day0 = _today(today)
    errors: list[dict[str, str]] = []
    note = _clean_note(note, errors)
    if not isinstance(valid_from, date):
        errors.append({"path": "valid_from", "message": _("请填写生效日期（YYYY-MM-DD）")})
    if errors:
        raise _invalid(errors)
    rows = read_workbook(content)  # raises ServiceError naming "file"
    result: dict[str, list[str]] = {"created": [], "revised": [], "unchanged": []}
    seen: dict[str, int] = {}
    departments = _departments()
    headers = {field: header for header, field in COLUMNS.items()}
    for number, row in rows:
        code = str(row.get("code") or "").strip().upper()
        if code in seen:
            errors.append({"path": f"rows[{number}].code",
                           "message": _("第 %(number)s 行：事项编码 %(code)s 与第 %(first)s 行重复")
                           % {"number": number, "code": code, "first": seen[code]}})
            continue
        seen[code] = number
        data = {k: v for k, v in row.items() if k in EDITABLE}
        try:
            with transaction.atomic():
                if code and Item.objects.filter(code=code).exists():
                    item = _revise(actor=actor, code=code, valid_from=valid_from, note=note,
                                   changes=data, today=day0, departments=departments)
                    result["revised" if item else "unchanged"].append(code)
                else:
                    _create(actor=actor, code=code, valid_from=valid_from, note=note,
                            data=data, today=day0, departments=departments)
                    result["created"].append(code)
        except ServiceError as error:
            for e in error.errors or [{"path": "", "message": error.message}]:
                field = e.get("path") or ""
                column = headers.get(field, field)
                errors.append({"path": f"rows[{number}].{field}",
                               "message": _("第 %(number)s 行「%(column)s」：%(message)s") % {"number": number, "column": column, "message": e['message']}})
    if not rows:
        errors.append({"path": "file", "message": _("文件中没有事项")})
    if errors:
        raise ServiceError(ErrorCode.VALIDATION,
                           _("导入未执行：共 %(count)s 处错误，请改正后重新导入") % {"count": len(errors)}, errors)
    _audit(actor, "import", None, {"valid_from": valid_from.isoformat(), "note": note,
                                   **{k: v for k, v in result.items()}})
    return result

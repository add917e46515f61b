"""Validation of a household (家庭信息校验) against ``household.schema.json`` and 10-rules.md.

The schema is implemented here by hand (required fields, no unknown fields, types, enums,
patterns, minimums, dates, minItems), plus what a schema cannot say: the GB 11643 check
character of an ID number, the birth date agreeing with the ID number, money with at
most two decimals, unique member ids, ``supports`` naming members of this household once,
and parameters existing for the county and date. Every error is reported, each with the
path of its field (``members[0].id_number``) and a message in Simplified Chinese.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from . import vocabulary as v
from .money import MAX_AMOUNT, NotANumber, decimal_places, to_decimal
from .parameters import ParameterError, county_of, parameters_for


@dataclass(frozen=True)
class FieldError:
    """One thing wrong with a household: the field's path and what is wrong (in Chinese)."""

    path: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


# --- ID numbers (GB 11643-1999 公民身份号码) ---------------------------------------------

_ID_PATTERN = re.compile(r"^[0-9]{17}[0-9X]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_character(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits (upper-case X for 10)."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def birth_date_from_id(id_number: str) -> date | None:
    """The birth date in digits 7–14 of an 18-digit ID number, or None if not a real date."""
    if not isinstance(id_number, str) or len(id_number) < 14 or not id_number[6:14].isdigit():
        return None
    digits = id_number[6:14]
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def id_number_valid(id_number: Any) -> bool:
    """True for an 18-character ID number with a valid check character and birth date."""
    return (
        isinstance(id_number, str)
        and _ID_PATTERN.match(id_number) is not None
        and id_check_character(id_number[:17]) == id_number[17]
        and birth_date_from_id(id_number) is not None
    )


# --- A small hand-written schema -------------------------------------------------------

Errors = list[FieldError]
Check = Callable[[Any, str, Errors], None]

_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_REGION_CODE = re.compile(r"^[0-9]{6}([0-9]{3}([0-9]{3})?)?$")
_PHONE = re.compile(r"^[0-9+\- ]{5,20}$")


def _show(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(value)
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return repr(value)


def parse_date(value: Any) -> date | None:
    """A ``YYYY-MM-DD`` string (or a ``date``) as a date; None if it is not one."""
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str) and _DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def string(
    min_length: int = 0, pattern: re.Pattern[str] | None = None, pattern_message: str = ""
) -> Check:
    def check(value: Any, path: str, errors: Errors) -> None:
        if not isinstance(value, str):
            errors.append(FieldError(path, "应为字符串"))
        elif len(value) < min_length:
            errors.append(FieldError(path, "不能为空"))
        elif pattern is not None and not pattern.match(value):
            errors.append(FieldError(path, pattern_message or "格式不正确"))

    return check


def one_of(choices: tuple[Any, ...]) -> Check:
    allowed = "、".join("null" if c is None else str(c) for c in choices)

    def check(value: Any, path: str, errors: Errors) -> None:
        if isinstance(value, bool) or not isinstance(value, str | None) or value not in choices:
            errors.append(FieldError(path, f"不是有效的取值：{_show(value)}（可选：{allowed}）"))

    return check


def boolean(value: Any, path: str, errors: Errors) -> None:
    if not isinstance(value, bool):
        errors.append(FieldError(path, "应为布尔值（true 或 false）"))


def iso_date(value: Any, path: str, errors: Errors) -> None:
    if not isinstance(value, str | date):
        errors.append(FieldError(path, "应为日期字符串（YYYY-MM-DD）"))
    elif parse_date(value) is None:
        errors.append(FieldError(path, f"不是有效的日期：{_show(value)}（应为 YYYY-MM-DD）"))


def _number(value: Any, path: str, errors: Errors) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        errors.append(FieldError(path, "应为数字"))
        return None
    try:
        return to_decimal(value)
    except NotANumber:
        errors.append(FieldError(path, "应为有限的数字"))
        return None


def money(value: Any, path: str, errors: Errors) -> None:
    amount = _number(value, path, errors)
    if amount is None:
        return
    if amount < 0:
        errors.append(FieldError(path, "金额不能为负数"))
    if decimal_places(amount) > 2:
        errors.append(FieldError(path, "金额最多两位小数"))
    if amount > MAX_AMOUNT:
        errors.append(FieldError(path, f"金额超出允许范围（不超过 {MAX_AMOUNT} 元）"))


def quantity(value: Any, path: str, errors: Errors) -> None:
    """A non-negative number that is not money (area, sheep units, mu)."""
    amount = _number(value, path, errors)
    if amount is None:
        return
    if amount < 0:
        errors.append(FieldError(path, "不能为负数"))
    elif amount > MAX_AMOUNT:
        errors.append(FieldError(path, f"数值超出允许范围（不超过 {MAX_AMOUNT}）"))


def count(value: Any, path: str, errors: Errors) -> None:
    """A non-negative integer (``2.0`` is an integer, as in JSON Schema)."""
    amount = None
    if not isinstance(value, bool) and isinstance(value, int | float | Decimal):
        try:
            amount = to_decimal(value)
        except NotANumber:
            amount = None
    if amount is None or amount != amount.to_integral_value():
        errors.append(FieldError(path, "应为整数"))
    elif amount < 0:
        errors.append(FieldError(path, "不能为负数"))
    elif amount > MAX_AMOUNT:
        errors.append(FieldError(path, f"数值超出允许范围（不超过 {MAX_AMOUNT}）"))


def obj(fields: Mapping[str, Check], required: tuple[str, ...] = ()) -> Check:
    def check(value: Any, path: str, errors: Errors) -> None:
        if not isinstance(value, dict):
            errors.append(FieldError(path, "应为对象"))
            return
        prefix = f"{path}." if path else ""
        for name in required:
            if name not in value:
                errors.append(FieldError(prefix + name, "必填项"))
        for name, item in value.items():
            rule = fields.get(name)
            if rule is None:
                errors.append(FieldError(prefix + str(name), "不允许的字段"))
            else:
                rule(item, prefix + name, errors)

    return check


def array(item: Check, min_items: int = 0) -> Check:
    def check(value: Any, path: str, errors: Errors) -> None:
        if not isinstance(value, list):
            errors.append(FieldError(path, "应为数组"))
            return
        if len(value) < min_items:
            errors.append(FieldError(path, f"至少需要 {min_items} 项"))
        for index, element in enumerate(value):
            item(element, f"{path}[{index}]", errors)

    return check


MEMBER = obj(
    {
        "member_id": string(min_length=1),
        "name": string(min_length=1),
        "id_number": string(
            pattern=_ID_PATTERN, pattern_message="身份证号应为 18 位：17 位数字加 1 位数字或大写 X"
        ),
        "relation": one_of(v.RELATIONS),
        "birth_date": iso_date,
        "health": one_of(v.HEALTH),
        "occupation": one_of(v.OCCUPATIONS),
        "in_school": boolean,
        "school_level": one_of(v.SCHOOL_LEVELS),
        "public_servant": boolean,
        "refused_job_offers": count,
        "orphan_or_unsupported": boolean,
        "income": obj({kind: money for kind in v.INCOME_KINDS}),
        "care_level": one_of(v.CARE_LEVELS),
    },
    required=("member_id", "name", "id_number", "relation", "birth_date", "health", "occupation"),
)

SUPPORTER = obj(
    {
        "name": string(),
        "relation": one_of(v.SUPPORTER_RELATIONS),
        "annual_income": money,
        "supports": array(string(), min_items=1),
        "exempt": one_of(v.EXEMPT_REASONS),
        "large_assets": boolean,
    },
    required=("name", "annual_income", "supports"),
)

VEHICLE = obj({"kind": one_of(v.VEHICLE_KINDS), "value": money}, required=("kind", "value"))

HOUSEHOLD = obj(
    {
        "household_id": string(min_length=1),
        "region_code": string(
            pattern=_REGION_CODE, pattern_message="区划代码应为 6、9 或 12 位数字（县、乡镇、村居）"
        ),
        "area_type": one_of(v.AREA_TYPES),
        "assessment_date": iso_date,
        "address": string(),
        "phone": string(pattern=_PHONE, pattern_message="联系电话应为 5–20 位数字、+、- 或空格"),
        "members": array(MEMBER, min_items=1),
        "supporters": array(SUPPORTER),
        "expenditures": obj({kind: money for kind in v.EXPENDITURE_KINDS}),
        "assets": obj(
            {
                "vehicles": array(VEHICLE),
                "homes_owned": count,
                "housing_area_m2": quantity,
                "dilapidated_housing": boolean,
                "financial_assets": money,
                "business_registration": boolean,
                "large_machinery_value": money,
                "livestock_sheep_units": quantity,
                "contracted_land_mu": quantity,
                "commercial_insurance_premium_annual": money,
                "debts": money,
            }
        ),
        "flags": obj({name: boolean for name in v.FLAG_NAMES}),
    },
    required=("household_id", "region_code", "area_type", "assessment_date", "members"),
)


# --- Rules the schema cannot express ----------------------------------------------------


def _check_members(members: list[Any], errors: Errors) -> set[str]:
    """ID check characters, birth dates against ID numbers, unique member ids."""
    seen: set[str] = set()
    for index, member in enumerate(members):
        if not isinstance(member, dict):
            continue
        path = f"members[{index}]"
        number = member.get("id_number")
        if isinstance(number, str) and _ID_PATTERN.match(number):
            if id_check_character(number[:17]) != number[17]:
                errors.append(FieldError(f"{path}.id_number", "身份证号校验位错误"))
            born_by_id = birth_date_from_id(number)
            if born_by_id is None:
                errors.append(FieldError(f"{path}.id_number", "身份证号中的出生日期无效"))
            else:
                born = parse_date(member.get("birth_date"))
                if born is not None and born != born_by_id:
                    errors.append(FieldError(f"{path}.birth_date", "出生日期与身份证号不一致"))
        member_id = member.get("member_id")
        if isinstance(member_id, str) and member_id:
            if member_id in seen:
                errors.append(FieldError(f"{path}.member_id", "成员编号重复"))
            seen.add(member_id)
    return seen


def _check_supports(supporters: list[Any], member_ids: set[str], errors: Errors) -> None:
    """Each supported id is a member of this household, listed once per supporter."""
    for index, supporter in enumerate(supporters):
        if not isinstance(supporter, dict) or not isinstance(supporter.get("supports"), list):
            continue
        listed: set[str] = set()
        for position, member_id in enumerate(supporter["supports"]):
            if not isinstance(member_id, str):
                continue
            path = f"supporters[{index}].supports[{position}]"
            if member_id not in member_ids:
                errors.append(FieldError(path, f"不是本户成员：{_show(member_id)}"))
            elif member_id in listed:
                errors.append(FieldError(path, f"同一成员重复列出：{_show(member_id)}"))
            listed.add(member_id)


#: Bound on a household's income plus its supporters' incomes × the members they support,
#: so that the engine's exact int64 arithmetic cannot overflow (README, "Exactness").
MAX_HOUSEHOLD_INCOME = MAX_AMOUNT * 100


def _amount(value: Any) -> Decimal:
    try:
        return to_decimal(value) if not isinstance(value, str) else Decimal(0)
    except NotANumber:
        return Decimal(0)


def _check_totals(data: dict[str, Any], errors: Errors) -> None:
    total = Decimal(0)
    for member in data.get("members") or []:
        income = member.get("income") if isinstance(member, dict) else None
        if isinstance(income, dict):
            total += sum((_amount(v) for v in income.values()), Decimal(0))
    for supporter in data.get("supporters") or []:
        if isinstance(supporter, dict) and isinstance(supporter.get("supports"), list):
            total += _amount(supporter.get("annual_income", 0)) * len(supporter["supports"])
    if total > MAX_HOUSEHOLD_INCOME:
        errors.append(
            FieldError("members", f"家庭收入合计超出允许范围（不超过 {MAX_HOUSEHOLD_INCOME} 元）")
        )


def _check_parameters(data: dict[str, Any], errors: Errors) -> None:
    """Parameters exist for the county and the assessment date."""
    if any(e.path in ("region_code", "assessment_date") for e in errors):
        return
    region_code, when = data.get("region_code"), parse_date(data.get("assessment_date"))
    if not isinstance(region_code, str) or when is None:
        return
    try:
        parameters_for(county_of(region_code), when)
    except ParameterError as error:
        errors.append(FieldError(error.path, error.message))


def validate_household(data: Any) -> list[FieldError]:
    """Every error of one household; an empty list means it is valid."""
    errors: Errors = []
    HOUSEHOLD(data, "", errors)
    if not isinstance(data, dict):
        return errors
    members = data.get("members")
    member_ids = _check_members(members, errors) if isinstance(members, list) else set()
    supporters = data.get("supporters")
    if isinstance(supporters, list) and isinstance(members, list):
        _check_supports(supporters, member_ids, errors)
    if not errors:
        _check_totals(data, errors)
    _check_parameters(data, errors)
    return errors

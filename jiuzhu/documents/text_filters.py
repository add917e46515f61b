"""Filters available in every document template (文书模板过滤器).

Registered as builtins of the documents' own template engine (``content.py``), so a
template file writes ``{{ today|cn_date }}`` without ``{% load %}``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django import template
from django.utils import translation

from jiuzhu.households.choices import Health, Occupation, Relation

register = template.Library()

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?:[T ](\d{1,2}):(\d{2}))?")
CN_DIGITS = "零一二三四五六七八九"
OTHER_LABELS = {
    "urban": "城市", "rural": "农村",
    "window": "窗口申请", "online": "网上申请", "proxy": "委托代办",
    "pass": "通过", "fail": "未通过",
    "approve": "建议批准", "refuse": "建议不予批准",
    "increase": "增发", "decrease": "减发",
    "investigation": "重新调查核实", "appraisal": "重新民主评议",
}


@cache
def labels() -> dict[str, str]:
    """Codes of the household registry with their Chinese names. A legal document is in
    Chinese whatever language the user's pages are in, hence the override."""
    with translation.override("zh-hans"):
        choices = {str(c.value): str(c.label) for kind in (Relation, Health, Occupation)
                   for c in kind}
    return {**choices, **OTHER_LABELS}


def _parts(value: Any) -> tuple[int, int, int | None, int | None, int | None] | None:
    if isinstance(value, datetime):
        return value.year, value.month, value.day, value.hour, value.minute
    if isinstance(value, date):
        return value.year, value.month, value.day, None, None
    match = _ISO_DATE.match(str(value).strip())
    if not match:
        return None
    year, month, day, hour, minute = match.groups()
    return (int(year), int(month), int(day) if day else None,
            int(hour) if hour else None, int(minute) if minute else None)


@register.filter
def cn_date(value: Any) -> str:
    """2026-03-05 → 2026年3月5日 (anything else unchanged)."""
    parts = _parts(value)
    if parts is None:
        return str(value)
    year, month, day, _, _ = parts
    return f"{year}年{month}月{day}日" if day else f"{year}年{month}月"


@register.filter
def cn_month(value: Any) -> str:
    """2026-04 or 2026-04-01 → 2026年4月."""
    parts = _parts(value)
    return f"{parts[0]}年{parts[1]}月" if parts else str(value)


@register.filter
def cn_datetime(value: Any) -> str:
    """2026-03-10T09:30 → 2026年3月10日9时30分."""
    parts = _parts(value)
    if parts is None:
        return str(value)
    text = cn_date(value)
    if parts[3] is not None:
        text += f"{parts[3]}时{parts[4]:02d}分" if parts[4] else f"{parts[3]}时"
    return text


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None


@register.filter
def yuan(value: Any) -> str:
    """A sum of money with two decimals: 1234.5 → 1234.50."""
    amount = _decimal(value)
    return f"{amount.quantize(Decimal('0.01')):f}" if amount is not None else str(value)


_UPPER_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UPPER_UNITS = ["", "拾", "佰", "仟"]
_UPPER_SECTIONS = ["", "万", "亿", "万亿"]


def _upper_section(section: int) -> str:
    text, zero = "", False
    for position in range(3, -1, -1):
        digit = section // 10**position % 10
        if digit == 0:
            zero = bool(text)
            continue
        if zero:
            text, zero = text + "零", False
        text += _UPPER_DIGITS[digit] + _UPPER_UNITS[position]
    return text


def _upper_integer(number: int) -> str:
    if number == 0:
        return "零"
    sections: list[int] = []
    while number:
        number, section = divmod(number, 10000)
        sections.append(section)
    text, zero = "", False
    for index in range(len(sections) - 1, -1, -1):
        section = sections[index]
        if section == 0:
            zero = bool(text)
            continue
        if text and (zero or section < 1000):
            text += "零"
        zero = False
        text += _upper_section(section) + _UPPER_SECTIONS[index]
    return text


@register.filter
def rmb_upper(value: Any) -> str:
    """Chinese capital amount (人民币大写): 1234.50 → 壹仟贰佰叁拾肆元伍角."""
    amount = _decimal(value)
    if amount is None:
        return str(value)
    sign = "负" if amount < 0 else ""
    fen = int((abs(amount) * 100).quantize(Decimal("1")))
    yuan_part, cents = divmod(fen, 100)
    jiao, fen_digit = divmod(cents, 10)
    text = _upper_integer(yuan_part) + "元"
    if not jiao and not fen_digit:
        return f"{sign}{text}整"
    if jiao:
        text += _UPPER_DIGITS[jiao] + "角"
    elif yuan_part:
        text += "零"
    if fen_digit:
        text += _UPPER_DIGITS[fen_digit] + "分"
    return sign + (text if yuan_part else text.removeprefix("零元").removeprefix("零"))


@register.filter
def mask_id(value: Any) -> str:
    """An ID number shown in public (公示): the first 6 and last 4 characters only."""
    text = str(value).strip()
    if len(text) < 11:
        return text
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


@register.filter
def label(value: Any) -> str:
    """A code of the household registry in Chinese (head → 户主, rural → 农村)."""
    return labels().get(str(value), str(value))


@register.filter
def cn_number(value: Any) -> str:
    """1 → 一, 12 → 十二 (for numbering items 一、二、…)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return str(value)
    if not 0 < number < 100:
        return str(number)
    tens, units = divmod(number, 10)
    text = (CN_DIGITS[tens] if tens > 1 else "") + ("十" if tens else "")
    return text + (CN_DIGITS[units] if units else "")


@register.filter
def yesno_cn(value: Any) -> str:
    """True → 是, False → 否."""
    return "是" if value else "否"


@register.filter
def names(value: Any, key: str = "name") -> str:
    """The names of a list of people, joined with 、 (a list of strings is joined as is)."""
    if not isinstance(value, list | tuple):
        return str(value)
    items = [str(v.get(key, "")) if isinstance(v, dict) else str(v) for v in value]
    return "、".join(i for i in items if i)


@register.filter
def add_days(value: Any, days: Any) -> Any:
    """A date plus ``days`` calendar days (2026-02-28|add_days:6 → 2026-03-06)."""
    parts = _parts(value)
    if parts is None or parts[2] is None:
        return value
    try:
        return (date(parts[0], parts[1], parts[2]) + timedelta(days=int(days))).isoformat()
    except (TypeError, ValueError):
        return value


@register.filter
def name_of(value: Any) -> str:
    """An item that is either a text or a mapping with a ``name`` (or ``title``)."""
    if isinstance(value, dict):
        return str(value.get("name") or value.get("title") or value.get("label") or "")
    return str(value)


@register.filter
def review_class_name(value: Any) -> str:
    """A review class as printed: B → B类 (a text already naming it stays as it is)."""
    text = str(value).strip()
    return f"{text}类" if text in ("A", "B", "C") else text


@register.filter
def as_text(value: Any) -> str:
    """A list of reasons as one text (items joined with ；); a text stays as it is."""
    if isinstance(value, list | tuple):
        return "；".join(name_of(v) for v in value if v not in (None, ""))
    return str(value)

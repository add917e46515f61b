"""JSON that keeps money exact: decimals in, decimals out."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from .errors import ErrorCode, ServiceError


def loads_exact(raw: bytes | str) -> Any:
    try:
        return json.loads(raw, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ServiceError(ErrorCode.BAD_REQUEST, _("请求内容不是有效的 JSON：%(exc)s") % {"exc": exc}) from None


def plain_number(value: Decimal) -> int | float:
    """A Decimal as a JSON number: integral values as int, the rest as the shortest float."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)

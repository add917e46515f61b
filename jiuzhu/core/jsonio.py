"""JSON that keeps money exact: decimals in, decimals out."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from .errors import ErrorCode, ServiceError


def loads_exact(raw: bytes | str) -> Any:
    """A JSON request body, decimals exact, within the input limits
    (:func:`jiuzhu.core.limits.check_json`: size, depth, control characters, lengths)."""
    from .limits import JSON_MAX_DEPTH, check_json, setting

    try:
        data = json.loads(raw, parse_float=Decimal)
    except RecursionError:
        raise ServiceError(ErrorCode.VALIDATION, _("请求内容嵌套过深"), [{
            "path": "", "message": _("请求内容（JSON）嵌套超过 %(max)s 层") % {
                "max": setting("JSON_MAX_DEPTH", JSON_MAX_DEPTH)}}]) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ServiceError(ErrorCode.BAD_REQUEST, _("请求内容不是有效的 JSON：%(exc)s") % {"exc": exc}) from None
    check_json(data)
    return data


def plain_number(value: Decimal) -> int | float:
    """A Decimal as a JSON number: integral values as int, the rest as the shortest float."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)

"""The 月报 API (full paths under /api/v1): ``GET /reports/monthly?region=CODE&month=YYYY-MM``
exactly as 50-api.md. A region outside the user's is 'not found' (404); a bad month is 422
naming the field."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Router

from jiuzhu.core.api_types import refusals
from jiuzhu.core.errors import ErrorCode, ServiceError, field_error

from . import selectors
from .present import as_json
from .schemas import MonthlyOut

# mounted at "" under /api/v1: give full paths
router = Router(tags=["统计月报"])


def report_for(user: Any, region_code: str, month_text: str) -> dict[str, Any]:
    if not user.has_perm("monthly.view"):
        raise ServiceError(ErrorCode.FORBIDDEN, _("您的岗位不能办理此事项"))
    month = selectors.parse_month(month_text)
    if month is None:
        raise field_error("month", _("月份应为 YYYY-MM，例如 2026-11"))
    region = selectors.region_for(user, region_code)
    if region is None:
        raise ServiceError(ErrorCode.NOT_FOUND, _("区划不存在"))
    return selectors.report(region, month)


@router.get("/reports/monthly", response={200: MonthlyOut, **refusals(403, 404, 422)},
            summary="统计月报 The monthly statistics of a region")
def monthly_report(request, month: str, region: str = ""):
    """The 月报 of `region` (the user's own region or below; default the user's) for
    `month` (YYYY-MM): the programmes `urban_dibao`, `rural_dibao`, `tekun`, `temporary`,
    `low_income` each with `households`, `persons`, `expenditure` (yuan) and more, their
    rows per sub-region, and `one_window` (一门受理) per department. A closed month answers
    its stored figures."""
    return as_json(report_for(request.auth, region, month))

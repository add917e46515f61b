"""Upward reporting over HTTP (mounted at "" under /api/v1: full paths):
``GET /api/v1/reports/recipients?month=YYYY-MM&page=N`` — the month's recipients of the
user's region as the exchange file has them (50-api.md), 50 a page; 403 for a role that
may not see the file, 422 naming ``month`` or ``page``."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Router

from jiuzhu.audit.services import audit_read
from jiuzhu.core.api_types import refusals
from jiuzhu.core.errors import ErrorCode, ServiceError, field_error
from jiuzhu.payments.months import month_parse

from .schemas import RecipientsOut
from .selectors import recipients, records_for

PAGE_SIZE = 50

router = Router(tags=["数据上报 upward"])


@router.get("/reports/recipients", response={200: RecipientsOut, **refusals(403, 422)},
            summary="月度救助对象 Recipients of a month")
def recipient_list(request, month: str = "", page: str = "1"):
    """The recipient cases of `month` (YYYY-MM) in the user's region, in the exchange
    file's order and fields (household number, region code, programme, start month,
    amount, monitoring circle, members with ID number, relation, health, labour capacity);
    `page` from 1, 50 a page; `count` is the whole month's."""
    user = request.auth
    if not user.has_perm("upward.view"):
        raise ServiceError(ErrorCode.FORBIDDEN, _("您的岗位不能查看上报数据"))
    try:
        when = month_parse(month)
        if not 1 <= when.month <= 12:
            raise ValueError(month)
    except ValueError:
        raise field_error("month", _("月份格式应为 YYYY-MM，例如 2026-04")) from None
    if not page.isdigit() or int(page) < 1:
        raise field_error("page", _("页码应为从 1 开始的整数"))
    number = int(page)
    qs = recipients(when, user=user)
    count = qs.count()
    start = (number - 1) * PAGE_SIZE
    cases = list(qs[start:start + PAGE_SIZE])
    audit_read(request, what="recipients", via="api", month=f"{when:%Y-%m}", page=number,
               count=len(cases))
    return {"count": count, "page": number, "page_size": PAGE_SIZE,
            "items": records_for(cases, when)}

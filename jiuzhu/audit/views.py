from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import AuditAction
from .present import event_rows, object_type_choices
from .selectors import audit_event_search

#: The largest export (newest first); narrow the filter for more.
EXPORT_MAX_ROWS = 50_000


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _search(request: HttpRequest):
    params = request.GET
    return audit_event_search(user=request.user, q=params.get("q", "").strip(),
                              action=params.get("action", ""),
                              actor=params.get("actor", "").strip(),
                              object_type=params.get("object_type", ""),
                              object_ref=params.get("object", "").strip(),
                              since=_date(params.get("since", "")),
                              until=_date(params.get("until", "")))


@login_required
@permission_required("audit.view_auditevent", raise_exception=True)
def audit_list(request: HttpRequest) -> HttpResponse:
    """审计日志: who did what to which object, when, from where — in words, searchable."""
    page = Paginator(_search(request), 50).get_page(request.GET.get("page"))
    return render(request, "audit/list.html", {
        "page": page, "rows": event_rows(page.object_list),
        "actions": AuditAction.choices, "object_types": object_type_choices(),
        "params": request.GET, "query": request.GET.urlencode(),
    })


HEADERS = ["时间", "操作人", "岗位", "动作", "对象类型", "对象", "对象编号", "区划",
           "来源地址", "请求路径", "详情"]


@login_required
@permission_required("audit.view_auditevent", raise_exception=True)
def audit_export(request: HttpRequest) -> HttpResponse:
    """The search as Excel (itself audited as an export)."""
    from openpyxl import Workbook

    from .downloads import xlsx_response

    rows = event_rows(_search(request)[:EXPORT_MAX_ROWS])
    book = Workbook(write_only=True)
    sheet: Any = book.create_sheet(_("审计日志"))
    sheet.append([_(h) for h in HEADERS])
    for row in rows:
        event = row.event
        sheet.append([timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"), row.actor, row.role, row.action, row.object_type,
                      row.object, event.object_id, row.region, event.ip or "", event.path,
                      row.detail_text])
    return xlsx_response(request, book, what="audit", rows=len(rows), name="审计日志")

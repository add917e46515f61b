"""Excel downloads: every export of a list is audited (who, what, how many rows, the filter)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(request: HttpRequest, workbook: Any, *, what: str, rows: int, name: str,
                  detail: dict[str, Any] | None = None) -> HttpResponse:
    """``workbook`` (an openpyxl Workbook, or its bytes) as ``<name>-<today>.xlsx``, with an
    audit event ``export`` in the same request."""
    from jiuzhu.audit.services import audit_record

    if isinstance(workbook, bytes | bytearray):
        content = bytes(workbook)
    else:
        buffer = BytesIO()
        workbook.save(buffer)
        content = buffer.getvalue()
    with transaction.atomic():
        audit_record(actor=request.user, action="export",
                     region_path=getattr(request.user, "region_path", ""),
                     detail={"what": what, "rows": rows, "query": request.GET.urlencode(),
                             **(detail or {})})
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-{timezone.localdate():%Y%m%d}.xlsx"')
    return response

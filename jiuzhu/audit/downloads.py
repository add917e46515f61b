"""Audited Excel downloads: every export of a list is audited (who, what, how many rows,
the filter) in the request that answers it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from jiuzhu.core.downloads import xlsx_attachment, xlsx_bytes

from .services import audit_record


def xlsx_response(request: HttpRequest, workbook: Any, *, what: str, rows: int, name: str,
                  detail: dict[str, Any] | None = None) -> HttpResponse:
    """``workbook`` (an openpyxl Workbook, or its bytes) as ``<name>-<today>.xlsx``, with an
    audit event ``export`` in the same request."""
    content = xlsx_bytes(workbook)
    with transaction.atomic():
        audit_record(actor=request.user, action="export",
                     region_path=getattr(request.user, "region_path", ""),
                     detail={"what": what, "rows": rows, "query": request.GET.urlencode(),
                             **(detail or {})})
    return xlsx_attachment(content, name)

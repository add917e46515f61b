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


#: The largest list export (newest first); narrow the filter for more.
LIST_EXPORT_MAX_ROWS = 100_000


def cell(sheet: Any, value: Any) -> Any:
    """A value as Excel should hold it: text is always text (a name ``=HYPERLINK(…)`` stays
    those characters, never a live formula), dates in local time without a zone, ``None``
    blank."""
    from datetime import datetime

    from django.utils import timezone
    from openpyxl.cell import WriteOnlyCell

    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, str) and value.startswith("="):
        text = WriteOnlyCell(sheet, value)
        text.data_type = "s"
        return text
    return value


def list_response(request: HttpRequest, *, what: str, name: str, headers: list[str] | tuple[str, ...],
                  rows: Any, max_rows: int = LIST_EXPORT_MAX_ROWS) -> HttpResponse:
    """A list page's rows as an audited Excel download: ``headers`` (Chinese column names)
    then one row per item of ``rows`` (an iterable of sequences), at most ``max_rows``."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet: Any = workbook.create_sheet(name[:31])
    sheet.append([str(h) for h in headers])
    count = 0
    for row in rows:
        if count >= max_rows:
            break
        sheet.append([cell(sheet, v) for v in row])
        count += 1
    return xlsx_response(request, workbook, what=what, rows=count, name=name)

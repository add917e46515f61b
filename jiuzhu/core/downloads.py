"""Excel downloads as HTTP responses. An export of a list of people is audited: use
:func:`jiuzhu.audit.downloads.xlsx_response`, which records who exported what and then
answers with :func:`xlsx_attachment`."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(workbook: Any) -> bytes:
    """An openpyxl Workbook (or its bytes) as bytes."""
    if isinstance(workbook, bytes | bytearray):
        return bytes(workbook)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_attachment(content: bytes, name: str) -> HttpResponse:
    """``content`` as the download ``<name>-<today>.xlsx``."""
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-{timezone.localdate():%Y%m%d}.xlsx"')
    return response

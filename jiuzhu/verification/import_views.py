"""部门数据导入: the page where the county's verification officer uploads a department's
export file per source, sees it checked (errors by row and column) and its differences
from the file in use, then applies or discards it (``imports.py``)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiuzhu.audit.services import audit_record
from jiuzhu.core.errors import ErrorCode, ServiceError, refuse_page

from .adapters import EXPORT_FORMATS, SOURCE_INFO, export_file
from .adapters.files import ID_HEADER
from .forms import SourceImportForm
from .imports import source_import_apply, source_import_discard, source_import_preview
from .models import SourceImport


def _may_import(request: HttpRequest) -> None:
    if not request.user.has_perm("verification.import_source"):
        raise PermissionDenied


def _formats() -> list[dict[str, Any]]:
    """Each source with its columns and the file in use (the page's reference table)."""
    rows = []
    for code, info in SOURCE_INFO.items():
        fmt = EXPORT_FORMATS[code]
        path = export_file(code)
        rows.append({"code": code, "name": info.name, "department": info.department,
                     "required": (ID_HEADER, *fmt.required), "optional": fmt.optional,
                     "file": path.name if path else ""})
    return rows


def _import_or_404(request: HttpRequest, pk: int) -> SourceImport:
    imp = SourceImport.objects.visible_to(request.user).select_related("uploaded_by").filter(pk=pk).first()
    if imp is None:
        raise Http404(_("导入记录不存在"))
    return imp


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload one source's file: a valid one goes on to its preview; an invalid one is
    shown again with every error by row and column (nothing kept)."""
    _may_import(request)
    posted = request.method == "POST"
    form = SourceImportForm(request.POST if posted else None, request.FILES if posted else None,
                            initial={"source": request.GET.get("source", "")})
    errors: list[dict[str, object]] = []
    if posted and form.is_valid():
        try:
            imp = source_import_preview(actor=request.user, source=form.cleaned_data["source"],
                                        upload=form.cleaned_data["file"])
        except ServiceError as error:
            if error.code == ErrorCode.FORBIDDEN:
                raise PermissionDenied(error.message) from None
            errors = [e for e in error.errors if e.get("row") is not None or e.get("column")]
            form.add_error("source" if any(e.get("path") == "source" for e in error.errors)
                           else "file", error.message if errors else
                           "；".join(e.get("message", "") for e in error.errors) or error.message)
        else:
            return redirect("verification:import_detail", pk=imp.pk)
    recent = (SourceImport.objects.visible_to(request.user).select_related("uploaded_by")
              .order_by("-uploaded_at", "-id")[:20])
    return render(request, "verification/imports.html", {
        "form": form, "row_errors": errors, "formats": _formats(), "recent": recent,
        "sources": dict((code, info.name) for code, info in SOURCE_INFO.items()),
    }, status=422 if posted else 200)


@login_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview (or the record) of one uploaded file: what it changes, per person."""
    _may_import(request)
    imp = _import_or_404(request, pk)
    with transaction.atomic():
        audit_record(actor=request.user, action="view", obj=imp)
    return render(request, "verification/import_detail.html", {
        "imp": imp, "source_name": SOURCE_INFO[imp.source].name,
        "department": SOURCE_INFO[imp.source].department})


@login_required
@require_POST
def import_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """确认导入 or 放弃."""
    _may_import(request)
    imp = _import_or_404(request, pk)
    act = {"apply": source_import_apply, "discard": source_import_discard}.get(action)
    if act is None:
        raise Http404
    try:
        act(actor=request.user, imp=imp)
    except ServiceError as error:
        refuse_page(error)
        messages.error(request, error.message)
    else:
        messages.success(request, _("已导入，该数据源此后按新文件核对；等待该数据源的核对申请已重新查询。")
                         if action == "apply" else _("已放弃该文件，仍使用原数据。"))
    return redirect("verification:import_detail", pk=imp.pk)


@login_required
@require_GET
def import_template(request: HttpRequest, source: str) -> HttpResponse:
    """An empty CSV with the source's columns (UTF-8 with BOM, opens in Excel)."""
    _may_import(request)
    if source not in EXPORT_FORMATS:
        raise Http404
    fmt = EXPORT_FORMATS[source]
    out = io.StringIO()
    csv.writer(out).writerow([ID_HEADER, *fmt.required, *fmt.optional])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{source}.csv"'
    return response

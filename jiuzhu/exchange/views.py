"""Pages of the exchange app: template, import (upload, progress, result), export."""

from __future__ import annotations

import tempfile
from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from jiuzhu.audit.services import audit_read
from jiuzhu.core.downloads import XLSX
from jiuzhu.core.errors import ServiceError, refuse_page
from jiuzhu.core.jobs import stale_before
from jiuzhu.households.selectors import household_search

from .examples import example_household, example_region_code
from .forms import ImportUploadForm
from .selectors import import_job_get, import_job_progress, import_jobs_for
from .services import (
    households_export,
    import_job_create,
    import_job_restart,
    import_jobs_fail_stale,
)
from .writer import error_report_write, workbook_write

ERRORS_SHOWN = 200


def _spool():
    # Handed to FileResponse, which streams and closes it.
    return tempfile.TemporaryFile()  # noqa: SIM115


def _xlsx_response(file, filename: str) -> FileResponse:
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX)


@login_required
@require_GET
def template_download(request):
    """家庭信息导入模板: the empty layout with one example household."""
    out = _spool()
    workbook_write(out, [example_household(example_region_code(request.user.region))])
    return _xlsx_response(out, "家庭信息导入模板.xlsx")


@login_required
@permission_required("households.import_household", raise_exception=True)
def import_page(request):
    """Excel 导入: upload a workbook; the import runs in the background."""
    form = ImportUploadForm(request.POST, request.FILES) if request.method == "POST" \
        else ImportUploadForm()
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(actor=request.user, upload=form.cleaned_data["file"])
        except ServiceError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("exchange:job", pk=job.pk)
    jobs = import_jobs_for(user=request.user)[:20]
    status = 400 if request.method == "POST" else 200
    return render(request, "exchange/import.html", {
        "form": form, "jobs": jobs, "max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024),
    }, status=status)


def _job(request, pk: int):
    try:
        job = import_job_get(user=request.user, pk=pk)
    except ServiceError:
        raise Http404("导入任务不存在") from None
    if not job.finished and import_jobs_fail_stale(before=stale_before(), pk=job.pk):
        job.refresh_from_db()  # its worker died: shown failed, with 重新开始
    return job


def _job_context(job) -> dict:
    return {"job": job, "progress": import_job_progress(job=job),
            "errors": job.errors[:ERRORS_SHOWN], "errors_shown": ERRORS_SHOWN}


@login_required
@require_GET
def job_detail(request, pk: int):
    """One import: progress while it runs, then the result or the error table."""
    return render(request, "exchange/job.html", _job_context(_job(request, pk)))


@login_required
@require_GET
def job_progress(request, pk: int):
    """The progress panel alone, polled by the job page (HTMX) until the job finishes."""
    return render(request, "exchange/_progress.html", _job_context(_job(request, pk)))


@login_required
@require_POST
def job_restart(request, pk: int):
    """重新开始: queue again an import whose worker died (nothing was written)."""
    from django.contrib import messages

    try:
        import_job_restart(actor=request.user, job=_job(request, pk))
    except ServiceError as exc:
        refuse_page(exc)
        messages.error(request, exc.message)
    return redirect("exchange:job", pk=pk)


@login_required
@require_GET
def job_errors(request, pk: int):
    """The error report of a failed import as a workbook."""
    job = _job(request, pk)
    if not job.errors:
        raise Http404("该任务没有错误报告")
    audit_read(request, job, "export", what="import_errors", rows=len(job.errors))
    out = _spool()
    error_report_write(out, job.errors)
    return _xlsx_response(out, f"导入错误报告-{job.pk}.xlsx")


@login_required
@permission_required("households.view_household", raise_exception=True)
@require_GET
def export(request):
    """Households of the list page's filter (q, region, status) as a workbook to edit and
    import again; only the user's subtree, as everywhere."""
    filters = {"q": request.GET.get("q", ""), "region": request.GET.get("region", ""),
               "status": request.GET.get("status", "active")}
    households = household_search(user=request.user, q=filters["q"],
                                  region_code=filters["region"], status=filters["status"])
    out = _spool()
    households_export(actor=request.user, households=households, dest=out, filters=filters)
    return _xlsx_response(out, f"家庭档案-{date.today():%Y%m%d}.xlsx")


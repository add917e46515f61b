"""Pages of upward reporting (数据上报): the month's checks with what to fix (each linking to
the household and the case), producing the exchange file, its progress, its manifest and
its download."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiuzhu.applications.receiving import PROGRAMME_LABELS
from jiuzhu.audit.downloads import list_response
from jiuzhu.audit.services import audit_read
from jiuzhu.core.errors import ServiceError
from jiuzhu.payments.months import add_months, month_parse

from . import selectors, services
from .checks import Problem
from .choices import CheckKind, SubmissionState
from .models import Submission

PAGE_SIZE = 25


def _require(user: Any, perm: str, obj: Any = None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("您的岗位不能使用此页面"))


def _region(request: HttpRequest) -> Any:
    region = getattr(request.user, "region", None)
    if region is None:
        raise PermissionDenied(_("您的账号没有所属区划"))
    return region


def last_month() -> date:
    return add_months(timezone.localdate().replace(day=1), -1)


def _month(request: HttpRequest) -> tuple[date, str]:
    """The month asked for (``?month=YYYY-MM``), last month by default; an error text for
    a wrong one (then last month)."""
    value = (request.GET.get("month") or request.POST.get("month") or "").strip()
    if not value:
        return last_month(), ""
    try:
        month = month_parse(value)
        services.month_allowed(month)
    except (ValueError, ServiceError):
        return last_month(), _("月份应为 YYYY-MM 且不晚于本月：%(value)s") % {"value": value}
    return month, ""


def _problem_rows(problems: list[Problem]) -> list[dict[str, Any]]:
    labels = {k: str(v) for k, v in CheckKind.choices}
    return [{**p.as_dict(), "label": labels.get(p.kind, p.kind),
             "household_url": reverse("households:detail", args=[p.household_pk]),
             "application_url": reverse("applications:detail", args=[p.application_pk])}
            for p in problems]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """数据上报: the month's recipients and checks in the user's region, what to fix, the
    button to produce the file, and the files produced."""
    _require(request.user, "upward.view")
    region = _region(request)
    month, month_error = _month(request)
    problems = services.problems_of(region, month)
    rows = _problem_rows(problems)
    if request.GET.get("export") == "xlsx":
        return list_response(
            request, what="upward_problems", name=f"上报问题清单-{month:%Y%m}",
            headers=[_("检查项"), _("家庭编号"), _("户主"), _("申请编号"), _("问题说明")],
            rows=([r["label"], r["household_number"], r["head_name"], r["application_number"],
                   r["message"]] for r in rows))
    counts = {kind: 0 for kind in CheckKind.values}
    for p in problems:
        counts[p.kind] += 1
    checks = [{"kind": kind, "label": label, "count": counts[kind]}
              for kind, label in CheckKind.choices]
    recipient_count = selectors.recipients(month, region=region).count()
    current = Submission.objects.visible_to(request.user).filter(region=region, month=month).first()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    submissions = selectors.submissions_visible_to(request.user)[:24]
    may_produce = request.user.has_perm("upward.produce", region)
    return render(request, "upward/index.html", {
        "region": region, "month": month, "month_value": f"{month:%Y-%m}",
        "month_error": month_error, "checks": checks, "problem_count": len(problems),
        "page": page, "recipient_count": recipient_count, "current": current,
        "submissions": submissions, "may_produce": may_produce,
        "can_produce": may_produce and not problems and (
            current is None or current.state == SubmissionState.FAILED),
        "max_month": f"{timezone.localdate():%Y-%m}"})


@login_required
@require_POST
def produce(request: HttpRequest) -> HttpResponse:
    """Ask for the month's file: refused while a check fails (the page lists them)."""
    _require(request.user, "upward.produce")
    region = _region(request)
    month, month_error = _month(request)
    if month_error:
        messages.error(request, month_error)
        return redirect(f"{reverse('upward:index')}?month={month:%Y-%m}")
    try:
        submission = services.submission_request(actor=request.user, region=region, month=month)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect(f"{reverse('upward:index')}?month={month:%Y-%m}")
    messages.success(request, _("已提交生成 %(region)s %(month)s 的上报数据包") % {
        "region": region.name, "month": f"{month:%Y-%m}"})
    return redirect("upward:detail", pk=submission.pk)


def _submission(request: HttpRequest, pk: int) -> Submission:
    _require(request.user, "upward.view")
    try:
        submission = selectors.submission_get(user=request.user, pk=pk)
    except ServiceError as error:
        raise Http404(error.message) from None
    return submission


def _context(submission: Submission) -> dict[str, Any]:
    manifest = submission.manifest or {}
    programmes = [{"code": code, "label": PROGRAMME_LABELS.get(code, code), **figures}
                  for code, figures in (manifest.get("programmes") or {}).items()]
    labels = {k: str(v) for k, v in CheckKind.choices}
    problems = [{**p, "label": labels.get(p.get("kind", ""), p.get("kind", "")),
                 "household_url": reverse("households:detail", args=[p["household_pk"]]),
                 "application_url": reverse("applications:detail", args=[p["application_pk"]])}
                for p in submission.problems or []]
    return {"submission": submission, "manifest": manifest, "programmes": programmes,
            "problems": problems}


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One month's file: progress while it is built, then its manifest and download."""
    submission = _submission(request, pk)
    return render(request, "upward/detail.html", _context(submission))


@login_required
@require_GET
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress panel alone, polled by the detail page (HTMX) until it is finished."""
    submission = _submission(request, pk)
    return render(request, "upward/_progress.html", _context(submission))


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    """The produced zip (JSON Lines, CSV, manifest), audited."""
    submission = _submission(request, pk)
    _require(request.user, "upward.download", submission)
    if not submission.produced or not submission.file:
        raise Http404(_("上报数据包尚未生成"))
    audit_read(request, submission, "download", what="upward_file",
               month=f"{submission.month:%Y-%m}", sha256=submission.sha256)
    return FileResponse(submission.file.open("rb"), as_attachment=True,
                        filename=f"upward-{submission.region.code}-{submission.month:%Y%m}.zip",
                        content_type="application/zip")

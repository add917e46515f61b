"""The 月报 pages: choose a region (the user's own or below) and a month, read the six
tables (cards on a phone), download Excel or PDF, and — county staff — close the month.

A region outside the user's is 'not found' (404) like a missing one; a role without
``monthly.view`` gets 403; a bad month is shown again with the error naming the field."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiuzhu.audit.choices import AuditAction
from jiuzhu.audit.services import audit_read
from jiuzhu.core.errors import ServiceError

from . import selectors, services
from .documents import report_pdf, report_response
from .present import note_texts, tables


def _require(user, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied


def _default_month() -> str:
    return f"{selectors.month_add(selectors.month_first(timezone.localdate()), -1):%Y-%m}"


@login_required
def report(request: HttpRequest) -> HttpResponse:
    """月报 of the chosen region and month (default: the user's region, last month)."""
    _require(request.user, "monthly.view")
    code = request.GET.get("region", "")
    region = selectors.region_for(request.user, code)
    if region is None:
        raise Http404(_("区划不存在"))
    month_text = request.GET.get("month", "") or _default_month()
    month = selectors.parse_month(month_text)
    context = {"region": region, "month_text": month_text,
               "regions": selectors.region_choices(request.user),
               "may_close": request.user.has_perm("monthly.close") and region.level == "county"}
    if month is None:
        context["month_error"] = _("月份应为 YYYY-MM，例如 2026-11")
        return render(request, "monthly/report.html", context, status=422)
    figures = selectors.report(region, month)
    export = request.GET.get("export", "")
    if export == "xlsx":
        return report_response(request, figures)
    if export == "pdf":
        audit_read(request, None, AuditAction.DOWNLOAD, region_path=region.path,
                   what="monthly_report", region=region.code, month=figures["month"])
        response = HttpResponse(report_pdf(figures), content_type="application/pdf")
        name = _("%(region)s月报%(month)s.pdf") % {"region": region.name, "month": figures["month"]}
        response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
        return response
    ended = month < selectors.month_first(timezone.localdate())
    context.update({
        "figures": figures, "tables": tables(figures), "notes": note_texts(figures),
        "closed": figures.get("closed"), "month": month, "ended": ended,
        "draft": figures.get("draft"),
        "query": urlencode({"region": region.code, "month": figures["month"]}),
        "closed_months": [f"{m:%Y-%m}" for m in selectors.months_closed(region)[:24]],
    })
    return render(request, "monthly/report.html", context)


def _month_action(request: HttpRequest, permission: str, act, done: str) -> HttpResponse:
    """A POST on the county's month (关账, 重新计算): the region and month of the form, the
    service ``act(actor=, region=, month=)``, its refusal or ``done`` as a message, back to
    the report."""
    _require(request.user, permission)
    region = selectors.region_for(request.user, request.POST.get("region", ""))
    if region is None:
        raise Http404(_("区划不存在"))
    month_text = request.POST.get("month", "")
    month = selectors.parse_month(month_text)
    query = urlencode({"region": region.code, "month": month_text})
    if month is None:
        messages.error(request, _("月份应为 YYYY-MM，例如 2026-11"))
        return redirect(f"{reverse('monthly:report')}?{query}")
    try:
        act(actor=request.user, region=region, month=month)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done % {"region": region.name, "month": month_text})
    return redirect(f"{reverse('monthly:report')}?{query}")


@login_required
@require_POST
def close(request: HttpRequest) -> HttpResponse:
    """关账: store the month's figures of the county and its townships and villages."""
    return _month_action(request, "monthly.close", services.month_close,
                         _("%(region)s%(month)s月报已关账，数字已保存，以后不再变动"))


@login_required
@require_POST
def recompute(request: HttpRequest) -> HttpResponse:
    """重新计算: the county's draft of the month computed again now."""
    return _month_action(request, "monthly.view", services.draft_recompute,
                         _("%(region)s%(month)s月报已按当前数据重新计算"))

"""Pages of economic-status verification (家庭经济状况核对): list, request, report, print.

Every page reads through the selectors, so another township's request is 'not found'
exactly like a missing one; actions a role may not take answer 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiuzhu.audit.services import audit_record
from jiuzhu.core.errors import ErrorCode, ServiceError, refuse_page
from jiuzhu.households.selectors import household_get

from .choices import Decision, FindingStatus
from .forms import DecisionForm, RequestSearchForm, VerificationRequestForm
from .models import VerificationRequest
from .selectors import (
    finding_get,
    verification_report,
    verification_request_get,
    verification_request_search,
)
from .services import (
    FINDING_WORKFLOW,
    finding_accept,
    finding_dismiss,
    verification_request_create,
    verification_run_enqueue,
)

PAGE_SIZE = 25


def _request_or_404(request: HttpRequest, pk: int) -> VerificationRequest:
    try:
        return verification_request_get(user=request.user, pk=pk)
    except ServiceError as error:
        refuse_page(error)
        raise


def _is_htmx(request: HttpRequest) -> bool:
    return (request.headers.get("HX-Request") == "true"
            and request.headers.get("HX-History-Restore-Request") != "true")


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    """核对申请: the requests in the user's region, newest first."""
    if not request.user.has_perm("verification.view_list"):
        raise PermissionDenied
    form = RequestSearchForm(request.GET or None)
    search = form.cleaned_data if form.is_valid() else {}
    requests = verification_request_search(user=request.user, q=search.get("q", ""),
                                           status=search.get("status", ""))
    if request.GET.get("export") == "xlsx":
        return _list_xlsx(request, requests)
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "verification/list.html", {
        "form": form, "page": page,
        "may_request": request.user.has_perm("verification.add_verificationrequest"),
    })


def _list_xlsx(request: HttpRequest, requests: Any) -> HttpResponse:
    """核对申请 as Excel (the same search, audited as an export)."""
    from jiuzhu.audit.downloads import list_response

    headers = [_("编号"), _("家庭编号"), _("户主"), _("所在区划"), _("申请人"), _("申请时间"),
               _("状态"), _("差异"), _("待处理（影响认定）")]
    rows = ([req.pk, req.household.household_id, req.household.head_name,
             req.household.region.name, str(req.requested_by or ""), req.requested_at,
             req.get_status_display(), req.differences, req.open_matters]
            for req in requests[:10_000])
    return list_response(request, what="verification_requests", name=str(_("核对申请")),
                         headers=headers, rows=rows)


@login_required
@require_GET
def request_start(request: HttpRequest) -> HttpResponse:
    """发起核对 by household number: on to that household's request form."""
    household_id = request.GET.get("household_id", "").strip()
    try:
        household = household_get(user=request.user, household_id=household_id)
    except ServiceError:
        messages.error(request, _("没有找到家庭编号为“%(id)s”的家庭。") % {"id": household_id})
        return redirect("verification:list")
    return redirect("verification:create", household_pk=household.pk)


@login_required
def request_create(request: HttpRequest, household_pk: int) -> HttpResponse:
    """发起核对 for a household: upload the signed authorisation, pick the sources."""
    try:
        household = household_get(user=request.user, pk=household_pk)
    except ServiceError as error:
        refuse_page(error)
        raise
    if not request.user.has_perm("verification.add_verificationrequest", household):
        raise PermissionDenied
    posted = request.method == "POST"
    form = VerificationRequestForm(request.POST if posted else None,
                                   request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            created = verification_request_create(
                actor=request.user, household=household,
                authorisation=form.cleaned_data["authorisation"],
                sources=form.cleaned_data["sources"])
        except ServiceError as error:
            refuse_page(error)
            form.attach_errors(error.errors, error.message)
        else:
            messages.success(request, _("核对申请已提交，正在向各数据源查询。"))
            return redirect("verification:detail", pk=created.pk)
    return render(request, "verification/create.html", {
        "form": form, "household": household, "members": list(household.members.all()),
    }, status=422 if posted else 200)


def _report_context(request: HttpRequest, verification: VerificationRequest,
                    **extra: Any) -> dict[str, Any]:
    user = request.user
    return {
        "req": verification,
        "report": verification_report(verification),
        "may_run": user.has_perm("verification.run_verificationrequest", verification),
        "may_decide": user.has_perm("verification.decide_finding", verification),
        # per open finding, the decisions its table offers this user ({name: offer}); an
        # accept the registry cannot take is shown disabled with the reason
        "decisions": {finding.pk: {offer.name: offer for offer in offers}
                      for finding in verification.findings.filter(status=FindingStatus.OPEN)
                      if (offers := FINDING_WORKFLOW.offers(user, finding))},
        "errors": {}, "typed": {},
        **extra,
    }


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """核对申请 and its report; reading it (personal data) is audited."""
    verification = _request_or_404(request, pk)
    with transaction.atomic():
        audit_record(actor=request.user, action="view", obj=verification)
    return render(request, "verification/detail.html", _report_context(request, verification))


@login_required
@require_GET
def request_sources(request: HttpRequest, pk: int) -> HttpResponse:
    """Each source's status, polled while a run is queued or running; when it ends, the
    page reloads to show the report."""
    verification = _request_or_404(request, pk)
    response = render(request, "verification/_sources.html",
                      _report_context(request, verification))
    if _is_htmx(request) and not verification.running:
        response["HX-Refresh"] = "true"
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@require_POST
def request_run(request: HttpRequest, pk: int) -> HttpResponse:
    """重新查询 the sources that have not answered."""
    verification = _request_or_404(request, pk)
    try:
        verification_run_enqueue(actor=request.user, request=verification)
    except ServiceError as error:
        refuse_page(error)
        messages.error(request, error.message)
    else:
        messages.success(request, _("已重新提交查询。"))
    return redirect("verification:detail", pk=verification.pk)


@login_required
@require_POST
def finding_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """采纳 or 不采纳 a difference, with a required reason."""
    try:
        finding = finding_get(user=request.user, pk=pk)
    except ServiceError as error:
        refuse_page(error)
        raise
    verification = finding.request
    if not request.user.has_perm("verification.decide_finding", verification):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("请选择采纳或不采纳"), status=400)
    decide = finding_accept if form.cleaned_data["decision"] == Decision.ACCEPT else finding_dismiss
    reason = form.cleaned_data["reason"]
    error_message = ""
    try:
        decide(actor=request.user, finding=finding, reason=reason)
    except ServiceError as error:
        refuse_page(error)
        error_message = error.message
        if error.errors and error.code == ErrorCode.VALIDATION and \
                error.errors[0].get("path") not in ("reason", ""):
            # The household refused the found value: say which field and why.
            error_message += "：" + "；".join(e.get("message", "") for e in error.errors)
    if _is_htmx(request):
        context = _report_context(request, VerificationRequest.objects.get(pk=verification.pk),
                                  errors={finding.pk: error_message} if error_message else {},
                                  typed={finding.pk: reason} if error_message else {})
        return render(request, "verification/_report.html", context)
    if error_message:
        messages.error(request, error_message)
    else:
        messages.success(request, _("已处理该差异。"))
    return redirect(reverse("verification:detail", args=[verification.pk]) + f"#finding-{finding.pk}")


@login_required
@require_GET
def request_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The report in a printable layout (家庭经济状况核对报告, later document D08)."""
    verification = _request_or_404(request, pk)
    with transaction.atomic():
        audit_record(actor=request.user, action="view", obj=verification,
                     detail={"page": "print"})
    return render(request, "verification/print.html", _report_context(request, verification))


@login_required
@require_GET
def authorisation_download(request: HttpRequest, pk: int) -> FileResponse:
    """The signed authorisation (D04) as uploaded."""
    verification = _request_or_404(request, pk)
    with transaction.atomic():
        audit_record(actor=request.user, action="download", obj=verification,
                     detail={"file": "authorisation"})
    extension = verification.authorisation.name.rsplit(".", 1)[-1]
    return FileResponse(verification.authorisation.open("rb"),
                        content_type=verification.authorisation_type,
                        filename=f"核对授权书-{verification.household.household_id}.{extension}")

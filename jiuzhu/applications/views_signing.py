"""签署核对授权 (a phone or the window's signature pad): the case's adult members, one
signature pad each; the last signature issues the signed D04 and D01 (``signing.py``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiuzhu.accounts.choices import Role
from jiuzhu.audit.services import audit_read
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.verification.authorisations import ADULT_AGE, signature_data_uri
from jiuzhu.verification.models import SignatureChannel

from . import selectors, signing
from .models import Application


def _application(request: HttpRequest, pk: int) -> Application:
    try:
        application = selectors.application_get(user=request.user, pk=pk)
    except ServiceError as error:
        raise Http404(error.message) from None
    if getattr(request.user, "is_outside", False):
        raise Http404(_("申请不存在"))
    if not signing.signing_applies(application) or \
            not request.user.has_perm(signing.PERMISSION, application):
        raise PermissionDenied(_("您无权组织签署核对授权（需窗口或调查岗位）"))
    return application


def _channel(user: Any) -> str:
    """The window's pad for the window, a phone for whoever is on a home visit."""
    return SignatureChannel.WINDOW if getattr(user, "role", "") in (Role.WINDOW_WORKER, "") \
        else SignatureChannel.PHONE


def _page(request: HttpRequest, application: Application, *, error: ServiceError | None = None,
          failed_member: str = "", status: int = 200) -> HttpResponse:
    authorisation, signers = signing.case_signers(application)
    rows = [{"member": s.member, "adult": s.adult, "signature": s.signature,
             "image": signature_data_uri(s.signature) if s.signature else "",
             "error": error.message if error is not None and failed_member == s.member.member_id
             else ""} for s in signers]
    adults = [r for r in rows if r["adult"]]
    return render(request, "applications/sign.html", {
        "application": application, "household": application.household,
        "authorisation": authorisation, "rows": rows,
        "signed_count": sum(1 for r in adults if r["signature"]), "adult_count": len(adults),
        "consent_text": signing.CONSENT_TEXT.split("\n"),
        "consent_version": signing.CONSENT_VERSION, "consent_sm3": signing.CONSENT_SM3,
        "open": application.state in signing.SIGNABLE_STATES, "adult_age": ADULT_AGE,
        "error": error if not failed_member else None, "channel": _channel(request.user),
    }, status=status)


@login_required
def sign_page(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    audit_read(request, application, via="sign_authorisation")
    return _page(request, application)


@login_required
@require_POST
def sign_member(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    member_id = request.POST.get("member_id", "")
    try:
        signing.case_sign(actor=request.user, application=application, member_id=member_id,
                          image=request.POST.get("signature", ""),
                          channel=_channel(request.user),
                          latitude=request.POST.get("lat") or None,
                          longitude=request.POST.get("lng") or None,
                          device=request.META.get("HTTP_USER_AGENT", ""))
    except ServiceError as error:
        if error.code == ErrorCode.NOT_FOUND:
            raise Http404(error.message) from None
        application.refresh_from_db()
        return _page(request, application, error=error,
                     failed_member=member_id if error.code == ErrorCode.VALIDATION else "",
                     status=error.status)
    application.refresh_from_db()
    authorisation = signing.case_authorisation(application)
    if authorisation is not None and authorisation.complete:
        messages.success(request, _("全体成年家庭成员已签名，已生成签署后的核对授权书。"))
    else:
        messages.success(request, _("签名已保存。"))
    return redirect("applications:sign", pk=pk)


@login_required
@require_POST
def sign_complete(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    try:
        signing.case_authorisation_complete(actor=request.user, application=application)
    except ServiceError as error:
        if error.code == ErrorCode.NOT_FOUND:
            raise Http404(error.message) from None
        application.refresh_from_db()
        return _page(request, application, error=error, status=error.status)
    messages.success(request, _("全体成年家庭成员已签名，已生成签署后的核对授权书。"))
    return redirect("applications:sign", pk=pk)

"""签署核对授权 in the API (/api/v1/applications/{id}/authorisation): who has signed the
verification authorisation, and one adult's drawn signature (a signature pad or a phone
application), through the same service and permission as the page (``signing.py``)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from jiuzhu.core.api_types import json_body, refusals, validate_input
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.jsonio import loads_exact
from jiuzhu.verification.models import SignatureChannel

from . import signing
from .models import Application
from .selectors import application_get

router = Router(tags=["低保申请 applications"])


class SignerOut(Schema):
    member_id: str
    name: str
    adult: bool = Field(description="年满 18 周岁，须本人签名")
    signed: bool
    signed_at: datetime | None = None
    channel: str = Field("", description="window（窗口签名板）、phone（手机）或 online（网上申请）")


class AuthorisationOut(Schema):
    application_id: int
    complete: bool = Field(description="全体成年家庭成员已签名，签署后的 D04 已生成")
    completed_at: datetime | None = None
    consent_version: str
    consent_sm3: str
    document_id: int | None = Field(None, description="签署后的 D04 文书")
    pdf_sm3: str = ""
    pdf_sha256: str = ""
    members: list[SignerOut]


class SignatureIn(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)

    member_id: str = Field(min_length=1, description="成员编号（如 M1）")
    signature: str = Field(min_length=1, max_length=600_000,
                           description="在签名框内绘制的签名：data:image/png;base64,…")
    channel: Literal["window", "phone"] = Field("window", description="窗口签名板或手机")
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    device: str = Field("", max_length=300, description="设备（缺省为请求的 User-Agent）")


def _application(request, application_id: int) -> Application:
    if getattr(request.auth, "is_outside", False):
        raise ServiceError(ErrorCode.NOT_FOUND, _("申请不存在"))
    application = application_get(user=request.auth, pk=application_id)
    if not signing.signing_applies(application):
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("该事项不需要家庭经济状况核对授权"))
    return application


def _out(application: Application) -> dict:
    authorisation, signers = signing.case_signers(application)
    document = authorisation.document if authorisation is not None else None
    return {
        "application_id": application.pk,
        "complete": bool(authorisation is not None and authorisation.complete),
        "completed_at": authorisation.completed_at if authorisation is not None else None,
        "consent_version": signing.CONSENT_VERSION, "consent_sm3": signing.CONSENT_SM3,
        "document_id": document.pk if document is not None else None,
        "pdf_sm3": getattr(document, "pdf_sm3", "") or "",
        "pdf_sha256": getattr(document, "pdf_sha256", "") or "",
        "members": [{"member_id": s.member.member_id, "name": s.member.name, "adult": s.adult,
                     "signed": s.signed,
                     "signed_at": s.signature.signed_at if s.signature else None,
                     "channel": s.signature.channel if s.signature else ""} for s in signers],
    }


@router.get("/{int:application_id}/authorisation",
            response={200: AuthorisationOut, **refusals(404, 409)},
            summary="核对授权签署情况 Authorisation signatures")
def authorisation_get(request, application_id: int):
    return _out(_application(request, application_id))


@router.post("/{int:application_id}/authorisation/signatures",
             response={201: AuthorisationOut, **refusals(403, 404, 409, 422)},
             openapi_extra=json_body(SignatureIn),
             summary="成年家庭成员签名 Sign the authorisation")
def authorisation_sign(request, application_id: int):
    """Body ``SignatureIn``: one adult member's drawn signature (422 naming `member_id` for a
    minor or a second signature, `signature` for an empty or broken image); the last
    adult's issues the signed D04 and D01 and, for an accepted case without a scan, the
    verification request. The case is looked up first (404 outside the region, whatever
    the body), then the body is read."""
    application = _application(request, application_id)
    if not request.auth.has_perm(signing.PERMISSION, application):
        raise ServiceError(ErrorCode.FORBIDDEN, _("您无权组织签署核对授权（需窗口或调查岗位）"))
    payload = validate_input(SignatureIn, loads_exact(request.body or b"{}"))
    signing.case_sign(actor=request.auth, application=application,
                      member_id=payload.member_id, image=payload.signature,
                      channel=SignatureChannel(payload.channel), latitude=payload.latitude,
                      longitude=payload.longitude,
                      device=payload.device or request.META.get("HTTP_USER_AGENT", ""))
    application.refresh_from_db()
    return Status(201, _out(application))

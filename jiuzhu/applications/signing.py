"""签署核对授权: every adult member of the case's household signs the verification
authorisation (D04) on the window's signature pad or a phone; once the last adult has
signed, the signed D04 (the signatures in the table, the consent text's version, times and
places) and D01 with the applicant's signature are issued as new versions, and — for a
case already accepted without a scan — the verification request is made from the signed
D04 (:mod:`verification_link`).

The signatures themselves are the verification app's (``verification.authorisations``):
this module only ties them to the case, checks who may sign where, and issues the
documents.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.verification.authorisations import (
    CONSENT_SM3,
    CONSENT_TEXT,
    CONSENT_VERSION,
    SignerState,
    authorisation_attach_document,
    authorisation_complete,
    authorisation_for_case,
    authorisation_missing,
    authorisation_sign,
    authorisation_signers,
    online_signatures,
    signature_data_uri,
)
from jiuzhu.verification.models import Authorisation, AuthorisationSignature, SignatureChannel

from .choices import State
from .models import Application
from .programs import PROGRAMS

logger = logging.getLogger(__name__)

__all__ = ["CONSENT_SM3", "CONSENT_TEXT", "CONSENT_VERSION", "SIGNABLE_STATES",
           "SIGNED_DOCUMENTS", "case_authorisation", "case_authorisation_complete",
           "case_sign", "case_signers", "case_signing", "may_sign", "signed_context",
           "online_signatures_attach", "signed_materials", "signing_applies"]

#: Until the verification has been recorded, the family may still sign.
SIGNABLE_STATES = (State.SUBMITTED, State.AWAITING_SUPPLEMENT, State.ACCEPTED)
#: The documents that show the signatures (D04 every adult's, D01 the applicant's).
SIGNED_DOCUMENTS = ("D04", "D01")
PERMISSION = "applications.sign_authorisation"


def signing_applies(application: Application) -> bool:
    """Whether the case's item needs the authorisation (its verification is required)."""
    program = PROGRAMS.get(application.item_code)
    return bool(program is not None and program.verification_required)


def may_sign(user: Any, application: Application) -> bool:
    """The one question the button, the page and the service ask."""
    return bool(signing_applies(application) and application.state in SIGNABLE_STATES
                and user.has_perm(PERMISSION, application))


def case_authorisation(application: Application) -> Authorisation | None:
    return (Authorisation.objects.filter(case_number=application.number,
                                         household_id=application.household_id)
            .select_related("document").order_by("-id").first())


def case_signers(application: Application) -> tuple[Authorisation | None, list[SignerState]]:
    authorisation = case_authorisation(application)
    return authorisation, authorisation_signers(application.household, authorisation)


def _check(actor: Any, application: Application) -> None:
    if not signing_applies(application):
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("该事项不需要家庭经济状况核对授权"))
    if not actor.has_perm(PERMISSION, application):
        raise ServiceError(ErrorCode.FORBIDDEN, _("您无权组织签署核对授权（需窗口或调查岗位）"))
    if application.state not in SIGNABLE_STATES:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED,
                           _("该申请当前状态为“%(state)s”，不能再签署核对授权") % {"state": application.get_state_display()})


def _authorisation(actor: Any, application: Application) -> Authorisation:
    return authorisation_for_case(
        actor=actor, household=application.household, case_number=application.number,
        case_url=reverse("applications:detail", args=[application.pk]))


def case_sign(*, actor: Any, application: Application, member_id: str, image: Any,
              channel: str = SignatureChannel.WINDOW, latitude: Any = None,
              longitude: Any = None, device: str = "",
              signed_at: Any = None) -> AuthorisationSignature:
    """One adult member signs (audited); the last one completes the authorisation."""
    _check(actor, application)
    with transaction.atomic():
        authorisation = _authorisation(actor, application)
        signature = authorisation_sign(
            actor=actor, authorisation=authorisation, member_id=member_id, image=image,
            channel=channel, latitude=latitude, longitude=longitude, device=device,
            signed_at=signed_at)
        finished = not authorisation_missing(authorisation)
        if finished:
            _finish(actor, application, authorisation)
    if finished:
        _request_verification(actor, application)
    return signature


def case_authorisation_complete(*, actor: Any, application: Application) -> Authorisation:
    """生成已签署的授权书: 422 naming the adults who have not signed yet."""
    _check(actor, application)
    with transaction.atomic():
        authorisation = _finish(actor, application, _authorisation(actor, application))
    _request_verification(actor, application)
    return authorisation


def _finish(actor: Any, application: Application, authorisation: Authorisation) -> Authorisation:
    from jiuzhu.documents.selectors import document_get

    from .documents import issue_documents

    authorisation = authorisation_complete(actor=actor, authorisation=authorisation)
    issue_documents(application, actor, list(SIGNED_DOCUMENTS))
    authorisation_attach_document(authorisation, document_get(owner=application, code="D04"))
    return authorisation


def _request_verification(actor: Any, application: Application) -> None:
    """A case accepted without a scan had no verification request: make it now from the
    signed D04 (its own transaction; a refusal is logged, the signatures stay)."""
    from .verification_link import request_on_accept

    application.refresh_from_db()
    if application.state != State.ACCEPTED or application.verification_recorded:
        return
    try:
        with transaction.atomic():
            request_on_accept(application, actor)
    except ServiceError as error:
        logger.warning("%s: verification not requested after signing: %s",
                       application.number, error.message)


# --- what the documents print ------------------------------------------------------------------

def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def signed_context(application: Application, context: dict[str, Any]) -> dict[str, Any]:
    """``context`` (``documents.document_context``) with the signatures the case has: each
    member row's ``signature`` (data URI) and ``sign_note``, and ``authorisation`` (the
    consent text's version and SM3, who signed when, where and how, and the applicant's
    signature for D01's line). Unchanged when nobody has signed."""
    authorisation = case_authorisation(application)
    if authorisation is None:
        return context
    signatures = {s.member_id: s for s in authorisation.signatures.select_related("witnessed_by")}
    if not signatures:
        return context
    signers = {s.member.member_id: s for s in authorisation_signers(application.household,
                                                                     authorisation)}
    household = dict(context.get("household") or {})
    members = []
    head_signature = None
    for row in household.get("members") or []:
        row = dict(row)
        member_id = str(row.get("member_id") or "")
        signed, signer = signatures.get(member_id), signers.get(member_id)
        if signed is not None:
            row["signature"] = signature_data_uri(signed)
            row["sign_note"] = _("电子签名 %(at)s") % {"at": _when(signed.signed_at)}
            if row.get("relation") == "head":
                head_signature = signed
        elif signer is not None and not signer.adult:
            row["sign_note"] = _("未成年，由监护人代签")
        members.append(row)
    household["members"] = members
    lines = []
    for signed in signatures.values():
        place = (f"{signed.latitude:.5f}, {signed.longitude:.5f}"
                 if signed.latitude is not None and signed.longitude is not None else _("未提供"))
        lines.append({"name": signed.name, "signed_at": _when(signed.signed_at),
                      "channel": signed.get_channel_display(), "place": place,
                      "device": (signed.device or "—")[:60],
                      "witness": str(signed.witnessed_by or "—"),
                      "image_sm3": signed.image_sm3[:16]})
    data = {"consent_version": authorisation.consent_version,
            "consent_sm3": authorisation.consent_sm3, "signatures": lines,
            "complete": authorisation.complete}
    if head_signature is not None:
        data["applicant_signature"] = signature_data_uri(head_signature)
        data["applicant_signed_at"] = _when(head_signature.signed_at)
    return {**context, "household": household, "authorisation": data}


def case_signing(application: Application, user: Any) -> dict[str, Any] | None:
    """What the case page shows of 签署核对授权: progress, the signed D04, and the button
    for whoever may sign now (None for an item without verification)."""
    if not signing_applies(application):
        return None
    authorisation, signers = case_signers(application)
    adults = [s for s in signers if s.adult]
    if authorisation is None and application.state not in SIGNABLE_STATES:
        return None
    return {"authorisation": authorisation, "adults": len(adults),
            "signed": sum(1 for s in adults if s.signed),
            "missing": [s.member.name for s in adults if not s.signed],
            "may_sign": may_sign(user, application)}


def signed_materials(application: Application) -> set[str]:
    """The materials the electronic signatures stand for: 家庭经济状况核对授权书 once every
    adult has signed (counted like a scan by the acceptance check)."""
    from .verification_link import AUTHORISATION

    authorisation = case_authorisation(application)
    return {AUTHORISATION} if authorisation is not None and authorisation.complete else set()


def online_signatures_attach(*, actor: Any, application: Application,
                             intake_number: str) -> int:
    """The signatures drawn in the online application (网上申请) become the case's, when the
    window takes the request (``intake``): each matched to its member — the same member
    number and name (a household registered from the request), otherwise the same name (an
    existing household linked) — signed when the resident drew it, channel 网上申请, in the caller's
    transaction. A signature that matches nobody, or a minor, is left (logged). Returns how
    many were attached; the last adult's completes the authorisation as at the window."""
    if not signing_applies(application) or application.state not in SIGNABLE_STATES:
        return 0
    members = {m.member_id: m for m in application.household.members.all()}
    by_name = {m.name: m for m in members.values()}
    attached = 0
    for signed in online_signatures(intake_number):
        member = members.get(signed.member_id)
        if member is None or member.name != signed.name:
            member = by_name.get(signed.name)
        if member is None:
            logger.warning("%s: online signature of %s matches no member", intake_number,
                           signed.name)
            continue
        try:
            with transaction.atomic():
                case_sign(actor=actor, application=application, member_id=member.member_id,
                          image=signed.image, channel=SignatureChannel.ONLINE,
                          latitude=signed.latitude, longitude=signed.longitude,
                          device=signed.device, signed_at=signed.signed_at)
        except ServiceError as error:
            logger.warning("%s: online signature of %s not attached: %s", intake_number,
                           signed.name, error.message)
            continue
        attached += 1
    return attached

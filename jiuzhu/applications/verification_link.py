"""Verification follows the case (核对随案): acceptance asks for the household's economic
verification with the authorisation the family signed with the application, and the
completed report links itself to the case.

* :func:`request_on_accept` — called by the ``accept`` row (``workflow._after``) in the
  acceptance's transaction: for an item that needs a verification, a request of every
  source with the scan of 家庭经济状况核对授权书 from the case's materials (no second
  upload), carrying the case's number and page; it lands in the county verification
  officer's list. Without a scan, the D04 every adult member signed electronically
  (``signing.py``, 签署核对授权) stands for it; without either no request is made: the
  case page says so (signing completed later makes the request then).
* :func:`link_completed` — listens to :func:`jiuzhu.verification.events.on_completed`: a
  completed request made for a case records the verification on it (``record_verification``
  by the system), so the gate before the opinion sees it; findings are decided on the
  verification page, which the case page links to.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from jiuzhu.core.access import SYSTEM
from jiuzhu.core.errors import ServiceError

from .choices import State
from .models import Application
from .programs import PROGRAMS

logger = logging.getLogger(__name__)

#: The material that holds the family's signed authorisation (D04).
AUTHORISATION = "家庭经济状况核对授权书"


def authorisation_scan(application: Application) -> Any:
    """The latest scan of the signed authorisation among the case's materials, or None."""
    return (application.attachments.filter(material=AUTHORISATION)
            .exclude(kind__in=("photo", "signature")).exclude(file="")
            .order_by("-uploaded_at", "-id").first())


def request_on_accept(application: Application, actor: Any) -> Any:
    """The verification request of a case just accepted (None when the item needs no
    verification, the case already has one, or there is no scan to attach)."""
    from jiuzhu.verification.models import VerificationRequest
    from jiuzhu.verification.services import verification_request_for_case

    program = PROGRAMS.get(application.item_code)
    if program is None or not program.verification_required:
        return None
    if VerificationRequest.objects.filter(case_number=application.number).exists():
        return None
    if not getattr(actor, "pk", None):
        return None
    scan = authorisation_scan(application)
    if scan is None:
        # the D04 every adult member signed electronically (签署核对授权) stands for a scan
        from jiuzhu.verification.authorisations import complete_authorisation_for_case

        if complete_authorisation_for_case(application.number, application.household) is None:
            return None
        return verification_request_for_case(
            actor=actor, household=application.household, authorisation=None,
            case_number=application.number,
            case_url=reverse("applications:detail", args=[application.pk]))
    with scan.file.open("rb") as handle:
        upload = SimpleUploadedFile(scan.original_name or f"{AUTHORISATION}.pdf", handle.read(),
                                    content_type=scan.content_type)
    return verification_request_for_case(
        actor=actor, household=application.household, authorisation=upload,
        case_number=application.number,
        case_url=reverse("applications:detail", args=[application.pk]))


def link_completed(request: Any) -> None:
    """A completed request made for a case: recorded on the case by the system, when the
    case still waits for its verification (a manual one or a later request is left be)."""
    from .workflow import WORKFLOW

    if not request.case_number:
        return
    application = Application.objects.filter(number=request.case_number,
                                              household_id=request.household_id).first()
    if application is None or application.verification_recorded \
            or application.state != State.ACCEPTED:
        return
    try:
        with transaction.atomic():
            WORKFLOW.perform(actor=SYSTEM, obj=application.pk, action="record_verification",
                             data={"request_id": request.pk})
    except ServiceError as error:  # the answer stays saved; the verifier records it by hand
        logger.warning("verification %s: not linked to %s: %s", request.pk,
                       application.number, error.message)


def case_verification(application: Application, user: Any) -> dict[str, Any] | None:
    """What the case page shows of its verification: the request (if the user may see it)
    with its status and counts, or why there is none."""
    from jiuzhu.verification.models import VerificationRequest
    from jiuzhu.verification.selectors import verification_report

    program = PROGRAMS.get(application.item_code)
    recorded_id = (application.verification or {}).get("request_id")
    found = VerificationRequest.objects.visible_to(user).select_related("household__region",
                                                                        "requested_by")
    request = (found.filter(pk=recorded_id).first() if recorded_id else None) or \
        found.filter(case_number=application.number).order_by("-id").first()
    if request is None:
        if program is None or not program.verification_required or \
                application.state in (State.SUBMITTED, State.AWAITING_SUPPLEMENT):
            return None
        if application.verification_recorded:
            return None  # a manual verification: the header says so
        return {"request": None, "scan": authorisation_scan(application) is not None}
    report = verification_report(request)
    return {"request": request, "summary": report["summary"], "sources": report["sources"],
            "complete": report["complete"],
            "linked": application.verification_recorded and recorded_id == request.pk}

"""/api/v1/verification — economic-status verification (核对) over HTTP, with the pages'
visibility and permissions: requests are read through the selectors (another township's
request is 404, like a missing one); requesting, re-running and deciding need the
verification officer's permissions (403 otherwise), checked by the same services."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db import transaction
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from jiuzhu.audit.services import audit_record
from jiuzhu.core.api_types import iso, json_body, refusals, validate_input
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.jsonio import loads_exact
from jiuzhu.households.api import household_by_ref

from .choices import Decision
from .models import VerificationRequest
from .schemas import (
    DecisionIn,
    FindingDecidedOut,
    VerificationRequestList,
    VerificationRequestOut,
)
from .selectors import (
    finding_get,
    verification_report,
    verification_request_get,
    verification_request_search,
)
from .services import (
    finding_accept,
    finding_dismiss,
    verification_request_create,
    verification_run_enqueue,
)

router = Router(tags=["核对 verification"])

PAGE_SIZE = 25


def _household(request: VerificationRequest) -> dict[str, Any]:
    household = request.household
    return {"id": household.pk, "household_id": household.household_id,
            "head_name": household.head_name}


def request_to_dict(request: VerificationRequest) -> dict[str, Any]:
    return {
        "id": request.pk, "household": _household(request), "status": request.status,
        "sources": list(request.sources), "members": list(request.members),
        "running": request.running, "authorisation_name": request.authorisation_name,
        "authorisation_sha256": request.authorisation_sha256,
        "report": verification_report(request),
    }


@router.get("/requests", response={200: VerificationRequestList, **refusals(403, 422)},
            summary="核对申请列表 Verification requests")
def list_requests(request, q: str = "", status: str = "", page: int = 1):
    """The requests in the user's region, newest first; `?q=` a household number or the
    head's name, `?status=` pending | partial | complete | failed; 25 a page."""
    if not request.auth.has_perm("verification.view_list"):  # the page's predicate
        raise ServiceError(ErrorCode.FORBIDDEN, _("您的岗位不能查看核对申请"))
    found = verification_request_search(user=request.auth, q=q, status=status)
    paginator = Paginator(found, PAGE_SIZE)
    current = paginator.get_page(page)
    return {"count": paginator.count, "page": current.number, "pages": paginator.num_pages,
            "items": [{"id": r.pk, "household": _household(r), "status": r.status,
                       "requested_at": iso(r.requested_at), "requested_by": str(r.requested_by),
                       "completed_at": iso(r.completed_at), "sources": list(r.sources),
                       "differences": r.differences, "open_matters": r.open_matters}
                      for r in current.object_list]}


@router.get("/requests/{int:request_id}", response={200: VerificationRequestOut, **refusals(404)},
            summary="核对申请及报告 A request and its report")
def get_request(request, request_id: int):
    """The request and its report (D08); reading it is audited, as on the page."""
    verification = verification_request_get(user=request.auth, pk=request_id)
    with transaction.atomic():
        audit_record(actor=request.auth, action="view", obj=verification, detail={"via": "api"})
    return request_to_dict(verification)


@router.post("/requests", response={201: VerificationRequestOut, **refusals(403, 404, 409, 422)},
             summary="发起核对 Request a verification (multipart, with the signed authorisation)")
def create_request(request, household_id: Form[str], authorisation: File[UploadedFile],
                   sources: list[str] = Form(None)):  # noqa: B008
    """Multipart form: `household_id` (number or id), `authorisation` (the family's signed
    authorisation D04: PDF, JPG or PNG, recognised by content), `sources` (repeat the field;
    all sources when absent). → 201 the request; its first run is queued."""
    household = household_by_ref(request.auth, household_id)
    if not request.auth.has_perm("verification.add_verificationrequest", household):
        raise ServiceError(ErrorCode.FORBIDDEN, _("您无权进行家庭经济状况核对操作（需核对员岗位）"))
    created = verification_request_create(actor=request.auth, household=household,
                                          authorisation=authorisation, sources=sources or None)
    return Status(201, request_to_dict(verification_request_get(user=request.auth, pk=created.pk)))


@router.post("/requests/{int:request_id}/run",
             response={200: VerificationRequestOut, **refusals(403, 404, 409)},
             summary="重新查询 Ask the sources that have not answered again")
def run_request(request, request_id: int):
    """Queues a run asking every source that has not answered; 409 when all have."""
    verification = verification_request_get(user=request.auth, pk=request_id)
    verification_run_enqueue(actor=request.auth, request=verification)
    return request_to_dict(verification_request_get(user=request.auth, pk=request_id))


@router.post("/findings/{int:finding_id}/decide",
             response={200: FindingDecidedOut, **refusals(400, 403, 404, 409, 422)},
             openapi_extra=json_body(DecisionIn), summary="处理差异 Accept or dismiss a difference")
def decide_finding(request, finding_id: int):
    """`accept` writes the found value into the household (with the reason in its history);
    `dismiss` keeps the declaration (the reason is required). The body is read after the
    access checks (404/403 before 422)."""
    finding = finding_get(user=request.auth, pk=finding_id)
    if not request.auth.has_perm("verification.decide_finding", finding.request):
        raise ServiceError(ErrorCode.FORBIDDEN, _("您无权进行家庭经济状况核对操作（需核对员岗位）"))
    payload = validate_input(DecisionIn, loads_exact(request.body or b"{}"))
    decide = finding_accept if payload.decision == Decision.ACCEPT else finding_dismiss
    decided = decide(actor=request.auth, finding=finding, reason=payload.reason)
    return {"finding_id": decided.pk, "status": decided.status,
            "request": request_to_dict(verification_request_get(user=request.auth,
                                                                pk=finding.request_id))}

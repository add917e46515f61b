"""Writes of economic-status verification (家庭经济状况核对): request, run, decide.

A request stores the family's signed authorisation (D04) and names the members it covers
and the sources to ask. A run asks every source that has not answered yet; each answer is
saved with its findings in one transaction, so a source that is down leaves nothing
half-written and is simply asked again by the next run. Accepting a finding writes the
found value into the household registry through ``household_update``, with the reason in
the household's history; dismissing it keeps the declaration.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Schema
from pydantic import ConfigDict, Field, field_validator

from jiuzhu.accounts.rules import in_region
from jiuzhu.audit.services import audit_record
from jiuzhu.core.access import SYSTEM
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.errors import field_error as _invalid
from jiuzhu.core.workflow import Action, Workflow
from jiuzhu.core.workflow import Context as WorkflowContext
from jiuzhu.households.choices import HouseholdStatus
from jiuzhu.households.models import Household
from jiuzhu.households.serializers import household_to_dict
from jiuzhu.households.services import household_update

from . import events
from .adapters import SOURCE_CODES, SourceUnavailable, adapter_for, source_name
from .choices import UNFINISHED, FindingStatus, RequestStatus, ResponseStatus
from .compare import NotApplicable, apply_found, compare
from .models import Finding, SourceResponse, VerificationRequest
from .selectors import has_complete_report, latest_complete_request, verification_report

__all__ = [
    "MAX_AUTHORISATION_BYTES", "finding_accept", "finding_dismiss", "has_complete_report",
    "latest_complete_request", "verification_report", "verification_request_create",
    "verification_request_for_case", "verification_run", "verification_run_enqueue",
]

logger = logging.getLogger(__name__)

MAX_AUTHORISATION_BYTES = 10 * 1024 * 1024
# What the authorisation scan may be, recognised by its first bytes, never by its name.
AUTHORISATION_TYPES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
# simple_history keeps at most this many characters of a change reason.
HISTORY_REASON_LENGTH = 100


# --- access ----------------------------------------------------------------------------


def _require(actor: Any, obj: Any, perm: str, *, missing: str) -> None:
    """Outside the actor's subtree: not found (404); inside, without the role: 403."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not in_region(actor, obj):
        raise ServiceError(ErrorCode.NOT_FOUND, missing)
    if not actor.has_perm(perm, obj):
        raise ServiceError(ErrorCode.FORBIDDEN, _("您无权进行家庭经济状况核对操作（需核对员岗位）"))


# --- request ---------------------------------------------------------------------------


def authorisation_check(upload: UploadedFile) -> tuple[str, str, str, int]:
    """(content type, extension, SHA-256, size) of a valid authorisation scan; otherwise a
    ServiceError saying, in Chinese, what is wrong."""
    size = upload.size or 0
    if size == 0:
        raise _invalid("authorisation", _("请上传家庭签字的核对授权书扫描件（文件为空）"))
    if size > MAX_AUTHORISATION_BYTES:
        raise _invalid("authorisation", _("授权书文件不能超过 %(limit)s MB（该文件约 %(size)s MB）")
                                        % {"limit": MAX_AUTHORISATION_BYTES // 2**20, "size": f"{size / 2**20:.1f}"})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = next(((t, e) for magic, t, e in AUTHORISATION_TYPES if head.startswith(magic)), None)
    if kind is None:
        raise _invalid("authorisation",
                       _("文件“%(name)s”不是 PDF、JPG 或 PNG 格式（按文件内容识别，与文件扩展名无关），请上传授权书的扫描件或照片") % {"name": upload.name})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return kind[0], kind[1], digest.hexdigest(), size


def _source_codes(sources: Iterable[str] | None) -> list[str]:
    if sources is None:
        return list(SOURCE_CODES)
    wanted = list(dict.fromkeys(sources))
    unknown = [code for code in wanted if code not in SOURCE_CODES]
    if unknown:
        raise _invalid("sources", _("未知的数据源：%(unknown)s") % {"unknown": '、'.join(unknown)})
    if not wanted:
        raise _invalid("sources", _("请至少选择一个数据源"))
    return [code for code in SOURCE_CODES if code in wanted]


@transaction.atomic
def verification_request_create(*, actor: Any, household: Household,
                                authorisation: UploadedFile,
                                sources: list[str] | None = None) -> VerificationRequest:
    """Request a verification of ``household`` by ``sources`` (all when None), with the
    signed authorisation; the first run is queued once this commits."""
    _require(actor, household, "verification.add_verificationrequest", missing="家庭不存在")
    if household.status != HouseholdStatus.ACTIVE:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("已注销的家庭不能发起核对"))
    return _request_make(actor, household, authorisation, _source_codes(sources))


@transaction.atomic
def verification_request_for_case(*, actor: Any, household: Household,
                                  authorisation: UploadedFile | None, case_number: str,
                                  case_url: str = "") -> VerificationRequest:
    """The request a case makes when it is accepted (受理即发起核对): every source, the
    authorisation the family signed with the application (no second upload), and the
    case's number and page, so that the county's verification officer sees where it
    comes from and the completed report links itself to the case
    (:func:`events.completed`). The acceptance's own permission stands for it: the actor
    (the one who accepted) needs only to see the household.

    ``authorisation`` is the scan of the paper the family signed; without one, the D04
    every adult member signed electronically (``authorisations``) stands for it; without
    either, nothing is requested (422 on ``authorisation`` saying what is needed)."""
    if actor is None or not getattr(actor, "pk", None) or not in_region(actor, household):
        raise ServiceError(ErrorCode.NOT_FOUND, _("家庭不存在"))
    if household.status != HouseholdStatus.ACTIVE:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("已注销的家庭不能发起核对"))
    if authorisation is None:
        from .authorisations import authorisation_file, complete_authorisation_for_case

        signed = complete_authorisation_for_case(case_number, household)
        if signed is None:
            raise _invalid("authorisation", _("没有家庭签署的核对授权书：请全体成年家庭成员电子签署授权书，或上传签字授权书的扫描件"))
        authorisation = authorisation_file(signed)
    return _request_make(actor, household, authorisation, list(SOURCE_CODES),
                         case_number=case_number, case_url=case_url)


def _request_make(actor: Any, household: Household, authorisation: UploadedFile,
                  codes: list[str], *, case_number: str = "",
                  case_url: str = "") -> VerificationRequest:
    content_type, extension, digest, size = authorisation_check(authorisation)
    members = [{"member_id": m.member_id, "name": m.name, "id_number": m.id_number}
               for m in household.members.all()]
    request = VerificationRequest(
        household=household, region_path=household.region_path, requested_by=actor,
        members=members, sources=codes, authorisation_name=(authorisation.name or "")[:255],
        authorisation_type=content_type, authorisation_size=size,
        authorisation_sha256=digest, queued_at=timezone.now(),
        case_number=case_number[:32], case_url=case_url[:200])
    request.authorisation.save(f"authorisation.{extension}", authorisation, save=False)
    request.save()
    SourceResponse.objects.bulk_create(
        [SourceResponse(request=request, source=code) for code in codes])
    detail: dict[str, Any] = {
        "household_id": household.household_id, "sources": codes,
        "members": [m["member_id"] for m in members], "authorisation_sha256": digest}
    if case_number:
        detail["application"] = case_number
    audit_record(actor=actor, action="create", obj=request, detail=detail)
    transaction.on_commit(lambda: _enqueue(request.pk))
    return request


def _enqueue(request_id: int) -> None:
    from .tasks import verification_run_task

    verification_run_task.enqueue(request_id)


def verification_run_enqueue(*, actor: Any, request: VerificationRequest) -> VerificationRequest:
    """Queue a run asking the sources that have not answered yet (重新查询): the ``run``
    row of :data:`WORKFLOW` (404 outside the region, 403 without the verifier's permission,
    409 once every source answered)."""
    return WORKFLOW.perform(actor=actor, obj=request, action="run")


def _queue(ctx: WorkflowContext) -> None:
    request = ctx.obj
    request.queued_at = timezone.now()
    pending = list(request.responses.exclude(status=ResponseStatus.OK)
                   .values_list("source", flat=True))
    audit_record(actor=ctx.actor, action="verify", obj=request,
                 detail={"step": "queued", "sources": pending})
    transaction.on_commit(lambda: _enqueue(request.pk))


# --- run -------------------------------------------------------------------------------


def verification_run(*, request: VerificationRequest) -> VerificationRequest:
    """Ask every source of ``request`` that has not answered; each answer is saved with its
    findings in its own transaction. Returns the request with its new status."""
    request = VerificationRequest.objects.select_related("household__region").get(pk=request.pk)
    declared = household_to_dict(request.household)
    authorised = {m["member_id"] for m in request.members}
    members = [m for m in declared["members"] if m["member_id"] in authorised]
    outcome: dict[str, str] = {}
    for response in request.responses.exclude(status=ResponseStatus.OK):
        outcome[response.source] = _ask(request, response, declared, members)
    return WORKFLOW.perform(actor=SYSTEM, obj=request, action="answer", sources=outcome)


def _answered(ctx: WorkflowContext) -> str:
    """Where the sources' answers leave the request: complete when every source answered,
    partial when some did, failed when none did."""
    statuses = list(ctx.obj.responses.values_list("status", flat=True))
    answered = statuses.count(ResponseStatus.OK)
    if answered == len(statuses):
        return RequestStatus.COMPLETE
    return RequestStatus.PARTIAL if answered else RequestStatus.FAILED


def _record_answers(ctx: WorkflowContext) -> None:
    """After ``answer``: when the run ended, and the audit (``run`` audits in its handler)."""
    if ctx.action.name != "answer":
        return
    request = ctx.obj
    first_completion = ctx.target == RequestStatus.COMPLETE and request.completed_at is None
    if first_completion:
        request.completed_at = timezone.now()
    request.last_run_at = timezone.now()
    request.save(update_fields=["completed_at", "last_run_at"])
    audit_record(actor=SYSTEM, action="verify", obj=request, detail={
        "step": "run", "status": request.status, "sources": ctx.options.get("sources", {}),
        "findings": request.findings.count()})
    if first_completion:
        events.completed(request)  # a case's request links itself to the case


# --- the transition table of a request -------------------------------------------------
#
# pending → (answer) partial | complete | failed; ``run`` (重新查询) queues another run of the
# sources that have not answered, from every state but complete. ``answer`` is the task
# worker's (the system actor's): no user holds its permission.

WORKFLOW = Workflow(
    name="verification", model=VerificationRequest, states=RequestStatus.values,
    state_field="status", not_found="核对申请不存在",
    actions=[
        Action("run", gettext_noop("重新查询"), source=UNFINISHED, target=None,
               permission="verification.run_verificationrequest", handler=_queue),
        Action("answer", gettext_noop("数据源返回"), source=(*UNFINISHED, RequestStatus.COMPLETE),
               target=_answered, targets=(RequestStatus.PARTIAL, RequestStatus.COMPLETE,
                                          RequestStatus.FAILED),
               permission="verification.record_answers"),
    ],
    record=_record_answers,
)


def _ask(request: VerificationRequest, response: SourceResponse, declared: dict[str, Any],
         members: list[dict[str, Any]]) -> str:
    """Query one source (outside any transaction: it may be slow) and save its answer;
    returns "ok" or the error."""
    code = response.source
    error = ""
    try:
        result = adapter_for(code, declared=declared).query(members=members)
        lines = compare(code, declared, request.members, result.facts)
        payload = json.loads(json.dumps(result.payload, cls=DjangoJSONEncoder))
    except SourceUnavailable as exc:
        error = str(exc) or f"{source_name(code)}数据源暂不可用"
    except Exception as exc:
        logger.exception("verification %s: source %s failed", request.pk, code)
        error = f"{source_name(code)}数据源返回的数据无法处理（{type(exc).__name__}），请联系管理员"
    now = timezone.now()
    with transaction.atomic():
        response = SourceResponse.objects.select_for_update().get(pk=response.pk)
        if response.status == ResponseStatus.OK:
            return "ok"  # a concurrent run got the answer first
        if error:
            response.status = ResponseStatus.UNAVAILABLE
            response.error = error[:500]
            response.attempts = [*response.attempts, {"at": now.isoformat(), "error": error}]
            response.save(update_fields=["status", "error", "attempts"])
            return error
        response.status = ResponseStatus.OK
        response.payload = payload
        response.comparison = [line.as_dict() for line in lines]
        response.received_at = now
        response.error = ""
        response.save(update_fields=["status", "payload", "comparison", "received_at", "error"])
        Finding.objects.bulk_create([
            Finding(request=request, source=code, member_id=line.member_id,
                    member_name=line.member_name, field=line.field, label=line.label,
                    declared=line.declared, found=line.found, matters=line.matters,
                    applicable=line.applicable, detail=line.detail)
            for line in lines if line.differs])
    return "ok"


# --- decisions: the transition table of a finding ----------------------------------------
#
# open → accepted (采纳: the household takes the found value, the reason in its history) or
# dismissed (不采纳: the declaration stands). A decided finding is never decided again (409).


class ReasonIn(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)

    reason: str = Field("", validate_default=True, description="处理理由（必填）")

    @field_validator("reason")
    @classmethod
    def _given(cls, value: str) -> str:
        if not value:
            raise ValueError(_("请填写处理理由"))
        return value


def _applicable(ctx: WorkflowContext) -> None:
    """Only a difference the household registry can take is accepted automatically."""
    if not ctx.obj.applicable:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED,
                           _("该差异不能自动更新家庭信息，请核实后在家庭档案中修改，或选择不采纳"))


def _decide(ctx: WorkflowContext) -> None:
    finding, actor = ctx.obj, ctx.actor
    finding.reason = ctx.data["reason"]
    finding.decided_by = actor if getattr(actor, "pk", None) else None
    finding.decided_at = timezone.now()


def _record_decision(ctx: WorkflowContext) -> None:
    finding = ctx.obj
    audit_record(actor=ctx.actor, action="decide", obj=finding.request, detail={
        "finding": finding.pk, "decision": ctx.target, "source": finding.source,
        "member_id": finding.member_id, "field": finding.field, "declared": finding.declared,
        "found": finding.found, "reason": finding.reason})


def _household_writer(actor: Any, household: Household) -> Any:
    """The actor as ``household_update`` should see them.

    Verification officers may not edit households at large (households' rules), but an
    accepted finding is exactly the change the registry must take. So the officer acts
    with household write permission for this household only: a copy of the user (same pk,
    so the history and the audit name them) whose ``has_perm`` also grants it.
    """
    if actor.has_perm("households.change_household", household):
        return actor
    granted = {"households.add_household", "households.change_household"}
    writer = copy.copy(actor)

    def has_perm(perm: str, obj: Any = None) -> bool:
        if perm in granted and obj is not None and in_region(actor, obj):
            return True
        return actor.has_perm(perm, obj)

    writer.has_perm = has_perm
    return writer


def finding_accept(*, actor: Any, finding: Finding, reason: str) -> Finding:
    """Accept a difference (采纳): the ``accept`` row of :data:`FINDING_WORKFLOW` (404
    outside the region, 403 without the verifier's permission, 409 once decided or when the
    registry cannot take the value, 422 without a reason). Nothing changes when refused."""
    return FINDING_WORKFLOW.perform(actor=actor, obj=finding, action="accept",
                                    data={"reason": reason or ""})


def finding_dismiss(*, actor: Any, finding: Finding, reason: str) -> Finding:
    """Dismiss a difference (不采纳): the ``dismiss`` row; the declaration stands."""
    return FINDING_WORKFLOW.perform(actor=actor, obj=finding, action="dismiss",
                                    data={"reason": reason or ""})


def _accept(ctx: WorkflowContext) -> None:
    """The household takes the found value, the reason in its history; refused, and
    nothing changes, if the household refuses the value."""
    finding, actor, reason = ctx.obj, ctx.actor, ctx.data["reason"]
    household = Household.objects.select_related("region").get(pk=finding.request.household_id)
    if household.status != HouseholdStatus.ACTIVE:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("家庭已注销，不能更新家庭信息"))
    try:
        data = apply_found(household_to_dict(household), path=finding.field,
                           member_id=finding.member_id, found=finding.found)
    except NotApplicable as exc:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, str(exc)) from None
    who = f"{finding.member_name} " if finding.member_name else ""
    history_reason = (f"核对采纳（申请{finding.request_id} {source_name(finding.source)} "
                      f"{who}{finding.label}）：{reason}")
    if len(history_reason) > HISTORY_REASON_LENGTH:
        history_reason = history_reason[:HISTORY_REASON_LENGTH - 1] + "…"
    household_update(actor=_household_writer(actor, household), household=household, data=data,
                     reason=history_reason)
    _decide(ctx)


FINDING_WORKFLOW = Workflow(
    name="findings", model=Finding, states=FindingStatus.values, state_field="status",
    not_found="核对差异不存在", select_related=("request",), record=_record_decision,
    actions=[
        Action("accept", gettext_noop("采纳并更新家庭信息"), source=(FindingStatus.OPEN,),
               target=FindingStatus.ACCEPTED, permission="verification.decide_finding",
               schema=ReasonIn, requires=(_applicable,), handler=_accept,
               extra={"style": "danger"}),
        Action("dismiss", gettext_noop("不采纳"), source=(FindingStatus.OPEN,), target=FindingStatus.DISMISSED,
               permission="verification.decide_finding", schema=ReasonIn, handler=_decide,
               extra={"style": "outline-secondary"}),
    ],
)

"""The applications API (/api/v1/applications): create, read, add materials, take an
action, download a document. Requests and responses are the typed schemas of
``serializers.py``; an action's body is validated by the table in ``workflow.py`` against
that action's schema (documented per action in the OpenAPI)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import Router, Status

from jiuzhu.audit.services import audit_read
from jiuzhu.core.api_types import body_schema, refusals
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.jsonio import loads_exact
from jiuzhu.households.models import Household

from . import services
from .selectors import application_get
from .serializers import (
    ApplicationCreateIn,
    ApplicationOut,
    FileIn,
    FilesIn,
    application_to_dict,
)
from .workflow import user_actions

router = Router(tags=["低保申请 applications"])
Files = list[tuple[str, str, bytes]]


def _action_body() -> dict[str, Any]:
    """The OpenAPI body of ``/actions/{action}``: one schema per action of the table, each
    also taking ``files`` (inline base64, or multipart with a ``data`` JSON field)."""
    files = body_schema(FilesIn)["properties"]["files"]
    variants = []
    for action in user_actions():
        schema = body_schema(action.schema)
        schema["properties"] = {**schema.get("properties", {}), "files": files}
        schema["title"] = f"{action.name}（{action.label}）"
        variants.append(schema)
    return {"requestBody": {"required": False, "content": {
        "application/json": {"schema": {"oneOf": variants}},
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "data": {"type": "string", "description": "the action's fields as JSON"}}}}}}}


def _decode(files: list[FileIn]) -> Files:
    out = []
    for index, item in enumerate(files):
        try:
            out.append((item.material, item.name, base64.b64decode(item.content_base64,
                                                                   validate=True)))
        except (binascii.Error, ValueError):
            raise ServiceError(ErrorCode.VALIDATION, _("附件格式有误"), [{
                "path": f"files[{index}].content_base64", "message": _("应为 base64")}]) from None
    return out


def _action_data(request) -> tuple[dict[str, Any], Files]:
    """An action's body: JSON, or multipart with a ``data`` JSON field and files named by
    material (the API parser turns those into ``files`` entries)."""
    if request.content_type and request.content_type.startswith("multipart/"):
        data = loads_exact(request.POST.get("data") or "{}")
        if isinstance(data, dict):
            data.setdefault("files", [])
            data["files"] += [{"material": field, "name": f.name,
                               "content_base64": base64.b64encode(f.read()).decode()}
                              for field in request.FILES for f in request.FILES.getlist(field)]
    else:
        data = loads_exact(request.body or b"{}")
    if not isinstance(data, dict):
        raise ServiceError(ErrorCode.VALIDATION, _("请求内容应为 JSON 对象"),
                           [{"path": "", "message": _("应为对象")}])
    raw = data.pop("files", None) or []
    try:
        files = FilesIn.model_validate({"files": raw}).files
    except Exception:  # pydantic's ValidationError: name the field
        raise ServiceError(ErrorCode.VALIDATION, _("附件格式有误"), [{
            "path": "files", "message": _("应为 {material, name, content_base64} 的列表")}]) from None
    return data, _decode(files)


def _household(user, ref: int | str) -> Household:
    qs = Household.objects.visible_to(user).select_related("region")
    household = None
    if isinstance(ref, int):
        household = qs.filter(pk=ref).first()
    elif ref:
        household = qs.filter(household_id=ref).first()
        if household is None and ref.isdigit():
            household = qs.filter(pk=int(ref)).first()
    if household is None:
        raise ServiceError(ErrorCode.NOT_FOUND, _("家庭不存在"),
                           [{"path": "household_id", "message": _("家庭不存在或不在您的辖区")}])
    return household


def _staff_only(user) -> None:
    """The applications API is the staff's: a contracted investigator (an outside user)
    works on the phone investigation page only, which shows no incomes and no ID numbers."""
    if getattr(user, "is_outside", False):
        raise ServiceError(ErrorCode.NOT_FOUND, _("申请不存在"))


@router.post("", response={201: ApplicationOut, **refusals(400, 403, 404, 409, 422)},
             by_alias=True, summary="提出申请 Create an application")
def create_application(request, payload: ApplicationCreateIn):
    """Body `{"household_id", "item_code", "channel", "files"}` (channel: window, outreach,
    proxy, accompanied, online) → 201 the application; 409 `already_receiving` when the
    household already receives the item or has it open (the message names the case)."""
    application = services.application_create(
        actor=request.auth, household=_household(request.auth, payload.household_id),
        item_code=payload.item_code, channel=payload.channel, files=_decode(payload.files))
    return Status(201, application_to_dict(application, user=request.auth))


@router.get("/{int:application_id}", response={200: ApplicationOut, **refusals(404)},
            by_alias=True, summary="申请详情")
def get_application(request, application_id: int):
    _staff_only(request.auth)
    application = application_get(user=request.auth, pk=application_id)
    audit_read(request, application, via="api")
    return application_to_dict(application, user=request.auth)


@router.post("/{int:application_id}/attachments",
             response={201: ApplicationOut, **refusals(403, 404, 409, 422)}, by_alias=True,
             summary="上传申请材料 Upload materials")
def add_attachments(request, application_id: int, payload: FilesIn):
    _staff_only(request.auth)
    application = services.attachments_add(actor=request.auth, application_id=application_id,
                                           files=_decode(payload.files))
    return Status(201, application_to_dict(application, user=request.auth))


@router.post("/{int:application_id}/actions/{action}",
             response={200: ApplicationOut, **refusals(400, 403, 404, 409, 422)},
             by_alias=True, openapi_extra=_action_body(), summary="办理动作 Take an action")
def act(request, application_id: int, action: str):
    """200 the application; 404 outside the user's region or for an unknown action; 403
    for a role that may not; 409 `step_not_allowed` in a state that does not allow it,
    `verification_missing` for a decision without a completed verification; 422 naming
    the wrong fields of the action's schema."""
    _staff_only(request.auth)
    data, files = _action_data(request)
    application = services.application_act(actor=request.auth, application_id=application_id,
                                           action=action, data=data, files=files)
    return application_to_dict(application, user=request.auth)


@router.get("/{int:application_id}/documents/{code}", url_name="application_document",
            response={200: None, **refusals(404, 422)},
            summary="文书 The latest (or ?version=N) document as PDF, ?format=docx for Word")
def document(request, application_id: int, code: str, format: str = "pdf",
             version: int | None = None):
    from jiuzhu.documents.services import document_file, document_get

    _staff_only(request.auth)
    application = application_get(user=request.auth, pk=application_id)
    doc = document_get(owner=application, code=code, version=version)
    if format not in ("pdf", "docx"):
        raise ServiceError(ErrorCode.VALIDATION, _("文件格式应为 pdf 或 docx"),
                           [{"path": "format", "message": _("应为 pdf 或 docx")}])
    field = document_file(doc, format)  # rendered now when the worker has not yet
    content_type = "application/pdf" if format == "pdf" else \
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    audit_read(request, doc, "download", region_path=application.region_path, via="api",
               document=doc.code, version=doc.version, format=format)
    response = FileResponse(field.open("rb"), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{application.number}-{code}-v{doc.version}.{format}"'
    return response

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.http import FileResponse
from ninja import Router, Status

from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.jsonio import loads_exact
from jiuzhu.households.models import Household
from jiuzhu.households.selectors import households_visible_to

from . import services
from .selectors import application_get
from .serializers import application_to_dict

router = Router(tags=["低保申请 applications"])

JSON_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "object"}},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "data": {"type": "string", "description": "the action's fields as JSON"}}}}}}}


def _body(request) -> tuple[dict[str, Any], list[tuple[str, str, bytes]]]:
    """JSON body, or multipart with a ``data`` JSON field and files named by material."""
    if request.content_type and request.content_type.startswith("multipart/"):
        data = loads_exact(request.POST.get("data") or "{}")
        files = [(field, f.name, f.read()) for field in request.FILES
                 for f in request.FILES.getlist(field)]
    else:
        data = loads_exact(request.body or b"{}")
        files = []
        for index, item in enumerate(data.pop("files", []) if isinstance(data, dict) else []):
            try:
                files.append((str(item["material"]), str(item.get("name", "file")),
                              base64.b64decode(item["content_base64"], validate=True)))
            except (KeyError, TypeError, binascii.Error):
                raise ServiceError(ErrorCode.VALIDATION, "附件格式有误", [{
                    "path": f"files[{index}]",
                    "message": "应为 {material, name, content_base64}"}]) from None
    if not isinstance(data, dict):
        raise ServiceError(ErrorCode.VALIDATION, "请求内容应为 JSON 对象", [{"path": "", "message": "应为对象"}])
    return data, files


def _household(user, ref: Any) -> Household:
    qs = households_visible_to(user).select_related("region")
    household = None
    if isinstance(ref, int) and not isinstance(ref, bool):
        household = qs.filter(pk=ref).first()
    elif isinstance(ref, str) and ref:
        household = qs.filter(household_id=ref).first()
        if household is None and ref.isdigit():
            household = qs.filter(pk=int(ref)).first()
    if household is None:
        raise ServiceError(ErrorCode.NOT_FOUND, "家庭不存在",
                           [{"path": "household_id", "message": "家庭不存在或不在您的辖区"}])
    return household


@router.post("", response={201: dict[str, Any]}, openapi_extra=JSON_BODY,
             summary="提出申请 Create an application")
def create_application(request):
    """Body `{"household_id", "item_code", "channel"}` (channel: window, outreach, proxy,
    accompanied, online) → 201 the application."""
    data, files = _body(request)
    missing = [k for k in ("household_id", "item_code", "channel") if data.get(k) in (None, "")]
    if missing:
        raise ServiceError(ErrorCode.VALIDATION, "申请信息不完整",
                           [{"path": k, "message": "必填项"} for k in missing])
    application = services.application_create(
        actor=request.auth, household=_household(request.auth, data["household_id"]),
        item_code=str(data["item_code"]), channel=str(data["channel"]), files=files)
    return Status(201, application_to_dict(application))


@router.get("/{int:application_id}", response=dict[str, Any], summary="申请详情")
def get_application(request, application_id: int):
    return application_to_dict(application_get(user=request.auth, pk=application_id))


@router.post("/{int:application_id}/attachments", response={201: dict[str, Any]},
             openapi_extra=JSON_BODY, summary="上传申请材料 Upload materials")
def add_attachments(request, application_id: int):
    _data, files = _body(request)
    application = services.attachments_add(actor=request.auth, application_id=application_id,
                                           files=files)
    return Status(201, application_to_dict(application))


@router.post("/{int:application_id}/actions/{action}", response=dict[str, Any],
             openapi_extra=JSON_BODY, summary="办理动作 Take an action")
def act(request, application_id: int, action: str):
    """200 the application; 409 `step_not_allowed`; 403 for a role that may not; 404
    outside the user's region."""
    data, files = _body(request)
    application = services.application_act(actor=request.auth, application_id=application_id,
                                           action=action, data=data, files=files)
    return application_to_dict(application)


@router.get("/{int:application_id}/documents/{code}", url_name="application_document",
            summary="文书 The latest (or ?version=N) document as PDF, ?format=docx for Word")
def document(request, application_id: int, code: str, format: str = "pdf",
             version: int | None = None):
    from jiuzhu.documents.services import document_get

    application = application_get(user=request.auth, pk=application_id)
    doc = document_get(owner=application, code=code, version=version)
    if format not in ("pdf", "docx"):
        raise ServiceError(ErrorCode.VALIDATION, "format 应为 pdf 或 docx",
                           [{"path": "format", "message": "应为 pdf 或 docx"}])
    field = doc.pdf if format == "pdf" else doc.docx
    content_type = "application/pdf" if format == "pdf" else \
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    response = FileResponse(field.open("rb"), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{application.number}-{code}-v{doc.version}.{format}"'
    return response



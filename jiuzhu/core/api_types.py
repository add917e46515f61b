"""Types every API module shares: the error body with its ``code`` enum, the request
parser that keeps money exact, and the Chinese wording of validation errors.

Every endpoint declares its refusals with :func:`refusals`, so the OpenAPI document names,
per endpoint, the status codes and the error body ``{"code", "message", "errors"}`` whose
``code`` is one of :class:`~jiuzhu.core.errors.ErrorCode`.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.parser import Parser
from pydantic import BaseModel, Field, WithJsonSchema

from .errors import ErrorCode
from .jsonio import loads_exact
from .workflow import error_message, error_path

# Dates and moments are sent as the ISO text the serializers write (never re-formatted).
IsoDate = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]
IsoDateTime = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
# Money as text with two decimals ("625.50"), as the applications API gives it.
MoneyText = Annotated[str, WithJsonSchema({"type": "string", "pattern": r"^-?\d+\.\d{2}$",
                                           "description": "金额（元），两位小数"})]
# A month as YYYY-MM.
MonthText = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", description="月份 YYYY-MM")]


class FieldErrorOut(Schema):
    """One wrong field: its path in the body (``members[1].id_number``) and why."""

    path: str
    message: str


class ErrorOut(Schema):
    """Every refusal: nothing was changed, ``code`` says which kind, ``errors`` which fields."""

    code: ErrorCode
    message: str
    errors: list[FieldErrorOut] = []


#: What each status means on this API.
REFUSALS = {
    400: "请求内容不是有效的 JSON（bad_request）",
    401: "未认证（unauthorized）",
    403: "岗位无权执行（forbidden）",
    404: "不存在或不在您的辖区（not_found）",
    409: "当前状态不允许（step_not_allowed、duplicate_member、already_receiving…）",
    422: "字段有误，errors 逐项指出（validation_error）",
}


def refusals(*statuses: int) -> dict[int, type[ErrorOut]]:
    """``{status: ErrorOut}`` for a route's ``response=``; 401 is always included."""
    return {status: ErrorOut for status in sorted({401, *statuses})}


class CreatedOut(Schema):
    id: int


# --- request bodies -----------------------------------------------------------------------


class ExactJsonParser(Parser):
    """JSON with decimals kept exact (``1200.123`` stays three decimals, so money with too
    many decimals is refused, never rounded); a multipart body carries the JSON in its
    ``data`` field and files named by material, which become ``files`` entries."""

    def parse_body(self, request: HttpRequest) -> Any:
        if request.content_type and request.content_type.startswith("multipart/"):
            data = loads_exact(request.POST.get("data") or "{}")
            if isinstance(data, dict) and request.FILES:
                data.setdefault("files", [])
                data["files"] += [
                    {"material": name, "name": upload.name,
                     "content_base64": base64.b64encode(upload.read()).decode()}
                    for name in request.FILES for upload in request.FILES.getlist(name)]
            return data
        return loads_exact(request.body or b"{}")

    def parse_querydict(self, data: Any, list_fields: list[str], request: HttpRequest) -> Any:
        """Query and form fields within the input limits (no control characters, no text
        longer than a JSON string may be), a 422 naming the field otherwise."""
        from .limits import check_json

        result = super().parse_querydict(data, list_fields, request)
        check_json({key: value for key, value in result.items()
                    if isinstance(value, str | list)})
        return result


def request_errors(errors: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """django-ninja's validation errors as ``[{"path", "message"}]``: the location without
    where it came from (body, query, path, form, file) nor the body parameter's name."""
    out = []
    for error in errors:
        loc = list(error.get("loc", []))
        if loc and loc[0] in ("body", "query", "path", "form", "file", "header", "cookie"):
            source = loc.pop(0)
            if source == "body" and loc:
                loc.pop(0)  # the name of the body parameter
        out.append({"path": error_path(loc), "message": error_message(error)})
    return out


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def body_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema of ``model`` with its definitions written in place, for an
    ``openapi_extra`` request body of a route that reads its body itself."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return inline(definitions[ref.removeprefix("#/$defs/")])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(value) for value in node]
        return node

    return inline(schema)


def json_body(model: type[BaseModel], *, required: bool = True) -> dict[str, Any]:
    """``openapi_extra`` documenting a JSON request body described by ``model``."""
    return {"requestBody": {"required": required, "content": {
        "application/json": {"schema": body_schema(model)}}}}


def validate_input(model: type[Schema], data: Any) -> Any:
    """``data`` (a parsed JSON body) as ``model``; a 422 naming every wrong field, in
    Chinese, otherwise — for routes whose body schema depends on a path parameter."""
    from pydantic import ValidationError

    from .errors import ServiceError

    if not isinstance(data, dict):
        raise ServiceError(ErrorCode.VALIDATION, _("请求内容应为 JSON 对象"),
                           [{"path": "", "message": _("应为对象")}])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [{"path": error_path(e["loc"]), "message": error_message(dict(e))}
                  for e in exc.errors()]
        raise ServiceError(ErrorCode.VALIDATION, _("请求参数有误"), errors) from None


def bodies_by_action(models: dict[str, type[Schema]]) -> dict[str, Any]:
    """``openapi_extra`` of an ``…/actions/{action}`` route: one body schema per action."""
    variants = [{**body_schema(model), "title": name} for name, model in models.items()]
    return {"requestBody": {"required": False, "content": {
        "application/json": {"schema": {"oneOf": variants}}}}}

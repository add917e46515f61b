"""Error codes (错误代码) shared by services, pages and the API."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _


class ErrorCode(StrEnum):
    VALIDATION = "validation_error"
    DUPLICATE_MEMBER = "duplicate_member"
    DUPLICATE_HOUSEHOLD = "duplicate_household"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    UNAUTHORIZED = "unauthorized"
    STEP_NOT_ALLOWED = "step_not_allowed"
    BAD_REQUEST = "bad_request"
    ALREADY_RECEIVING = "already_receiving"
    VERIFICATION_MISSING = "verification_missing"
    INSUFFICIENT_FUNDS = "insufficient_funds"


STATUS_BY_CODE = {
    ErrorCode.VALIDATION: 422,
    ErrorCode.DUPLICATE_MEMBER: 409,
    ErrorCode.DUPLICATE_HOUSEHOLD: 409,
    ErrorCode.STEP_NOT_ALLOWED: 409,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.UNAUTHORIZED: 401,
    ErrorCode.BAD_REQUEST: 400,
    ErrorCode.ALREADY_RECEIVING: 409,
    ErrorCode.VERIFICATION_MISSING: 409,
    ErrorCode.INSUFFICIENT_FUNDS: 409,
}


class ServiceError(Exception):
    """A refused request: it changed nothing, and says why."""

    def __init__(self, code: ErrorCode, message: str, errors: list[dict[str, Any]] | None = None,
                 extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.errors = errors or []
        #: more top-level keys of the error body (``{"available": "123.45"}`` of
        #: ``insufficient_funds``)
        self.extra = extra or {}

    @property
    def status(self) -> int:
        return STATUS_BY_CODE[self.code]

    def as_dict(self) -> dict[str, Any]:
        return {"code": str(self.code), "message": self.message, "errors": self.errors,
                **self.extra}


def field_error(path: str, message: str) -> ServiceError:
    """A 422 naming one field."""
    return ServiceError(ErrorCode.VALIDATION, message, [{"path": path, "message": message}])


def text_value(data: dict[str, Any], name: str, *, required: bool = True) -> str:
    """``data[name]`` as stripped text; 422 naming ``name`` when required and blank, or
    when it is not text."""
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise field_error(name, _("必填项"))
        return ""
    if not isinstance(value, str):
        raise field_error(name, _("应为文字"))
    return value.strip()


def refuse_page(error: ServiceError) -> None:
    """On a page, a service's 404 and 403 refusals become those pages (raised here); any
    other error returns, for the caller to show on its form or as a message."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    if error.code == ErrorCode.NOT_FOUND:
        raise Http404(error.message) from None
    if error.code == ErrorCode.FORBIDDEN:
        raise PermissionDenied(error.message) from None

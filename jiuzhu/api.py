"""The HTTP API (/api/v1), as ../shared/spec/50-api.md names it."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from jiuzhu.accounts.api_auth import BearerToken, StaffSession
from jiuzhu.core.api_types import ExactJsonParser, request_errors
from jiuzhu.core.errors import ErrorCode, ServiceError


class JiuzhuApi(NinjaAPI):
    """The API whose OpenAPI document also names the refusals every operation shares: 400
    for a body that is not JSON (the parser, for every operation with a body) and 422 for
    a field outside the input limits (the parser checks every body and query field)."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        error = {"$ref": "#/components/schemas/ErrorOut"}
        descriptions = {400: "Bad Request", 422: "Unprocessable Entity"}
        for methods in schema["paths"].values():
            for operation in methods.values():
                shared = set()
                if "requestBody" in operation:
                    shared |= {400, 422}
                if any(p.get("in") == "query" for p in operation.get("parameters", [])):
                    shared.add(422)
                responses = operation["responses"]
                for status in shared - {int(code) for code in responses}:
                    responses[status] = {"description": descriptions[status],
                                         "content": {"application/json": {"schema": error}}}
                operation["responses"] = dict(sorted(responses.items(), key=lambda i: int(i[0])))
        return schema


api = JiuzhuApi(
    title="救助 Jiuzhu API",
    version="1",
    description="社会救助一门受理平台接口。认证：`Authorization: Bearer <令牌>`（`jiuzhu token create --user 用户名`）。",
    auth=[BearerToken(), StaffSession()],
    urls_namespace="api",
    parser=ExactJsonParser(),
)

#: The code of an error raised as a bare HTTP status (django-ninja's own refusals).
CODE_BY_STATUS = {400: ErrorCode.BAD_REQUEST, 401: ErrorCode.UNAUTHORIZED,
                  403: ErrorCode.FORBIDDEN, 404: ErrorCode.NOT_FOUND,
                  409: ErrorCode.STEP_NOT_ALLOWED, 422: ErrorCode.VALIDATION}


#: What a refusal raised by django-ninja itself says (its own texts are English).
HTTP_TEXTS = {
    400: gettext_lazy("请求有误"), 401: gettext_lazy("未认证：请提供有效的接口令牌"),
    403: gettext_lazy("无权访问"), 404: gettext_lazy("不存在"),
    405: gettext_lazy("不支持该请求方法"), 413: gettext_lazy("请求内容过大"),
    415: gettext_lazy("不支持该内容类型"),
}


def _error(request, status: int, code: str, message: str, errors=None, extra=None):
    return api.create_response(request, {"code": code, "message": message, "errors": errors or [],
                                         **(extra or {})}, status=status)


@api.exception_handler(ServiceError)
def on_service_error(request, exc: ServiceError):
    return _error(request, exc.status, str(exc.code), exc.message, exc.errors, exc.extra)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return _error(request, 401, ErrorCode.UNAUTHORIZED, _("未认证：请提供有效的接口令牌"))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, ErrorCode.NOT_FOUND, _("不存在"))


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    if isinstance(exc.__cause__, ServiceError):  # the body could not be read (bad JSON)
        return on_service_error(request, exc.__cause__)
    code = CODE_BY_STATUS.get(exc.status_code, ErrorCode.BAD_REQUEST)
    # django-ninja's own texts are English: ours in the interface language instead
    return _error(request, exc.status_code, code, str(HTTP_TEXTS.get(exc.status_code, HTTP_TEXTS[400])))


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    errors = request_errors(exc.errors)
    return _error(request, 422, ErrorCode.VALIDATION, _("请求参数有误"), errors)


def page_not_found(request, exception=None):
    """A path no route matches (``/api/v1/applications/x``: the ids are integers) is the
    API's JSON 404 under /api/, the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return _error(request, 404, ErrorCode.NOT_FOUND, _("不存在"))
    from django.views.defaults import page_not_found as site_page_not_found

    return site_page_not_found(request, exception)


def _register_routers() -> None:
    from jiuzhu.applications.api import router as applications_router
    from jiuzhu.applications.api_signing import router as signing_router
    from jiuzhu.archive.api import router as archive_router
    from jiuzhu.assessments.api import router as assessments_router
    from jiuzhu.assessments.prescription_api import router as prescription_router
    from jiuzhu.catalogue.api import router as catalogue_router
    from jiuzhu.contracts.api import router as contracts_router
    from jiuzhu.emergency.api import router as emergency_router
    from jiuzhu.funds.api import router as funds_router
    from jiuzhu.households.api import router as households_router
    from jiuzhu.intake.api import router as intake_router
    from jiuzhu.leads.api import router as leads_router
    from jiuzhu.monitoring.api import router as monitoring_router
    from jiuzhu.monthly.api import router as monthly_router
    from jiuzhu.payments.api import router as payments_router
    from jiuzhu.points.api import router as points_router
    from jiuzhu.selfservice.api import router as selfservice_router
    from jiuzhu.socialwork.api import router as socialwork_router
    from jiuzhu.stations.api import router as stations_router
    from jiuzhu.supervision.api import router as supervision_router
    from jiuzhu.upward.api import router as upward_router
    from jiuzhu.verification.api import router as verification_router
    from jiuzhu.xingfu.api import router as xingfu_router

    api.add_router("/households", households_router)
    api.add_router("/households", prescription_router)
    api.add_router("/assess", assessments_router)
    api.add_router("/applications", applications_router)
    api.add_router("/applications", signing_router)  # 签署核对授权
    api.add_router("/catalogue", catalogue_router)
    api.add_router("/funds", funds_router)  # the emergency app adds /funds/{id}/commitments
    api.add_router("/intake", intake_router)
    api.add_router("", leads_router)  # /leads…, /visits…
    api.add_router("/verification", verification_router)
    api.add_router("/payrolls", payments_router)
    api.add_router("", supervision_router)  # /reviews…, /tipoffs…
    api.add_router("", emergency_router)  # /emergencies…, /funds/{id}/commitments
    # social forces: each router carries its full paths (/stations…, /points…, /supermarket…,
    # /contracts…, /settlements…, /needs…, /orders…, /socialwork…)
    api.add_router("", stations_router)
    api.add_router("", points_router)
    api.add_router("", contracts_router)
    api.add_router("", xingfu_router)
    api.add_router("", socialwork_router)
    # oversight (#13): full paths (/dashboard…, /reports/monthly, /reports/recipients, /archive…)
    api.add_router("", monitoring_router)
    api.add_router("", monthly_router)
    api.add_router("", upward_router)
    api.add_router("", archive_router)
    api.add_router("", selfservice_router)  # POST /selfcheck: no login (我能申请吗)


_register_routers()

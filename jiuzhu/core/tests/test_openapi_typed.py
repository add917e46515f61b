"""The OpenAPI document types every endpoint: a schema for each request body and each
response, and the error body — whose ``code`` is the ErrorCode enum — for every refusal."""

import pytest

from jiuzhu.api import api
from jiuzhu.core.errors import ErrorCode

# The applications API is typed with its procedure's table (its own tests).
OTHERS = ("/api/v1/applications",)
DOWNLOADS = ("/download",)
# No login, so never a 401: 我能申请吗 (50-api.md).
PUBLIC = ("/api/v1/selfcheck",)


def _operations():
    spec = api.get_openapi_schema()
    for path, methods in spec["paths"].items():
        if path.startswith(OTHERS):
            continue
        for method, operation in methods.items():
            yield spec, path, method, operation


def _untyped(schema: dict) -> bool:
    """An object with no named properties and any values: what dict[str, Any] gives."""
    return (schema.get("type") == "object" and not schema.get("properties")
            and schema.get("additionalProperties", True) in (True, {}))


@pytest.mark.parametrize("spec, path, method, operation", list(_operations()),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_every_operation_is_typed(spec, path, method, operation):
    responses = {str(code): value for code, value in operation["responses"].items()}
    ok = [code for code in responses if code.startswith("2")]
    assert ok, f"{method} {path}: no success response"
    if not path.endswith(DOWNLOADS):
        schema = responses[ok[0]]["content"]["application/json"]["schema"]
        assert not _untyped(schema), f"{method} {path}: untyped response"
    assert ("401" in responses) != (path in PUBLIC)
    for code, response in responses.items():
        if code.startswith(("4", "5")):
            ref = response["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/ErrorOut"), (path, code)
    body = operation.get("requestBody")
    if body is not None:
        for content in body["content"].values():
            assert not _untyped(content["schema"]), f"{method} {path}: untyped body"


def test_the_error_code_is_the_enum():
    schemas = api.get_openapi_schema()["components"]["schemas"]
    code = schemas["ErrorOut"]["properties"]["code"]
    enum = schemas[code["$ref"].rsplit("/", 1)[-1]]["enum"] if "$ref" in code else code["enum"]
    assert set(enum) == {c.value for c in ErrorCode}
    assert {"already_receiving", "step_not_allowed", "verification_missing",
            "duplicate_member"} <= set(enum)


def _models(annotation, seen: set) -> None:
    """Every pydantic model ``annotation`` names, its fields' models included."""
    import typing

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for field in annotation.model_fields.values():
            _models(field.annotation, seen)
    for arg in typing.get_args(annotation):
        _models(arg, seen)


def test_one_class_per_component_name():
    """The document's components are named by class name: two classes of one name (the
    emergency and the social-work ``CaseListOut``) left one described by the other's
    fields (GET /emergencies said ``results``, it answers ``items``)."""
    seen: set = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.response_models.values():
                    _models(model, seen)
                for model in operation.models or []:
                    _models(model, seen)
    by_name: dict[str, set[str]] = {}
    for model in seen:
        if model.__module__.startswith("jiuzhu."):
            by_name.setdefault(model.__name__, set()).add(model.__module__)
    assert {name: sorted(mods) for name, mods in by_name.items() if len(mods) > 1} == {}


def test_shared_refusals_are_documented():
    """The parser refuses a body that is not JSON (400) and a field outside the input limits
    (422) on every operation that reads a body or a query; the document says so."""
    spec = api.get_openapi_schema()
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            codes = {str(code) for code in operation["responses"]}
            if "requestBody" in operation:
                assert {"400", "422"} <= codes, (method, path)
            if any(p["in"] == "query" for p in operation.get("parameters", [])):
                assert "422" in codes, (method, path)


def test_an_unknown_api_path_is_the_json_404(client):
    """/api/v1/applications/x matches no route (its ids are integers): the API's error body,
    not the site's HTML page."""
    response = client.get("/api/v1/applications/-0.5/attachments")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == ErrorCode.NOT_FOUND
    assert "text/html" in client.get("/no-such-page/")["Content-Type"]

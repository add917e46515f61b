"""The OpenAPI document types every endpoint: a schema for each request body and each
response, and the error body — whose ``code`` is the ErrorCode enum — for every refusal."""

import pytest

from jiuzhu.api import api
from jiuzhu.core.errors import ErrorCode

# The applications API is typed with its procedure's table (its own tests).
OTHERS = ("/api/v1/applications",)
DOWNLOADS = ("/download",)


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
    assert "401" in responses
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

"""Input limits (#14 item 7): every JSON POST endpoint of the OpenAPI refuses a deeply
nested body, a NUL byte and an over-long text with a 422 naming the place, never a 500."""

import json

import pytest

from jiuzhu.api import api
from jiuzhu.core import limits
from jiuzhu.core.errors import ServiceError
from jiuzhu.core.jsonio import loads_exact
from jiuzhu.testing import ApiClient


def _json_posts():
    spec = api.get_openapi_schema()
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            body = operation.get("requestBody", {}).get("content", {})
            if method == "post" and ("application/json" in body or "multipart/form-data" in body):
                params = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "path"}
                url = path
                for name, param in params.items():
                    enum = param.get("schema", {}).get("enum")
                    url = url.replace("{" + name + "}", str(enum[0]) if enum else "1")
                yield pytest.param(url, "application/json" in body, id=path)


@pytest.fixture
def api_client(client, superuser):
    return ApiClient(client, {"root": superuser}, "")


def _post(api_client, url, is_json, raw: str):
    """``raw`` as the JSON body, or (an endpoint of form fields) its keys as the fields."""
    token = api_client.tokens["root"]
    if is_json:
        return api_client.client.post(url, data=raw, content_type="application/json",
                                      HTTP_AUTHORIZATION=f"Bearer {token}")
    return api_client.client.post(url, data=json.loads(raw), HTTP_AUTHORIZATION=f"Bearer {token}")


def _checked(api_client, url, is_json, response) -> bool:
    """Whether the body was read: a route that first looks its object up answers 404 for
    object 1 (absent) whatever the body, as it does for ``{}``."""
    if response.status_code == 404:
        assert _post(api_client, url, is_json, "{}").status_code == 404
        return False
    assert response.status_code == 422, (url, response.status_code, response.content[:300])
    return True


OPERATIONS = list(_json_posts())


def test_every_json_post_is_walked():
    assert len(OPERATIONS) >= 7


@pytest.mark.parametrize("url, is_json", OPERATIONS)
@pytest.mark.parametrize("depth", [limits.JSON_MAX_DEPTH + 5, 5000])
def test_deeply_nested_json_is_422_naming_the_body(api_client, url, is_json, depth):
    if not is_json:
        pytest.skip("form fields: no JSON to nest")
    raw = '{"a": ' + "[" * depth + "]" * depth + "}"
    response = _post(api_client, url, is_json, raw)
    if not _checked(api_client, url, is_json, response):
        return
    body = response.json()
    assert body["code"] == "validation_error"
    assert "嵌套" in body["message"]


@pytest.mark.parametrize("url, is_json", OPERATIONS)
def test_nul_byte_is_422_naming_the_field(api_client, url, is_json):
    response = _post(api_client, url, is_json, json.dumps({"address": "东河镇\x00一号"}))
    if _checked(api_client, url, is_json, response):
        assert [e["path"] for e in response.json()["errors"]] == ["address"]


@pytest.mark.parametrize("url, is_json", OPERATIONS)
def test_over_long_text_is_422_naming_the_field(api_client, url, is_json):
    body = ({"members": [{"name": "张" * (limits.JSON_TEXT_MAX + 1)}]} if is_json
            else {"members[0].name": "张" * (limits.JSON_TEXT_MAX + 1)})
    response = _post(api_client, url, is_json, json.dumps(body))
    if _checked(api_client, url, is_json, response):
        assert [e["path"] for e in response.json()["errors"]] == ["members[0].name"]


def test_parser_limits():
    assert loads_exact('{"note": "第一行\\n\\t第二行"}') == {"note": "第一行\n\t第二行"}
    with pytest.raises(ServiceError) as refused:
        loads_exact(json.dumps({"a": {"b": ["x\x07"]}}))
    assert refused.value.errors[0]["path"] == "a.b[0]"
    # file contents are not text: long, and not counted
    loads_exact(json.dumps({"files": [{"content_base64": "A" * (limits.JSON_MAX_CHARS + 10)}]}))
    with pytest.raises(ServiceError) as refused:
        loads_exact(json.dumps({"a": ["x" * 10_000] * 120}))
    assert "过大" in refused.value.message


def test_every_form_text_field_refuses_control_characters_and_endless_text():
    from django import forms

    class Plain(forms.Form):  # not even a StyledForm
        address = forms.CharField()
        note = forms.CharField(widget=forms.Textarea, required=False)

    assert Plain({"address": "东河镇一号", "note": "第一行\r\n\t第二行"}).is_valid()
    for address in ("东河镇\x00一号", "东河镇\x1b一号", "张" * (limits.FORM_TEXT_MAX + 1)):
        form = Plain({"address": address})
        assert not form.is_valid()
        assert list(form.errors) == ["address"]

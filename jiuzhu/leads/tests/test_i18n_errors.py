"""Error messages in the interface language (the language switch's cookie): the API's 409
and 422 and a page's form errors in English, in Traditional Chinese, and unchanged in
Simplified Chinese. The ``errors[].path`` stays the field's name in every language."""

import re
from html import unescape

import pytest
from django.conf import settings

from jiuzhu.leads.models import VisitTask
from jiuzhu.testing import ApiClient

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

CJK = re.compile(r"[\u3400-\u9fff]")
# (language, 409 text, 422 text of a blank person_name)
LANGUAGES = [
    ("zh-hans", "当前状态“已走访”不能执行“记录走访结果”", "请填写被报告人姓名"),
    ("zh-hant", "當前狀態「已走訪」不能執行「記錄走訪結果」", "請填寫被報告人姓名"),
    ("en", None, "Enter the name of the person reported"),
]


def choose(client, language: str) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language


@pytest.fixture
def api(client, window_worker, grid_worker):
    return ApiClient(client, {"window": window_worker, "grid": grid_worker}, actions="")


def closed_task(api, lead_data) -> int:
    lead = api.post("window", "/api/v1/leads", lead_data).json()
    converted = api.post("window", f"/api/v1/leads/{lead['id']}/convert",
                         {"health": "healthy", "occupation": "none"}).json()
    task_id = converted["tasks"][0]["id"]
    done = api.post("grid", f"/api/v1/visits/{task_id}/outcome", {
        "visited_on": "2026-03-02", "findings": "老人独居", "outcome": "not_eligible"})
    assert done.status_code == 200, done.content
    return task_id


@pytest.mark.parametrize(("language", "step_text", "field_text"), LANGUAGES)
def test_api_errors_in_the_interface_language(client, api, lead_data, language, step_text,
                                              field_text):
    task_id = closed_task(api, lead_data)
    choose(client, language)
    again = api.post("grid", f"/api/v1/visits/{task_id}/outcome", {
        "visited_on": "2026-03-02", "findings": "x", "outcome": "applied"})
    assert again.status_code == 409 and again.json()["code"] == "step_not_allowed"
    assert again["Content-Language"] == language
    message = again.json()["message"]
    if step_text:
        assert message == step_text
    else:
        assert not CJK.search(message), message
        assert "Record the visit's outcome" in message and "cannot be taken" in message
    assert VisitTask.objects.get(pk=task_id).outcome == "not_eligible"

    bad = api.post("window", "/api/v1/leads", {**lead_data, "person_name": ""})
    assert bad.status_code == 422
    errors = {e["path"]: e["message"] for e in bad.json()["errors"]}
    assert errors["person_name"] == field_text


@pytest.mark.parametrize(("language", "expected"), [
    ("zh-hans", "请填写被报告人姓名"),
    ("zh-hant", "請填寫被報告人姓名"),
    ("en", "Enter the name of the person reported"),
])
def test_page_form_errors_in_the_interface_language(client, window_worker, lead_data, language,
                                                    expected):
    client.force_login(window_worker)
    choose(client, language)
    response = client.post("/leads/new/", {**lead_data, "person_name": ""})
    assert response.status_code == 422
    shown = re.findall(r'data-error="person_name"[^>]*>\s*([^<]*?)\s*<', response.content.decode())
    assert [unescape(s) for s in shown] == [expected]


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_the_language_switch_names_each_language_in_itself(client, window_worker, language):
    client.force_login(window_worker)
    choose(client, language)
    page = client.get("/leads/").content.decode()
    options = re.findall(r'<option value="([a-z-]+)" lang="[a-z-]+"[^>]*>([^<]+)</option>', page)
    assert options == [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
    assert "英语" not in page and "英語" not in page

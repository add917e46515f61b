"""Chinese 403, 404 and 500 pages inside the layout (DEBUG off, as in production)."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.views.defaults import server_error

pytestmark = [pytest.mark.django_db, pytest.mark.urls("jiuzhu.portal.tests.urls_errors")]


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def test_403_in_the_layout_with_the_reason(client, window_worker):
    client.force_login(window_worker)
    page = client.get("/test-errors/403/")
    assert page.status_code == 403
    html = page.content.decode()
    assert 'data-testid="error-403"' in html and "无权访问" in html
    assert "只有调查员可以录入入户调查" in html
    assert 'data-testid="whoami"' in html and 'class="navbar-brand"' in html  # the layout
    assert 'lang="zh-hans"' in html


def test_404_in_the_layout(client, window_worker):
    client.force_login(window_worker)
    page = client.get("/households/999999999/")
    assert page.status_code == 404
    html = page.content.decode()
    assert 'data-testid="error-404"' in html and "页面不存在" in html and "不在您的辖区内" in html
    assert 'data-testid="whoami"' in html and "Not Found" not in html


def test_404_for_nobody_logged_in_is_chinese_too(client):
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and "页面不存在" in page.content.decode()


def test_500_renders_without_a_request_context_or_a_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        page = server_error(RequestFactory().get("/"))
    html = page.content.decode()
    assert page.status_code == 500
    assert 'data-testid="error-500"' in html and "系统出错" in html
    assert 'class="navbar-brand"' in html and "Server Error" not in html


def test_an_exception_in_a_page_gives_the_chinese_500(window_worker):
    client = Client(raise_request_exception=False)
    client.force_login(window_worker)
    page = client.get("/test-errors/500/")
    assert page.status_code == 500 and "系统出错" in page.content.decode()

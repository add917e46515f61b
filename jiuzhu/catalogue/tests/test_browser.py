"""The handbook on a phone, in headless Chromium: the HTMX live filter and an item page."""

from __future__ import annotations

import re

import pytest

from jiuzhu.testing import PASSWORD, SCREENSHOTS

PHONE = {"width": 390, "height": 844}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_handbook_filters_live_on_a_phone(browser, live_server, window_worker):
    page = browser.new_context(locale="zh-CN", viewport=PHONE).new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill('[name="username"]', window_worker.username)
    page.fill('[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_url(re.compile(r".*/$"))
    page.goto(f"{live_server.url}/catalogue/handbook/")
    assert page.locator("#results [data-code]").count() == 39
    page.fill('input[name="q"]', "残疾证")  # no submit: the HTMX filter answers as one types
    # a locator wait, not wait_for_function: a string evaluated in the page is refused by the
    # Content-Security-Policy (no 'unsafe-eval')
    from playwright.sync_api import expect

    expect(page.locator("#results [data-code]")).to_have_count(4, timeout=30_000)
    assert "q=" in page.url  # the filter is in the address, so back and reload keep it
    # the page fits the phone: nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator('#results [data-code="CL02"]').click()
    page.wait_for_url(re.compile(r".*/catalogue/handbook/CL02/$"))
    assert page.locator('[data-testid="materials"] li').all_inner_texts() == ["残疾证", "身份证"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "catalogue-handbook-item-phone.png"), full_page=True)

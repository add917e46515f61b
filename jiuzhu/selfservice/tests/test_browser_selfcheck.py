"""我能申请吗 on a phone (390×844) and a desktop: the questions by keyboard and touch, the
answer with its statement, 长辈模式, and the answers carried into the online application."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.cache import cache

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SELFCHECK_SHOTS", "/tmp/selfcheck"))


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_resident_checks_on_a_phone_and_applies_with_the_answers(browser, live_server, tree,
                                                                    person):
    cache.clear()
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844},
                                is_mobile=True, has_touch=True)
    page = phone.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    base = live_server.url

    page.goto(f"{base}/self/")
    page.get_by_role("link", name="先测一测：我能申请吗？").click()
    page.wait_for_url("**/self/check/")
    assert no_sideways_scroll(page)
    page.select_option('[name="township"]', tree["town1"].code)
    page.get_by_label("农村").check()
    # Two people: the second box appears at once (JavaScript), no round trip.
    assert page.locator("#m1").is_hidden()
    page.select_option('[name="size"]', "2")
    assert page.locator("#m1").is_visible()
    page.fill('[name="m0-age"]', "62")
    page.select_option('[name="m0-sex"]', "female")
    page.select_option('[name="m0-health"]', "chronic_illness")
    page.fill('[name="m0-income"]', "500-700")
    page.select_option('[name="m0-income_source"]', "pension")
    page.fill('[name="m1-age"]', "9")
    page.select_option('[name="m1-relation"]', "grandchild")
    page.select_option('[name="m1-school"]', "primary")
    page.select_option('[name="m1-occupation"]', "student")
    page.fill('[name="savings"]', "3000")
    # Keyboard: Enter in the last field checks.
    page.locator('[name="medical"]').fill("2000")
    page.locator('[name="medical"]').press("Enter")
    page.wait_for_selector('[data-testid="selfcheck-result"]')
    result = page.locator('[data-testid="selfcheck-result"]')
    assert "结果仅供参考，是否符合条件以经办机构审核认定为准" in result.inner_text()
    dibao = page.locator('[data-item="MZ01"]')
    assert dibao.get_attribute("data-likelihood") == "likely"
    assert "大约每月" in dibao.inner_text()
    assert no_sideways_scroll(page)
    apply = page.get_by_role("button", name="按这些情况在线申请")
    box = apply.bounding_box()
    assert box is not None and box["height"] >= 44
    page.screenshot(path=str(SHOTS / "selfcheck_phone_result.png"), full_page=False)
    page.screenshot(path=str(SHOTS / "selfcheck_phone_full.png"), full_page=True)

    # 长辈模式: larger text, kept while the resident goes on.
    size_before = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.get_by_role("link", name="长辈模式（大字）").click()
    page.wait_for_url("**/self/check/")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") > size_before
    assert no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / "selfcheck_phone_elder.png"), full_page=False)
    page.get_by_role("link", name="退出长辈模式").click()
    page.wait_for_url("**/self/check/")

    # Check again (the GET above showed the questions afresh), then apply with the answers.
    page.select_option('[name="township"]', tree["town1"].code)
    page.get_by_label("农村").check()
    page.fill('[name="m0-age"]', "62")
    page.fill('[name="m0-income"]', "600")
    page.get_by_role("button", name="测一测").click()
    page.wait_for_selector('[data-testid="selfcheck-result"]')
    page.get_by_role("button", name="按这些情况在线申请").click()
    page.wait_for_url("**/self/")
    page.fill('[name="name"]', person["name"])
    page.fill('[name="id_number"]', person["id_number"])
    page.fill('[name="phone"]', person["phone"])
    page.check('[name="consent"]')
    page.get_by_role("button", name="下一步").click()
    page.wait_for_url("**/self/apply/household/")
    assert page.input_value('[name="township"]') == tree["town1"].code
    assert page.input_value('[name="m0-id_number"]') == person["id_number"]
    assert page.input_value('[name="m0-monthly_income"]') == "600.00"
    assert "存款理财约" in page.input_value('[name="notes"]')
    assert not errors, errors

    desktop = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    wide = desktop.new_page()
    wide.goto(f"{base}/self/check/")
    wide.screenshot(path=str(SHOTS / "selfcheck_desktop_questions.png"), full_page=True)
    wide.select_option('[name="township"]', tree["town1"].code)
    wide.get_by_label("城镇（城市、县城）").check()
    wide.fill('[name="m0-age"]', "45")
    wide.select_option('[name="m0-occupation"]', "fixed_employment")
    wide.fill('[name="m0-income"]', "15000")
    wide.select_option('[name="car"]', "car")
    wide.fill('[name="car_value"]', "200000")
    wide.get_by_role("button", name="测一测").click()
    wide.wait_for_selector('[data-testid="selfcheck-result"]')
    assert wide.locator('[data-item="MZ01"]').get_attribute("data-likelihood") == "unlikely"
    wide.screenshot(path=str(SHOTS / "selfcheck_desktop_result.png"), full_page=True)

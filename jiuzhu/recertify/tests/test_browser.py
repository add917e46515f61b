"""A recipient confirms on a 390×844 phone (photo from a file, geolocation granted) and
declares a change; the township reviewer finds the review in 今日待办 and on the page."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from jiuzhu.recertify import services
from jiuzhu.recertify.demo import photo_png
from jiuzhu.recertify.models import Confirmation
from jiuzhu.testing import SCREENSHOTS, browser_login

from .conftest import head_last4

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_recipient_confirms_on_a_phone_and_the_township_sees_the_change(
        browser, live_server, paid, setting, clock, people, tmp_path):
    clock["today"] = date(2026, 4, 15)
    services.daily()
    row = Confirmation.objects.get(application=paid)
    photo = tmp_path / "me.png"
    photo.write_bytes(photo_png())
    base = live_server.url

    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844},
                                is_mobile=True, has_touch=True,
                                geolocation={"latitude": 30.5728, "longitude": 104.0668},
                                permissions=["geolocation"])
    page = phone.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{base}/self/confirm/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.fill('[name="code"]', paid.query_code)
    page.fill('[name="last4"]', head_last4(paid))
    page.get_by_role("button", name="下一步").click()
    page.wait_for_url("**/self/confirm/form/")
    page.wait_for_function(
        "document.querySelector('input[name=latitude]').value !== ''")
    assert page.input_value('[name="latitude"]') == "30.572800"
    page.set_input_files('[name="photo"]', str(photo))
    page.get_by_label("收入变化").check()
    page.get_by_role("button", name="提交认证").click()
    # a change needs its note: named, the ticks kept
    assert "请写明变化情况" in page.locator('[data-field="change_note"]').inner_text()
    assert page.get_by_label("收入变化").is_checked()
    page.set_input_files('[name="photo"]', str(photo))
    page.fill('[name="change_note"]', "女儿 9 月参加工作，月收入约 2800 元")
    page.screenshot(path=str(SCREENSHOTS / "recertify_phone.png"), full_page=True)
    page.get_by_role("button", name="提交认证").click()
    page.wait_for_url("**/self/confirm/done/")
    assert "您申报了家庭变化" in page.content()
    assert not [e for e in errors if "422" not in e], errors  # the 422 above was meant
    row.refresh_from_db()
    assert row.state == "change_declared" and row.changed_income
    assert str(row.latitude) == "30.572800" and row.photo

    desk = browser_login(browser, base, people["reviewer"])
    work = desk.locator('[data-testid="work-recertify"]')
    assert work.get_attribute("data-count") == "1"
    work.click()
    desk.wait_for_url("**/recertify/?state=change_declared")
    desk.locator(f'[data-confirmation="{row.pk}"] a').click()
    desk.wait_for_url(f"**/recertify/{row.pk}/")
    expect(desk.locator('[data-testid="photo"]')).to_be_visible()
    assert "收入变化" in desk.locator('[data-testid="changes"]').inner_text()
    desk.get_by_label("变化不影响救助待遇").check()
    desk.locator('[data-action="review"]').click()
    desk.wait_for_selector('[data-testid="review"]')
    row.refresh_from_db()
    assert row.state == "reviewed" and row.outcome == "no_effect"

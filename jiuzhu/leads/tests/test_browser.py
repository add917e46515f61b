"""A hotline lead from the window to the grid worker's phone and back, in headless Chromium."""

from __future__ import annotations

import re

import pytest

from jiuzhu.leads.models import Lead
from jiuzhu.testing import SCREENSHOTS, browser_login

PHONE = {"width": 390, "height": 844}
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def phone_session(browser, base_url: str, user):
    return browser_login(browser, base_url, user, viewport=PHONE, is_mobile=True, has_touch=True)


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_hotline_lead_is_visited_on_the_phone_and_closed_with_its_outcome(
        browser, live_server, window_worker, grid_worker, lead_data, clock, media, tmp_path):
    base = live_server.url
    (tmp_path / "door.png").write_bytes(PNG)

    # 1. The window worker (hotline operator) records the call.
    window = phone_session(browser, base, window_worker)
    window.goto(f"{base}/leads/new/")
    assert fits_the_phone(window)
    window.select_option('[name="source"]', "hotline")
    for name in ("reporter_name", "reporter_phone", "person_name", "id_number", "phone",
                 "address", "description"):
        window.fill(f'[name="{name}"]', lead_data[name])
    window.select_option('[name="region_code"]', lead_data["region_code"])
    window.select_option('[name="urgency"]', "urgent")
    window.get_by_role("button", name="登记").click()
    window.wait_for_url(re.compile(r".*/leads/\d+/$"))
    lead = Lead.objects.get()
    assert window.locator('[data-testid="lead-status"]').get_attribute("data-status") == "new"

    # 2. It becomes a household record and a visit task for the grid's worker.
    form = window.locator('[data-testid="convert-form"]')
    form.locator('[name="health"]').select_option("chronic_illness")
    form.locator('[name="occupation"]').select_option("none")
    form.get_by_role("button", name="转化").click()
    window.wait_for_load_state()
    assert window.locator(".alert-success").count() == 1, window.locator("main").inner_text()[:500]
    assert window.locator('[data-testid="lead-status"]').get_attribute("data-status") == "visiting"
    assert "孙强" in window.locator('[data-testid="tasks"]').inner_text()

    # 3. The grid worker opens 我的走访任务 on the phone and records the visit.
    phone = phone_session(browser, base, grid_worker)
    phone.goto(f"{base}/leads/visits/")
    assert fits_the_phone(phone)
    phone.screenshot(path=str(SCREENSHOTS / "leads-phone-tasks.png"), full_page=True)
    card = phone.locator('[data-testid="task"]')
    assert card.count() == 1 and "陈老汉" in card.inner_text()
    card.click()
    phone.wait_for_url(re.compile(r".*/leads/visits/\d+/$"))
    assert fits_the_phone(phone)
    phone.fill('[name="findings"]', "老人独居，腿伤未愈，符合申请条件，已指导家属提出低保申请。")
    # Without an outcome the task is not closed, and the form says so.
    phone.get_by_role("button", name="提交走访记录").click()
    phone.wait_for_load_state()
    assert phone.locator('[data-error="outcome"]').count() == 1
    phone.screenshot(path=str(SCREENSHOTS / "leads-phone-visit.png"), full_page=True)
    phone.set_input_files('[name="photos"]', str(tmp_path / "door.png"))
    phone.get_by_label("已引导申请").check()
    phone.fill('[name="outcome_note"]', "家属本周内到窗口递交材料")
    phone.get_by_role("button", name="提交走访记录").click()
    phone.wait_for_url(re.compile(r".*/leads/visits/$"))
    assert phone.locator('[data-testid="no-tasks"]').count() == 1

    # 4. The lead shows closed with that outcome.
    window.goto(f"{base}/leads/{lead.pk}/")
    assert window.locator('[data-testid="lead-status"]').get_attribute("data-status") == "closed"
    outcome = window.locator('[data-testid="lead-outcome"]')
    assert outcome.get_attribute("data-outcome") == "applied" and "已引导申请" in outcome.inner_text()
    assert "照片1" in window.locator('[data-testid="tasks"]').inner_text()
    window.screenshot(path=str(SCREENSHOTS / "leads-phone-lead.png"), full_page=True)
    window.goto(f"{base}/leads/?status=closed")
    assert window.locator(f'[data-lead="{lead.pk}"] [data-status="closed"]').count() == 1

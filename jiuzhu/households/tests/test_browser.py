"""A window worker's day with the household registry, in headless Chromium (Playwright)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from jiuzhu.core.access import SYSTEM
from jiuzhu.households.idnumber import id_number_make
from jiuzhu.households.models import Household
from jiuzhu.households.services import household_register
from jiuzhu.testing import SCREENSHOTS, household_dict

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    assert "登录" in page.content()
    page.fill('[name="username"]', username)
    page.fill('[name="password"]', password)
    page.click('button[type="submit"]')
    page.wait_for_url(re.compile(r".*/$"))


def fill_member(page, index: int, *, name: str, id_number: str, relation: str,
                occupation: str) -> None:
    prefix = f"members-{index}"
    page.fill(f'[name="{prefix}-name"]', name)
    page.fill(f'[name="{prefix}-id_number"]', id_number)
    page.select_option(f'[name="{prefix}-relation"]', relation)
    page.select_option(f'[name="{prefix}-health"]', "healthy")
    page.select_option(f'[name="{prefix}-occupation"]', occupation)


def test_register_find_and_keep_it_from_another_township(
        browser, live_server, tree, window_worker, other_window_worker, password):
    head_id = id_number_make(area="990102", birth=date(1968, 3, 15), sequence=41)
    spouse_id = id_number_make(area="990102", birth=date(1971, 11, 2), sequence=42, female=True)
    wrong_spouse_id = spouse_id[:17] + ("0" if spouse_id[17] != "0" else "1")

    from playwright.sync_api import expect

    page = browser.new_page(locale="zh-CN", viewport={"width": 1366, "height": 900})
    log_in(page, live_server.url, window_worker.username, password)

    # Register a household with two members and a vehicle; the rows are added on the page.
    page.goto(f"{live_server.url}/households/")
    page.get_by_role("link", name="登记家庭").click()
    page.wait_for_url("**/households/new/")
    page.fill('[name="household_id"]', "BR-2026-001")
    page.select_option('[name="region"]', tree["village1"].code)
    page.select_option('[name="area_type"]', "rural")
    page.fill('[name="assessment_date"]', "2026-03-01")
    page.fill('[name="address"]', "示范县第1镇第1村8组12号")
    page.fill('[name="phone"]', "13900001111")
    fill_member(page, 0, name="马建国", id_number=head_id, relation="head",
                occupation="farming")
    page.get_by_role("button", name="添加成员").click()
    fill_member(page, 1, name="杨秀兰", id_number=wrong_spouse_id, relation="spouse",
                occupation="casual_work")
    page.get_by_role("button", name="添加车辆").click()
    page.select_option('[name="vehicles-0-kind"]', "motorcycle")
    page.fill('[name="vehicles-0-value"]', "2500")
    page.fill('[name="medical"]', "3600")
    # The birth date follows from the ID number when left blank.
    assert page.input_value('[name="members-0-birth_date"]') == "1968-03-15"
    page.get_by_role("button", name="保存").click()

    # A wrong check digit: the error is next to that member's ID number, the rest is kept.
    error = page.locator("#id_members-1-id_number_error")
    assert error.inner_text() == "身份证号校验位错误"
    assert page.input_value('[name="members-1-name"]') == "杨秀兰"
    assert page.input_value('[name="vehicles-0-value"]') == "2500"
    page.screenshot(path=str(SCREENSHOTS / "households_form_error.png"), full_page=True)
    page.fill('[name="members-1-id_number"]', spouse_id)
    page.get_by_role("button", name="保存").click()

    page.wait_for_url(re.compile(r".*/households/\d+/$"))
    household = Household.objects.get(household_id="BR-2026-001")
    assert page.url.endswith(f"/households/{household.pk}/")
    assert "家庭 BR-2026-001 已登记。" in page.inner_text("main")
    members = page.inner_text('[data-testid="members"]')
    assert "马建国" in members and "杨秀兰" in members and "户主" in members
    assert "摩托车" in page.inner_text('[data-testid="vehicles"]')

    # Correct the address; the reason and the old → new values land in the history.
    page.get_by_role("link", name="修改", exact=True).click()
    page.wait_for_url(f"**/households/{household.pk}/edit/")
    assert page.get_attribute('[name="members-0-member_id"]', "readonly") is not None
    page.fill('[name="address"]', "示范县第1镇第1村8组15号")
    page.fill('[name="reason"]', "入户核实门牌号")
    page.screenshot(path=str(SCREENSHOTS / "households_edit.png"), full_page=True)
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"**/households/{household.pk}/")
    history = page.locator('[data-testid="history"] tbody tr').first
    expect(history).to_contain_text("示范县第1镇第1村8组12号 → 示范县第1镇第1村8组15号")
    expect(history).to_contain_text("入户核实门牌号")
    page.screenshot(path=str(SCREENSHOTS / "households_detail.png"), full_page=True)

    # Find it in the list by typing the spouse's ID number (live search).
    neighbour = household_register(actor=SYSTEM, data=household_dict(household_id="BR-2026-002"))
    page.goto(f"{live_server.url}/households/")
    rows = page.locator("#household-results tbody tr")
    expect(rows).to_have_count(2)
    page.locator('[name="q"]').press_sequentially(spouse_id, delay=10)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("BR-2026-001")
    expect(rows.first).to_contain_text("马建国")
    assert neighbour.household_id not in page.inner_text("#household-results")
    # The search is in the address, so it survives a reload and can be shared.
    expect(page).to_have_url(re.compile(f"q={spouse_id}"))
    page.screenshot(path=str(SCREENSHOTS / "households_list.png"), full_page=True)
    page.get_by_role("button", name="退出").click()

    # A worker of another township: the same address is 'not found'.
    log_in(page, live_server.url, other_window_worker.username, password)
    response = page.goto(f"{live_server.url}/households/{household.pk}/")
    assert response.status == 404
    assert "马建国" not in page.content()
    page.close()


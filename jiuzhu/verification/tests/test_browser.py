"""A verification officer's everyday path, in headless Chromium (Playwright): request a
verification, read the report, accept a difference with a reason."""

from __future__ import annotations

import re

import pytest

from jiuzhu.testing import SCREENSHOTS

from .conftest import PDF, id_of, write_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_verifies_a_household_and_accepts_a_difference(
        browser, live_server, officer, household, exports, password):
    write_csv(exports, "vehicles", [["身份证号", "号牌号码", "车辆类型", "评估价值"],
                                    [id_of(household, "M1"), "示A12345", "小型轿车", "85000"]])
    write_csv(exports, "social_insurance", [["身份证号", "年工资收入", "年养老金"],
                                            [id_of(household, "M2"), "36000", ""]])
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill('[name="username"]', officer.username)
    page.fill('[name="password"]', password)
    page.click('button[type="submit"]')
    page.wait_for_url(re.compile(r".*/$"))

    page.goto(f"{live_server.url}/verification/new/{household.pk}/")
    for code in ("hukou", "real_estate", "business", "housing_fund", "deposits"):
        page.uncheck(f'input[name="sources"][value="{code}"]')
    page.set_input_files('[name="authorisation"]', files=[
        {"name": "授权书.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.click('[data-testid="request-form"] button.btn-danger')
    page.wait_for_url(re.compile(r".*/verification/\d+/$"))
    assert "已完成" in page.inner_text("h1")
    assert page.inner_text('[data-testid="source-status"]').count("已返回") == 2
    assert "36,000.00 元" in page.inner_text('[data-testid="report-M2"]')
    page.screenshot(path=str(SCREENSHOTS / "verification-report.png"), full_page=True)

    wage_row = page.locator("tr", has_text="工资性收入").filter(has_text="36,000.00")
    wage_row.locator('[name="reason"]').fill("社保缴费记录核实，本人确认")
    wage_row.locator('button[value="accept"]').click()
    page.wait_for_selector('[data-testid="summary"]:has-text("已采纳 1 项")')
    assert "社保缴费记录核实，本人确认" in page.inner_text('[data-testid="report-M2"]')
    household.refresh_from_db()
    assert str(household.members.get(member_id="M2").wages) == "36000.00"
    page.screenshot(path=str(SCREENSHOTS / "verification-accepted.png"), full_page=True)

    page.goto(page.url + "print/")
    page.screenshot(path=str(SCREENSHOTS / "verification-print.png"), full_page=True)
    assert "家庭经济状况核对报告" in page.inner_text("h1")

"""The funds on a phone, in headless Chromium: the list fits 390 px, a donation is recorded
through the ledger page's form, and the statement draws its chart."""

from __future__ import annotations

import re

import pytest

from jiuzhu.funds.models import LedgerEntry
from jiuzhu.testing import SCREENSHOTS, browser_login

PHONE = {"width": 390, "height": 844}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_donation_on_the_phone_and_the_statement_chart(browser, live_server, funds, approver):
    base = live_server.url
    page = browser_login(browser, base, approver, viewport=PHONE, is_mobile=True,
                         has_touch=True)
    page.goto(f"{base}/funds/")
    assert fits_the_phone(page)
    assert "第1镇备用金" in page.locator('[data-testid="funds"]').inner_text()
    page.get_by_role("link", name="示范县救急难基金").click()
    page.wait_for_url(re.compile(r".*/funds/\d+/$"))
    page.get_by_role("button", name="登记收入").click()
    form = page.locator('[data-testid="form-income"]')
    form.locator('[name="income-source"]').select_option("donation")
    form.locator('[name="income-amount"]').fill("1234.50")
    form.locator('[name="income-voucher"]').fill("JZ-88")
    form.locator('[name="income-donor"]').fill("爱心人士王先生")
    form.locator('[name="income-receipt_number"]').fill("SJ-88")
    form.get_by_role("button", name="登记").click()
    page.wait_for_load_state()
    assert page.locator(".alert-success").count() == 1, page.locator("main").inner_text()[:500]
    assert LedgerEntry.objects.filter(donor="爱心人士王先生", amount_fen=123_450).exists()
    assert page.locator('[data-testid="acknowledgement"]').count() == 1
    assert fits_the_phone(page)
    page.screenshot(path=str(SCREENSHOTS / "funds-ledger-phone.png"), full_page=True)
    page.get_by_role("link", name="收支报表").first.click()
    page.wait_for_url(re.compile(r".*/statement/.*"))
    page.locator("#funds-chart canvas").first.wait_for()
    assert "12,345.00" not in page.locator('[data-testid="statement"]').inner_text()
    assert "1,234.50" in page.locator('[data-testid="statement"]').inner_text()
    assert fits_the_phone(page)
    page.screenshot(path=str(SCREENSHOTS / "funds-statement-phone.png"), full_page=True)

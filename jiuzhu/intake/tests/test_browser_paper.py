"""#10 items 1–2 in headless Chromium: the window takes dibao with the paper originals seen
and the authorisation scanned — accepted with no 补正; a request missing one material gets
a receipt that lists it with its deadline (一次性告知); the receipts show 办结期限 and the
current step, 暂定 where a date lies beyond the known holiday calendar. Screenshots at a
desktop and a 390×844 phone viewport, and the receipt PDF, go to ``$JIUZHU_SCREENSHOT_DIR``."""

from __future__ import annotations

import re

import pytest

from jiuzhu.applications.materials import material_setting_set
from jiuzhu.households.services import household_register
from jiuzhu.intake.models import Request
from jiuzhu.testing import SCREENSHOTS, UserFactory, browser_login, household_dict, member_dict

from .conftest import PDF

SLOW_MS = 120_000
AUTHORISATION = "家庭经济状况核对授权书"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_intake(page, base: str, household, items: list[str], seen: dict[str, list[str]]) -> None:
    query = "&".join(f"items={code}" for code in items)
    page.goto(f"{base}/intake/new/?household={household.pk}&{query}")
    for code, materials in seen.items():
        for material in materials:
            page.locator(f'.intake-materials[data-item="{code}"] [data-material="{material}"] '
                         f'input[type="checkbox"]').check()
    page.set_input_files(f'input[name="f_MZ01_{AUTHORISATION}"]', files=[
        {"name": "授权书.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.locator('[data-testid="submit"]').click()
    page.wait_for_url(re.compile(r".*/intake/\d+/receipt/$"))


def test_paper_originals_count_and_the_receipt_tells_deadlines(browser, live_server, tree, staff,
                                                                family):
    from playwright.sync_api import expect

    expect.set_options(timeout=SLOW_MS)
    base = live_server.url
    admin = UserFactory(username="sys1", role="administrator", region=tree["county"])
    material_setting_set(actor=admin, county=tree["county"], material=AUTHORISATION,
                         scan_required=True)
    window = browser_login(browser, base, staff["window"], timeout_ms=SLOW_MS)

    # Nothing is ticked; the authorisation says it must be scanned.
    window.goto(f"{base}/intake/new/?household={family.pk}&items=MZ01")
    panel = window.locator('.intake-materials[data-item="MZ01"]')
    expect(panel.locator('input[type="checkbox"]:checked')).to_have_count(0)
    expect(panel.locator(f'[data-material="{AUTHORISATION}"] [data-testid="scan-required"]')).to_be_visible()
    panel.screenshot(path=str(SCREENSHOTS / "paper-form-desktop.png"))

    # 1. Four originals seen, the authorisation scanned: complete, accepted with no 补正.
    fill_intake(window, base, family, ["MZ01"],
                {"MZ01": ["户口簿", "身份证", "收入证明", "财产申报表"]})
    expect(window.locator('[data-testid="missing-notice"]')).to_have_count(0)
    row = window.locator('[data-testid="receipt-item"][data-code="MZ01"]')
    expect(row.locator('[data-testid="final-due"]')).to_contain_text(re.compile(r"20\d\d-\d\d-\d\d"))
    expect(window.locator("thead")).to_contain_text("办结期限")
    expect(row).to_contain_text("户口簿（原件已核验）")
    expect(row).to_contain_text(f"{AUTHORISATION}（扫描件）")
    application = Request.objects.get().items.get().application
    window.goto(f"{base}/applications/{application.pk}/")
    expect(window.locator('[data-testid="original-seen"]')).to_have_count(4)
    window.locator('#action-accept button[type="submit"]').click()
    window.wait_for_load_state()
    expect(window.locator(".alert-success")).to_have_count(1)
    expect(window.locator('[data-testid="state"]')).to_have_text("已受理（调查核对中）")
    window.screenshot(path=str(SCREENSHOTS / "paper-case-desktop.png"), full_page=True)
    application.refresh_from_db()
    assert application.state == "accepted"
    assert not application.steps.filter(action="request_supplement").exists()

    # 2. Another request without the income certificate, with a disability subsidy whose
    # 20 working days run into 2027 (holidays unknown): told at once, 暂定 marked.
    other = household_register(actor=staff["window"], data=household_dict(members=[
        member_dict(name="赵秀英", health="severe_disability", occupation="none")]))
    fill_intake(window, base, other, ["MZ01", "CL02"],
                {"MZ01": ["户口簿", "身份证", "财产申报表"], "CL02": ["残疾证", "身份证"]})
    notice = window.locator('[data-testid="missing-notice"]')
    expect(notice.locator('[data-testid="missing-item"][data-code="MZ01"]')).to_contain_text("收入证明")
    expect(notice).to_contain_text("前补齐")
    expect(window.locator('[data-testid="receipt-item"][data-code="MZ01"] [data-testid="final-due"]')
           ).to_contain_text("30 个工作日")
    cl02 = window.locator('[data-testid="receipt-item"][data-code="CL02"]')
    expect(cl02.locator('[data-testid="provisional"]')).to_have_text("暂定")
    expect(window.locator('[data-testid="provisional-note"]')).to_be_visible()
    window.screenshot(path=str(SCREENSHOTS / "paper-receipt-desktop.png"), full_page=True)
    pdf = window.request.get(window.url + "?format=pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    (SCREENSHOTS / "paper-receipt.pdf").write_bytes(pdf.body())

    # The same receipt on a phone (390×844).
    phone = browser_login(browser, base, staff["window"], timeout_ms=SLOW_MS,
                          viewport={"width": 390, "height": 844})
    phone.goto(window.url)
    expect(phone.locator('[data-testid="missing-notice"]')).to_be_visible()
    phone.screenshot(path=str(SCREENSHOTS / "paper-receipt-phone.png"), full_page=True)
    phone.goto(f"{base}/intake/new/?household={family.pk}&items=MZ01")
    phone.locator('.intake-materials[data-item="MZ01"]').screenshot(
        path=str(SCREENSHOTS / "paper-form-phone.png"))

"""Issue #11 item 11 through the pages, in headless Chromium: a grid worker on a phone
reports a family with no shelter tonight (E01) → red; the township sees it red on the duty
list, approves first help from the reserve, the receipt is signed on the phone, the
reserve's ledger shows the payment, the MZ05 file is decided and the case is closed.
Screenshots of each page as each role go to SCREENSHOTS/emergency-*.png."""

from __future__ import annotations

import re

import pytest

from jiuzhu.core.access import SYSTEM
from jiuzhu.emergency.models import EmergencyCase
from jiuzhu.testing import SCREENSHOTS, UserFactory, browser_login

from .test_views import PNG, SIGN, family, funds, media, staff  # noqa: F401 (fixtures)

PHONE = {"width": 390, "height": 844}
SLOW_MS = 120_000

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def phone(browser, base: str, user):
    return browser_login(browser, base, user, timeout_ms=SLOW_MS, viewport=PHONE,
                         is_mobile=True, has_touch=True)


def desktop(browser, base: str, user):
    return browser_login(browser, base, user, timeout_ms=SLOW_MS)


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"emergency-{name}.png"), full_page=True)


def sign(page, box) -> None:
    canvas = box.locator("canvas")
    canvas.evaluate("element => element.scrollIntoView({block: 'center', behavior: 'instant'})")
    area = canvas.bounding_box()
    assert area is not None
    x, y = area["x"], area["y"]
    page.mouse.move(x + 20, y + area["height"] * 0.6)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(x + 20 + step * 18, y + area["height"] * (0.6 - 0.3 * (step % 2)),
                        steps=3)
    page.mouse.up()


def test_a_family_without_shelter_is_helped_tonight_and_the_papers_follow(
        browser, live_server, tree, staff, family, funds, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    from jiuzhu.applications import services as applications

    expect.set_options(timeout=SLOW_MS)
    base = live_server.url
    (tmp_path / "scene.png").write_bytes(PNG)
    for name in ("i1", "i2"):
        UserFactory(username=name, role="investigator", region=tree["town1"])

    # 1. The grid worker finds the family on the phone and reports: no shelter tonight.
    grid = phone(browser, base, staff["grid"])
    grid.goto(f"{base}/emergency/new/")
    grid.fill('[name="q"]', "陈大山")
    grid.get_by_role("button", name="查找").click()
    grid.locator('[data-testid="household-result"]').first.click()
    grid.wait_for_url(re.compile(r".*/emergency/new/\?household=\d+$"))
    assert fits(grid)
    grid.select_option('[name="cause"]', "homeless")
    grid.fill('[name="narrative"]', "房屋昨夜倒塌，一家两口今晚无处居住。")
    grid.set_input_files('[name="photos"]', str(tmp_path / "scene.png"))
    grid.locator('label[data-code="E01"]').click()
    assert grid.locator("#id_check_E01").is_checked()
    shot(grid, "phone-report")
    grid.get_by_role("button", name="提交并评估").click()
    grid.wait_for_url(re.compile(r".*/emergency/\d+/$"))
    case = EmergencyCase.objects.get()
    assert case.level == "red" and case.critical == ["E01"]
    expect(grid.locator('[data-testid="result"] [data-level="red"]')).to_contain_text("红色")
    assert "E01" in grid.locator('[data-testid="explanation"]').inner_text()
    assert fits(grid)
    shot(grid, "phone-case-grid-worker")

    # 2. The township reviewer sees it red, first, on the duty list, and approves help.
    reviewer = desktop(browser, base, staff["reviewer"])
    reviewer.goto(f"{base}/emergency/duty/")
    first = reviewer.locator('[data-testid="duty-case"]').first
    assert first.get_attribute("data-level") == "red" and "陈大山" in first.inner_text()
    shot(reviewer, "duty-reviewer")
    first.click()
    reviewer.wait_for_url(re.compile(rf".*/emergency/{case.pk}/$"))
    panel = reviewer.locator("#action-approve_help")
    assert "乡镇审批限额" in panel.inner_text()
    panel.locator('[name="approve_help-amount"]').fill("1500")
    panel.locator('button[type="submit"]').click()
    reviewer.wait_for_load_state()
    expect(reviewer.locator('[data-testid="state"]')).to_have_text("已批准待发放")
    assert "第1镇备用金" in reviewer.locator('[data-testid="first-help"]').inner_text()
    shot(reviewer, "case-reviewer-approved")

    # 3. The window worker pays on the phone; the payee signs the receipt on the screen.
    window = phone(browser, base, staff["window"])
    window.goto(f"{base}/emergency/duty/")
    assert fits(window)
    shot(window, "phone-duty-window")
    window.goto(f"{base}/emergency/{case.pk}/")
    pay = window.locator("#action-pay")
    pay.locator('[name="pay-voucher"]').fill("XJ-0001")
    pay.locator('[name="pay-payee_confirmed"]').check()
    sign(window, pay.locator("[data-signature]"))
    assert pay.locator('[name="pay-signature"]').input_value().startswith("data:image/png;base64,")
    shot(window, "phone-pay")
    pay.locator('button[type="submit"]').click()
    window.wait_for_load_state()
    expect(window.locator('[data-testid="state"]')).to_have_text("已先行救助待补手续")
    expect(window.locator('[data-testid="receipt-signature"]')).to_be_visible()
    assert fits(window)
    shot(window, "phone-case-paid")
    case.refresh_from_db()
    assert case.application is not None and case.papers_due is not None

    # 4. The reserve's ledger shows the payment, with the case.
    reviewer.goto(f"{base}/funds/{funds['reserve'].pk}/")
    ledger = reviewer.locator('[data-testid="ledger"]').inner_text()
    assert case.number in ledger and "1,500.00" in ledger.replace("1500.00", "1,500.00")
    shot(reviewer, "fund-ledger")

    # 5. The papers (MZ05 file): checked as usual, then decided on the application's page.
    from jiuzhu.applications.materials import originals_record
    from jiuzhu.applications.workflow import materials_required

    pk = case.application_id
    required = materials_required(case.application)
    originals_record(application=case.application, actor=staff["window"],  # brought in
                     materials=list(required), allowed=required)
    applications.application_act(actor=staff["window"], application_id=pk, action="accept",
                                 data={})
    applications.application_act(actor=staff["reviewer"], application_id=pk,
                                 action="assign_investigation",
                                 data={"investigators": ["i1", "i2"]})
    applications.application_act(
        actor=SYSTEM, application_id=pk, action="record_investigation",
        data={"investigators": ["i1", "i2"], "location": {"lat": 30.1, "lng": 104.2},
              "signatures": {"investigator_1": SIGN, "investigator_2": SIGN, "applicant": SIGN},
              "neighbour_visits": [{"name": "邻居甲", "statement": "房屋确已倒塌"}],
              "findings": "房屋倒塌，已先行救助"},
        files=[("入户照片", "p.png", PNG)])
    applications.application_act(actor=staff["reviewer"], application_id=pk,
                                 action="submit_opinion",
                                 data={"recommend": "approve", "amount": "1500.00"})
    # 四眼原则: the reviewer who gave the opinion does not decide; the county approver does
    approver = desktop(browser, base, staff["approver"])
    approver.goto(f"{base}/applications/{pk}/")
    approver.locator('#action-approve button[type="submit"]').click()
    approver.wait_for_load_state()
    reviewer.goto(f"{base}/emergency/{case.pk}/")
    expect(reviewer.locator('[data-testid="state"]')).to_have_text("已办结")
    assert "已补办" in reviewer.locator('[data-testid="papers-due"]').inner_text()
    shot(reviewer, "case-closed")
    case.refresh_from_db()
    assert case.state == "closed" and case.papers_done_at is not None

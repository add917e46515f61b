"""The whole dibao procedure through the pages, in headless Chromium (Playwright): the
window, the township, the investigator on a phone, the verification officer, the village
assistant, the public notice board and the county approver."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from jiuzhu.applications.models import Application
from jiuzhu.applications.views import mask_name
from jiuzhu.testing import SCREENSHOTS, UserFactory, browser_login

from .conftest import MATERIALS, PDF, PNG

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
SLOW_MS = 180_000

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def session(browser, base_url: str, user, **context):
    """A new browser context logged in as ``user``; returns its page. Each step issues its
    documents (PDF with an embedded font): allow it time."""
    context.setdefault("viewport", DESKTOP)
    return browser_login(browser, base_url, user, timeout_ms=SLOW_MS, **context)


def act(page, action: str) -> None:
    """Submit the form of ``action`` on the case page and wait for the success message."""
    page.locator(f'#action-{action} button[type="submit"]').click()
    page.wait_for_load_state()
    assert page.locator(".alert-success").count() == 1, page.locator("main").inner_text()[:800]


def sign(page, box) -> None:
    canvas = box.locator("canvas")
    # Centre it: at the bottom edge the sticky submit bar would take the strokes.
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


def test_the_whole_procedure_through_the_pages(browser, live_server, staff, poor_household,
                                               tmp_path, monkeypatch):
    from playwright.sync_api import expect

    expect.set_options(timeout=SLOW_MS)
    base = live_server.url
    second = UserFactory(username="i2", full_name="李强", role="investigator",
                         region=staff["investigator"].region)
    for index in range(len(MATERIALS)):
        (tmp_path / f"{index}.pdf").write_bytes(PDF)
    (tmp_path / "photo.png").write_bytes(PNG)

    # 1. The window: a new application with the five materials, then accepted.
    window = session(browser, base, staff["window"])
    window.goto(f"{base}/applications/new/")
    window.fill('[name="q"]', poor_household.household_id)
    window.get_by_role("button", name="查找").click()
    window.locator('[data-testid="household-results"] a').first.click()
    window.wait_for_url(re.compile(r".*household=\d+"))
    window.check('[name="channel"][value="window"]')
    for index, material in enumerate(MATERIALS):
        box = window.locator(f'[data-material="{material}"] input[type="file"]')
        box.set_input_files(str(tmp_path / f"{index}.pdf"))
    window.get_by_role("button", name="提交申请").click()
    window.wait_for_url(re.compile(r".*/applications/\d+/$"))
    case = Application.objects.get()
    detail = f"{base}/applications/{case.pk}/"
    expect(window.locator('[data-testid="state"]')).to_have_text("已申请")
    assert window.locator('#action-approve').count() == 0
    act(window, "accept")
    expect(window.locator('[data-testid="state"]')).to_have_text("已受理（调查核对中）")

    # 2. The township assigns two investigators.
    reviewer = session(browser, base, staff["reviewer"])
    reviewer.goto(detail)
    reviewer.check(f'#action-assign_investigation input[value="{staff["investigator"].pk}"]')
    reviewer.check(f'#action-assign_investigation input[value="{second.pk}"]')
    act(reviewer, "assign_investigation")

    # 3. The investigator on a phone: photo, location, signatures, a neighbour.
    phone = session(browser, base, staff["investigator"], viewport=PHONE,
                    geolocation={"latitude": 30.1, "longitude": 104.2},
                    permissions=["geolocation"], has_touch=True, is_mobile=True)
    phone.goto(detail)
    phone.get_by_role("link", name="打开入户调查（手机）").click()
    phone.wait_for_url(re.compile(r".*/investigate/$"))
    expect(phone.locator("[data-geo-status]")).to_contain_text("已定位", timeout=10000)
    assert phone.input_value('[name="lat"]') == "30.100000"
    assert phone.input_value('[name="investigator_2"]') == "李强"
    phone.set_input_files('[name="photos"]', str(tmp_path / "photo.png"))
    expect(phone.locator("[data-photo-count]")).to_have_text("已选择 1 张照片")
    for who in ("investigator_1", "investigator_2", "applicant"):
        box = phone.locator(f'[data-signature="{who}"]')
        sign(phone, box)
        assert box.locator("[data-signature-value]").input_value().startswith(
            "data:image/png;base64,")
    phone.fill('[name="neighbour_name"]', "邻居甲")
    phone.fill('[name="neighbour_relation"]', "东邻，3 组 5 号")
    phone.fill('[name="neighbour_statement"]', "家中确有困难，主要劳动力长期患病")
    phone.fill('[name="findings"]', "住房简陋，无大额财产")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"
    phone.screenshot(path=str(SCREENSHOTS / "applications-investigate-mobile.png"),
                     full_page=True)
    phone.get_by_role("button", name="提交入户调查").click()
    # sent through the phone's queue (field.js), then the case page opens
    phone.wait_for_url(re.compile(rf".*/applications/{case.pk}/$"), timeout=60_000)
    assert phone.url.endswith(f"/applications/{case.pk}/"), phone.locator(
        ".field-error, .alert-danger").all_inner_texts()
    expect(phone.locator(".alert-success")).to_contain_text("入户调查已录入")

    # 4. The verification asked for on acceptance (with the application's signed
    # authorisation) completed and recorded itself on the case: with the survey in, the
    # case is in the appraisal, and the verification officer sees the report linked.
    verifier = session(browser, base, staff["verifier"])
    verifier.goto(detail)
    expect(verifier.locator('[data-testid="case-verification"]')).to_contain_text("已录入本申请")
    expect(verifier.locator('[data-testid="state"]')).to_have_text("民主评议")

    # 5. The village assistant records the democratic appraisal.
    assistant = session(browser, base, staff["assistant"])
    assistant.goto(detail)
    assistant.fill('[name="record_appraisal-members_present"]', "15")
    assistant.fill('[name="record_appraisal-votes_for"]', "14")
    assistant.fill('[name="record_appraisal-votes_against"]', "1")
    assistant.check('[name="record_appraisal-result"][value="pass"]')
    act(assistant, "record_appraisal")

    # 6. The township's opinion, then the notice; the public board shows the masked name.
    reviewer.goto(detail)
    reviewer.check('[name="submit_opinion-recommend"][value="approve"]')
    act(reviewer, "submit_opinion")
    assert reviewer.locator("#action-close_notice").count() == 1
    act(reviewer, "publish_notice")
    public = browser.new_context(locale="zh-CN", viewport=DESKTOP).new_page()
    public.set_default_timeout(SLOW_MS)
    public.goto(f"{base}/notice/{case.region.code}/")
    head = poor_household.members.get(relation="head")
    expect(public.locator('[data-testid="masked-name"]')).to_have_text(mask_name(head.name))
    content = public.content()
    assert head.id_number not in content and poor_household.address not in content
    public.screenshot(path=str(SCREENSHOTS / "applications-notice.png"), full_page=True)
    public.get_by_role("link", name="长辈模式（大字）").click()
    expect(public.locator("body")).to_have_class(re.compile("elder-mode"))
    public.screenshot(path=str(SCREENSHOTS / "applications-notice-large.png"), full_page=True)

    # 7. Seven days later (the live server runs in this process) the notice closes.
    reviewer.locator('#action-close_notice button[type="submit"]').click()
    expect(reviewer.locator('[data-testid="action-error"]')).to_contain_text("公示期为 7 天")
    later = timezone.localdate() + timedelta(days=7)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: later)
    reviewer.goto(detail)
    act(reviewer, "close_notice")
    expect(reviewer.locator('[data-testid="state"]')).to_have_text("待审批")

    # 8. The county approves with the engine's amount, prefilled.
    approver = session(browser, base, staff["approver"])
    approver.goto(detail)
    case.refresh_from_db()
    assert approver.input_value('[name="approve-amount"]') == f"{case.engine_amount:.2f}"
    act(approver, "approve")
    expect(approver.locator('[data-testid="state"]')).to_have_text("已批准")
    approver.screenshot(path=str(SCREENSHOTS / "applications-case.png"), full_page=True)

    # 9. Every document listed on the case page downloads as a PDF.
    links = approver.locator('[data-testid="documents"] a[href*="format=pdf"]')
    pdfs = sorted({link.get_attribute("href") or "" for link in links.all()})
    codes = approver.locator('[data-testid="documents"] tr[data-code]:not([data-version])')
    assert {"D01", "D03", "D04", "D05", "D06", "D07", "D08", "D09", "D10", "D11", "D12", "D13",
            "D15"} <= {row.get_attribute("data-code") for row in codes.all()}
    assert len(pdfs) >= 13, pdfs
    for href in pdfs:
        response = approver.request.get(href if href.startswith("http") else base + href)
        assert response.status == 200, href
        assert response.body()[:5] == b"%PDF-", href

    # 10. The payroll of the month after approval lists the family; the case is now paid.
    case.refresh_from_db()
    approver.goto(base + "/payments/payroll/")
    approver.select_option('[name="township"]', value=str(case.region_id))
    approver.fill('[name="month"]', f"{case.start_month:%Y-%m}")
    approver.locator('[data-testid="payroll-form"] button').click()
    expect(approver.locator('[data-testid="payrolls"]')).to_contain_text(f"{case.start_month:%Y-%m}")
    href = approver.locator('[data-testid="payrolls"] a').first.get_attribute("href")
    workbook = approver.request.get(base + href)
    assert workbook.status == 200
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(workbook.body())).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    head = case.household.members.get(relation="head")
    assert head.name in cells
    assert head.id_number not in cells  # masked on the list
    assert Application.objects.get(pk=case.pk).state == "in_payment"

    # 11. At the one window a second dibao application for the family is refused, with the
    # reason and the case it already receives by.
    window.goto(f"{base}/intake/new/?household={poor_household.pk}&items=MZ01")
    window.fill('[name="applicant_name"]', head.name)
    for index, material in enumerate(MATERIALS):
        window.set_input_files(f'input[name="f_MZ01_{material}"]', str(tmp_path / f"{index}.pdf"))
    window.locator('[data-testid="submit"]').click()
    window.wait_for_load_state()
    refusal = window.locator('.alert-danger[role="alert"]').first
    expect(refusal).to_contain_text(case.number)
    expect(refusal).to_contain_text("不能重复申请")
    assert Application.objects.filter(household=poor_household, item_code="MZ01").count() == 1

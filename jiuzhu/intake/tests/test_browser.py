"""Section 9 in headless Chromium: a window worker takes three items for one family (MZ01
decided here, JY02 and CL01 transferred), the two departments' officers finish theirs, a
supervisor sees an overdue item and urges it, the officer sees the urge, and the resident
follows progress by query code."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from jiuzhu.intake import services
from jiuzhu.intake.models import Request, RequestItem
from jiuzhu.testing import SCREENSHOTS, browser_login

from .conftest import MZ01_MATERIALS, PDF

SLOW_MS = 120_000
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def session(browser, base_url: str, user):
    return browser_login(browser, base_url, user, timeout_ms=SLOW_MS)


def finish_in_inbox(page, base: str, code: str, note: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/intake/inbox/")
    card = page.locator(f'[data-testid="item-{code}"]')
    card.locator('[data-testid="form-accept"] button').click()
    page.wait_for_load_state()
    expect(page.locator(".alert-success")).to_have_count(1)
    card = page.locator(f'[data-testid="item-{code}"]')
    form = card.locator('[data-testid="form-finish"]')
    form.locator('[name="result"]').select_option("granted")
    form.locator('[name="note"]').fill(note)
    form.locator('[name="amount"]').fill("300")
    form.locator("button").click()
    page.wait_for_load_state()
    expect(page.locator(".alert-success")).to_have_count(1)


def test_one_window_three_items_two_departments_and_an_urge(browser, live_server, staff, family):
    from playwright.sync_api import expect

    expect.set_options(timeout=SLOW_MS)
    base = live_server.url
    head = family.members.get(member_id="M1")

    # The window: find the family by ID number (HTMX), pick it, choose three items.
    window = session(browser, base, staff["window"])
    window.goto(f"{base}/intake/new/")
    window.fill("#q", head.id_number)
    window.locator(f'[data-testid="pick-{family.pk}"]').click()
    window.wait_for_load_state()
    for code in ("MZ01", "JY02", "CL01"):
        window.check(f"#item-{code}")
    expect(window.locator('.intake-materials[data-item="JY02"]')).to_be_visible()
    for material in MZ01_MATERIALS:
        window.set_input_files(f'input[name="f_MZ01_{material}"]', files=[
            {"name": f"{material}.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    window.locator('[data-testid="submit"]').click()
    window.wait_for_url(re.compile(r".*/intake/\d+/receipt/$"))
    expect(window.locator('[data-testid="receipt-item"]')).to_have_count(3)
    request = Request.objects.get()
    expect(window.locator('[data-testid="query-code"]')).to_have_text(request.query_code)
    window.screenshot(path=str(SCREENSHOTS / "intake-receipt.png"), full_page=True)
    assert set(request.items.values_list("item_code", "mode")) == {
        ("MZ01", "internal"), ("JY02", "transfer"), ("CL01", "transfer")}

    # The two departments finish their items from their inboxes.
    finish_in_inbox(session(browser, base, staff["jy"]), base, "JY02", "按学期发放生活补助")
    finish_in_inbox(session(browser, base, staff["cl"]), base, "CL01", "纳入困难残疾人生活补贴")
    assert set(request.items.filter(mode="transfer").values_list("state", flat=True)) == {"finished"}

    # An older request is overdue; the supervisor urges it and the officer sees the urge.
    old = services.request_create(actor=staff["window"], household=family, items=["JY05"],
                                  channel="window", on=timezone.localdate() - timedelta(days=60))
    late = old.items.get()
    assert RequestItem.objects.get(pk=late.pk).alert == "red"
    supervisor = session(browser, base, staff["supervisor"])
    supervisor.goto(f"{base}/intake/overdue/")
    card = supervisor.locator('[data-testid="red"] [data-testid="item-JY05"]')
    card.locator('[name="message"]').fill("已超期，请三日内办结")
    card.locator('[data-testid="urge-form"] button').click()
    supervisor.wait_for_load_state()
    expect(supervisor.locator(".alert-success")).to_have_count(1)
    expect(supervisor.locator('[data-testid="urge"]')).to_contain_text("已超期，请三日内办结")
    officer = session(browser, base, staff["jy"])
    officer.goto(f"{base}/intake/inbox/")
    expect(officer.locator('[data-testid="item-JY05"] [data-testid="urge"]')).to_contain_text(
        "已超期，请三日内办结")
    officer.screenshot(path=str(SCREENSHOTS / "intake-inbox-urge.png"), full_page=True)

    # The resident follows progress by query code, without logging in.
    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{base}/intake/track/?code={request.query_code}")  # → /self/track/
    public.locator('[name="last4"]').fill(request.applicant_id_number[-4:])
    public.locator('[data-testid="track-form"] button[type="submit"]').click()
    public.wait_for_load_state()
    expect(public.locator('[data-testid="masked-name"]')).to_have_text("李*山")
    expect(public.locator('[data-testid="progress"]')).to_contain_text("已办结")

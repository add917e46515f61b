"""Issue #10 items 7, 9, 10 in headless Chromium: the reviewer assigns two people from the
township's list, the investigator finds the case in 我的调查 on a phone (390×844) and
records the survey, the opinion form shows the engine's amount, the public notice is
reached from the case, and D13 names the county bureau that decided."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from jiuzhu.applications import services
from jiuzhu.applications.models import Application
from jiuzhu.households.services import household_register
from jiuzhu.testing import SCREENSHOTS, UserFactory, browser_login, household_dict, member_dict

from .conftest import MATERIALS, PDF, PNG, completed_verification
from .test_browser import DESKTOP, PHONE, SLOW_MS, act, sign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def session(browser, base_url: str, user, **context):
    context.setdefault("viewport", DESKTOP)
    return browser_login(browser, base_url, user, timeout_ms=SLOW_MS, **context)


def test_people_assigned_my_investigations_notice_and_issuer(browser, live_server, staff, tree,
                                                            tmp_path, monkeypatch):
    from playwright.sync_api import expect

    expect.set_options(timeout=SLOW_MS)
    base = live_server.url
    (tmp_path / "photo.png").write_bytes(PNG)
    grid = UserFactory(username="g1", full_name="网格员甲", role="grid_worker", region=tree["grid1"])
    family = household_register(actor=staff["window"], grid_code=tree["grid1"].code,
                                data=household_dict(members=[
                                    member_dict(occupation="unemployed", health="serious_illness",
                                                income={"wages": 1200}),
                                    member_dict(member_id="M2", name="王五", relation="spouse",
                                                health="severe_disability", occupation="none")]))
    case = services.application_create(actor=staff["window"], household=family, item_code="MZ01",
                                       channel="window",
                                       files=[(m, f"{m}.pdf", PDF) for m in MATERIALS])
    services.application_act(actor=staff["window"], application_id=case.pk, action="accept",
                             data={})
    detail = f"{base}/applications/{case.pk}/"

    # 1. The reviewer picks two people of the township from the list; the form then goes.
    reviewer = session(browser, base, staff["reviewer"])
    reviewer.goto(detail)
    panel = reviewer.locator("#action-assign_investigation")
    expect(panel).to_contain_text("网格员甲（网格员 · 第1网格）")
    panel.locator(f'input[value="{staff["investigator"].pk}"]').check()
    panel.locator(f'input[value="{grid.pk}"]').check()
    reviewer.screenshot(path=str(SCREENSHOTS / "people-assign-desktop.png"), full_page=True)
    act(reviewer, "assign_investigation")
    assert reviewer.locator("#action-assign_investigation").count() == 0
    expect(reviewer.locator('[data-testid="header"]')).to_contain_text("网格员甲")

    # 2. The investigator, on a phone: home → 我的调查 → the family → the survey.
    phone = session(browser, base, staff["investigator"], viewport=PHONE,
                    geolocation={"latitude": 30.1, "longitude": 104.2},
                    permissions=["geolocation"], has_touch=True, is_mobile=True)
    phone.locator('[data-testid="my-investigations"]').click()
    phone.wait_for_url(re.compile(r".*/applications/investigations/$"))
    card = phone.locator(f'[data-testid="investigation"][data-number="{case.number}"]')
    expect(card).to_contain_text(family.address)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"我的调查 scrolls sideways on a phone ({width}px)"
    phone.screenshot(path=str(SCREENSHOTS / "people-my-investigations-phone.png"), full_page=True)
    card.locator('[data-testid="record"]').click()
    phone.wait_for_url(re.compile(r".*/investigate/$"))
    assert phone.input_value('[name="investigator_1"]') == str(staff["investigator"])
    assert phone.input_value('[name="investigator_2"]') == "网格员甲"
    expect(phone.locator("[data-geo-status]")).to_contain_text("已定位", timeout=10000)
    phone.set_input_files('[name="photos"]', str(tmp_path / "photo.png"))
    for who in ("investigator_1", "investigator_2", "applicant"):
        sign(phone, phone.locator(f'[data-signature="{who}"]'))
    phone.fill('[name="neighbour_name"]', "邻居甲")
    phone.fill('[name="neighbour_statement"]', "家中确有困难")
    phone.get_by_role("button", name="提交入户调查").click()
    phone.wait_for_load_state()
    expect(phone.locator(".alert-success")).to_contain_text("入户调查已录入")
    phone.goto(f"{base}/applications/investigations/")
    expect(phone.locator('[data-testid="no-investigations"]')).to_be_visible()

    # 3. Verification and appraisal (services); the opinion form shows the engine's amount.
    case.refresh_from_db()
    if not case.verification_recorded:  # (acceptance may have asked and linked it already)
        request = completed_verification(family, staff["verifier"])
        services.application_act(actor=staff["verifier"], application_id=case.pk,
                                 action="record_verification", data={"request_id": request})
    services.application_act(actor=staff["assistant"], application_id=case.pk,
                             action="record_appraisal",
                             data={"members_present": 13, "votes_for": 13, "votes_against": 0,
                                   "result": "pass"})
    reviewer.goto(detail)
    expect(reviewer.locator('[data-testid="engine-summary"]')).to_contain_text("月保障金")
    reviewer.screenshot(path=str(SCREENSHOTS / "people-opinion-desktop.png"), full_page=True)
    reviewer.check('[name="submit_opinion-recommend"][value="approve"]')
    act(reviewer, "submit_opinion")
    act(reviewer, "publish_notice")
    assert reviewer.locator("#action-publish_notice").count() == 0

    # 4. The public notice, reached from the case: the family's row, masked, with its village.
    with reviewer.context.expect_page() as opened:
        reviewer.locator('[data-testid="notice-link"] a').click()
    public = opened.value
    public.wait_for_load_state()
    row = public.locator(f'#n-{case.number}')
    expect(row.locator('[data-testid="village"]')).to_have_text("第1村")
    expect(row.locator('[data-testid="masked-name"]')).to_contain_text("张*")
    public.set_viewport_size(PHONE)
    public.screenshot(path=str(SCREENSHOTS / "people-notice-phone.png"), full_page=True)

    # 5. Seven days on, the county decides: D13 is the county bureau's, in its series.
    later = timezone.localdate() + timedelta(days=7)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: later)
    reviewer.goto(detail)
    act(reviewer, "close_notice")
    approver = session(browser, base, staff["approver"])
    approver.goto(detail)
    act(approver, "approve")
    d13 = approver.locator('[data-testid="documents"] tr[data-code="D13"]:not([data-version])')
    expect(d13).to_contain_text("示范县民低〔")
    approver.screenshot(path=str(SCREENSHOTS / "people-decided-desktop.png"), full_page=True)
    href = d13.locator('a[href*="format=pdf"]').get_attribute("href") or ""
    pdf = approver.request.get(base + href)
    assert pdf.status == 200 and pdf.body()[:5] == b"%PDF-"
    (SCREENSHOTS / "people-D13.pdf").write_bytes(pdf.body())
    assert Application.objects.get(pk=case.pk).state == "approved"

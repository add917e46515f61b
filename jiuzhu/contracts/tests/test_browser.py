"""Issue #12 item 10 in headless Chromium: a contracted investigator (the surveyor of the
organisation holding the contract) on a 390×844 phone sees only the cases assigned to their
organisation, records one, and sees nothing of it once the township accepted the report."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.utils import timezone

from jiuzhu.applications.tests.test_browser import PHONE, SLOW_MS, sign
from jiuzhu.contracts import services
from jiuzhu.testing import SCREENSHOTS, browser_login

from .conftest import PNG, accepted_case, entrust

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_contracted_surveyor_sees_only_their_cases_records_one_and_loses_it_when_accepted(
        browser, live_server, people, tree, contract, tmp_path):
    from playwright.sync_api import expect

    expect.set_options(timeout=SLOW_MS)
    base = live_server.url
    (tmp_path / "photo.png").write_bytes(PNG)
    today = timezone.localdate()
    services.contract_create(actor=people["approver"], data={
        "number": "XH-OTHER", "organisation_id": people["other"].pk,
        "starts_on": date(today.year, 1, 1), "ends_on": date(today.year, 12, 31),
        "price_fen": 18000})
    ours, theirs = accepted_case(people, tree, "张三"), accepted_case(people, tree, "李四")
    mine = entrust(people, ours)
    services.assign_surveyor(actor=people["coordinator"], investigation_id=mine.pk,
                             surveyor_id=people["surveyor"].pk)
    other = entrust(people, theirs, organisation=people["other"])
    services.assign_surveyor(actor=people["other_coordinator"], investigation_id=other.pk,
                             surveyor_id=people["other_surveyor"].pk)

    phone = browser_login(browser, base, people["surveyor"], viewport=PHONE, is_mobile=True,
                          has_touch=True, timeout_ms=SLOW_MS,
                          geolocation={"latitude": 30.25, "longitude": 120.15},
                          permissions=["geolocation"])
    phone.goto(f"{base}/applications/investigations/")
    cards = phone.locator('[data-testid="investigation"]')
    expect(cards).to_have_count(1)
    card = phone.locator(f'[data-testid="investigation"][data-number="{ours.number}"]')
    expect(card).to_contain_text(ours.household.address)
    assert theirs.number not in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path=str(SCREENSHOTS / "contracts-surveyor-phone.png"), full_page=True)
    # the other organisation's case: not found
    assert phone.goto(f"{base}/applications/{theirs.pk}/investigate/").status == 404
    assert phone.goto(f"{base}/applications/{ours.pk}/").status == 404  # no case page

    phone.goto(f"{base}/applications/investigations/")
    phone.locator(f'[data-testid="investigation"][data-number="{ours.number}"] [data-testid="record"]').click()
    phone.wait_for_url(re.compile(r".*/investigate/$"))
    assert phone.input_value('[name="investigator_1"]') == "沈立"
    phone.fill('[name="investigator_2"]', "江海")
    expect(phone.locator("[data-geo-status]")).to_contain_text("已定位", timeout=10000)
    phone.set_input_files('[name="photos"]', str(tmp_path / "photo.png"))
    for who in ("investigator_1", "investigator_2", "applicant"):
        sign(phone, phone.locator(f'[data-signature="{who}"]'))
    phone.fill('[name="neighbour_name"]', "邻居甲")
    phone.fill('[name="neighbour_statement"]', "家中确有困难")
    phone.get_by_role("button", name="提交入户调查").click()
    phone.wait_for_url(re.compile(r".*/applications/investigations/$"))
    expect(phone.locator(".alert-success")).to_contain_text("入户调查已录入")
    mine.refresh_from_db()
    assert mine.state == "reported"

    # the township accepts: the assignment closes, the surveyor sees nothing of it
    services.accept(actor=people["reviewer"], investigation_id=mine.pk)
    phone.goto(f"{base}/applications/investigations/")
    expect(phone.locator('[data-testid="no-investigations"]')).to_be_visible()
    assert ours.number not in phone.content() and ours.household.head_name not in phone.content()
    assert phone.goto(f"{base}/applications/{ours.pk}/investigate/").status == 404

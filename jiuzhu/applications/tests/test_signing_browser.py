"""签署核对授权 on a 390×844 phone in headless Chromium: the window worker opens the case,
each adult member draws their signature with the finger (the mouse here), the last one
issues the signed D04, and the case page links it."""

from __future__ import annotations

import pytest

from jiuzhu.applications.services import application_create
from jiuzhu.applications.signing import case_authorisation
from jiuzhu.testing import SCREENSHOTS, browser_login

from .conftest import MATERIALS, PDF
from .test_browser import sign
from .test_signing import family  # noqa: F401 — the fixture

PHONE = {"width": 390, "height": 844}
SLOW_MS = 180_000

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_adult_signs_on_a_phone(browser, live_server, staff, family):  # noqa: F811
    from playwright.sync_api import expect

    expect.set_options(timeout=SLOW_MS)
    app = application_create(actor=staff["window"], household=family, item_code="MZ01",
                             channel="window",
                             files=[(m, f"{m}.pdf", PDF) for m in MATERIALS
                                    if m != "家庭经济状况核对授权书"])
    page = browser_login(browser, live_server.url, staff["window"], timeout_ms=SLOW_MS,
                         viewport=PHONE, has_touch=True, is_mobile=True)
    page.goto(f"{live_server.url}/applications/{app.pk}/")
    page.get_by_test_id("open-signing").click()
    expect(page.get_by_test_id("sign-progress")).to_contain_text("0 / 2")
    assert page.locator("canvas[data-signature-pad]").count() == 2  # the child does not sign
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll

    # an empty pad is refused in the page, nothing is sent
    first = page.locator('[data-testid="signer"]').first
    first.get_by_test_id("sign-submit").click()
    expect(first.locator("[data-signature-error]")).to_be_visible()

    for name in ("张秀英", "李国强"):
        box = page.locator(f'[data-testid="signer"]:has-text("{name}")')
        sign(page, box.locator("[data-signature]"))
        assert box.locator("[data-signature-value]").input_value().startswith(
            "data:image/png;base64,")
        if SCREENSHOTS and name == "张秀英":
            page.screenshot(path=str(SCREENSHOTS / "sign-phone-pad.png"), full_page=True)
        box.get_by_test_id("sign-submit").click()
        page.wait_for_load_state()
        expect(page.locator(f'[data-testid="signer"]:has-text("{name}") [data-testid="signed"]')
               ).to_be_visible()

    expect(page.get_by_test_id("sign-complete")).to_be_visible()
    expect(page.get_by_test_id("sign-progress")).to_contain_text("2 / 2")
    if SCREENSHOTS:
        page.screenshot(path=str(SCREENSHOTS / "sign-phone-done.png"), full_page=True)
    authorisation = case_authorisation(app)
    assert authorisation.complete and authorisation.document is not None
    assert authorisation.signatures.filter(channel="window").count() == 2
    assert all(s.device for s in authorisation.signatures.all())
    download = page.get_by_test_id("signed-d04").get_attribute("href")
    response = page.request.get(f"{live_server.url}{download}")
    assert response.status == 200 and response.body().startswith(b"%PDF")
    page.context.close()

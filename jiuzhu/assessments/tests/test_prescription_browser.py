"""The 大处方 page in headless Chromium, as a window worker uses it on a desktop and on a
phone: eligible items come ticked, items decided on request may be ticked, departments
with nothing to do are folded so the page stays short, the submit bar stays in view, and
the ticked items open at the window as one request in one step."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from jiuzhu.households.services import household_register
from jiuzhu.intake.models import Request
from jiuzhu.testing import SCREENSHOTS, browser_login, household_dict, member_dict

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _in_view(page, selector: str) -> bool:
    return page.evaluate("""(s) => { const r = document.querySelector(s).getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight; }""", selector)


def test_prescription_pre_ticks_stays_short_and_opens_the_ticked_items_in_one_step(
        browser, live_server, window_worker):
    household = household_register(actor=window_worker, data=household_dict(
        members=[member_dict(birth=date(1950, 3, 3), occupation="none")],
        flags={"recent_hardship_event": True}))
    url = f"{live_server.url}{reverse('assessments:prescription', args=[household.pk])}"

    desktop = browser_login(browser, live_server.url, window_worker)
    desktop.goto(url)
    assert desktop.locator("tr[data-item]").count() == 39
    assert desktop.locator('[data-testid="rx-group"]').count() == 12
    assert desktop.locator('[data-testid="overlap-MZ01"]').is_visible()
    assert desktop.locator("#item-MZ03").is_checked()  # eligible: ticked already
    assert not desktop.locator("#item-MZ04").is_checked()  # possible: the worker decides
    assert desktop.locator('tr[data-item="SF01"] .badge').inner_text() == "可申请（依申请审核）"
    assert _in_view(desktop, '[data-testid="intake-together"]')  # sticky, above the fold
    desktop.screenshot(path=str(SCREENSHOTS / "prescription-desktop.png"), full_page=True)

    phone = browser_login(browser, live_server.url, window_worker,
                          viewport={"width": 390, "height": 844})
    phone.goto(url)
    phone.screenshot(path=str(SCREENSHOTS / "prescription-phone-full.png"), full_page=True)
    height = phone.evaluate("document.documentElement.scrollHeight")
    assert height < 3000, height
    assert _in_view(phone, '[data-testid="intake-together"]')
    phone.screenshot(path=str(SCREENSHOTS / "prescription-phone.png"), full_page=False)
    phone.mouse.wheel(0, 1200)
    assert _in_view(phone, '[data-testid="intake-together"]')
    phone.check("#item-MZ04")
    ticked = phone.eval_on_selector_all('input[name="items"]:checked', "els => els.map(e => e.value)")
    assert "MZ03" in ticked and "MZ04" in ticked
    assert phone.locator("[data-rx-count]").inner_text() == str(len(ticked))
    phone.screenshot(path=str(SCREENSHOTS / "prescription-phone-scrolled.png"), full_page=False)
    phone.click('[data-testid="intake-together"]')
    phone.wait_for_url(re.compile(r".*/intake/\d+/$"))
    request = Request.objects.get(household=household)
    assert phone.url.endswith(reverse("intake:detail", args=[request.pk]))
    assert sorted(request.items.values_list("item_code", flat=True)) == sorted(ticked)
    phone.screenshot(path=str(SCREENSHOTS / "prescription-request-phone.png"), full_page=True)

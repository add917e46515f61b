"""The 大处方 page in headless Chromium: badges, the overlap warning, and the button that
takes the checked items to the combined intake form."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qs, urlparse

import pytest

from jiuzhu.households.services import household_register
from jiuzhu.testing import PASSWORD, SCREENSHOTS, household_dict, member_dict

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_checked_items_go_to_the_intake_form_together(browser, live_server, window_worker):
    from django.urls import NoReverseMatch, reverse

    try:
        intake = reverse("intake:create")
    except NoReverseMatch:
        pytest.skip("the intake form is not there yet")
    household = household_register(actor=window_worker, data=household_dict(
        members=[member_dict(birth=date(1950, 3, 3), occupation="none")],
        flags={"recent_hardship_event": True}))
    page = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill('[name="username"]', window_worker.username)
    page.fill('[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_url(re.compile(r".*/$"))
    page.goto(f"{live_server.url}{reverse('assessments:prescription', args=[household.pk])}")
    assert page.locator("tr[data-item]").count() == 39
    assert page.locator('[data-testid="overlap-MZ01"]').is_visible()
    page.screenshot(path=str(SCREENSHOTS / "prescription-phone.png"), full_page=True)
    page.check("#item-MZ03")
    page.check("#item-MZ04")
    page.click('[data-testid="intake-together"]')
    page.wait_for_url(re.compile(re.escape(intake) + r"\?.*"))
    query = parse_qs(urlparse(page.url).query)
    assert query["household"] == [str(household.pk)]
    assert query["items"] == ["MZ03", "MZ04"]

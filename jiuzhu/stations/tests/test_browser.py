"""station1 on a 390×844 phone reports a family under their station, in headless Chromium."""

from __future__ import annotations

import re

import pytest

from jiuzhu.leads.models import Lead
from jiuzhu.testing import browser_login

PHONE = {"width": 390, "height": 844}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_station_keeper_reports_a_family_on_the_phone(browser, live_server, keeper, station,
                                                        lead_data, clock):
    base = live_server.url
    page = browser_login(browser, base, keeper, viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(f"{base}/stations/mine/")
    assert page.locator('[data-testid="station-name"]').inner_text() == station.name
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator('[data-testid="report-family"]').click()
    page.wait_for_url(re.compile(r".*/leads/new/\?station=\d+$"))
    assert page.locator('[name="station_id"]').is_disabled()
    assert page.locator('[name="source"]').is_disabled()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for name in ("person_name", "phone", "address", "description"):
        page.fill(f'[name="{name}"]', lead_data[name])
    page.select_option('[name="region_code"]', lead_data["region_code"])
    page.get_by_role("button", name="登记").click()
    page.wait_for_url(re.compile(r".*/leads/\d+/$"))
    lead = Lead.objects.get()
    assert lead.station_id == station.pk and lead.created_by_id == keeper.pk
    assert page.locator('[data-testid="lead-station"]').inner_text() == station.name
    page.locator('[data-testid="lead-station"]').click()
    page.wait_for_url(re.compile(rf".*/stations/{station.pk}/$"))
    assert page.locator('[data-testid="counts"] [data-count="leads"]').inner_text() == "1"
    assert page.locator(f'[data-lead="{lead.pk}"]').count() == 1

"""The issue's browser test: a volunteer (volunteer1) on a 390×844 phone accepts an offer,
checks in and out; the family's grid worker confirms and rates; the points appear."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from jiuzhu.points.models import PointEntry
from jiuzhu.testing import SCREENSHOTS, browser_login
from jiuzhu.xingfu import services, workflow
from jiuzhu.xingfu.models import Order

from .conftest import make_provider, need_data, provider_user

PHONE = {"width": 390, "height": 844}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def phone_session(browser, base_url: str, user):
    return browser_login(browser, base_url, user, viewport=PHONE, is_mobile=True, has_touch=True)


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_volunteer_accepts_serves_and_the_grid_worker_confirms_on_phones(
        browser, live_server, tree, household, window_worker, grid_worker, volunteers_org,
        monkeypatch):
    clock = {"now": timezone.now()}
    monkeypatch.setattr(workflow, "_now", lambda ctx: ctx.options.get("now") or clock["now"])
    volunteer = provider_user("volunteer1", tree, volunteers_org, "魏佳")
    make_provider(tree, name="魏佳", user=volunteer)
    need = services.need_create(actor=window_worker, data=need_data(household))
    base = live_server.url

    # 1. The volunteer sees the offer with the village only, and accepts it.
    phone = phone_session(browser, base, volunteer)
    phone.goto(f"{base}/xingfu/offers/")
    assert fits_the_phone(phone)
    card = phone.locator('[data-testid="offer"]')
    assert card.count() == 1 and "第1村" in card.inner_text()
    assert "第1村3组12号" not in phone.content() and "13900001111" not in phone.content()
    phone.screenshot(path=str(SCREENSHOTS / "xingfu-phone-offers.png"), full_page=True)
    card.get_by_role("button", name="接单").click()
    phone.wait_for_url(re.compile(r".*/xingfu/orders/\d+/$"))
    assert fits_the_phone(phone)
    assert phone.locator('[data-testid="address"]').inner_text() == "第1村3组12号"
    assert phone.locator('[data-testid="order-state"]').get_attribute("data-state") == "accepted"

    # 2. Check in, then check out 65 minutes later (two whole half hours).
    phone.get_by_role("button", name="签到").click()
    phone.wait_for_load_state()
    assert phone.locator('[data-testid="order-state"]').get_attribute("data-state") == "in_service"
    clock["now"] += timedelta(minutes=65)
    phone.get_by_role("button", name="签退").click()
    phone.wait_for_load_state()
    assert phone.locator('[data-testid="order-state"]').get_attribute("data-state") == "done"
    phone.screenshot(path=str(SCREENSHOTS / "xingfu-phone-order.png"), full_page=True)

    # 3. The family's grid worker confirms and rates on the phone.
    grid = phone_session(browser, base, grid_worker)
    grid.goto(f"{base}/xingfu/confirm/")
    assert fits_the_phone(grid)
    card = grid.locator('[data-testid="to-confirm"]')
    assert card.count() == 1 and "魏佳" in card.inner_text()
    card.get_by_label("5").check()
    card.get_by_role("button", name="确认服务").click()
    grid.wait_for_load_state()
    assert grid.locator('[data-testid="nothing-to-confirm"]').count() == 1
    assert "积分 10" in grid.locator("body").inner_text()

    # 4. The points appear on the volunteer's order and in the ledger.
    order = Order.objects.get(need=need)
    assert order.rating == 5 and order.minutes == 65 and order.points == 10
    assert PointEntry.objects.get(order_id=order.pk).amount == 10
    phone.goto(f"{base}/xingfu/orders/{order.pk}/")
    assert phone.locator('[data-testid="points"]').inner_text() == "10"

"""On a 390×844 phone: the volunteer sees the points of a confirmed service in their own
account and gives some to a family; the township's staff redeems goods for the family at
the supermarket counter (the table of goods becomes cards and fits the phone)."""

from __future__ import annotations

import re

import pytest

from jiuzhu.points import services
from jiuzhu.points.models import Good, PointAccount
from jiuzhu.testing import browser_login

PHONE = {"width": 390, "height": 844}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def phone_session(browser, base_url: str, user):
    return browser_login(browser, base_url, user, viewport=PHONE, is_mobile=True, has_touch=True)


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_points_appear_are_given_and_redeemed_on_the_phone(browser, live_server, volunteer,
                                                          reviewer, household, issued, goods):
    base = live_server.url
    family = services.family_account(household)

    # 1. The volunteer opens 我的积分: the confirmed service's 120 points are there.
    phone = phone_session(browser, base, volunteer)
    phone.goto(f"{base}/points/")
    phone.wait_for_url(re.compile(r".*/points/accounts/\d+/$"))
    assert phone.locator('[data-testid="balance"]').inner_text() == "120"
    assert fits_the_phone(phone)
    form = phone.locator('[data-testid="transfer-form"]')
    form.locator('[name="target"]').select_option(str(household.pk))  # a family they served
    form.locator('[name="amount"]').fill("40")
    form.get_by_role("button", name="转赠").click()
    phone.wait_for_load_state()
    assert phone.locator('[data-testid="balance"]').inner_text() == "80"

    # 2. The township's staff redeems a bag of rice for the family at the counter.
    counter = phone_session(browser, base, reviewer)
    counter.goto(f"{base}/points/supermarket/")
    assert fits_the_phone(counter)
    form = counter.locator('[data-testid="redeem-form"]')
    form.locator('[name="redeem-account"]').fill(str(family.pk))
    form.locator('[name="redeem-good"]').select_option(str(goods["rice"].pk))
    form.locator('[name="redeem-quantity"]').fill("1")
    form.get_by_role("button", name="兑换").click()
    counter.wait_for_load_state()
    assert counter.locator(".alert-success").count() == 1, counter.locator("main").inner_text()[:400]
    assert PointAccount.objects.get(pk=family.pk).balance == 10
    assert Good.objects.get(pk=goods["rice"].pk).stock == 4

"""Items as data in Chromium: an administrator adds MZ12 冬季取暖补贴 on the catalogue page,
previews its condition (a mistake named with its position, then the matching households
and why), saves it, and the 大处方 of a matching household recommends it."""

from __future__ import annotations

import re

import numpy as np
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jiuzhu.households.services import household_register
from jiuzhu.rules.synthetic import generate, to_dicts
from jiuzhu.testing import SCREENSHOTS, UserFactory, browser_login

from .test_item_conditions import MZ12, _expected

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_adding_an_item_with_a_condition_previewed_on_the_page(browser, live_server, tree,
                                                               window_worker):
    households = []
    for data in to_dicts(generate(12, seed=16)):
        data["region_code"] = "990102001001"
        households.append(household_register(actor=window_worker, data=data))
    expected = _expected(households)
    assert expected.any()
    admin = UserFactory(username="admin1", role="administrator", region=tree["county"])
    page = browser_login(browser, live_server.url, admin)
    page.goto(f"{live_server.url}/catalogue/admin/items/new/")
    page.fill('[name="code"]', "MZ12")
    page.fill('[name="name"]', "冬季取暖补贴")
    page.select_option('[name="department"]', "MZ")
    page.select_option('[name="level"]', "township")
    page.fill('[name="limit"]', "10")
    page.fill('[name="condition_eligible"]', "any(member.age >= 60) and rural and 圈 in [1, 2]")
    page.click('[data-testid="preview-button"]')
    errors = page.locator('[data-testid="preview-errors"]')
    expect(errors).to_contain_text("第 37 个字符有误")
    expect(errors).to_contain_text("未知的事实“圈”")
    page.fill('[name="condition_eligible"]', MZ12)
    page.click('[data-testid="preview-button"]')
    counts = page.locator('[data-testid="preview-counts"]')
    expect(counts).to_contain_text(f"符合 {int(expected.sum())} 户")
    rows = page.locator('[data-testid="preview-rows"] tbody tr')
    expect(rows).to_have_count(int(expected.sum()))
    expect(rows.first).to_contain_text("有成员（年龄 ≥ 60）")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "catalogue-condition-preview.png"), full_page=True)
    page.fill('[name="valid_from"]', timezone.localdate().isoformat())
    page.fill('[name="note"]', "县政府冬季取暖补贴通知")
    page.click('[data-testid="new-item"] button.btn-primary')
    page.wait_for_url(re.compile(r".*/catalogue/admin/items/MZ12/$"))
    assert page.locator('[name="condition_eligible"]').input_value() == MZ12

    first = households[int(np.flatnonzero(expected)[0])]
    page = browser_login(browser, live_server.url, window_worker)
    page.goto(f"{live_server.url}/assessments/household/{first.pk}/prescription/")
    row = page.locator("tr", has_text="冬季取暖补贴")
    expect(row.first).to_contain_text("符合")

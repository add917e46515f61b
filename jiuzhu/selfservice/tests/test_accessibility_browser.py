"""Accessible to everyone (issue #16 item 7), the residents' side, on a 390×844 phone:

* every resident page — the online application's first step, 我能申请吗 (questions and the
  answer), progress, 资格认证, the public notice board, the login page with its links for residents —
  has no serious or critical axe-core violation, in the normal and in 长辈模式;
* 长辈模式 chosen once is on every resident page (larger text; the notice board too);
* the forms can be used by the keyboard alone: Tab reaches every control in order, and the
  self-check is answered and sent with keys only.

The staff pages are checked by ``portal/tests/test_menu_browser.py`` (every menu entry of
every role, a household's and a case's page, the window's forms)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from jiuzhu.testing import axe_problems, unreachable_by_tab

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
RESIDENT_PAGES = ("/self/", "/self/check/", "/self/track/", "/self/confirm/", "/notice/",
                  "/accounts/login/")

def test_resident_pages_pass_axe_in_both_modes_and_work_by_keyboard(browser, live_server, tree):
    cache.clear()
    base = live_server.url
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    problems: list[str] = []
    for path in RESIDENT_PAGES:
        page.goto(f"{base}{path}")
        problems += axe_problems(page, f"{path} (phone)")

    # The self-check by keyboard alone: Tab to each field, type, Space for a choice, Enter.
    page.goto(f"{base}/self/check/")
    assert not unreachable_by_tab(page)
    page.focus('[name="township"]')
    page.keyboard.press("ArrowDown")  # the first township
    page.locator('[name="area_type"]').first.focus()
    page.keyboard.press("Space")
    page.focus('[name="m0-age"]')
    page.keyboard.type("62")
    page.focus('[name="m0-income"]')
    page.keyboard.type("600")
    page.keyboard.press("Enter")
    page.wait_for_selector('[data-testid="selfcheck-result"]')
    problems += axe_problems(page, "/self/check/ answer (phone)")

    # 长辈模式 from the first resident page: on every resident page after it.
    page.goto(f"{base}/self/")
    assert not unreachable_by_tab(page)
    normal = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.get_by_role("link", name="长辈模式（大字）").click()
    page.wait_for_url("**/self/")
    for path in RESIDENT_PAGES[:5]:
        page.goto(f"{base}{path}")
        size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert size > normal, (path, size, normal)
        problems += axe_problems(page, f"{path} (phone, 长辈模式)")
    page.goto(f"{base}/notice/")
    elder = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.get_by_role("link", name="标准字号").click()  # off again, for every resident page
    page.wait_for_url("**/notice/")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") < elder
    page.goto(f"{base}/self/")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == normal
    context.close()
    assert not problems, "\n".join(problems)

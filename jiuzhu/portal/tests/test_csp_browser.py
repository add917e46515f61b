"""The Content-Security-Policy in headless Chromium, on the small demo county: demo users of
a few roles sign in and open every entry of their menu (the dashboard's and the fund
statement's ECharts, the calendars, the lists and forms), a household's page and a case's;
the browser's console must report no CSP violation (a refused inline script, handler,
style or eval) and no script error on any of them."""

from __future__ import annotations

from typing import Any

import pytest

from jiuzhu.portal.tests.test_menu_browser import (
    DESKTOP,
    click_entry,
    load_small_demo,
    menu_links,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROLES = ("window1", "investigator1", "assistant1", "supervisor1", "socialworker1", "station1")


def watch(page: Any, where: list[str], problems: list[str]) -> None:
    """Console messages about the policy, and uncaught script errors, into problems."""
    def console(message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            problems.append(f"{where[0]}: {text[:300]}")

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(f"{where[0]}: script error {error}"))


def test_no_page_of_a_few_roles_violates_the_content_security_policy(browser, live_server):
    from jiuzhu.accounts.models import User
    from jiuzhu.applications.models import Application
    from jiuzhu.households.models import Household

    load_small_demo()
    base = live_server.url
    problems: list[str] = []
    visited = 0
    for username in ROLES:
        page = sign_in(browser, base, username, DESKTOP)
        where = [f"{username} /"]
        watch(page, where, problems)
        page.goto(f"{base}/")
        for label, href, more in menu_links(page):
            page.goto(f"{base}/")
            where[0] = f"{username} {label} ({href})"
            click_entry(page, label, more)
            page.wait_for_load_state("networkidle")
            visited += 1
        page.context.close()

    # a household's page and a case's (print buttons, tabs, htmx panels), as the window
    page = sign_in(browser, base, "window1", DESKTOP)
    where = ["window1"]
    watch(page, where, problems)
    window = User.objects.get(username="window1")
    household = Household.objects.visible_to(window).order_by("pk").first()
    case = Application.objects.visible_to(window).order_by("pk").first()
    for path in ([f"/households/{household.pk}/"] if household else []) + (
            [f"/applications/{case.pk}/"] if case else []):
        where[0] = f"window1 {path}"
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")
        visited += 1
    page.context.close()
    assert visited > 20
    assert not problems, "\n".join(problems)


def test_the_watch_reports_a_refused_inline_script(browser, live_server, window_worker):
    """The detector above can fail: an inline script put into a page is refused by the
    policy and reported."""
    from jiuzhu.testing import browser_login

    page = browser_login(browser, live_server.url, window_worker)
    problems: list[str] = []
    watch(page, ["home"], problems)
    page.evaluate("""() => { const s = document.createElement("script");
        s.textContent = "window.inlineRan = true"; document.body.appendChild(s); }""")
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.inlineRan === undefined")
    assert problems and "Content Security Policy" in problems[0], problems
    page.context.close()

"""The Content-Security-Policy's detector in headless Chromium. The policy itself is checked
on every page the menu walk opens (``test_menu_browser.py``: every role's every menu entry, a
household's page and a case's — no CSP violation, no script error); here, that the detector
can fail."""

from __future__ import annotations

import pytest

from jiuzhu.portal.tests.test_menu_browser import watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_watch_reports_a_refused_inline_script(browser, live_server, window_worker):
    """The detector can fail: an inline script put into a page is refused by the
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

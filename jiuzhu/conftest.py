import os
from pathlib import Path

import pytest

from jiuzhu.testing import CHROMIUM, CHROMIUM_ARGS, PASSWORD, UserFactory, demo_tree


@pytest.fixture
def tree(db):
    return demo_tree()


@pytest.fixture
def window_worker(tree):
    return UserFactory(username="window1", role="window_worker", region=tree["town1"])


@pytest.fixture
def other_window_worker(tree):
    return UserFactory(username="window2", role="window_worker", region=tree["town2"])


@pytest.fixture
def superuser(tree):
    return UserFactory(username="root", role="administrator", region=tree["province"],
                       is_superuser=True, is_staff=True)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture(autouse=True)
def _official_calendar(request):
    """The calendar and the catalogue data migrations seed are wiped by any transactional test (Django
    flushes the tables after it); seed it again for the tests that follow."""
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    if "transactional_db" in names or "live_server" in names or (
            marker is not None and marker.kwargs.get("transaction")):
        request.getfixturevalue("transactional_db")
    elif "db" in names or marker is not None:
        request.getfixturevalue("db")
    else:
        return
    from jiuzhu.calendars.models import CalendarDay
    from jiuzhu.calendars.services import calendar_seed

    if not CalendarDay.objects.exists():
        calendar_seed()
    from jiuzhu.catalogue.loader import load_catalogue
    from jiuzhu.catalogue.models import Department, Item

    if not Item.objects.exists():
        load_catalogue(Department, Item)


@pytest.fixture
def browser():
    """Headless Debian chromium through Playwright's sync API (skipped where it is missing)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    # The sync API runs an event loop in this thread; the ORM calls of the test are not async.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session", autouse=True)
def _one_request_at_a_time_in_the_live_server():
    """The live server of the browser tests shares the test database connection with the
    test (an in-memory SQLite one cannot be shared otherwise): it must serve one request at a
    time, or a page's polling (verification progress every 3 s) meets a form post on the
    same connection ("cannot start a transaction within a transaction"). Django closes each
    connection after its response when the server is not threaded."""
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread

    class OneAtATime(WSGIServer):
        def __init__(self, *args, connections_override=None, **kwargs):
            super().__init__(*args, **kwargs)
            self.connections_override = connections_override  # the thread's run() applies it

    setattr(LiveServerThread, "server_class", OneAtATime)  # noqa: B010 (the stubs do not know it)
    yield

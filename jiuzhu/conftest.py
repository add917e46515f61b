import os
import threading
from pathlib import Path

import pytest

from jiuzhu.testing import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PASSWORD,
    UserFactory,
    demo_tree,
    stand_in_documents,
)

# Checks collected by test_small_county.py from modules pytest does not collect itself: their
# asserts explain themselves like a test module's.
pytest.register_assert_rewrite("jiuzhu.demo.tests.demo_content", "jiuzhu.portal.tests.demo_walks")

#: Held by the live server while it serves a request (see below).
SERVING = threading.Lock()


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


@pytest.fixture
def clock(monkeypatch):
    """The services' and pages' idea of today (``timezone.localdate``): Monday 2 March 2026,
    moved by the test (``clock["today"] = …``). A module may define its own day."""
    from datetime import date

    from django.utils import timezone

    state = {"today": date(2026, 3, 2)}
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: state["today"])
    return state


@pytest.fixture(autouse=True)
def _office_language():
    """Every test starts in the office's language: a request with the English cookie leaves
    its thread in English (the middleware activates the chosen language per request)."""
    from django.utils import translation

    translation.activate("zh-hans")
    yield
    translation.activate("zh-hans")


@pytest.fixture(autouse=True)
def _no_parameter_overlay_left():
    """A parameter set a test approved (``jiuzhu/policy``, installed over the files in this
    process when its approval commits) does not outlive the test's database."""
    yield
    from jiuzhu.rules import parameters

    if parameters.has_overlays():
        parameters.remove_overlays()


@pytest.fixture(autouse=True)
def _official_calendar(request, django_db_blocker):
    """The calendar and the catalogue data migrations seed are wiped by any transactional test (Django
    flushes the tables after it); seed them again for the tests that follow — committed,
    before the test's own transaction begins: seeded inside it, they would be rolled back
    with it and written again for every test after (8,401 calendar rows each time)."""
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    if "transactional_db" in names or "live_server" in names or (
            marker is not None and marker.kwargs.get("transaction")):
        database = "transactional_db"
    elif "db" in names or marker is not None:
        database = "db"
    else:
        return
    request.getfixturevalue("django_db_setup")
    with django_db_blocker.unblock():
        _seeds_again()
    request.getfixturevalue(database)
    _seeds_again()  # (already there, unless another fixture opened the test's transaction first)


def _seeds_again() -> None:
    from jiuzhu.calendars.models import CalendarDay
    from jiuzhu.catalogue.loader import load_catalogue
    from jiuzhu.catalogue.models import Department, Item

    if not CalendarDay.objects.exists():
        _calendar_again()
    if not Item.objects.exists():
        load_catalogue(Department, Item)


@pytest.fixture(scope="session", autouse=True)
def _quick_flush_on_postgresql():
    """After a transactional test Django empties every table with one ``TRUNCATE`` of all of
    them, which on PostgreSQL takes seconds (each table's files are replaced); the tables of
    a test hold a few rows, which ``DELETE`` removes in milliseconds. Django's foreign keys on
    PostgreSQL are checked at commit (DEFERRABLE INITIALLY DEFERRED) and the flush runs in
    one transaction, so the order of the tables does not matter."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return truncate(self, style, tables, reset_sequences=reset_sequences,
                            allow_cascade=allow_cascade)
        return [f"DELETE FROM {self.quote_name(table)};" for table in tables]

    truncate = DatabaseOperations.sql_flush
    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign]
    yield
    DatabaseOperations.sql_flush = truncate  # type: ignore[method-assign]


#: The calendar's rows as the first seed of this process wrote them (8,401 days): written
#: again in one statement after each transactional test (the ORM's seed took a second).
_CALENDAR_ROWS: list[tuple] = []


def _calendar_again() -> None:
    from django.db import connection

    from jiuzhu.calendars.models import CalendarDay
    from jiuzhu.calendars.services import calendar_seed

    fields = [f for f in CalendarDay._meta.concrete_fields if not f.primary_key]
    if not _CALENDAR_ROWS:
        calendar_seed()
        _CALENDAR_ROWS.extend(
            tuple(f.get_db_prep_save(getattr(day, f.attname), connection) for f in fields)
            for day in CalendarDay.objects.all())
        return
    table = connection.ops.quote_name(CalendarDay._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", _CALENDAR_ROWS)


@pytest.fixture(scope="session")
def _chromium():
    """One headless Debian chromium per test process (each xdist worker its own), through
    Playwright's sync API; skipped where it is missing. The sync API keeps an event loop
    running in this thread from the first browser test to the end of the session: the ORM
    is told it may be called anyway (nothing of the project is async, and no test uses
    ``async_to_sync``, which would refuse to run beside that loop)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser(_chromium, monkeypatch):
    """The process's chromium; every context a test opens is closed after it, so no page of
    one test (a progress poll) still talks to the live server during the next.

    The documents a browser test issues render to stand-in files (``%PDF-`` …): the pages
    and downloads are what these tests follow, the typesetting is jiuzhu/documents/tests'
    (a real PDF and Word file per document were a third of the longest walks). With
    ``JIUZHU_SCREENSHOT_DIR`` set, to look at them, they render for real."""
    if not os.environ.get("JIUZHU_SCREENSHOT_DIR"):
        stand_in_documents(monkeypatch)
    try:
        yield _chromium
    finally:
        for context in list(_chromium.contexts):
            context.close()
        with SERVING:  # a request the closed pages left in the live server has finished
            pass


@pytest.fixture(scope="session", autouse=True)
def _one_request_at_a_time_in_the_live_server():
    """The live server of the browser tests shares the test database connection with the
    test (an in-memory SQLite one cannot be shared otherwise): it must serve one request at a
    time, or a page's polling (verification progress every 3 s) meets a form post on the
    same connection ("cannot start a transaction within a transaction").

    After each request the server closes its own connections (on PostgreSQL; the shared
    in-memory SQLite one stays), as Django's threaded live server does after each request
    thread: none is left open to the test database when it is flushed or dropped, even by a
    request whose browser went away. ``SERVING`` is held while a request is served: the
    ``browser`` fixture waits for it after closing its pages, so no request of a test still
    runs when the database is flushed for the next."""
    from django.core.servers.basehttp import WSGIServer
    from django.db import connections
    from django.test.testcases import LiveServerThread

    class OneAtATime(WSGIServer):
        def __init__(self, *args, connections_override=None, **kwargs):
            super().__init__(*args, **kwargs)
            self.connections_override = connections_override  # the thread's run() applies it

        def process_request(self, request, client_address):
            with SERVING:
                try:
                    super().process_request(request, client_address)
                finally:
                    if not self.connections_override:
                        connections.close_all()

    setattr(LiveServerThread, "server_class", OneAtATime)  # noqa: B010 (the stubs do not know it)
    yield


#: The longest modules (minutes each: the demo county walked by every user), started first
#: so that neither worker is left with one of them at the end (``make test`` runs with
#: ``--no-loadscope-reorder``: modules are handed out in this order).
LONGEST_FIRST = (
    "portal/tests/test_menu_browser.py",
    "demo/tests/test_small_county.py",
    "applications/tests/test_browser.py",
    "portal/tests/test_menu.py",
)


def pytest_collection_modifyitems(config, items):
    def weight(item) -> tuple[int, int]:
        path = item.nodeid.split("::", 1)[0]
        for n, name in enumerate(LONGEST_FIRST):
            if path.endswith(name):
                return (0, n)
        if item.get_closest_marker("browser") or item.get_closest_marker("slow"):
            return (1, 0)
        return (2, 0)

    module_weight: dict[str, tuple[int, int]] = {}
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        module_weight[path] = min(module_weight.get(path, (9, 0)), weight(item))
    # stable, by module: each module's tests stay together and keep their order
    items.sort(key=lambda item: module_weight[item.nodeid.split("::", 1)[0]])

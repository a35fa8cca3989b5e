"""Browser tests: headless Debian Chromium driven by Playwright's sync API against pytest-django's live_server.

Everything under tests/browser/ carries the `browser` marker; `make test` leaves it out, `make test-browser`
runs only it. Without /usr/bin/chromium (or TRECKK_CHROMIUM) the tests skip, unless TRECKK_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import io
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.browser.support import (
    CHROMIUM_ARGS,
    DEFAULT_TIMEOUT_MS,
    Portal,
    browser_required,
    chromium_path,
    shoot,
)

BROWSER_DIR = Path(__file__).resolve().parent

# The live server binds IPv4 only; an address literal keeps Chromium from trying ::1 for "localhost" first.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
CONTEXT_DEFAULTS = {"locale": "id-ID", "timezone_id": "Asia/Makassar"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Mark before pytest applies -m, so a browser test that forgot its marker still stays out of `make test`.
    for item in items:
        if BROWSER_DIR in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[pytest.TestReport]:
    # Keep each phase's report on the item so the page fixtures can screenshot a failed test.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    if not os.access(executable, os.X_OK):
        reason = f"no Chromium at {executable} (apt-get install chromium, or set TRECKK_CHROMIUM)"
        if browser_required():
            pytest.fail(f"TRECKK_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    # Playwright's sync API marks an asyncio event loop as running on the main thread for as long as it is
    # started. Django's ORM sees that loop and refuses every query from the test's thread (load_demo,
    # assertions on rows) with SynchronousOnlyOperation, although that code is plain synchronous code that
    # never awaits. The variable lifts only that guard, and only while Playwright runs: set here rather than
    # at import so `make test`, which imports this conftest too, keeps the guard.
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        before = {alias: connections[alias] for alias in connections}
        playwright = sync_playwright().start()
        # The same running loop makes Django keep this thread's connections in per-context storage instead
        # of the thread-local one, so the test thread would get fresh connection objects. Those lack the
        # test database's serialized contents (the serialized rollback then restores nothing, and the
        # second test finds no kecamatan) once any database test ran before this fixture. Hand over the
        # thread's own connections so there is one per alias, whichever way round the fixtures came up.
        for alias, connection in before.items():
            connections[alias] = connection
        try:
            browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
            expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
            yield browser
            browser.close()
        finally:
            playwright.stop()


def _open_page(browser: Browser, request: pytest.FixtureRequest, options: dict, label: str = "") -> Iterator[Page]:
    context: BrowserContext = browser.new_context(**CONTEXT_DEFAULTS, **options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        try:
            path = shoot(page, f"FAILED-{request.node.nodeid}{label}")
            print(f"screenshot of the failed test: {path}")
        except Exception as exc:  # a broken page must not hide the test's own failure
            print(f"no screenshot of the failed test: {exc}")
    context.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A desktop page (1280x800) in its own context: no cookies or storage shared between tests."""
    yield from _open_page(browser, request, DESKTOP)


@pytest.fixture
def phone_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A phone-sized touch page (360x740), like a TRC member's in the field."""
    yield from _open_page(browser, request, PHONE)


@pytest.fixture
def new_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Callable[..., Page]]:
    """Open more pages, each in its own context, like another person at another device.

    new_page() is a desktop page, new_page(phone=True) a phone page; other keywords go to browser.new_context
    (e.g. java_script_enabled=False). All close when the test ends.
    """
    opened: list[Iterator[Page]] = []

    def open_one(*, phone: bool = False, **options) -> Page:
        pages = _open_page(browser, request, {**(PHONE if phone else DESKTOP), **options}, label=f"-{len(opened) + 1}")
        opened.append(pages)
        return next(pages)

    yield open_one
    for pages in reversed(opened):
        next(pages, None)  # the rest of _open_page: a screenshot if the test failed, then close the context


@pytest.fixture
def portal(live_server, django_db_serialized_rollback) -> Portal:
    """The live portal with the demo data: logins operator, kasi, kabid, kepala, trc-<kecamatan>, trc-markas.

    live_server makes the test transactional, and a transactional test ends by emptying every table; the
    serialized rollback puts back the reference data the migrations loaded (kecamatan, categories, groups)
    before the next test, which load_demo needs.
    """
    _load_demo()
    cache.clear()  # rate-limit counters (logins per address) of earlier tests in this process
    return Portal(live_server.url)


# The SQLite database right after the session's first load_demo, kept in a private in-memory database.
_demo_snapshot: list[sqlite3.Connection] = []


def _load_demo() -> None:
    """load_demo into the (flushed, reference data restored) test database.

    load_demo walks some thirty complaints through the real services: about 4 s, against about 1 s for a typical
    browser test, paid by every test. On the in-memory SQLite database of `make test-browser` it therefore runs once
    per session; each later test gets a byte-for-byte copy of the database as load_demo left it (SQLite's online
    backup, milliseconds), which replaces whatever the previous test and the flush left. The data is the same as a
    fresh load_demo gives (fixed seed), but that its timestamps are minutes older: no browser test depends on the
    SLA clock. On PostgreSQL load_demo simply runs for each test.
    """
    connection = connections["default"]
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        call_command("load_demo", stdout=io.StringIO())
        return
    connection.ensure_connection()
    if not _demo_snapshot:
        call_command("load_demo", stdout=io.StringIO())
        snapshot = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(snapshot)
        _demo_snapshot.append(snapshot)
    else:
        _demo_snapshot[0].backup(connection.connection)


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    """shoot(page, name) as a fixture, for tests that would rather not import it."""
    return shoot

"""A database outage answers 503 with Retry-After, never 500.

When PostgreSQL restarts, fails over or refuses connections, a request cannot be served, but nothing is wrong with
the request either: the client should send it again in a few seconds. Channels (WhatsApp, Telegram, bots on the
API) retry on 503 with the same Idempotency-Key, and intake writes the complaint and answers 2xx only after the
commit (complaints/services/intake.py), so a 503 never hides a stored complaint that a retry would then duplicate.

Two ways an outage reaches a response, and both are covered:
- the view (or DRF's authentication inside it) raises: `process_exception` answers 503;
- a middleware raises (a session read, a login lockout check): Django turns that into a 500 before any outer
  middleware sees an exception, so `got_request_exception` marks the request and this middleware, the outermost,
  swaps that 500 for the 503.

Only errors that mean "the database is not reachable now" count (connection refused or lost, server shutting down or
starting up, too many connections, lock or statement timeouts, deadlocks, SQLite's busy file). A missing table or a
syntax error is a bug and stays a 500.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import connections
from django.db.utils import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from channels.open311.renderers import error_response as open311_error
from common.problems import REGISTRY, problem_response

logger = logging.getLogger("treckk.outage")

ERROR_CODE = "service_unavailable"  # registered in common/problems.py, documented in docs/errors.md
# Paths whose clients are programs: they get problem+json (the API's error shape, common/problems.py) not a page;
# Open311 apps get GeoReport v2's own error list.
MACHINE_PREFIXES = ("/api/", "/channels/", "/health/")
OPEN311_PREFIX = "/open311/"
# PostgreSQL SQLSTATE prefixes of transient failures: connection exception (08), transaction rollback (40:
# serialization failure, deadlock), insufficient resources (53: too many connections, disk full), lock not
# available (55P03), operator intervention (57: shutdown, starting up, statement timeout), system error (58).
TRANSIENT_SQLSTATES = ("08", "40", "53", "55P03", "57", "58")
# SQLite's equivalents: another process holds the file, or the file cannot be opened now.
TRANSIENT_SQLITE_MESSAGES = ("database is locked", "database table is locked", "unable to open database", "disk i/o error")
REQUEST_MARK = "_treckk_database_outage"


def retry_after_seconds() -> int:
    """How long clients should wait; a PostgreSQL restart takes a few seconds."""
    return int(getattr(settings, "TRECKK_OUTAGE_RETRY_AFTER_SECONDS", 5))


def _driver_error_classes() -> tuple[type[BaseException], ...]:
    # Errors raised by the driver itself, outside Django's wrapper (rare, e.g. while closing a broken connection).
    classes: list[type[BaseException]] = []
    for alias in connections:
        database = getattr(connections[alias], "Database", None)
        for name in ("OperationalError", "InterfaceError"):
            found = getattr(database, name, None)
            if isinstance(found, type) and issubclass(found, BaseException):
                classes.append(found)
    return tuple(classes)


def is_outage(exc: BaseException | None) -> bool:
    """True when `exc` means the database is unreachable or overloaded now, so retrying later may succeed."""
    if exc is None:
        return False
    if isinstance(exc, InterfaceError):
        return True  # "connection already closed": the server went away under us
    if not isinstance(exc, (OperationalError, *_driver_error_classes())):
        return False
    driver_error = exc.__cause__ if exc.__cause__ is not None else exc
    if type(driver_error).__name__ == "InterfaceError":
        return True
    sqlstate = getattr(driver_error, "sqlstate", None)
    module = type(driver_error).__module__
    if module.startswith("sqlite3"):
        message = str(driver_error).lower()
        return any(fragment in message for fragment in TRANSIENT_SQLITE_MESSAGES)
    if sqlstate is None:
        # psycopg gives no SQLSTATE when it cannot connect or the connection broke mid-query.
        return True
    return str(sqlstate).startswith(TRANSIENT_SQLSTATES)


def wants_problem_json(request: HttpRequest) -> bool:
    return request.path.startswith(MACHINE_PREFIXES) or "application/json" in request.headers.get("Accept", "")


def outage_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: problem+json for programs (Open311's error list for Open311 apps), a plain page in the
    user's language for people.

    Built without touching the database (no context processors, no user, no session): it is down.
    """
    # The request's own language (cookie, Accept-Language): when a middleware failed, LocaleMiddleware may not have
    # run, and the thread would still speak the previous request's language.
    with translation.override(translation.get_language_from_request(request)):
        return _outage_response(request)


def _outage_response(request: HttpRequest) -> HttpResponse:
    seconds = retry_after_seconds()
    if request.path.startswith(OPEN311_PREFIX):
        # GeoReport v2 fixes its own error shape (channels/open311/views.py); Open311 apps know no problem+json.
        response: HttpResponse = open311_error(request.path, 503, str(REGISTRY[ERROR_CODE].message))
    elif wants_problem_json(request):
        detail = _(
            "Basis data sedang tidak dapat dihubungi. Kirim ulang permintaan ini setelah %(seconds)s detik "
            "dengan Idempotency-Key yang sama: yang sudah tersimpan tidak akan tercatat dua kali."
        ) % {"seconds": seconds}
        response = problem_response(503, ERROR_CODE, detail)
    else:
        html = render_to_string("503.html", {"seconds": seconds, "retry_path": request.get_full_path()})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    # Logged once, as one line, by this module; Django would add an ERROR line with the same request for every 503.
    response._has_been_logged = True
    return response


@receiver(got_request_exception, dispatch_uid="treckk-database-outage")
def _mark_outage(sender, request: HttpRequest | None = None, **kwargs) -> None:
    exc = sys.exc_info()[1]
    if request is not None and is_outage(exc):
        setattr(request, REQUEST_MARK, exc)


class DatabaseOutageMiddleware:
    """First in MIDDLEWARE, so it sees every response, including the 500 a failing inner middleware became."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        exc = getattr(request, REQUEST_MARK, None)
        if exc is not None and response.status_code >= 500:
            self._log(request, exc)
            return outage_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_outage(exception):
            return None
        self._log(request, exception)
        return outage_response(request)

    @staticmethod
    def _log(request: HttpRequest, exc: BaseException) -> None:
        # One line, no traceback: during an outage every request fails the same way.
        logger.warning("Database unavailable, answered 503: %s %s (%s: %s)", request.method, request.path,
                       type(exc).__name__, str(exc).strip().splitlines()[0] if str(exc).strip() else "")

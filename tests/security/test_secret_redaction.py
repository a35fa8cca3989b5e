"""Open311's `?api_key=` is a credential in a URL (issue 14, item 6): it works, but nothing that writes a URL down keeps
it: the audit trail's stored path, the request logs (django.request, the development server's django.server, the
audit's own JSON line), the 500 report (page and e-mail) and gunicorn's access log."""

from __future__ import annotations

import json
import logging
import sys
from types import SimpleNamespace

import pytest
from django.core.servers.basehttp import WSGIRequestHandler
from django.test import RequestFactory
from django.views.debug import get_exception_reporter_class
from rest_framework.test import APIClient

from audit.models import AuditEntry
from complaints.models import Channel, ChannelKind

pytestmark = pytest.mark.django_db

REQUESTS = "/open311/v2/requests.json"


@pytest.fixture
def app():
    channel = Channel.objects.create(name="Aplikasi Lapor Warga", kind=ChannelKind.API)
    channel.raw_key = channel.rotate_api_key()
    return channel


def _everything_stored() -> str:
    return json.dumps([[e.path, e.detail, e.username] for e in AuditEntry.objects.all()], default=str)


def _everything_logged(records: list[logging.LogRecord]) -> str:
    return "\n".join(f"{r.getMessage()} {r.args!r}" for r in records)


def test_a_query_string_key_is_accepted_and_stored_or_logged_nowhere(app, caplog):
    secret = "SECRETKEY0123456789wrong"
    with caplog.at_level(logging.DEBUG):
        good = APIClient().get(REQUESTS, {"api_key": app.raw_key, "jurisdiction_id": "balangankab.go.id"})
        bad = APIClient().get(REQUESTS, {"api_key": secret})
        bad_encoded = APIClient().get(f"{REQUESTS}?api%5Fkey={secret}")
    assert good.status_code == 200
    assert bad.status_code == bad_encoded.status_code == 403
    stored = _everything_stored()
    assert AuditEntry.objects.filter(status_code=403).count() == 2
    assert "api_key=[redacted]" in stored
    logged = _everything_logged(caplog.records)
    assert any(r.name == "treckk.audit" for r in caplog.records)
    for text in (stored, logged):
        assert secret not in text and app.raw_key not in text


def test_the_403_entry_keeps_the_rest_of_the_query(app):
    APIClient().get(REQUESTS, {"service_code": "keributan", "api_key": "SECRETKEY0123456789wrong"})
    entry, = AuditEntry.objects.all()
    assert entry.path == f"{REQUESTS}?service_code=keributan&api_key=[redacted]"


def test_the_development_servers_request_line_is_redacted(app):
    """runserver logs each request line on `django.server`, which does not propagate to the root logger."""
    logger = logging.getLogger("django.server")
    seen: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = seen.append
    logger.addHandler(handler)
    try:
        fake = SimpleNamespace(request=None, log_date_time_string=lambda: "now")
        WSGIRequestHandler.log_message(fake, '"%s" %s %s', f"GET {REQUESTS}?api_key={app.raw_key}&x=1 HTTP/1.1", "200", "2")
    finally:
        logger.removeHandler(handler)
    line, = (record.getMessage() for record in seen)
    assert app.raw_key not in line and f"{REQUESTS}?api_key=[redacted]&x=1" in line


def _fail_holding(raw_key: str, request) -> None:
    """Like ChannelKeyAuthentication.authenticate_key failing: the key is a local of a frame in the traceback."""
    raise RuntimeError(f"boom at {request.get_full_path()}")


@pytest.mark.parametrize("debug", [True, False])
def test_the_error_report_hides_the_key(app, settings, debug):
    """The e-mail to ADMINS (DEBUG off) and the debug page: URL, query, META, the exception and, with DEBUG off, a
    frame's local named like a key."""
    settings.DEBUG = debug
    request = RequestFactory().get(REQUESTS, {"api_key": app.raw_key, "service_code": "keributan"})
    try:
        _fail_holding("" if debug else app.raw_key, request)
    except RuntimeError:
        reporter = get_exception_reporter_class(request)(request, *sys.exc_info())
        html, text = reporter.get_traceback_html(), reporter.get_traceback_text()
    for report in (html, text):
        assert app.raw_key not in report
        assert "service_code" in report


def test_gunicorns_access_log_is_redacted(app):
    from gunicorn.config import Config

    from config.gunicorn_logging import RedactingLogger

    logger = RedactingLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET", "RAW_URI": f"{REQUESTS}?api_key={app.raw_key}", "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": REQUESTS, "QUERY_STRING": f"api_key={app.raw_key}",
    }
    response = SimpleNamespace(status="200 OK", headers=[], sent=10)
    atoms = logger.atoms(response, SimpleNamespace(headers=[]), environ, SimpleNamespace(seconds=0, microseconds=5))
    assert app.raw_key not in json.dumps(atoms, default=str)
    assert atoms["r"] == f"GET {REQUESTS}?api_key=[redacted] HTTP/1.1"

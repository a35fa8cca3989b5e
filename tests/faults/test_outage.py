"""A database outage answers 503 with Retry-After (problem+json for programs, a plain page for people), never 500;
and a channel retrying with the same Idempotency-Key after any failure gets exactly one complaint."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from django.db import connection, transaction
from django.db.utils import OperationalError, ProgrammingError
from django.test import Client

from complaints.models import Complaint, Reporter
from complaints.signals import complaint_submitted
from config.outage import is_outage
from roles.roles import Role

pytestmark = pytest.mark.django_db

LIST = "/api/v1/complaints/"
LEAKS = ("refused", "locked", "Traceback", "SELECT", "127.0.0.1", "5432")


def driver_outage() -> OperationalError:
    """The error Django raises when the server does not answer: the driver's own error wrapped in Django's."""
    message = "database is locked"
    if connection.vendor == "postgresql":
        message = 'connection to server at "127.0.0.1", port 5432 failed: Connection refused'
    try:
        with connection.wrap_database_errors:
            raise connection.Database.OperationalError(message)
    except OperationalError as wrapped:
        return wrapped
    raise AssertionError("wrap_database_errors did not wrap")


@pytest.fixture
def database_down(monkeypatch):
    """From now on every query fails as if PostgreSQL were restarting."""

    def down():
        monkeypatch.setattr(connection, "cursor", lambda *args, **kwargs: (_ for _ in ()).throw(driver_outage()))

    return down


def assert_problem_503(response) -> dict:
    assert response.status_code == 503, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["type"] == "urn:treckk:error:service_unavailable"
    assert body["status"] == 503 and body["code"] == "service_unavailable" and body["title"]
    assert "Idempotency-Key" in body["detail"]
    for leak in LEAKS:
        assert leak not in response.content.decode(), leak
    return body


def intake(**overrides) -> dict:
    body = {"category": "keributan", "district": "paringin", "description": "Balap liar di jalan poros.",
            "reporter": {"name": "Rahmat", "phone": "081255500001"}}
    body.update(overrides)
    return body


# --- 503 on outage ------------------------------------------------------------------------------------------------


def test_api_read_during_an_outage_is_503_problem(api_as, database_down):
    client = api_as(Role.OPERATOR)  # authenticated without the database
    database_down()
    assert_problem_503(client.get(LIST))


def test_channel_intake_during_an_outage_is_503_and_stores_nothing(api, channel, database_down, monkeypatch):
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {channel.raw_key}")
    database_down()
    assert_problem_503(api.post(LIST, intake(), format="json", HTTP_IDEMPOTENCY_KEY="k-1"))
    monkeypatch.undo()
    assert Complaint.objects.count() == 0


def test_webhook_during_an_outage_is_503(client, settings, database_down):
    settings.TELEGRAM_WEBHOOK_SECRET = "rahasia-uji"
    update = {"update_id": 1, "message": {"message_id": 5, "date": 1767225600, "chat": {"id": 42, "type": "private"},
                                          "from": {"id": 42, "first_name": "Rahmat"}, "text": "Ada keributan"}}
    database_down()
    response = client.post("/channels/telegram/webhook/", json.dumps(update), content_type="application/json",
                           HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN="rahasia-uji")
    assert_problem_503(response)


def test_open311_during_an_outage_is_503_in_its_own_error_format(client, database_down):
    database_down()
    response = client.get("/open311/v2/services.json")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response["Content-Type"] == "application/json"
    [error] = response.json()
    assert error["code"] == 503 and error["description"]


def test_open311_xml_during_an_outage_is_503_in_xml(client, database_down):
    database_down()
    response = client.get("/open311/v2/requests.xml")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = ET.fromstring(response.content)  # noqa: S314 (our own server's answer)
    assert root.tag == "errors" and root.findtext("error/code") == "503" and root.findtext("error/description")


def test_portal_page_during_an_outage_is_a_plain_page_in_indonesian(client, users, database_down):
    client.force_login(users[Role.OPERATOR])
    database_down()  # the session, the user and the queue all need the database
    response = client.get("/queue/operator/?status=submitted")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Layanan sedang tidak tersedia" in page
    assert 'href="/queue/operator/?status=submitted"' in page  # try again where the user was
    for leak in LEAKS:
        assert leak not in page, leak


def test_portal_page_during_an_outage_in_english(client, users, database_down):
    client.force_login(users[Role.OPERATOR])
    database_down()
    response = client.get("/queue/operator/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert "Service unavailable" in response.content.decode()


class FailingMiddleware:
    """Stands for a middleware that reads the database before the view (a session, a lockout check)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise driver_outage()


def test_outage_inside_a_middleware_is_503_not_500(settings, users):
    position = settings.MIDDLEWARE.index("config.outage.DatabaseOutageMiddleware") + 1
    settings.MIDDLEWARE = [*settings.MIDDLEWARE[:position], "tests.faults.test_outage.FailingMiddleware",
                           *settings.MIDDLEWARE[position:]]
    client = Client(raise_request_exception=False)
    assert_problem_503(client.get(LIST))
    page = client.get("/queue/operator/")
    assert page.status_code == 503 and "Layanan sedang tidak tersedia" in page.content.decode()
    # The locale middleware never ran: the page still speaks the request's language, not the thread's last one.
    english = client.get("/queue/operator/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 503 and "Service unavailable" in english.content.decode()
    assert "Layanan sedang tidak tersedia" in client.get("/queue/operator/").content.decode()


def test_a_programming_error_stays_a_500(api_as, monkeypatch):
    """Only an outage becomes 503: a bug must not hide behind 'try again later'."""
    from api import views as api_views

    def broken(*args, **kwargs):
        raise ProgrammingError('relation "complaints_complaint" does not exist')

    monkeypatch.setattr(api_views, "complaint_list", broken)
    client = api_as(Role.OPERATOR)
    client.raise_request_exception = False
    assert client.get(LIST).status_code == 500


class FakeDriverError(Exception):
    def __init__(self, sqlstate: str | None, message: str = "") -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def wrapped(cause: Exception) -> OperationalError:
    error = OperationalError(str(cause))
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("sqlstate", "outage"),
    [
        (None, True),  # could not connect, or the connection broke mid-query
        ("08006", True),  # connection failure
        ("57P01", True),  # terminating connection due to administrator command (restart)
        ("57P03", True),  # the database system is starting up
        ("53300", True),  # too many connections
        ("40P01", True),  # deadlock detected
        ("55P03", True),  # lock not available
        ("57014", True),  # statement timeout
        ("42P01", False),  # undefined table: a bug, stays 500
        ("54001", False),  # statement too complex
    ],
)
def test_which_postgresql_errors_are_an_outage(sqlstate, outage):
    assert is_outage(wrapped(FakeDriverError(sqlstate))) is outage


def test_which_sqlite_errors_are_an_outage():
    import sqlite3

    assert is_outage(wrapped(sqlite3.OperationalError("database is locked")))
    assert not is_outage(wrapped(sqlite3.OperationalError("no such table: complaints_complaint")))
    assert not is_outage(ProgrammingError("syntax error"))
    assert not is_outage(ValueError("not a database error"))


# --- the idempotent retry after a failure ---------------------------------------------------------------------------


@pytest.fixture
def fail_once():
    """fail_once(signal) makes the next send of `signal` raise the outage error, inside the intake transaction."""
    connected = []

    def arm(signal):
        state = {"armed": True}

        def receiver(**kwargs):
            if state["armed"]:
                state["armed"] = False
                raise driver_outage()

        signal.connect(receiver, weak=False, dispatch_uid="fail-once")
        connected.append(signal)

    yield arm
    for signal in connected:
        signal.disconnect(dispatch_uid="fail-once")


def test_failure_before_commit_writes_nothing_and_the_retry_creates_one(api, channel, fail_once):
    """The connection dies while intake is writing (after the complaint row, before the commit): nothing is kept,
    the client gets 503, and the same Idempotency-Key then creates the complaint once."""
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {channel.raw_key}")
    fail_once(complaint_submitted)

    assert_problem_503(api.post(LIST, intake(), format="json", HTTP_IDEMPOTENCY_KEY="retry-1"))
    assert Complaint.objects.count() == 0 and Reporter.objects.count() == 0

    created = api.post(LIST, intake(), format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    assert created.status_code == 201, created.content
    again = api.post(LIST, intake(), format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    assert again.status_code == 200 and again.json()["code"] == created.json()["code"]
    assert Complaint.objects.filter(channel=channel, external_ref="retry-1").count() == 1
    assert Reporter.objects.count() == 1


def test_failure_after_commit_then_retry_answers_the_stored_complaint(api, channel, monkeypatch):
    """The complaint committed, then the answer failed (the worker died or the database went away before the
    response): the retry with the same key gets that complaint, not a second one."""
    from api import views as api_views

    # After the commit, the answer is built from the complaint just written (the intake's response path).
    real = api_views._just_created
    calls = {"n": 0}

    def answer_fails_once(complaint):
        calls["n"] += 1
        if calls["n"] == 1:
            raise driver_outage()
        return real(complaint)

    monkeypatch.setattr(api_views, "_just_created", answer_fails_once)
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {channel.raw_key}")

    assert_problem_503(api.post(LIST, intake(), format="json", HTTP_IDEMPOTENCY_KEY="retry-2"))
    stored = Complaint.objects.get(channel=channel, external_ref="retry-2")

    retried = api.post(LIST, intake(), format="json", HTTP_IDEMPOTENCY_KEY="retry-2")
    assert retried.status_code == 200, retried.content
    assert retried.json()["code"] == stored.code
    assert Complaint.objects.filter(channel=channel).count() == 1
    assert stored.events.count() == 1
    assert calls["n"] == 1  # the retry answered from the stored complaint, not through the new-complaint path


def test_inbound_message_failure_before_commit_then_retry_stores_it_once(api, channel, monkeypatch):
    """The generic message intake: the database goes away while the message is being written (after the message
    row, before the commit): 503, nothing stored, not even the conversation's unread count; the retry stores it."""
    from channels import services as channel_services
    from channels.models import Conversation, InboundMessage

    real = channel_services._answer_status_request
    state = {"failed": False}

    def fails_once(conversation, message):
        if not state["failed"]:
            state["failed"] = True
            raise driver_outage()
        return real(conversation, message)

    monkeypatch.setattr(channel_services, "_answer_status_request", fails_once)
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {channel.raw_key}")
    body = {"sender": {"id": "chat-9"}, "text": "Ada keributan di pasar.", "sent_at": "2026-11-23T21:14:00+08:00"}

    assert_problem_503(api.post("/api/v1/channel/messages/", body, format="json", HTTP_IDEMPOTENCY_KEY="m-retry"))
    assert InboundMessage.objects.count() == 0 and Conversation.objects.filter(unread_count__gt=0).count() == 0

    first = api.post("/api/v1/channel/messages/", body, format="json", HTTP_IDEMPOTENCY_KEY="m-retry")
    again = api.post("/api/v1/channel/messages/", body, format="json", HTTP_IDEMPOTENCY_KEY="m-retry")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert InboundMessage.objects.filter(channel=channel, external_id="m-retry").count() == 1
    assert Conversation.objects.get(channel=channel, sender_id="chat-9").unread_count == 1


def test_requests_are_not_wrapped_in_one_transaction():
    """The intake service commits its own transaction before the view answers; ATOMIC_REQUESTS would instead commit
    after the response is built, and a failed commit would then follow a 2xx already computed."""
    assert not connection.settings_dict.get("ATOMIC_REQUESTS")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failed_commit_never_answers_2xx(api, channel, monkeypatch):
    """With real commits: the COMMIT itself fails (the server went away at that moment). The client gets 503, not
    201, the complaint is not there, and the retry stores it once."""
    assert not connection.in_atomic_block  # the service's transaction is the outermost one: its exit commits
    real_commit = connection._commit
    state = {"failed": False}

    def commit_fails_once():
        if not state["failed"]:
            state["failed"] = True
            with connection.wrap_database_errors:
                raise connection.Database.OperationalError(
                    "database is locked" if connection.vendor == "sqlite" else "server closed the connection unexpectedly")
        return real_commit()

    monkeypatch.setattr(connection, "_commit", commit_fails_once)
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {channel.raw_key}")

    assert_problem_503(api.post(LIST, intake(), format="json", HTTP_IDEMPOTENCY_KEY="retry-3"))
    assert state["failed"]
    assert not Complaint.objects.filter(external_ref="retry-3").exists()

    created = api.post(LIST, intake(), format="json", HTTP_IDEMPOTENCY_KEY="retry-3")
    assert created.status_code == 201, created.content
    with transaction.atomic():
        assert Complaint.objects.filter(channel=channel, external_ref="retry-3").count() == 1

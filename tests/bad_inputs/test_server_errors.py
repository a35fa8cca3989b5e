"""A bug (an exception no code expected) is answered without its traceback, its message or any SQL: problem+json
500 `server_error` for programs, the plain 500 page for people. Run with DEBUG off, as in production."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.bad_inputs.urls import SECRET_DETAIL

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.bad_inputs.urls")]

LEAKS = (SECRET_DETAIL, "SELECT", "RuntimeError", "Traceback", "secret.py")


@pytest.fixture
def client(settings):
    settings.DEBUG = False
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("path", ["/api/v1/rusak/", "/channels/rusak/"])
def test_a_bug_behind_the_api_is_a_bare_problem(client, path, caplog):
    response = client.get(path, HTTP_ACCEPT="text/html")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body == {
        "type": "urn:treckk:error:server_error", "title": "Internal Server Error", "status": 500, "code": "server_error",
        "detail": body["detail"],
    }
    assert "tidak disimpan" in body["detail"]
    assert not any(leak in response.content.decode() for leak in LEAKS)
    # The details are in the log, for the administrator.
    assert any(SECRET_DETAIL in str(record.exc_info[1]) for record in caplog.records if record.exc_info)


def test_a_bug_behind_a_page_is_the_plain_500_page(client):
    response = client.get("/rusak/")

    page = response.content.decode()
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "Terjadi kesalahan di server" in page and "perubahan yang gagal tidak disimpan" in page
    assert not any(leak in page for leak in LEAKS)


def test_the_500_page_follows_the_language(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/rusak/").content.decode()
    assert "A server error occurred" in page
    assert "Terjadi kesalahan di server" not in page

"""Login lockout (django-axes): 5 wrong passwords for one username from one address lock that pair for 30 minutes,
portal and API token endpoint counting together; the answer says so in Indonesian; axes_reset unlocks."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from audit.models import AuditEntry, AuditKind
from roles.roles import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/login/"
TOKEN = "/api/v1/auth/token/"
LOCKED_WORDS = "dikunci sementara"


def portal_login(password: str, username: str = "operator", address: str = "10.0.0.1", client: Client | None = None):
    return (client or Client()).post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def api_login(password: str, username: str = "operator", address: str = "10.0.0.1"):
    return APIClient().post(TOKEN, {"username": username, "password": password}, format="json", REMOTE_ADDR=address)


def test_four_failures_still_let_the_right_password_in(users):
    for _ in range(4):
        assert portal_login("salah").status_code == 200
    response = portal_login(PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"


def test_fifth_failure_locks_the_username_from_that_address_even_with_the_right_password(users):
    for _ in range(4):
        portal_login("salah")
    fifth = portal_login("salah")
    assert fifth.status_code == 429
    assert LOCKED_WORDS in fifth.content.decode()
    assert int(fifth["Retry-After"]) == 30 * 60

    right = portal_login(PASSWORD)
    assert right.status_code == 429 and LOCKED_WORDS in right.content.decode()
    assert "_auth_user_id" not in (right.wsgi_request.session or {})
    # Another address (the real operator at the office) and another username are not locked.
    assert portal_login(PASSWORD, address="10.0.0.2").status_code == 302
    assert portal_login(PASSWORD, username="kasi").status_code == 302


def test_lockout_page_is_in_english_when_the_user_chose_english(users):
    client = Client()
    client.cookies["django_language"] = "en"
    for _ in range(5):
        response = portal_login("wrong", client=client)
    assert response.status_code == 429
    assert "temporarily locked" in response.content.decode()


def test_api_token_failures_count_toward_the_same_lockout(users):
    for _ in range(3):
        assert portal_login("salah").status_code == 200
    assert api_login("salah").status_code == 400
    locked = api_login("salah")
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/problem+json"
    assert locked.json()["code"] == "account_locked"
    assert int(locked["Retry-After"]) == 30 * 60
    assert api_login(PASSWORD).status_code == 429
    assert portal_login(PASSWORD).status_code == 429


def test_axes_reset_unlocks(users):
    for _ in range(5):
        portal_login("salah")
    assert portal_login(PASSWORD).status_code == 429
    call_command("axes_reset_username", "operator")
    assert portal_login(PASSWORD).status_code == 302


def test_success_resets_the_count(users):
    for _ in range(4):
        portal_login("salah")
    assert portal_login(PASSWORD).status_code == 302
    for _ in range(4):
        assert portal_login("salah").status_code == 200
    assert portal_login(PASSWORD).status_code == 302


def test_lockouts_and_failures_are_audited_with_the_attempted_username(users):
    for _ in range(5):
        portal_login("salah", username="kasi", address="10.9.8.7")
    failed = AuditEntry.objects.filter(kind=AuditKind.LOGIN_FAILED)
    assert failed.count() == 5
    assert {(e.username, e.ip_address, e.detail["attempted_username"]) for e in failed} == {("kasi", "10.9.8.7", "kasi")}
    locked = AuditEntry.objects.get(kind=AuditKind.LOCKED_OUT)
    assert (locked.username, locked.ip_address) == ("kasi", "10.9.8.7")
    assert users[Role.KASI].pk is not None

"""Staff API tokens can be listed and revoked by their holder, revoked by an administrator, and die with a password
change; a revoked token is refused with 401 on the next request."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from audit.models import AuditEntry, AuditKind
from roles.roles import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


def token_client(username: str = "operator") -> tuple[APIClient, str]:
    client = APIClient()
    key = client.post(TOKEN, {"username": username, "password": PASSWORD}, format="json").json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client, key


def test_holder_sees_the_prefix_never_the_key(users):
    client, key = token_client()
    listed = client.get(TOKEN)
    assert listed.status_code == 200
    assert [item["prefix"] for item in listed.json()] == [key[:8]]
    assert key not in listed.content.decode()


def test_holder_revokes_and_the_token_is_refused_at_once(users):
    client, key = token_client()
    assert client.get("/api/v1/me/").status_code == 200
    assert client.delete(TOKEN).status_code == 204
    refused = client.get("/api/v1/me/")
    assert refused.status_code == 401 and refused.json()["code"] == "authentication_failed"
    assert not Token.objects.filter(key=key).exists()
    revoked, = AuditEntry.objects.filter(kind=AuditKind.TOKEN_REVOKED)
    assert revoked.username == "operator" and revoked.detail["prefixes"] == [key[:8]]
    # Logging in again issues a new, different token.
    _client, new_key = token_client()
    assert new_key != key


def test_revoking_one_persons_token_leaves_the_others(users):
    operator, _ = token_client("operator")
    kasi, _ = token_client("kasi")
    assert operator.delete(TOKEN).status_code == 204
    assert kasi.get("/api/v1/me/").status_code == 200


def test_listing_and_revoking_need_a_staff_login(users, channel):
    assert APIClient().get(TOKEN).status_code == 401
    assert APIClient().delete(TOKEN).status_code == 401
    bot = APIClient()
    bot.credentials(HTTP_AUTHORIZATION=f"Api-Key {channel.raw_key}")
    assert bot.get(TOKEN).status_code == 403
    assert bot.delete(TOKEN).status_code == 403


def test_session_user_may_revoke_too_with_csrf(users):
    _client, key = token_client("kasi")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(users[Role.KASI])
    assert browser.delete(TOKEN).status_code == 403  # no CSRF token: refused, token kept
    assert Token.objects.filter(key=key).exists()


def test_administrator_revokes_anyones_token_in_the_admin(users):
    client, key = token_client("kabid")
    admin = get_user_model().objects.create_superuser("root", password=PASSWORD)
    browser = Client()
    browser.force_login(admin)
    page = browser.get("/admin/authtoken/tokenproxy/")
    assert page.status_code == 200 and "kabid" in page.content.decode()
    confirm = browser.post(f"/admin/authtoken/tokenproxy/{users[Role.KABID].pk}/delete/", {"post": "yes"})
    assert confirm.status_code == 302
    assert not Token.objects.filter(key=key).exists()
    assert client.get("/api/v1/me/").status_code == 401


def test_password_change_revokes_the_token(users):
    client, _key = token_client("kabid")
    user = users[Role.KABID]
    user.first_name = "Tanpa perubahan sandi"
    user.save()
    assert client.get("/api/v1/me/").status_code == 200
    user.set_password("Sandi-Baru-Yang-Panjang-2026")
    user.save()
    assert client.get("/api/v1/me/").status_code == 401


def test_deactivated_user_token_is_refused(users):
    client, _key = token_client("kabid")
    get_user_model().objects.filter(pk=users[Role.KABID].pk).update(is_active=False)
    assert client.get("/api/v1/me/").status_code == 401


# --- expiry: idle and absolute (issue 14, item 6) ---------------------------------------------------------------------


def _age_token(key: str, *, idle: timedelta | None = None, age: timedelta | None = None) -> None:
    """Move a token's issue time and its last use into the past, as if that much time had gone by."""
    now = timezone.now()
    if age is not None:
        Token.objects.filter(key=key).update(created=now - age)
    if idle is not None:
        activity = apps.all_models["api"].get("tokenactivity")
        if activity is not None:
            activity.objects.update_or_create(token_id=key, defaults={"last_used_at": now - idle})
        if age is None:
            Token.objects.filter(key=key).update(created=now - idle)


def test_an_idle_token_expires_with_a_clear_401(users, settings):
    settings.TRECKK_API_TOKEN_IDLE_HOURS = 12
    client, key = token_client()
    assert client.get("/api/v1/me/").status_code == 200
    _age_token(key, idle=timedelta(hours=12, minutes=1))
    refused = client.get("/api/v1/me/")
    assert refused.status_code == 401
    assert refused["Content-Type"] == "application/problem+json"
    assert refused["WWW-Authenticate"] == "Token"
    problem = refused.json()
    assert problem["code"] == "token_expired"
    assert "kedaluwarsa" in problem["detail"] and "12 jam" in problem["detail"] and "Masuk lagi" in problem["detail"]
    # Logging in again replaces the expired token with a new one, which works.
    fresh, new_key = token_client()
    assert new_key != key and fresh.get("/api/v1/me/").status_code == 200
    assert not Token.objects.filter(key=key).exists()


def test_use_keeps_a_token_alive_and_is_written_down_at_most_every_few_minutes(users, settings):
    settings.TRECKK_API_TOKEN_IDLE_HOURS = 12
    client, key = token_client()
    client.get("/api/v1/me/")
    with CaptureQueriesContext(connection) as recent:
        assert client.get("/api/v1/me/").status_code == 200
    assert not [q for q in recent.captured_queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))]
    # Used again after 11 hours idle: still valid, and the use is recorded (one UPDATE), so the idle clock restarts.
    _age_token(key, idle=timedelta(hours=11))
    with CaptureQueriesContext(connection) as stale:
        assert client.get("/api/v1/me/").status_code == 200
    writes = [q for q in stale.captured_queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))]
    assert len(writes) == 1
    listed, = client.get(TOKEN).json()
    assert timezone.now() - datetime.fromisoformat(listed["last_used"]) < timedelta(minutes=1)


def test_a_token_expires_after_its_maximum_age_even_in_daily_use(users, settings):
    settings.TRECKK_API_TOKEN_MAX_AGE_DAYS = 7
    client, key = token_client()
    _age_token(key, age=timedelta(days=7, minutes=1), idle=timedelta(minutes=1))
    refused = client.get("/api/v1/me/")
    assert refused.status_code == 401 and refused.json()["code"] == "token_expired"
    assert "7 hari" in refused.json()["detail"]


def test_the_holder_sees_when_the_token_expires(users, settings):
    settings.TRECKK_API_TOKEN_IDLE_HOURS = 12
    settings.TRECKK_API_TOKEN_MAX_AGE_DAYS = 7
    client, key = token_client()
    listed, = client.get(TOKEN).json()
    assert set(listed) == {"prefix", "created", "last_used", "expires"}
    last_used, expires = datetime.fromisoformat(listed["last_used"]), datetime.fromisoformat(listed["expires"])
    assert expires - last_used == timedelta(hours=12)
    # Near the end of its life the absolute limit comes first.
    _age_token(key, age=timedelta(days=6, hours=20), idle=timedelta(hours=1))
    listed, = client.get(TOKEN).json()
    assert datetime.fromisoformat(listed["expires"]) == datetime.fromisoformat(listed["created"]) + timedelta(days=7)


def test_zero_switches_each_limit_off(users, settings):
    settings.TRECKK_API_TOKEN_IDLE_HOURS = 0
    settings.TRECKK_API_TOKEN_MAX_AGE_DAYS = 0
    client, key = token_client()
    _age_token(key, idle=timedelta(days=400), age=timedelta(days=400))
    assert client.get("/api/v1/me/").status_code == 200
    assert client.get(TOKEN).json()[0]["expires"] is None

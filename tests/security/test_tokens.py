"""Staff API tokens can be listed and revoked by their holder, revoked by an administrator, and die with a password
change; a revoked token is refused with 401 on the next request."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
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

"""The audit trail: logins, logouts, failed logins, 403s (portal and API), register exports and API reads of an
unmasked reporter are stored with user, time and address, logged as one JSON line, shown read-only in the admin, and
can never be changed or deleted through the ORM."""

from __future__ import annotations

import json
import logging

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from audit.models import AuditEntry, AuditKind
from complaints.models import AppendOnlyError
from complaints.workflow import Status
from roles.roles import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ADDRESS = "10.20.30.40"


def entries(kind: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(kind=kind))


def logged_in(user, address: str = ADDRESS) -> Client:
    client = Client(REMOTE_ADDR=address)
    client.force_login(user)
    return client


def test_login_and_logout_are_recorded_with_user_time_and_address(users, caplog):
    client = Client(REMOTE_ADDR=ADDRESS)
    with caplog.at_level(logging.INFO, logger="treckk.audit"):
        assert client.post("/login/", {"username": "kasi", "password": PASSWORD}).status_code == 302
        assert client.post("/logout/").status_code == 302
    login, = entries(AuditKind.LOGIN)
    logout, = entries(AuditKind.LOGOUT)
    for entry in (login, logout):
        assert entry.user == users[Role.KASI] and entry.username == "kasi"
        assert entry.ip_address == ADDRESS and entry.at is not None
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "treckk.audit"]
    assert [(line["audit"], line["user"], line["ip"]) for line in lines] == [
        ("login", "kasi", ADDRESS), ("logout", "kasi", ADDRESS),
    ]


def test_failed_login_keeps_the_attempted_username_never_the_password(users):
    Client(REMOTE_ADDR=ADDRESS).post("/login/", {"username": "no-such-user", "password": "Rahasia-Sekali-99"})
    failed, = entries(AuditKind.LOGIN_FAILED)
    assert failed.user is None and failed.username == "no-such-user" and failed.ip_address == ADDRESS
    assert "Rahasia-Sekali-99" not in json.dumps(failed.detail)


def test_token_login_is_a_login(users):
    response = APIClient(REMOTE_ADDR=ADDRESS).post("/api/v1/auth/token/", {"username": "operator", "password": PASSWORD})
    assert response.status_code == 200
    login, = entries(AuditKind.LOGIN)
    assert login.username == "operator" and login.path == "/api/v1/auth/token/" and login.ip_address == ADDRESS


def test_portal_403_is_recorded(users):
    response = logged_in(users[Role.TRC]).get("/dashboard/")
    assert response.status_code == 403
    denied, = entries(AuditKind.PERMISSION_DENIED)
    assert (denied.username, denied.path, denied.status_code, denied.ip_address) == (
        "trc_paringin", "/dashboard/", 403, ADDRESS)
    assert denied.detail["view"] == "portal:dashboard"


def test_api_403_is_recorded_with_a_token_user(users):
    client = APIClient(REMOTE_ADDR=ADDRESS)
    token = client.post("/api/v1/auth/token/", {"username": "kasi", "password": PASSWORD}).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.post("/api/v1/complaints/", {"category": "keributan", "district": "paringin", "description": "x"},
                           format="json")
    assert response.status_code == 403
    denied, = entries(AuditKind.PERMISSION_DENIED)
    assert denied.user == users[Role.KASI] and denied.method == "POST" and denied.path == "/api/v1/complaints/"


@pytest.mark.parametrize("path", ["/register.csv", "/register.xlsx"])
def test_register_downloads_are_recorded_as_exports(users, complaint_in, path):
    complaint_in(Status.SCREENING)
    response = logged_in(users[Role.OPERATOR]).get(path + "?status=screening")
    assert response.status_code == 200
    b"".join(response.streaming_content) if response.streaming else response.content
    export, = entries(AuditKind.EXPORT)
    assert export.username == "operator" and export.path == path + "?status=screening"
    assert export.detail["format"] == path.rsplit(".", 1)[1]


def test_api_read_with_unmasked_reporter_is_recorded_masked_is_not(users, complaint_in, api_as):
    complaint = complaint_in(Status.VERIFICATION)
    assert api_as(Role.KABID).get(f"/api/v1/complaints/{complaint.code}/").status_code == 200  # Kabid: masked
    assert entries(AuditKind.REPORTER_READ) == []
    assert api_as(Role.OPERATOR).get(f"/api/v1/complaints/{complaint.code}/").status_code == 200
    read, = entries(AuditKind.REPORTER_READ)
    assert read.username == "operator" and read.detail["complaints"] == [complaint.code]
    assert "name" in read.detail["fields"] and "phone" in read.detail["fields"]


def test_anonymous_requests_are_not_users(users):
    Client().get("/dashboard/")  # a redirect to the login page, not a 403
    assert AuditEntry.objects.count() == 0


def test_entries_are_append_only(users):
    Client(REMOTE_ADDR=ADDRESS).post("/login/", {"username": "kasi", "password": PASSWORD})
    entry = AuditEntry.objects.get()
    entry.username = "someone-else"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(username="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_update([entry], ["username"])
    assert AuditEntry.objects.get().username == "kasi"


def test_deleting_a_user_keeps_their_entries(users):
    Client(REMOTE_ADDR=ADDRESS).post("/login/", {"username": "kasi", "password": PASSWORD})
    users[Role.KASI].delete()
    entry = AuditEntry.objects.get()
    assert entry.username == "kasi" and entry.user_id is not None


def test_admin_shows_entries_read_only(users):
    admin = get_user_model().objects.create_superuser("root", password=PASSWORD)
    Client(REMOTE_ADDR=ADDRESS).post("/login/", {"username": "kasi", "password": PASSWORD})
    client = logged_in(admin)
    entry = AuditEntry.objects.get(kind=AuditKind.LOGIN, username="kasi")
    page = client.get("/admin/audit/auditentry/")
    assert page.status_code == 200 and "kasi" in page.content.decode()
    detail = client.get(f"/admin/audit/auditentry/{entry.pk}/change/")
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    assert client.get(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"username": "x"}).status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).username == "kasi"

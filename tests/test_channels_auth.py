"""Channels authenticate with `Authorization: Api-Key <key>`; staff with a session or a DRF token."""

from __future__ import annotations

import pytest

from complaints.models import Channel, ChannelKind, Complaint
from roles.roles import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LIST = "/api/v1/complaints/"


def payload(**overrides) -> dict:
    body = {
        "category": "keributan", "district": "paringin", "description": "Pesan WhatsApp: ada keributan.",
        "reporter": {"name": "Andi", "phone": "081255500009"}, "external_ref": "wa-msg-001",
    }
    body.update(overrides)
    return body


def with_key(api, raw_key: str):
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
    return api


def test_channel_creates_complaint(channel, api):
    response = with_key(api, channel.raw_key).post(LIST, payload(channel_kind="walk_in"), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted"
    # The channel's own kind wins over what the body claims.
    assert body["channel_kind"] == ChannelKind.WHATSAPP
    complaint = Complaint.objects.get(code=body["code"])
    assert complaint.program == "lalisa"
    assert complaint.channel == channel
    assert complaint.created_by is None
    assert complaint.external_ref == "wa-msg-001"


def test_same_external_ref_returns_same_complaint(channel, api):
    client = with_key(api, channel.raw_key)
    first = client.post(LIST, payload(), format="json")
    second = client.post(LIST, payload(), format="json")

    assert first.status_code == 201
    assert second.status_code == 200, second.content
    assert second.json()["code"] == first.json()["code"]
    assert Complaint.objects.count() == 1
    assert Complaint.objects.get().events.count() == 1


def test_same_external_ref_with_another_body_is_refused(channel, api):
    client = with_key(api, channel.raw_key)
    first = client.post(LIST, payload(), format="json")
    second = client.post(LIST, payload(description="Dikirim ulang."), format="json")

    assert first.status_code == 201
    assert second.status_code == 422, second.content
    assert second.json()["code"] == "idempotency_key_reused"
    assert Complaint.objects.get().description == payload()["description"]
    assert Complaint.objects.get().events.count() == 1


def test_different_external_refs_create_two(channel, api):
    client = with_key(api, channel.raw_key)
    assert client.post(LIST, payload(external_ref="a"), format="json").status_code == 201
    assert client.post(LIST, payload(external_ref="b"), format="json").status_code == 201
    assert Complaint.objects.count() == 2


def test_same_external_ref_on_another_channel_is_a_new_complaint(channel, api):
    other = Channel.objects.create(name="Telegram uji", kind=ChannelKind.WHATSAPP)
    other_key = other.rotate_api_key()
    first = with_key(api, channel.raw_key).post(LIST, payload(), format="json")
    second = with_key(api, other_key).post(LIST, payload(), format="json")

    assert first.status_code == 201 and second.status_code == 201
    assert first.json()["code"] != second.json()["code"]


@pytest.mark.parametrize(
    "header",
    [
        "Api-Key wrong-key",
        "Api-Key",
        "Api-Key a b",
    ],
)
def test_bad_key_is_401(channel, api, header):
    api.credentials(HTTP_AUTHORIZATION=header)
    response = api.post(LIST, payload(), format="json")

    assert response.status_code == 401, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "authentication_failed"
    assert Complaint.objects.count() == 0


def test_right_prefix_wrong_secret_is_401(channel, api):
    forged = channel.raw_key[:-4] + ("AAAA" if not channel.raw_key.endswith("AAAA") else "BBBB")
    response = with_key(api, forged).post(LIST, payload(), format="json")

    assert response.status_code == 401
    assert Complaint.objects.count() == 0


def test_rotated_key_invalidates_old_one(channel, api):
    old_key = channel.raw_key
    new_key = channel.rotate_api_key()

    assert with_key(api, old_key).get(LIST).status_code == 401
    assert with_key(api, new_key).get(LIST).status_code == 200


def test_disabled_channel_is_401(channel, api):
    Channel.objects.filter(pk=channel.pk).update(is_active=False)

    response = with_key(api, channel.raw_key).post(LIST, payload(), format="json")

    assert response.status_code == 401, response.content
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize(
    ("action", "data"), [("accept", {"anonymous": True}), ("forward", {}), ("return", {"reason": "other"})]
)
def test_channel_cannot_take_workflow_actions(channel, api, action, data):
    client = with_key(api, channel.raw_key)
    code = client.post(LIST, payload(), format="json").json()["code"]
    complaint = Complaint.objects.get(code=code)
    before = (complaint.status, complaint.version, complaint.events.count())

    response = client.post(f"/api/v1/complaints/{code}/actions/{action}/", data, format="json")

    assert response.status_code == 403, response.content
    assert response.json()["code"] == "not_allowed"
    complaint.refresh_from_db()
    assert (complaint.status, complaint.version, complaint.events.count()) == before


def test_channel_sees_only_its_own_complaints(channel, api, complaint_in):
    staff_complaint = complaint_in("submitted")
    other = Channel.objects.create(name="Kanal lain", kind=ChannelKind.WHATSAPP)
    other_code = with_key(api, other.rotate_api_key()).post(LIST, payload(), format="json").json()["code"]
    client = with_key(api, channel.raw_key)
    mine = client.post(LIST, payload(external_ref="mine"), format="json").json()["code"]

    response = client.get(LIST)

    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == [mine]
    assert client.get(f"/api/v1/complaints/{mine}/").status_code == 200
    assert client.get(f"/api/v1/complaints/{staff_complaint.code}/").status_code == 404
    assert client.get(f"/api/v1/complaints/{other_code}/").status_code == 404


def test_channel_has_no_queue(channel, api):
    response = with_key(api, channel.raw_key).get("/api/v1/queue/")
    assert response.status_code == 403


def test_channel_me(channel, api):
    response = with_key(api, channel.raw_key).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json() == {
        "username": f"channel:{channel.pk}", "full_name": channel.name, "roles": [], "teams": [],
    }


# --- staff token auth -------------------------------------------------------------------------------


def test_staff_token_auth(users, api):
    response = api.post("/api/v1/auth/token/", {"username": "operator", "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    token = response.json()["token"]

    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get("/api/v1/me/")

    assert me.status_code == 200
    assert me.json()["username"] == "operator"
    assert me.json()["roles"] == [str(Role.OPERATOR)]
    created = api.post(LIST, payload(external_ref=""), format="json")
    assert created.status_code == 201, created.content
    assert Complaint.objects.get().created_by == users[Role.OPERATOR]


def test_token_with_wrong_password_is_refused(users, api):
    response = api.post("/api/v1/auth/token/", {"username": "operator", "password": "salah"}, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()


def test_bad_token_is_401(users, api):
    api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"

"""Rate limits beyond the public pages: login attempts per address, and channel intake per channel (messages,
complaints and Open311 requests together), each 429 with Retry-After and nothing stored."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from channels.models import InboundMessage
from complaints.models import Channel, ChannelKind, Complaint
from roles.roles import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def limits(settings, **values: str) -> None:
    settings.TRECKK_RATE_LIMITS = {**settings.TRECKK_RATE_LIMITS, **values}


def test_login_attempts_per_address_are_limited_across_usernames(settings, users):
    limits(settings, login="3/10m")
    client = Client()
    for name in ("a", "b", "c"):
        assert client.post("/login/", {"username": name, "password": "x"}, REMOTE_ADDR="10.1.1.1").status_code == 200
    refused = client.post("/login/", {"username": "operator", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Terlalu banyak permintaan" in refused.content.decode()
    assert "_auth_user_id" not in refused.wsgi_request.session
    # The token endpoint counts in the same scope and answers problem+json.
    api = APIClient().post("/api/v1/auth/token/", {"username": "operator", "password": PASSWORD}, format="json",
                           REMOTE_ADDR="10.1.1.1")
    assert api.status_code == 429 and api.json()["code"] == "rate_limited" and "Retry-After" in api
    # Another address is not affected.
    assert client.post("/login/", {"username": "operator", "password": PASSWORD}, REMOTE_ADDR="10.1.1.2").status_code == 302


def key_client(channel: Channel) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {channel.raw_key}")
    return client


def new_channel(name: str, kind: str = ChannelKind.API) -> Channel:
    channel = Channel.objects.create(name=name, kind=kind)
    channel.raw_key = channel.rotate_api_key()
    return channel


def message(n: int) -> dict:
    return {"external_id": f"m-{n}", "sender": {"id": "62811"}, "text": f"Pesan {n}", "sent_at": "2026-11-23T21:14:00+08:00"}


def complaint(n: int) -> dict:
    return {"category": "keributan", "district": "paringin", "description": f"Keributan {n}", "external_ref": f"c-{n}",
            "reporter": {"name": "Andi", "phone": "081255500009"}}


def test_channel_intake_is_limited_per_channel_across_messages_complaints_and_open311(settings, users):
    limits(settings, intake="3/m")
    bot, other = new_channel("Bot A"), new_channel("Bot B")
    client = key_client(bot)
    assert client.post("/api/v1/channel/messages/", message(1), format="json").status_code == 201
    assert client.post("/api/v1/complaints/", complaint(1), format="json").status_code == 201
    open311 = Client().post("/open311/v2/requests.json", json.dumps({
        "api_key": bot.raw_key, "service_code": "keributan", "description": "Ribut", "address_string": "Paringin",
    }), content_type="application/json")
    assert open311.status_code == 201, open311.content

    for response in (
        client.post("/api/v1/channel/messages/", message(2), format="json"),
        client.post("/api/v1/complaints/", complaint(2), format="json"),
    ):
        assert response.status_code == 429, response.content
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "rate_limited"
        assert 0 < int(response["Retry-After"]) <= 60
    refused311 = Client().post("/open311/v2/requests.json", json.dumps({
        "api_key": bot.raw_key, "service_code": "keributan", "description": "Ribut lagi", "address_string": "Paringin",
    }), content_type="application/json")
    assert refused311.status_code == 429 and "Retry-After" in refused311
    assert refused311.json()[0]["code"] == 429
    assert InboundMessage.objects.count() == 1 and Complaint.objects.count() == 2

    # The other channel has its own count; staff are not limited by the channel intake limit.
    assert key_client(other).post("/api/v1/channel/messages/", message(3), format="json").status_code == 201
    staff = APIClient()
    staff.force_authenticate(users[Role.OPERATOR])
    for n in range(4):
        assert staff.post("/api/v1/complaints/", complaint(10 + n), format="json").status_code == 201
    # Reading is not intake.
    assert client.get("/api/v1/complaints/").status_code in (200, 403)

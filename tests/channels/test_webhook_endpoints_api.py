"""A channel manages its webhook endpoints through the API with its key: list, send a test event (through the same
outbox as every event), rotate the secret (answered once) and delete. Standard Webhooks, "Endpoint management API".
Bodies are JSON only; errors are problem+json. Signatures are checked with the `standardwebhooks` package."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from standardwebhooks import Webhook, WebhookVerificationError

from channels.models import OutboundKind, OutboundMessage, OutboundStatus, WebhookEndpoint
from channels.outbox import deliver
from complaints.models import Channel, ChannelKind
from roles.roles import Role

pytestmark = pytest.mark.django_db

SECRET = "whsec_" + base64.b64encode(b"treckk-test-webhook-secret-32by").decode()
LIST = "/api/v1/channel/webhooks/"


@pytest.fixture
def partner(stand_in):
    channel = Channel.objects.create(name="Aplikasi mitra", kind=ChannelKind.API)
    channel.raw_key = channel.rotate_api_key()
    channel.hook = WebhookEndpoint.objects.create(channel=channel, url=f"{stand_in.url}/hooks", secret=SECRET,
                                                  description="Produksi")
    return channel


@pytest.fixture
def other_endpoint():
    other = Channel.objects.create(name="Mitra lain", kind=ChannelKind.API)
    return WebhookEndpoint.objects.create(channel=other, url="https://lain.example/hooks", secret=SECRET)


def as_channel(channel) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {channel.raw_key}")
    return client


def test_list_shows_the_channels_own_endpoints_without_secrets(partner, other_endpoint):
    response = as_channel(partner).get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert [e["id"] for e in body] == [partner.hook.pk]
    assert body[0] == {
        "id": partner.hook.pk, "url": partner.hook.url, "description": "Produksi", "event_types": [], "enabled": True,
        "disabled_at": None, "disabled_reason": "", "previous_secret_expires_at": None,
        "created_at": body[0]["created_at"],
    }
    assert SECRET not in response.content.decode()


def test_another_channels_endpoint_does_not_exist_for_you(partner, other_endpoint):
    client = as_channel(partner)
    for call in (client.get, client.delete):
        response = call(f"{LIST}{other_endpoint.pk}/")
        assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
    for action in ("test", "rotate-secret"):
        assert client.post(f"{LIST}{other_endpoint.pk}/{action}/", {}, format="json").status_code == 404
    assert WebhookEndpoint.objects.filter(pk=other_endpoint.pk).exists()


def test_staff_and_strangers_are_refused(partner, api_as):
    assert APIClient().get(LIST).status_code == 401
    response = api_as(Role.OPERATOR).get(LIST)
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert api_as(Role.KEPALA).post(f"{LIST}{partner.hook.pk}/test/", {}, format="json").status_code == 403


def test_a_ping_goes_out_through_the_outbox_signed_like_every_event(partner, stand_in):
    response = as_channel(partner).post(f"{LIST}{partner.hook.pk}/test/", format="json")
    assert response.status_code == 202, response.content
    message = OutboundMessage.objects.get(kind=OutboundKind.WEBHOOK)
    assert response.json() == {"message_id": f"msg_{message.pk}", "event_type": "webhook.test", "status": "pending"}
    assert message.endpoint_id == partner.hook.pk and message.status == OutboundStatus.PENDING

    assert deliver(message.pk) == OutboundStatus.SENT
    request = stand_in.requests[-1]
    assert request.path == "/hooks" and request.headers["webhook-id"] == f"msg_{message.pk}"
    event = Webhook(SECRET).verify(request.body, request.headers)
    assert event["type"] == "webhook.test" and event["data"]["endpoint_id"] == partner.hook.pk


def test_a_ping_to_a_disabled_endpoint_is_a_conflict(partner):
    WebhookEndpoint.objects.filter(pk=partner.hook.pk).update(is_active=False, disabled_at=timezone.now(),
                                                              disabled_reason="HTTP 410 Gone")
    response = as_channel(partner).post(f"{LIST}{partner.hook.pk}/test/", format="json")
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json" and response.json()["code"] == "endpoint_disabled"
    assert not OutboundMessage.objects.exists()


def test_rotate_answers_the_new_secret_once_and_both_sign_for_the_grace_period(partner, stand_in, settings):
    settings.TRECKK_WEBHOOK_SECRET_GRACE_HOURS = 24
    client = as_channel(partner)
    before = timezone.now()
    response = client.post(f"{LIST}{partner.hook.pk}/rotate-secret/", format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    new_secret = body["secret"]
    assert new_secret.startswith("whsec_") and len(base64.b64decode(new_secret.removeprefix("whsec_"))) >= 24
    expires = WebhookEndpoint.objects.get(pk=partner.hook.pk).previous_secret_expires_at
    assert before + timedelta(hours=24) <= expires <= timezone.now() + timedelta(hours=24)
    assert body["previous_secret_expires_at"] is not None
    # Never shown again.
    assert new_secret not in client.get(LIST).content.decode()
    assert new_secret not in client.get(f"{LIST}{partner.hook.pk}/").content.decode()

    client.post(f"{LIST}{partner.hook.pk}/test/", format="json")
    deliver(OutboundMessage.objects.get().pk)
    request = stand_in.requests[-1]
    assert Webhook(SECRET).verify(request.body, request.headers)["type"] == "webhook.test"
    assert Webhook(new_secret).verify(request.body, request.headers)["type"] == "webhook.test"


def test_rotate_without_grace_drops_the_old_secret_at_once(partner, stand_in):
    client = as_channel(partner)
    new_secret = client.post(f"{LIST}{partner.hook.pk}/rotate-secret/", {"grace_period_hours": 0}, format="json").json()["secret"]
    client.post(f"{LIST}{partner.hook.pk}/test/", format="json")
    deliver(OutboundMessage.objects.get().pk)
    request = stand_in.requests[-1]
    assert Webhook(new_secret).verify(request.body, request.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(request.body, request.headers)


def test_rotate_refuses_a_grace_period_out_of_range(partner):
    response = as_channel(partner).post(f"{LIST}{partner.hook.pk}/rotate-secret/", {"grace_period_hours": 1000}, format="json")
    assert response.status_code == 400 and "grace_period_hours" in response.json()["errors"]
    assert WebhookEndpoint.objects.get(pk=partner.hook.pk).secret == SECRET


def test_delete_removes_the_endpoint_and_what_was_still_to_be_sent_to_it(partner):
    client = as_channel(partner)
    client.post(f"{LIST}{partner.hook.pk}/test/", format="json")
    pending = OutboundMessage.objects.get()
    delivered = OutboundMessage.objects.create(channel=partner, endpoint=partner.hook, kind=OutboundKind.WEBHOOK,
                                               recipient=partner.hook.url, status=OutboundStatus.SENT)
    response = client.delete(f"{LIST}{partner.hook.pk}/")
    assert response.status_code == 204
    assert not WebhookEndpoint.objects.filter(pk=partner.hook.pk).exists()
    assert not OutboundMessage.objects.filter(pk=pending.pk).exists()
    delivered.refresh_from_db()
    assert delivered.endpoint_id is None and delivered.recipient == partner.hook.url  # what was delivered stays on record
    assert deliver(pending.pk) == "skipped"


def test_bodies_are_json_only(partner):
    response = as_channel(partner).post(f"{LIST}{partner.hook.pk}/rotate-secret/", {"grace_period_hours": "1"}, format="multipart")
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"
    assert WebhookEndpoint.objects.get(pk=partner.hook.pk).secret == SECRET

"""Every secret a caller presents is compared in constant time (hmac.compare_digest), and a forged one is refused:
WhatsApp's X-Hub-Signature-256 and hub.verify_token, Telegram's secret token, channel API keys (also Open311's
api_key field), and the Standard Webhooks signatures we send, checked the way a receiver checks them.

SP4N-LAPOR! has no inbound check: we pull from LAPOR with our bearer token and LAPOR never calls us."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from rest_framework.test import APIClient
from standardwebhooks import Webhook, WebhookVerificationError

from channels.admin import new_webhook_secret
from channels.models import InboundMessage
from channels.transports.webhook import signed_headers
from complaints.models import Channel, ChannelKind

pytestmark = pytest.mark.django_db

SECRET = "app-secret-for-tests"


@pytest.fixture
def compare_calls(monkeypatch) -> list[tuple]:
    """Every call of hmac.compare_digest (through the hmac module or the standardwebhooks library), recorded."""
    calls: list[tuple] = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    return calls


def whatsapp_body() -> bytes:
    return json.dumps({"object": "whatsapp_business_account", "entry": []}).encode()


def test_whatsapp_signature(settings, compare_calls):
    settings.WHATSAPP_APP_SECRET = SECRET
    Channel.objects.create(name="WhatsApp", kind=ChannelKind.WHATSAPP)
    body = whatsapp_body()
    good = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    forged = "sha256=" + hmac.new(b"another-secret", body, hashlib.sha256).hexdigest()
    post = lambda signature: Client().post(  # noqa: E731
        "/channels/whatsapp/webhook/", data=body, content_type="application/json", headers={"X-Hub-Signature-256": signature})
    refused = post(forged)
    assert refused.status_code == 401 and refused.json()["code"] == "invalid_signature"
    assert compare_calls, "the signature was not compared with hmac.compare_digest"
    compare_calls.clear()
    assert post(good).status_code == 200
    assert compare_calls


def test_whatsapp_verify_token(settings, compare_calls):
    settings.WHATSAPP_VERIFY_TOKEN = "verify-me"
    url = "/channels/whatsapp/webhook/?hub.mode=subscribe&hub.challenge=42&hub.verify_token="
    assert Client().get(url + "verify-mX").status_code == 403
    assert compare_calls
    assert Client().get(url + "verify-me").content == b"42"


def test_telegram_secret_token(settings, compare_calls):
    settings.TELEGRAM_WEBHOOK_SECRET = "tg-secret-token"
    Channel.objects.create(name="Telegram", kind=ChannelKind.TELEGRAM)
    post = lambda secret: Client().post(  # noqa: E731
        "/channels/telegram/webhook/", data=json.dumps({"update_id": 1}), content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": secret})
    refused = post("tg-secret-tokeX")
    assert refused.status_code == 401 and refused.json()["code"] == "bad_secret"
    assert compare_calls
    assert post("tg-secret-token").status_code == 200
    assert not InboundMessage.objects.exists()


def test_channel_api_key_header_and_open311_field(compare_calls):
    channel = Channel.objects.create(name="Bot", kind=ChannelKind.API)
    raw = channel.rotate_api_key()
    forged = raw[:-1] + ("A" if raw[-1] != "A" else "B")  # the same prefix, so the hash comparison runs
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {forged}")
    assert client.get("/api/v1/categories/").status_code == 401
    assert compare_calls
    compare_calls.clear()
    refused = Client().get(f"/open311/v2/requests.json?api_key={forged}")
    assert refused.status_code == 403
    assert compare_calls
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert client.get("/api/v1/categories/").status_code == 200


def test_standard_webhooks_signature_verifies_in_constant_time_and_forgeries_fail(compare_calls):
    secret = new_webhook_secret()
    body = json.dumps({"type": "complaint.status_changed", "code": "BLG-26-000001"})
    headers = signed_headers(secret, "msg_1", body)
    assert Webhook(secret).verify(body, headers) == json.loads(body)
    assert compare_calls, "standardwebhooks does not compare with hmac.compare_digest"
    with pytest.raises(WebhookVerificationError):
        Webhook(new_webhook_secret()).verify(body, headers)  # signed with another secret
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace("000001", "000002"), headers)  # body altered
    old = signed_headers(secret, "msg_1", body, at=datetime.now(UTC) - timedelta(minutes=10))
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, old)  # replayed outside the 5-minute tolerance

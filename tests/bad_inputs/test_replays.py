"""Replayed deliveries. No inbound endpoint checks a timestamp (WhatsApp signs the body only, Telegram sends a fixed
secret, our own Standard Webhooks are outbound), so a captured request sent again is answered as the provider's
own retry would be: accepted, and nothing stored a second time. Every intake is idempotent on the sender's id
for the message (WhatsApp/Telegram message id, `external_id`/`external_ref`, `Idempotency-Key`).

Table-driven like test_table.py: the first request is sent, then the replay must get its documented answer and
leave every table's row count as the first request left it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
from django.test import Client

from tests.bad_inputs.conftest import TG_SECRET, payload, row_counts, whatsapp_signature

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Replay:
    id: str
    path: str
    body: object
    status: int  # of the replay
    headers: dict = field(default_factory=dict)
    who: str | None = None
    code: str | None = None  # the problem code when the replay is refused
    content_type: str = "application/json"


WA_BODY = json.dumps(payload("whatsapp", "text")).encode()
TG_BODY = json.dumps(payload("telegram", "text")).encode()
MESSAGE = {"external_id": "replay-1", "sender": {"id": "62811"}, "text": "Halo", "sent_at": "2026-11-23T21:14:00+08:00"}
COMPLAINT = {"category": "keributan", "district": "paringin", "description": "Dari bot.", "anonymous": True,
             "external_ref": "bot-77"}
OPEN311 = "service_code=keributan&description=Balap+liar&lat=-2.3341&long=115.4668"

REPLAYS = [
    Replay("whatsapp-webhook", "/channels/whatsapp/webhook/", WA_BODY, 200,
           {"HTTP_X_HUB_SIGNATURE_256": whatsapp_signature(WA_BODY)}),
    Replay("telegram-webhook", "/channels/telegram/webhook/", TG_BODY, 200,
           {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": TG_SECRET}),
    Replay("channel-message-external-id", "/api/v1/channel/messages/", MESSAGE, 200, who="channel"),
    Replay("channel-message-idempotency-key", "/api/v1/channel/messages/", {**MESSAGE, "external_id": ""}, 200,
           {"HTTP_IDEMPOTENCY_KEY": "kunci-1"}, who="channel"),
    Replay("channel-complaint-external-ref", "/api/v1/complaints/", COMPLAINT, 200, who="channel"),
    Replay("channel-complaint-idempotency-key", "/api/v1/complaints/", {**COMPLAINT, "external_ref": ""}, 200,
           {"HTTP_IDEMPOTENCY_KEY": "kunci-2"}, who="channel"),
    Replay("open311-idempotency-key", "/open311/v2/requests.json", OPEN311, 200, {"HTTP_IDEMPOTENCY_KEY": "kunci-3"},
           who="channel", content_type="application/x-www-form-urlencoded"),
    Replay("public-feedback", "/api/v1/public/track/{closed}/feedback/", {"rating": 5}, 409, code="already_rated"),
]


@pytest.mark.parametrize("replay", REPLAYS, ids=[replay.id for replay in REPLAYS])
def test_a_replay_stores_nothing_new(replay, world):
    client = Client()
    extra = dict(replay.headers)
    if replay.who == "channel":
        extra["HTTP_AUTHORIZATION"] = f"Api-Key {world['channel_key']}"
    path = replay.path.format(**world["codes"])
    body = replay.body if isinstance(replay.body, (bytes, str)) else json.dumps(replay.body)

    first = client.generic("POST", path, body, content_type=replay.content_type, **extra)
    assert first.status_code in (200, 201), first.content
    after_first = row_counts()

    again = client.generic("POST", path, body, content_type=replay.content_type, **extra)

    assert again.status_code == replay.status, again.content
    assert row_counts() == after_first
    if replay.code:
        assert again.json()["code"] == replay.code

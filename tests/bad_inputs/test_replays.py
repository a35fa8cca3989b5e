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

from public.links import feedback_token
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
    Replay("public-feedback", "/api/v1/public/track/{closed}/feedback/",
           lambda world: {"rating": 5, "token": feedback_token(world["codes"]["closed"])}, 409, code="already_rated"),
]


@pytest.mark.parametrize("replay", REPLAYS, ids=[replay.id for replay in REPLAYS])
def test_a_replay_stores_nothing_new(replay, world):
    client = Client()
    extra = dict(replay.headers)
    if replay.who == "channel":
        extra["HTTP_AUTHORIZATION"] = f"Api-Key {world['channel_key']}"
    path = replay.path.format(**world["codes"])
    body = replay.body(world) if callable(replay.body) else replay.body
    body = body if isinstance(body, (bytes, str)) else json.dumps(body)

    first = client.generic("POST", path, body, content_type=replay.content_type, **extra)
    assert first.status_code in (200, 201), first.content
    after_first = row_counts()

    again = client.generic("POST", path, body, content_type=replay.content_type, **extra)

    assert again.status_code == replay.status, again.content
    assert row_counts() == after_first
    if replay.code:
        assert again.json()["code"] == replay.code


# --- the same key with another body (issue 14, item 6) ----------------------------------------------------------------
# The IETF Idempotency-Key draft (draft-ietf-httpapi-idempotency-key-header, "Error Scenarios"): a key reused with a
# different payload answers 422. Before, the first complaint or message came back as if the second were a retry.

@dataclass(frozen=True)
class Reuse:
    id: str
    path: str
    body: object
    other: object  # the same key, something else said
    headers: dict = field(default_factory=dict)
    content_type: str = "application/json"


OPEN311_OTHER = "service_code=keributan&description=Keributan+lain&lat=-2.3341&long=115.4668"
REUSES = [
    Reuse("channel-message-external-id", "/api/v1/channel/messages/", MESSAGE, {**MESSAGE, "text": "Pesan lain"}),
    Reuse("channel-message-idempotency-key", "/api/v1/channel/messages/", {**MESSAGE, "external_id": ""},
          {**MESSAGE, "external_id": "", "text": "Pesan lain"}, {"HTTP_IDEMPOTENCY_KEY": "kunci-1"}),
    Reuse("channel-complaint-external-ref", "/api/v1/complaints/", COMPLAINT, {**COMPLAINT, "description": "Lain."}),
    Reuse("channel-complaint-idempotency-key", "/api/v1/complaints/", {**COMPLAINT, "external_ref": ""},
          {**COMPLAINT, "external_ref": "", "district": "halong"}, {"HTTP_IDEMPOTENCY_KEY": "kunci-2"}),
    Reuse("open311-idempotency-key", "/open311/v2/requests.json", OPEN311, OPEN311_OTHER, {"HTTP_IDEMPOTENCY_KEY": "kunci-3"},
          content_type="application/x-www-form-urlencoded"),
]


def _send(client: Client, reuse: Reuse, body: object, world) -> object:
    extra = {**reuse.headers, "HTTP_AUTHORIZATION": f"Api-Key {world['channel_key']}"}
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.generic("POST", reuse.path, data, content_type=reuse.content_type, **extra)


@pytest.mark.parametrize("reuse", REUSES, ids=[reuse.id for reuse in REUSES])
def test_a_key_reused_with_another_body_is_refused_and_stores_nothing(reuse, world):
    client = Client()
    first = _send(client, reuse, reuse.body, world)
    assert first.status_code == 201, first.content
    after_first = row_counts()

    other = _send(client, reuse, reuse.other, world)

    assert other.status_code == 422, other.content
    assert row_counts() == after_first
    if reuse.path.startswith("/open311/"):
        (error,) = other.json()  # Open311's own error format
        assert error["code"] == 422 and "Idempotency-Key" in error["description"]
    else:
        assert other["Content-Type"] == "application/problem+json"
        problem = other.json()
        assert problem["code"] == "idempotency_key_reused" and problem["title"] == "Unprocessable Content"
        assert "kiriman lain" in problem["detail"]
    # The first body again is still a retry: the first result, nothing new.
    again = _send(client, reuse, reuse.body, world)
    assert again.status_code == 200 and row_counts() == after_first


def test_the_same_body_in_another_key_order_is_the_same_request(world):
    client = Client()
    reuse = REUSES[2]
    assert _send(client, reuse, reuse.body, world).status_code == 201
    reordered = json.dumps(dict(reversed(list(COMPLAINT.items()))), indent=2)
    assert _send(client, reuse, reordered, world).status_code == 200

"""A provider's retry storm on PostgreSQL: the same message 50 times at once makes exactly one row."""

from __future__ import annotations

import pytest
from django.db import connection
from rest_framework.test import APIClient

from channels.models import Conversation, InboundMessage
from complaints.models import Complaint
from tests.test_concurrency_pg import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent writers"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

STORM = 50


def _client(channel) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {channel.raw_key}")
    return client


def test_fifty_concurrent_retries_of_one_message_store_one(channel):
    body = {
        "external_id": "wamid.storm", "sender": {"id": "628111"}, "text": "Tolong, ada keributan.",
        "sent_at": "2026-11-23T21:00:00+08:00",
    }
    results = race(STORM, lambda i: _client(channel).post("/api/v1/channel/messages/", body, format="json").status_code)
    statuses = sorted(value for outcome, value in results if outcome == "ok")
    assert len(statuses) == STORM, [r for r in results if r[0] != "ok"][:3]
    assert statuses.count(201) == 1 and statuses.count(200) == STORM - 1
    assert InboundMessage.objects.count() == 1 and Conversation.objects.count() == 1
    assert Conversation.objects.get().unread_count == 1


def test_fifty_concurrent_retries_of_one_complaint_make_one(channel, category, paringin):
    body = {"category": category.slug, "description": "Balap liar.", "district": paringin.slug, "external_ref": "lapor-77"}
    results = race(STORM, lambda i: _client(channel).post("/api/v1/complaints/", body, format="json").json()["code"])
    codes = {value for outcome, value in results if outcome == "ok"}
    assert len(codes) == 1 and all(outcome == "ok" for outcome, _ in results)
    assert Complaint.objects.count() == 1

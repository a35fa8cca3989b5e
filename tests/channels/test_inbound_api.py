"""The generic channel intake: a normalized message lands in the inbox once, whatever the retries."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from channels.models import Conversation, InboundMessage, OutboundKind, OutboundMessage
from complaints.models import Channel, ChannelKind, Complaint
from roles.roles import Role

pytestmark = pytest.mark.django_db

URL = "/api/v1/channel/messages/"


def message(**changes) -> dict:
    body = {
        "external_id": "m-1", "sender": {"id": "chat-77", "name": "Rahmat", "phone": "+6281234567890"},
        "text": "Ada balap liar di jalan poros tiap malam Minggu.", "sent_at": "2026-11-23T21:14:00+08:00",
    }
    body.update(changes)
    return body


@pytest.fixture
def bot(channel):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {channel.raw_key}")
    return client


def test_message_lands_in_the_senders_conversation(bot, channel):
    response = bot.post(URL, message(location={"latitude": "-2.3341", "longitude": "115.4668", "name": "Jl. Poros"}), format="json")
    assert response.status_code == 201, response.json()
    stored = InboundMessage.objects.get()
    assert response.json()["id"] == stored.pk and response.json()["created"] is True
    conversation = Conversation.objects.get()
    seen = (conversation.channel, conversation.sender_id, conversation.sender_name, conversation.unread_count)
    assert seen == (channel, "chat-77", "Rahmat", 1)
    assert str(stored.latitude) == "-2.334100" and stored.location_name == "Jl. Poros"


def test_the_same_message_twice_is_stored_once(bot):
    first = bot.post(URL, message(), format="json")
    again = bot.post(URL, message(), format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["created"] is False
    assert InboundMessage.objects.count() == 1 and Conversation.objects.get().unread_count == 1


def test_the_same_id_with_another_text_is_refused_not_passed_off_as_a_retry(bot):
    first = bot.post(URL, message(), format="json")
    edited = bot.post(URL, message(text="edited on retry"), format="json")
    assert (first.status_code, edited.status_code) == (201, 422)
    assert edited.json()["code"] == "idempotency_key_reused"
    assert InboundMessage.objects.get().text == message()["text"] and Conversation.objects.get().unread_count == 1


def test_idempotency_key_header_stands_in_for_the_id(bot):
    first = bot.post(URL, message(external_id=""), format="json", HTTP_IDEMPOTENCY_KEY="retry-abc")
    again = bot.post(URL, message(external_id=""), format="json", HTTP_IDEMPOTENCY_KEY="retry-abc")
    assert (first.status_code, again.status_code) == (201, 200)
    assert InboundMessage.objects.get().external_id == "retry-abc"


def test_two_messages_of_one_sender_share_a_conversation(bot):
    bot.post(URL, message(), format="json")
    bot.post(URL, message(external_id="m-2", text="Sekarang masih ramai."), format="json")
    assert Conversation.objects.get().unread_count == 2
    assert InboundMessage.objects.count() == 2


def test_same_id_on_another_channel_is_another_message(bot, channel):
    other = Channel.objects.create(name="Bot lain", kind=ChannelKind.API)
    other_client = APIClient()
    other_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {other.rotate_api_key()}")
    bot.post(URL, message(), format="json")
    assert other_client.post(URL, message(), format="json").status_code == 201
    assert InboundMessage.objects.count() == 2


def test_a_tracking_code_gets_the_status_as_a_reply(bot, complaint_in):
    complaint = complaint_in("verification")
    bot.post(URL, message(text=f"cek {complaint.code.lower()} ya"), format="json")
    reply = OutboundMessage.objects.get(kind=OutboundKind.STATUS)
    assert reply.recipient == "chat-77" and complaint.code in reply.body and "verifikasi" in reply.body
    assert "Siti" not in reply.body  # status only, no reporter data


BAD = [
    ({"sender": {}}, "sender"),
    ({"external_id": "", "text": "x"}, "external_id"),
    ({"text": "", "location": None}, "text"),
    ({"sent_at": "kemarin"}, "sent_at"),
    ({"location": {"latitude": "91", "longitude": "0"}}, "location"),
    ({"attachments": [{"url": "not a url"}]}, "attachments"),
    ({"attachments": [{"url": "https://x.example/a.jpg"}] * 11}, "attachments"),
    ({"text": "x" * 4097}, "text"),
]


@pytest.mark.parametrize(("change", "field"), BAD)
def test_bad_message_is_refused_and_nothing_stored(bot, change, field):
    body = message(**change)
    if body.get("location") is None:
        body.pop("location", None)
    response = bot.post(URL, body, format="json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    # Nested fields are named with dots (sender.id, attachments.0.url): docs/errors.md.
    assert any(key == field or key.startswith(f"{field}.") for key in response.json()["errors"]), response.json()
    assert not InboundMessage.objects.exists() and not Conversation.objects.exists()


def test_staff_may_not_post_channel_messages(api_as):
    response = api_as(Role.OPERATOR).post(URL, message(), format="json")
    assert response.status_code == 403


def test_no_key_is_401_and_a_disabled_channel_is_401(channel):
    assert APIClient().post(URL, message(), format="json").status_code == 401
    Channel.objects.filter(pk=channel.pk).update(is_active=False)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {channel.raw_key}")
    assert client.post(URL, message(), format="json").status_code == 401


def test_structured_complaint_is_idempotent_on_the_header(bot, category, paringin):
    body = {"category": category.slug, "description": "Balap liar.", "district": paringin.slug}
    first = bot.post("/api/v1/complaints/", body, format="json", HTTP_IDEMPOTENCY_KEY="form-991")
    again = bot.post("/api/v1/complaints/", body, format="json", HTTP_IDEMPOTENCY_KEY="form-991")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["code"] == again.json()["code"]
    assert Complaint.objects.get().external_ref == "form-991"


def test_a_late_older_message_does_not_move_the_last_inbound_time_back(bot):
    bot.post(URL, message(external_id="new", sent_at="2026-11-23T21:00:00+08:00"), format="json")
    bot.post(URL, message(external_id="old", sent_at="2026-11-23T08:00:00+08:00"), format="json")
    assert Conversation.objects.get().last_inbound_at.isoformat() == "2026-11-23T13:00:00+00:00"

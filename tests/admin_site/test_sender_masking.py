"""The admin keeps reporters out, as the complaint admin does (issue 14, item 6): once a conversation is linked to a
complaint its sender is that complaint's reporter, so the conversation and outbound-message pages show the complaint
code with the sender (name, phone, sender id) and a citizen recipient masked, and a search by sender finds only
conversations that are nobody's report yet. Before a link, the sender is shown (an administrator diagnosing a channel
needs it)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from channels.models import Conversation, OutboundKind, OutboundMessage, OutboundStatus
from complaints.models import Channel, ChannelKind
from complaints.workflow import Status

pytestmark = pytest.mark.django_db

NAME, PHONE, SENDER_ID = "Siti Rahmah", "081255501234", "6281255501234"
IDENTITY = (NAME, PHONE, SENDER_ID, "Siti")


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("root", password="x"))
    return client


@pytest.fixture
def whatsapp():
    return Channel.objects.create(name="WhatsApp La-Lisa", kind=ChannelKind.WHATSAPP)


@pytest.fixture
def linked(whatsapp, complaint_in):
    complaint = complaint_in(Status.SCREENING, confidential=True)
    conversation = Conversation.objects.create(channel=whatsapp, sender_id=SENDER_ID, sender_name=NAME, sender_phone=PHONE)
    conversation.complaints.add(complaint)
    receipt = OutboundMessage.objects.create(
        channel=whatsapp, conversation=conversation, complaint=complaint, kind=OutboundKind.RECEIPT, recipient=SENDER_ID,
        body="Aduan Anda diterima.", status=OutboundStatus.DEAD, next_attempt_at=timezone.now(),
    )
    reply = OutboundMessage.objects.create(  # a reply names no complaint, but its conversation does
        channel=whatsapp, conversation=conversation, kind=OutboundKind.REPLY, recipient=SENDER_ID, body="Baik.",
        next_attempt_at=timezone.now(),
    )
    return complaint, conversation, receipt, reply


def _shows_identity(page: str) -> list[str]:
    return [value for value in IDENTITY if value in page]


def test_conversation_list_and_page_mask_a_linked_sender(admin_client, linked):
    complaint, conversation, _receipt, _reply = linked
    for url in ("/admin/channels/conversation/", f"/admin/channels/conversation/{conversation.pk}/change/"):
        response = admin_client.get(url)
        page = response.content.decode()
        assert response.status_code == 200 and complaint.code in page
        assert _shows_identity(page) == [], url


def test_outbound_list_and_pages_mask_a_citizen_recipient_tied_to_a_complaint(admin_client, linked):
    complaint, _conversation, receipt, reply = linked
    urls = ["/admin/channels/outboundmessage/", *(f"/admin/channels/outboundmessage/{m.pk}/change/" for m in (receipt, reply))]
    for url in urls:
        response = admin_client.get(url)
        assert response.status_code == 200
        assert _shows_identity(response.content.decode()) == [], url
    assert complaint.code in admin_client.get(f"/admin/channels/outboundmessage/{receipt.pk}/change/").content.decode()


def test_a_search_by_sender_does_not_find_a_linked_conversation(admin_client, linked):
    complaint, conversation, receipt, _reply = linked
    for term in ("Siti", PHONE, SENDER_ID):
        page = admin_client.get("/admin/channels/conversation/", {"q": term}).content.decode()
        assert f"/admin/channels/conversation/{conversation.pk}/change/" not in page, term
        page = admin_client.get("/admin/channels/outboundmessage/", {"q": term}).content.decode()
        assert f"/admin/channels/outboundmessage/{receipt.pk}/change/" not in page, term
    page = admin_client.get("/admin/channels/conversation/", {"q": complaint.code}).content.decode()
    assert f"/admin/channels/conversation/{conversation.pk}/change/" in page and _shows_identity(page) == []


def test_an_unlinked_sender_and_a_webhook_recipient_are_shown(admin_client, whatsapp):
    conversation = Conversation.objects.create(channel=whatsapp, sender_id="6281200000009", sender_name="Budi Santoso")
    webhook = OutboundMessage.objects.create(
        channel=whatsapp, kind=OutboundKind.WEBHOOK, recipient="https://mitra.example.org/hook", next_attempt_at=timezone.now(),
    )
    page = admin_client.get("/admin/channels/conversation/", {"q": "Budi"}).content.decode()
    assert "Budi Santoso" in page and f"/admin/channels/conversation/{conversation.pk}/change/" in page
    assert "6281200000009" in admin_client.get(f"/admin/channels/conversation/{conversation.pk}/change/").content.decode()
    assert "https://mitra.example.org/hook" in admin_client.get(f"/admin/channels/outboundmessage/{webhook.pk}/change/").content.decode()

"""SOP step 8 ends when the outcome has reached the reporter: the system records `informed`."""

from __future__ import annotations

import pytest
from django.utils import timezone

from channels.models import OutboundKind, OutboundMessage, OutboundStatus
from channels.outbox import deliver
from channels.services import NormalizedMessage, delivery_confirmed, link_messages, receive_message
from channels.whatsapp.inbound import apply_status
from channels.whatsapp.parse import StatusUpdate
from complaints.models import Channel, ChannelKind, Complaint, ComplaintEvent
from complaints.services.transitions import perform_action
from complaints.workflow import Outcome, Status
from roles.roles import Role
from roles.setup import SYSTEM_USERNAME

pytestmark = pytest.mark.django_db


def _linked(complaint, kind: str) -> Channel:
    channel = Channel.objects.create(name=f"{kind} uji", kind=kind)
    received = receive_message(channel, NormalizedMessage(external_id="m1", sender_id="chat-5", sent_at=timezone.now(), text="x"))
    link_messages(conversation=received.message.conversation, complaint=complaint, message_ids=[received.message.pk])
    return channel


def _acknowledge(complaint, users) -> OutboundMessage:
    perform_action(user=users[Role.KEPALA], complaint_id=complaint.pk, action="acknowledge", data={})
    return OutboundMessage.objects.get(complaint=complaint, kind=OutboundKind.OUTCOME)


def test_confirmed_outcome_closes_the_case_as_informed(complaint_in, users):
    complaint = complaint_in(Status.HEAD_REVIEW)
    _linked(complaint, ChannelKind.WHATSAPP)
    outcome = _acknowledge(complaint, users)
    assert Complaint.objects.get(pk=complaint.pk).status == Status.NOTIFICATION
    delivery_confirmed(outcome)
    complaint.refresh_from_db()
    assert (complaint.status, complaint.outcome) == (Status.CLOSED, Outcome.RESOLVED)
    event = ComplaintEvent.objects.filter(complaint=complaint).latest("id")
    assert (event.action, event.actor.username, event.actor_role) == ("informed", SYSTEM_USERNAME, "operator")
    # Confirming again (a late duplicate callback) changes nothing.
    delivery_confirmed(outcome)
    assert ComplaintEvent.objects.filter(complaint=complaint, action="informed").count() == 1


def test_operator_already_informed_is_left_alone(complaint_in, users):
    complaint = complaint_in(Status.HEAD_REVIEW)
    _linked(complaint, ChannelKind.WHATSAPP)
    outcome = _acknowledge(complaint, users)
    perform_action(user=users[Role.OPERATOR], complaint_id=complaint.pk, action="informed", data={})
    delivery_confirmed(outcome)
    assert ComplaintEvent.objects.filter(complaint=complaint, action="informed").count() == 1


def test_other_messages_do_not_close_anything(complaint_in, users):
    complaint = complaint_in(Status.NOTIFICATION)
    channel = _linked(complaint, ChannelKind.WHATSAPP)
    reply = OutboundMessage.objects.create(channel=channel, complaint=complaint, kind=OutboundKind.REPLY, recipient="chat-5", body="hi")
    delivery_confirmed(reply)
    assert Complaint.objects.get(pk=complaint.pk).status == Status.NOTIFICATION


def test_whatsapp_delivered_callback_closes_step_8(complaint_in, users):
    complaint = complaint_in(Status.HEAD_REVIEW)
    _linked(complaint, ChannelKind.WHATSAPP)
    outcome = _acknowledge(complaint, users)
    OutboundMessage.objects.filter(pk=outcome.pk).update(status="sent", provider_message_id="wamid.OUT1")
    apply_status(StatusUpdate(message_id="wamid.OUT1", status="delivered", at=timezone.now(), recipient_id="chat-5"))
    assert Complaint.objects.get(pk=complaint.pk).status == Status.CLOSED


def test_a_telegram_send_is_a_delivery(complaint_in, users, stand_in, settings):
    settings.TELEGRAM_API_BASE_URL = stand_in.url
    settings.TELEGRAM_BOT_TOKEN = "123:abc"
    stand_in.response = {"ok": True, "result": {"message_id": 991, "chat": {"id": 5}, "date": 0}}
    complaint = complaint_in(Status.HEAD_REVIEW)
    _linked(complaint, ChannelKind.TELEGRAM)
    outcome = _acknowledge(complaint, users)
    assert deliver(outcome.pk) == OutboundStatus.DELIVERED
    assert Complaint.objects.get(pk=complaint.pk).status == Status.CLOSED

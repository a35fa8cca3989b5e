"""Writes for messaging channels: receive a message (idempotent), reply, turn a conversation into a complaint."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from channels import texts
from channels.models import Conversation, InboundMessage, OutboundKind, OutboundMessage
from channels.notifications import message_reporter
from channels.outbox import queue_message
from channels.selectors import open_stored_media
from complaints.errors import IdempotencyKeyReused, WorkflowError
from complaints.models import Channel, Complaint
from complaints.services.intake import ComplaintInput, IntakeResult, submit_complaint
from complaints.services.transitions import perform_action
from complaints.workflow import Field, Status
from roles.setup import system_user

TRACKING_CODE = re.compile(r"\b([A-Z0-9]{5}-[A-Z0-9]{5})\b")


@dataclass
class NormalizedMessage:
    """One inbound message in the shape every adapter produces (DESIGN.md section 4)."""

    external_id: str
    sender_id: str
    sent_at: datetime
    sender_name: str = ""
    sender_phone: str = ""
    sender_user_id: str = ""  # WhatsApp's BSUID, when the provider gives one beside (or instead of) the number
    text: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    location_name: str = ""
    media: list[dict] = field(default_factory=list)
    contact: dict = field(default_factory=dict)
    # The API body's fingerprint (api/idempotency.py); empty from the providers' webhooks, compared by id alone.
    fingerprint: str = ""
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Received:
    message: InboundMessage
    created: bool


def receive_message(channel: Channel, incoming: NormalizedMessage) -> Received:
    """Store the message in its sender's conversation. The same (channel, external id) again stores nothing: a retry
    gets the first message, the same id with another fingerprint is refused (IdempotencyKeyReused, 422)."""
    existing = InboundMessage.objects.filter(channel=channel, external_id=incoming.external_id).first()
    if existing is not None:
        return _replayed(existing, incoming)
    try:
        with transaction.atomic():
            conversation = _conversation_for(channel, incoming)
            message = InboundMessage.objects.create(
                channel=channel, conversation=conversation, external_id=incoming.external_id, text=incoming.text,
                latitude=incoming.latitude, longitude=incoming.longitude, location_name=incoming.location_name,
                media=incoming.media, contact=incoming.contact, data=incoming.data, sent_at=incoming.sent_at,
                fingerprint=incoming.fingerprint,
            )
            Conversation.objects.filter(pk=conversation.pk).update(unread_count=F("unread_count") + 1, last_message_at=timezone.now())
            # Providers deliver out of order: a late older message must not move the last-inbound time back
            # (WhatsApp's 24-hour reply window is counted from it).
            Conversation.objects.filter(pk=conversation.pk).filter(
                Q(last_inbound_at__isnull=True) | Q(last_inbound_at__lt=incoming.sent_at)
            ).update(last_inbound_at=incoming.sent_at)
            _answer_status_request(conversation, message)
    except IntegrityError:
        # A concurrent retry of the same message stored it first.
        return _replayed(InboundMessage.objects.get(channel=channel, external_id=incoming.external_id), incoming)
    return Received(message, created=True)


def _replayed(existing: InboundMessage, incoming: NormalizedMessage) -> Received:
    if incoming.fingerprint and existing.fingerprint and incoming.fingerprint != existing.fingerprint:
        raise IdempotencyKeyReused()
    return Received(existing, created=False)


def _conversation_for(channel: Channel, incoming: NormalizedMessage) -> Conversation:
    fields = (("sender_name", incoming.sender_name), ("sender_phone", incoming.sender_phone), ("sender_user_id", incoming.sender_user_id))
    updates = {k: v for k, v in fields if v}
    conversation = _conversation_of_user_id(channel, incoming.sender_user_id)
    created = False
    if conversation is None:
        try:
            with transaction.atomic():
                conversation, created = Conversation.objects.get_or_create(channel=channel, sender_id=incoming.sender_id, defaults=updates)
        except IntegrityError:
            conversation, created = Conversation.objects.get(channel=channel, sender_id=incoming.sender_id), False
    if not created and updates:
        Conversation.objects.filter(pk=conversation.pk).update(**updates)
    return conversation


def _conversation_of_user_id(channel: Channel, user_id: str) -> Conversation | None:
    """The conversation a WhatsApp BSUID already belongs to, whether it was keyed by it or learned it later.

    Meta sends the BSUID with every message (with the number too while it may be shared), so a citizen who first
    wrote with a number and later hides it behind a username, or the other way round, stays one conversation.
    """
    if not user_id:
        return None
    return Conversation.objects.filter(Q(sender_user_id=user_id) | Q(sender_id=user_id), channel=channel).order_by("pk").first()


def _answer_status_request(conversation: Conversation, message: InboundMessage) -> None:
    """A citizen who sends a tracking code back gets its status (no personal data, the same as the public page)."""
    match = TRACKING_CODE.search((message.text or "").upper())
    if match is None:
        return
    complaint = Complaint.objects.filter(code=match.group(1)).first()
    if complaint is None:
        return
    queue_message(
        channel=conversation.channel, conversation=conversation, complaint=complaint, kind=OutboundKind.STATUS,
        recipient=conversation.sender_id, body=texts.status(complaint), dedupe_key=f"status:{message.pk}",
    )


def reply(*, user, conversation: Conversation, body: str) -> OutboundMessage:
    """The Operator's reply, sent through the conversation's own channel."""
    with transaction.atomic():
        message = queue_message(
            channel=conversation.channel, conversation=conversation, kind=OutboundKind.REPLY,
            recipient=conversation.sender_id, body=body.strip(), created_by=user,
        )
        Conversation.objects.filter(pk=conversation.pk).update(last_message_at=timezone.now())
    return message


def mark_read(conversation: Conversation) -> None:
    Conversation.objects.filter(pk=conversation.pk).update(unread_count=0)


def create_complaint(
    *, user, conversation: Conversation, data: ComplaintInput, message_ids: list[int], attach_media: bool = False,
) -> IntakeResult:
    """A complaint from a conversation: linked to it and its messages, and the reporter gets the receipt. With
    `attach_media`, the files the adapters stored for those messages become its evidence (an InputError on "file"
    when one is refused)."""
    chosen = InboundMessage.objects.filter(conversation=conversation, pk__in=message_ids).only("pk", "media").order_by("sent_at", "id")
    uploads = open_stored_media(chosen) if attach_media else []
    try:
        with transaction.atomic():
            data.channel_kind = conversation.channel.kind
            result = submit_complaint(user=user, data=data, uploads=uploads)
            link_messages(conversation=conversation, complaint=result.complaint, message_ids=message_ids)
            message_reporter(result.complaint, OutboundKind.RECEIPT, texts.receipt(result.complaint), user=user)
    finally:
        for upload in uploads:
            upload.close()
    return result


def delivery_confirmed(message: OutboundMessage) -> None:
    """SOP step 8 ends when the outcome reached the reporter: record `informed` for the Operator."""
    if message.kind != OutboundKind.OUTCOME or message.complaint_id is None:
        return
    complaint = Complaint.objects.filter(pk=message.complaint_id, status=Status.NOTIFICATION).first()
    if complaint is None:
        return
    note = _("Hasil penanganan diterima pelapor lewat %(channel)s.") % {"channel": message.channel.name}
    # An Operator may have marked it informed in the meantime; then there is nothing left to record.
    with contextlib.suppress(WorkflowError):
        perform_action(user=system_user(), complaint_id=complaint.pk, action="informed", data={Field.NOTE: note})


def link_messages(*, conversation: Conversation, complaint: Complaint, message_ids: list[int]) -> int:
    conversation.complaints.add(complaint)
    return InboundMessage.objects.filter(conversation=conversation, pk__in=message_ids).update(complaint=complaint)

"""Store what an authenticated webhook brought: citizens' messages into their conversations, delivery reports onto the outbox.

"Store, then process": only normalizing and inserting happens here, inside the webhook request. Media
bytes are fetched later by the worker (channels.whatsapp.tasks), queued in the same transaction as the
message, so a stored photo message always has its download waiting.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from channels.models import Conversation, OutboundMessage, OutboundStatus
from channels.services import NormalizedMessage, delivery_confirmed, receive_message
from channels.whatsapp.parse import IdentityChange, StatusUpdate, parse
from complaints.models import Channel, ChannelKind

logger = logging.getLogger(__name__)

# Which report moves a message to which status, and from where. Reports arrive out of order and from several
# devices, so a status only ever moves forward: a late "delivered" leaves "read" alone, and a "delivered"
# from one device overrides a "failed" from another.
FORWARD: dict[str, tuple[str, tuple[str, ...]]] = {
    "delivered": (OutboundStatus.DELIVERED, (OutboundStatus.SENT, OutboundStatus.DEAD)),
    "read": (OutboundStatus.READ, (OutboundStatus.SENT, OutboundStatus.DELIVERED, OutboundStatus.DEAD)),
}


@dataclass
class StoredWebhook:
    created: int = 0
    duplicates: int = 0
    statuses: int = 0


def active_channel() -> Channel | None:
    """The WhatsApp channel messages are filed under: the oldest active one. A disabled channel takes nothing."""
    return Channel.objects.filter(kind=ChannelKind.WHATSAPP, is_active=True).order_by("pk").first()


def store_webhook(channel: Channel, payload: object) -> StoredWebhook:
    parsed = parse(payload, settings.WHATSAPP_PHONE_NUMBER_ID)
    result = StoredWebhook()
    for incoming in parsed.messages:
        if store_message(channel, incoming):
            result.created += 1
        else:
            result.duplicates += 1
    for update in parsed.statuses:
        result.statuses += apply_status(update)
    for change in parsed.identity_changes:
        changed = apply_identity_change(channel, change)
        logger.info("WhatsApp %s: %s conversation(s) updated", change.kind, changed)
    return result


def apply_identity_change(channel: Channel, change: IdentityChange) -> int:
    """Move the citizen's conversations to the new number and BSUID, so replies (even ones already queued: the
    transport reads the address when it sends) reach them. Idempotent: a repeated notice finds nothing under the old
    identifiers. Returns how many conversations changed.

    The complaint's reporter data is left alone: it is what the reporter stated and may name another number; the
    Operator sees the new number on the conversation and changes the complaint through its own form if it should.
    """
    if not (change.old_phone or change.old_user_id):
        return 0
    known_by = Q()
    if change.old_phone:
        known_by |= Q(sender_id=change.old_phone) | Q(sender_phone=change.old_phone)
    if change.old_user_id:
        known_by |= Q(sender_id=change.old_user_id) | Q(sender_user_id=change.old_user_id)
    changed = 0
    with transaction.atomic():
        for conversation in Conversation.objects.select_for_update().filter(known_by, channel=channel).order_by("pk"):
            updates: dict[str, str] = {}
            if change.new_phone:
                updates["sender_phone"] = change.new_phone
            if change.new_user_id:
                updates["sender_user_id"] = change.new_user_id
            # The key follows the identifier it was, unless the citizen already wrote under the new one (a notice can
            # arrive late): then the new conversation keeps that key, and this one still finds them by phone or BSUID.
            if conversation.sender_id == change.old_phone and change.new_phone:
                new_key = change.new_phone
            elif conversation.sender_id == change.old_user_id and change.new_user_id:
                new_key = change.new_user_id
            else:
                new_key = ""
            if new_key and not Conversation.objects.filter(channel=channel, sender_id=new_key).exists():
                updates["sender_id"] = new_key
            changed += Conversation.objects.filter(pk=conversation.pk).update(**updates)
    return changed


def store_message(channel: Channel, incoming: NormalizedMessage) -> bool:
    """One message, idempotent on its wamid; a new one with a photo gets its download queued with it. True if new."""
    from channels.whatsapp.tasks import download_media

    with transaction.atomic():
        received = receive_message(channel, incoming)
        if not received.created:
            return False
        message = received.message
        for item in message.media:
            download_media.enqueue(message.pk, item["id"])
    return True


def apply_status(update: StatusUpdate) -> int:
    """Record a delivery report on the outbox row with that wamid. Unknown ids change nothing. Returns rows changed."""
    ours = OutboundMessage.objects.filter(provider_message_id=update.message_id, channel__kind=ChannelKind.WHATSAPP)
    if update.status == "failed":
        # Delivered or read elsewhere wins; a failure is recorded, and the Operator decides whether to resend.
        failed = ours.filter(status=OutboundStatus.SENT)
        return failed.update(status=OutboundStatus.DEAD, last_error=update.error_text[:2000], lease_until=None)
    if update.status not in FORWARD:
        return 0  # "sent": the outbox already marked it when the send call returned
    new_status, from_statuses = FORWARD[update.status]
    with transaction.atomic():
        changed = ours.filter(status__in=from_statuses).update(status=new_status)
        # "read" implies delivered; Meta skips the "delivered" report when both happen at once.
        ours.filter(status__in=(OutboundStatus.DELIVERED, OutboundStatus.READ), delivered_at__isnull=True).update(delivered_at=update.at)
        if changed:
            # The outcome reached the reporter: SOP step 8 is done (the service ignores every other message).
            for message in ours.select_related("channel"):
                delivery_confirmed(message)
    return changed

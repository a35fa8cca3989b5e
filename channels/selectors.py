"""Reads for the Operator's inbox and the outbox view: each list in a fixed number of queries, however long."""

from __future__ import annotations

import mimetypes
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import chain

from django.core.files import File
from django.core.files.storage import default_storage
from django.db.models import CharField, Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value

from channels.models import CannedReply, Conversation, InboundMessage, OutboundMessage, OutboundStatus, WebhookEndpoint
from channels.sp4n_lapor.models import LaporFollowUp
from common.forms import DESCRIPTION_LIMIT
from complaints.models import Channel, ChannelKind, Complaint
from complaints.models.reporter import PHONE_PATTERN
from complaints.places import nearest_district

# A thread shows this many of the latest messages each way; older ones stay in the database (and the admin).
THREAD_LIMIT = 200
# Where the adapters store downloaded media in default_storage; nothing outside it is ever served.
MEDIA_PREFIX = "channel-media/"
# Media types the inbox serves from storage (what the adapters keep); anything else is not served at all.
SERVED_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf"}
OUTBOX_TABS = {
    "dead": (OutboundStatus.DEAD,),
    "pending": (OutboundStatus.PENDING, OutboundStatus.SENDING),
}


def inbox_conversations(*, channel: Channel | None = None, unread_only: bool = False) -> QuerySet[Conversation]:
    """Conversations newest first, each with its last inbound message and its complaints' codes (prefetched)."""
    last = InboundMessage.objects.filter(conversation=OuterRef("pk")).order_by("-sent_at", "-id")
    queryset = (
        Conversation.objects.select_related("channel")
        .annotate(
            last_text=Subquery(last.values("text")[:1]),
            last_latitude=Subquery(last.values("latitude")[:1]),
            last_media=Subquery(last.values("media")[:1]),
        )
        .prefetch_related(Prefetch("complaints", queryset=Complaint.objects.only("pk", "code").order_by("created_at", "id")))
        .order_by("-last_message_at", "-id")
    )
    if channel is not None:
        queryset = queryset.filter(channel=channel)
    if unread_only:
        queryset = queryset.filter(unread_count__gt=0)
    return queryset


def inbox_channels() -> QuerySet[Channel]:
    """The channels that have conversations: the inbox's channel filter."""
    return Channel.objects.filter(pk__in=Conversation.objects.values("channel_id")).order_by("name")


def nav_counts() -> dict[str, int]:
    """Unread inbound messages, dead outbound messages and LAPOR follow-ups waiting to be posted, in one query (the
    navigation draws them on every page)."""
    label = CharField()
    unread = (
        Conversation.objects.order_by().annotate(key=Value("unread", output_field=label)).values("key")
        .annotate(n=Sum("unread_count")).values_list("key", "n")
    )
    dead = (
        OutboundMessage.objects.filter(status=OutboundStatus.DEAD).order_by().annotate(key=Value("dead", output_field=label))
        .values("key").annotate(n=Count("pk")).values_list("key", "n")
    )
    lapor = (
        LaporFollowUp.objects.filter(posted_at__isnull=True).order_by().annotate(key=Value("lapor", output_field=label))
        .values("key").annotate(n=Count("pk")).values_list("key", "n")
    )
    counts = dict(unread.union(dead, lapor, all=True))
    return {"unread": counts.get("unread") or 0, "dead": counts.get("dead") or 0, "lapor": counts.get("lapor") or 0}


def conversation_for_inbox(pk: int) -> Conversation:
    """Raises Conversation.DoesNotExist."""
    return Conversation.objects.select_related("channel").get(pk=pk)


@dataclass(frozen=True)
class ThreadItem:
    at: datetime
    inbound: InboundMessage | None = None
    outbound: OutboundMessage | None = None
    media: tuple[dict, ...] = ()  # an inbound message's media, as media_entries gives them


@dataclass(frozen=True)
class Thread:
    items: list[ThreadItem]
    truncated: bool


def conversation_thread(conversation: Conversation) -> Thread:
    """The latest messages both ways, interleaved by time: inbound when the citizen sent it, outbound when queued."""
    inbound = list(
        conversation.inbound_messages.select_related("complaint").only(
            "pk", "conversation_id", "external_id", "text", "latitude", "longitude", "location_name", "media", "contact",
            "sent_at", "received_at", "complaint__code",
        ).order_by("-sent_at", "-id")[: THREAD_LIMIT + 1]
    )
    outbound = list(
        conversation.outbound_messages.select_related("created_by", "complaint").defer("payload").order_by("-created_at", "-id")[
            : THREAD_LIMIT + 1
        ]
    )
    truncated = len(inbound) > THREAD_LIMIT or len(outbound) > THREAD_LIMIT
    items = chain(
        (ThreadItem(at=m.sent_at, inbound=m, media=tuple(media_entries(m))) for m in inbound[:THREAD_LIMIT]),
        (ThreadItem(at=m.created_at, outbound=m) for m in outbound[:THREAD_LIMIT]),
    )
    return Thread(items=sorted(items, key=lambda item: (item.at, item.outbound is not None)), truncated=truncated)


def unlinked_messages(conversation: Conversation) -> QuerySet[InboundMessage]:
    return conversation.inbound_messages.filter(complaint__isnull=True).order_by("sent_at", "id")


def selectable_messages(conversation: Conversation) -> QuerySet[InboundMessage]:
    """The messages a complaint may be made from or linked to: the latest of the conversation, oldest first."""
    latest = conversation.inbound_messages.order_by("-sent_at", "-id").values_list("pk", flat=True)[:THREAD_LIMIT]
    return InboundMessage.objects.filter(pk__in=latest).select_related("complaint").order_by("sent_at", "id")


def canned_replies() -> QuerySet[CannedReply]:
    return CannedReply.objects.filter(is_active=True).order_by("sort_order", "title")


def stored_media(message: InboundMessage, index: int) -> dict | None:
    """The message's `index`-th media item when the adapter stored its file (a safe path under channel-media/)."""
    media = message.media if isinstance(message.media, list) else []
    if not 0 <= index < len(media) or not isinstance(media[index], dict):
        return None
    item = media[index]
    path = item.get("path")
    if not isinstance(path, str) or not path.startswith(MEDIA_PREFIX) or ".." in path or "\\" in path:
        return None
    return item


def stored_media_indexes(message: InboundMessage) -> list[int]:
    media = message.media if isinstance(message.media, list) else []
    return [index for index in range(len(media)) if stored_media(message, index) is not None]


def served_type(item: dict) -> str:
    """The content type a stored media item is served as, from its own path; empty when it is not served at all."""
    guessed = mimetypes.guess_type(item.get("path") or "")[0] or ""
    return guessed if guessed in SERVED_TYPES else ""


def media_entries(message: InboundMessage) -> list[dict]:
    """What the thread shows per media item: a thumbnail/link for a stored file, else why there is none."""
    entries = []
    for index, item in enumerate(message.media if isinstance(message.media, list) else []):
        if not isinstance(item, dict):
            continue
        stored = stored_media(message, index) is not None
        content_type = served_type(item) if stored else ""
        url = item.get("url") if isinstance(item.get("url"), str) and item["url"].startswith(("https://", "http://")) else ""
        entries.append({
            "index": index, "stored": stored and bool(content_type), "image": content_type.startswith("image/"),
            "caption": item.get("caption") or "", "url": url, "error": item.get("error") or "",
        })
    return entries


@dataclass(frozen=True)
class StoredFile:
    path: str  # in default_storage, under MEDIA_PREFIX
    content_type: str  # one of SERVED_TYPES


def stored_media_file(conversation: Conversation, message_id: int, index: int) -> StoredFile | None:
    """A message's stored media file the inbox may serve: the message is the conversation's, the item was stored
    under channel-media/, it is a served type, and the file is still there; else None."""
    message = InboundMessage.objects.filter(pk=message_id, conversation=conversation).only("pk", "media").first()
    item = stored_media(message, index) if message is not None else None
    content_type = served_type(item) if item else ""
    if not content_type or not default_storage.exists(item["path"]):
        return None
    return StoredFile(path=item["path"], content_type=content_type)


def open_stored_media(messages: Iterable[InboundMessage]) -> list[File]:
    """The messages' stored media files, opened (the caller closes them), to become a complaint's evidence."""
    files = []
    for message in messages:
        for index in stored_media_indexes(message):
            item = message.media[index]
            if not served_type(item) or not default_storage.exists(item["path"]):
                continue
            stored = default_storage.open(item["path"], "rb")
            stored.name = posixpath.basename(item["path"])
            files.append(stored)
    return files


def reply_mode(conversation: Conversation) -> str:
    """'template' when WhatsApp's 24-hour window has closed; every other channel answers freely."""
    if conversation.channel.kind != ChannelKind.WHATSAPP:
        return "free"
    try:
        from channels.whatsapp.window import reply_mode as whatsapp_reply_mode
    except ImportError:
        return "free"
    return whatsapp_reply_mode(conversation)


def complaint_draft(conversation: Conversation, messages: list[InboundMessage]) -> dict:
    """A complaint as the conversation tells it, for the Operator to check: the unlinked messages' text, the latest
    shared location and its kecamatan (complaints.places, the rule every channel places by), the sender."""
    unlinked = [m for m in messages if m.complaint_id is None]
    text = "\n".join(m.text.strip() for m in unlinked if m.text.strip())
    draft = {"description": text[:DESCRIPTION_LIMIT], "reporter_name": conversation.sender_name[:150]}
    if re.fullmatch(PHONE_PATTERN, conversation.sender_phone):
        draft["reporter_phone"] = conversation.sender_phone
    located = next((m for m in reversed(unlinked or messages) if m.latitude is not None and m.longitude is not None), None)
    if located is not None:
        draft.update(latitude=located.latitude, longitude=located.longitude, address=located.location_name[:255])
        district = nearest_district(located.latitude, located.longitude)
        if district is not None:
            draft["district"] = district.pk
    return draft


def outbox_messages(tab: str) -> QuerySet[OutboundMessage]:
    """Dead letters (or messages still waiting for delivery), newest first."""
    return (
        OutboundMessage.objects.filter(status__in=OUTBOX_TABS[tab])
        .select_related("channel", "conversation", "complaint", "endpoint")
        .defer("payload")
        .order_by("-created_at", "-id")
    )


def outbox_counts() -> dict[str, int]:
    counts = OutboundMessage.objects.aggregate(
        **{tab: Count("pk", filter=Q(status__in=statuses)) for tab, statuses in OUTBOX_TABS.items()}
    )
    return {tab: counts[tab] for tab in OUTBOX_TABS}


def webhook_endpoints(channel: Channel) -> QuerySet[WebhookEndpoint]:
    """A channel's own webhook endpoints; another channel's do not exist for it."""
    return WebhookEndpoint.objects.filter(channel=channel).order_by("pk")

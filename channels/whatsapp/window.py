"""WhatsApp's customer-service window: free-form text only within 24 hours of the citizen's last message.

Outside it the Cloud API refuses free-form text (error 131047) and accepts only an approved template. The
rule lives here alone so the portal can show which kind of reply will go out, and the transport decides
with the same function at the moment it sends (a reply queued inside the window may leave after it).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from django.utils import timezone

if TYPE_CHECKING:
    from channels.models import Conversation

ReplyMode = Literal["free", "template"]
FREE: ReplyMode = "free"
TEMPLATE: ReplyMode = "template"

WINDOW = timedelta(hours=24)
# Meta measures from its own clock when the request reaches it; a borderline reply is safer as a template
# than refused as free text.
SAFETY_MARGIN = timedelta(minutes=2)


def window_closes_at(conversation: Conversation | None) -> datetime | None:
    """When free-form replies stop being possible, or None when the citizen never wrote."""
    last_inbound = getattr(conversation, "last_inbound_at", None)
    return None if last_inbound is None else last_inbound + WINDOW - SAFETY_MARGIN


def reply_mode(conversation: Conversation | None, now: datetime | None = None) -> ReplyMode:
    """"free" while the 24-hour window is open, "template" otherwise (also when the citizen never wrote)."""
    closes_at = window_closes_at(conversation)
    if closes_at is None:
        return TEMPLATE
    return FREE if (now or timezone.now()) < closes_at else TEMPLATE

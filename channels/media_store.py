"""What every messaging adapter does with a citizen's photo around fetching it, whatever the provider.

The adapters (channels.whatsapp.media, channels.telegram.media) only know how to get the bytes from their
provider; this module keeps one answer to everything else: which media item a task is about and whether it
still needs its file, which content is kept (a sniffed JPEG, PNG or WebP that decodes within the image budget of
common/images.py; a larger one is given up as `too_large`), where it goes (default_storage, under
channel-media/ with a random name and an extension from the sniffed content, never the provider's file name),
what goes back into the message's `media` item (`path`, `size`, `content_type`, `stored_at`; or `error`
with `error_detail`), and when a failed download is tried again (the outbox's backoff, MAX_ATTEMPTS tries).
"""

from __future__ import annotations

import logging
import uuid
from typing import NamedTuple

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from channels.models import InboundMessage
from channels.outbox import backoff
from channels.selectors import MEDIA_PREFIX
from channels.transports import DeliveryError
from common.images import ImageTooLarge

# What a citizen's "photo" may turn out to be; anything else (a PDF renamed, HTML from an error page) is not kept.
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
# A WhatsApp media id lives 7 days (its URL 5 minutes), a Telegram file_id stays usable and getFile hands out
# a fresh link each time: a few spaced tries are enough for both.
MAX_ATTEMPTS = 5

STORED = "stored"
RETRY = "retry"
GONE = "gone"


class LogAs(NamedTuple):
    """How an adapter's lines about its media read: its name in the text, and its own logger."""

    label: str
    logger: logging.Logger


def media_item(message: InboundMessage | None, media_id: str) -> dict | None:
    if message is None or not isinstance(message.media, list):
        return None
    return next((item for item in message.media if isinstance(item, dict) and item.get("id") == media_id), None)


def item_to_fetch(message_id: int, media_id: str) -> dict | str:
    """The media item when it still needs its file; otherwise what the task answers (gone, stored, or its error)."""
    message = InboundMessage.objects.filter(pk=message_id).first()
    item = media_item(message, media_id)
    if item is None:
        return GONE
    if item.get("path") or item.get("error"):
        return item.get("error") or STORED
    return item


def update_item(message_id: int, media_id: str, changes: dict) -> bool:
    """Merge `changes` into the message's media item under a row lock; False when it is gone or already stored."""
    with transaction.atomic():
        message = InboundMessage.objects.select_for_update().filter(pk=message_id).first()
        item = media_item(message, media_id)
        if item is None or item.get("path"):
            return False
        item.update(changes)
        message.save(update_fields=["media"])
    return True


def sniff(content: bytes) -> str | None:
    """The content type the bytes really are, when it is one we keep (a key of EXTENSIONS); else None.

    ImageTooLarge (common/images.py) for an image whose decoding would not fit the budget: the inbox's preview
    and the complaint made from it would both have to decode it."""
    from complaints.services.attachments import sniff_content_type

    try:
        detected = sniff_content_type(SimpleUploadedFile("media", content))
    except ImageTooLarge:
        raise
    except Exception:  # other decoder errors: not an image we keep
        return None
    return detected if detected in EXTENSIONS else None


def store_image(message_id: int, media_id: str, content: bytes, declared_type: object, *, log: LogAs) -> str:
    """Keep downloaded bytes that are an image under a random name and note them in the item; else give up."""
    try:
        content_type = sniff(content)
    except ImageTooLarge as error:
        return give_up(message_id, media_id, "too_large", str(error), log=log)
    if content_type is None:
        return give_up(message_id, media_id, "unsupported_type", f"Not a JPEG, PNG or WebP image (declared {declared_type!r}).", log=log)
    path = default_storage.save(f"{MEDIA_PREFIX}{uuid.uuid4().hex}{EXTENSIONS[content_type]}", ContentFile(content))
    stored = update_item(message_id, media_id, {
        "path": path, "size": len(content), "content_type": content_type, "stored_at": timezone.now().isoformat(),
    })
    if not stored:
        # Another run stored it first (or the message is gone): keep no second copy.
        default_storage.delete(path)
    return STORED


def give_up(message_id: int, media_id: str, code: str, detail: str, *, log: LogAs) -> str:
    log.logger.warning("%s media %s of message %s not stored: %s (%s)", log.label, media_id, message_id, code, detail)
    update_item(message_id, media_id, {"error": code, "error_detail": detail[:500]})
    return code


def retry_or_give_up(message_id: int, media_id: str, item: dict, error: DeliveryError, task, *, log: LogAs) -> str:
    """After a failed download: enqueue `task` (the adapter's) again after the outbox's backoff, or give up."""
    attempts = int(item.get("attempts") or 0) + 1
    if not error.transient or attempts >= MAX_ATTEMPTS:
        update_item(message_id, media_id, {"attempts": attempts})
        return give_up(message_id, media_id, "download_failed", str(error), log=log)
    retry_at = timezone.now() + backoff(attempts)
    with transaction.atomic():
        update_item(message_id, media_id, {"attempts": attempts, "error_detail": str(error)[:500]})
        task.using(run_after=retry_at).enqueue(message_id, media_id)
    return RETRY

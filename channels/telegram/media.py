"""Fetch a citizen's Telegram photo after the webhook answered: getFile for its file_path, then the bytes.

Runs in the worker (channels.telegram.tasks.download_photo), never inside the webhook request: a slow
download would hold up the updates behind it, and an answer that comes too late makes Telegram redeliver.
The result goes back into the message's `media` item (the same keys as the WhatsApp adapter's): `path`
(default_storage, under channel-media/ with a random name, never the provider's file name), `size`, the
sniffed `content_type` and `stored_at`; or `error` (too_large, unsupported_type, download_failed) with
`error_detail`.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from channels.models import InboundMessage
from channels.outbox import backoff
from channels.telegram import api
from channels.transports import DeliveryError

logger = logging.getLogger(__name__)

MEDIA_PREFIX = "channel-media/"
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
# A file_id stays usable for the bot, and getFile hands out a fresh link each time: a few spaced tries suffice.
MAX_ATTEMPTS = 5

STORED = "stored"
RETRY = "retry"
GONE = "gone"


def media_item(message: InboundMessage | None, media_id: str) -> dict | None:
    if message is None or not isinstance(message.media, list):
        return None
    return next((item for item in message.media if isinstance(item, dict) and item.get("id") == media_id), None)


def _update_item(message_id: int, media_id: str, changes: dict) -> bool:
    """Merge `changes` into the media item under a row lock; False when it is gone or already stored."""
    with transaction.atomic():
        message = InboundMessage.objects.select_for_update().filter(pk=message_id).first()
        item = media_item(message, media_id)
        if item is None or item.get("path"):
            return False
        item.update(changes)
        message.save(update_fields=["media"])
    return True


def sniff(content: bytes) -> str | None:
    from complaints.services.attachments import IMAGE_TYPES, sniff_content_type

    try:
        detected = sniff_content_type(SimpleUploadedFile("photo", content))
    except Exception:  # Pillow's decompression-bomb guard and other decoder errors: not an image we keep
        return None
    return detected if detected in IMAGE_TYPES.values() else None


def fetch_media(message_id: int, media_id: str) -> str:
    """Download one media item of one stored message. Idempotent: a stored or refused item is left alone."""
    message = InboundMessage.objects.filter(pk=message_id).first()
    item = media_item(message, media_id)
    if item is None:
        return GONE
    if item.get("path") or item.get("error"):
        return item.get("error") or STORED
    limit = settings.TRECKK_MAX_ATTACHMENT_BYTES
    try:
        # The size in the update comes first: a file we would refuse anyway costs no call at all.
        declared = item.get("file_size")
        if isinstance(declared, int) and declared > limit:
            raise api.FileTooLarge(f"{declared} bytes")
        file = api.call("getFile", {"file_id": item.get("file_id", "")})
        if not isinstance(file, dict) or not isinstance(file.get("file_path"), str) or not file["file_path"]:
            raise DeliveryError("getFile: no file_path in the answer.", transient=False)
        if isinstance(file.get("file_size"), int) and file["file_size"] > limit:
            raise api.FileTooLarge(f"{file['file_size']} bytes")
        content = api.download(file["file_path"], limit)
    except api.FileTooLarge as error:
        return _give_up(message_id, media_id, "too_large", f"{error} (limit {limit})")
    except DeliveryError as error:
        return _failed(message_id, media_id, item, error)

    content_type = sniff(content)
    if content_type is None:
        return _give_up(message_id, media_id, "unsupported_type", f"Not a JPEG, PNG or WebP image (declared {item.get('content_type')!r}).")
    path = default_storage.save(f"{MEDIA_PREFIX}{uuid.uuid4().hex}{EXTENSIONS[content_type]}", ContentFile(content))
    stored = _update_item(message_id, media_id, {
        "path": path, "size": len(content), "content_type": content_type, "stored_at": timezone.now().isoformat(),
    })
    if not stored:
        # Another run stored it first (or the message is gone): keep no second copy.
        default_storage.delete(path)
    return STORED


def _give_up(message_id: int, media_id: str, code: str, detail: str) -> str:
    logger.warning("Telegram media %s of message %s not stored: %s (%s)", media_id, message_id, code, detail)
    _update_item(message_id, media_id, {"error": code, "error_detail": detail[:500]})
    return code


def _failed(message_id: int, media_id: str, item: dict, error: DeliveryError) -> str:
    attempts = int(item.get("attempts") or 0) + 1
    if not error.transient or attempts >= MAX_ATTEMPTS:
        _update_item(message_id, media_id, {"attempts": attempts})
        return _give_up(message_id, media_id, "download_failed", str(error))
    from channels.telegram.tasks import download_photo

    retry_at = timezone.now() + backoff(attempts)
    with transaction.atomic():
        _update_item(message_id, media_id, {"attempts": attempts, "error_detail": str(error)[:500]})
        download_photo.using(run_after=retry_at).enqueue(message_id, media_id)
    return RETRY

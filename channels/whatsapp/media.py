"""Fetch a citizen's WhatsApp photo after the webhook answered: GET /{media-id} for a short-lived URL, then the bytes.

Runs in the worker (channels.whatsapp.tasks.download_media), never inside the webhook request: Meta wants its
200 within seconds, and a slow media server must not make it resend the whole batch. The result goes back
into the message's `media` item: `path` (default_storage, under channel-media/ with a random name and an
extension from the sniffed content, never the provider's filename), `size` and the real `content_type`; or
`error` (too_large, unsupported_type, checksum_mismatch, download_failed) with `error_detail`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
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
from channels.transports import DeliveryError
from channels.whatsapp.graph import MediaTooLarge, download, get_json, graph_url

logger = logging.getLogger(__name__)

MEDIA_PREFIX = "channel-media/"
# What a WhatsApp "image" may turn out to be; anything else (a PDF renamed, HTML from an error page) is not kept.
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
# Webhook media ids live 7 days and the URL from GET /{media-id} 5 minutes; a few spaced tries are enough.
MAX_ATTEMPTS = 5

STORED = "stored"
RETRY = "retry"
GONE = "gone"


def media_item(message: InboundMessage | None, media_id: str) -> dict | None:
    if message is None or not isinstance(message.media, list):
        return None
    return next((item for item in message.media if isinstance(item, dict) and item.get("id") == media_id), None)


def _update_item(message_id: int, media_id: str, changes: dict, *, unless_stored: bool = True) -> bool:
    """Merge `changes` into the message's media item under a row lock; False when it is gone or already stored."""
    with transaction.atomic():
        message = InboundMessage.objects.select_for_update().filter(pk=message_id).first()
        item = media_item(message, media_id)
        if item is None or (unless_stored and item.get("path")):
            return False
        item.update(changes)
        message.save(update_fields=["media"])
    return True


def checksum_matches(expected: str, content: bytes) -> bool | None:
    """Meta gives SHA-256 as hex in some places and base64 in others; None when `expected` is neither."""
    digest = hashlib.sha256(content)
    expected = (expected or "").strip()
    if len(expected) == 64 and all(c in "0123456789abcdefABCDEF" for c in expected):
        return expected.lower() == digest.hexdigest()
    try:
        raw = base64.b64decode(expected, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw == digest.digest() if len(raw) == 32 else None


def sniff(content: bytes) -> str | None:
    from complaints.services.attachments import sniff_content_type

    try:
        return sniff_content_type(SimpleUploadedFile("media", content))
    except Exception:  # Pillow's decompression-bomb guard and other decoder errors: not an image we keep
        return None


def fetch_media(message_id: int, media_id: str) -> str:
    """Download one media item of one stored message. Idempotent: a stored item is left alone."""
    message = InboundMessage.objects.filter(pk=message_id).first()
    item = media_item(message, media_id)
    if item is None:
        return GONE
    if item.get("path") or item.get("error"):
        return item.get("error") or STORED
    limit = settings.TRECKK_MAX_ATTACHMENT_BYTES
    try:
        info = get_json(graph_url(media_id))
        declared = str(info.get("file_size") or "")
        if declared.isdigit() and int(declared) > limit:
            raise MediaTooLarge(f"{declared} bytes")
        url = info.get("url")
        if not isinstance(url, str) or not url:
            raise DeliveryError(f"No media URL in the answer for {media_id}.", transient=False)
        content, _served_type = download(url, limit)
    except MediaTooLarge as error:
        return _give_up(message_id, media_id, "too_large", f"{error} (limit {limit})")
    except DeliveryError as error:
        return _failed(message_id, media_id, item, error)

    expected = item.get("sha256") or str(info.get("sha256") or "")
    if checksum_matches(expected, content) is False:
        return _give_up(message_id, media_id, "checksum_mismatch", "The bytes do not match the SHA-256 WhatsApp gave.")
    content_type = sniff(content)
    if content_type is None or content_type not in EXTENSIONS:
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
    logger.warning("WhatsApp media %s of message %s not stored: %s (%s)", media_id, message_id, code, detail)
    _update_item(message_id, media_id, {"error": code, "error_detail": detail[:500]})
    return code


def _failed(message_id: int, media_id: str, item: dict, error: DeliveryError) -> str:
    attempts = int(item.get("attempts") or 0) + 1
    if not error.transient or attempts >= MAX_ATTEMPTS:
        _update_item(message_id, media_id, {"attempts": attempts})
        return _give_up(message_id, media_id, "download_failed", str(error))
    from channels.whatsapp.tasks import download_media

    retry_at = timezone.now() + backoff(attempts)
    with transaction.atomic():
        _update_item(message_id, media_id, {"attempts": attempts, "error_detail": str(error)[:500]})
        download_media.using(run_after=retry_at).enqueue(message_id, media_id)
    return RETRY

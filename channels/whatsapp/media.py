"""Fetch a citizen's WhatsApp photo after the webhook answered: GET /{media-id} for a short-lived URL, then the bytes.

Runs in the worker (channels.whatsapp.tasks.download_media), never inside the webhook request: Meta wants its
200 within seconds, and a slow media server must not make it resend the whole batch. What is kept, where, and
what goes back into the message's `media` item is channels.media_store's, the same as for Telegram; the errors
here are too_large, unsupported_type, checksum_mismatch and download_failed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging

from django.conf import settings

from channels import media_store
from channels.transports import DeliveryError
from channels.transports.http import TooLarge
from channels.whatsapp.graph import download, get_json, graph_url

LOG = media_store.LogAs("WhatsApp", logging.getLogger(__name__))


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


def fetch_media(message_id: int, media_id: str) -> str:
    """Download one media item of one stored message. Idempotent: a stored item is left alone."""
    item = media_store.item_to_fetch(message_id, media_id)
    if isinstance(item, str):
        return item
    limit = settings.TRECKK_MAX_ATTACHMENT_BYTES
    try:
        info = get_json(graph_url(media_id))
        declared = str(info.get("file_size") or "")
        if declared.isdigit() and int(declared) > limit:
            raise TooLarge(f"{declared} bytes")
        url = info.get("url")
        if not isinstance(url, str) or not url:
            raise DeliveryError(f"No media URL in the answer for {media_id}.", transient=False)
        content, _served_type = download(url, limit)
    except TooLarge as error:
        return media_store.give_up(message_id, media_id, "too_large", f"{error} (limit {limit})", log=LOG)
    except DeliveryError as error:
        from channels.whatsapp.tasks import download_media

        return media_store.retry_or_give_up(message_id, media_id, item, error, download_media, log=LOG)

    expected = item.get("sha256") or str(info.get("sha256") or "")
    if checksum_matches(expected, content) is False:
        return media_store.give_up(message_id, media_id, "checksum_mismatch", "The bytes do not match the SHA-256 WhatsApp gave.", log=LOG)
    return media_store.store_image(message_id, media_id, content, item.get("content_type"), log=LOG)

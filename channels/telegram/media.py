"""Fetch a citizen's Telegram photo after the webhook answered: getFile for its file_path, then the bytes.

Runs in the worker (channels.telegram.tasks.download_photo), never inside the webhook request: a slow
download would hold up the updates behind it, and an answer that comes too late makes Telegram redeliver.
What is kept, where, and what goes back into the message's `media` item is channels.media_store's, the same
as for WhatsApp; the errors here are too_large, unsupported_type and download_failed.
"""

from __future__ import annotations

import logging

from django.conf import settings

from channels import media_store
from channels.telegram import api
from channels.transports import DeliveryError
from channels.transports.http import TooLarge

LOG = media_store.LogAs("Telegram", logging.getLogger(__name__))


def fetch_media(message_id: int, media_id: str) -> str:
    """Download one media item of one stored message. Idempotent: a stored or refused item is left alone."""
    item = media_store.item_to_fetch(message_id, media_id)
    if isinstance(item, str):
        return item
    limit = settings.TRECKK_MAX_ATTACHMENT_BYTES
    try:
        # The size in the update comes first: a file we would refuse anyway costs no call at all.
        declared = item.get("file_size")
        if isinstance(declared, int) and declared > limit:
            raise TooLarge(f"{declared} bytes")
        file = api.call("getFile", {"file_id": item.get("file_id", "")})
        if not isinstance(file, dict) or not isinstance(file.get("file_path"), str) or not file["file_path"]:
            raise DeliveryError("getFile: no file_path in the answer.", transient=False)
        if isinstance(file.get("file_size"), int) and file["file_size"] > limit:
            raise TooLarge(f"{file['file_size']} bytes")
        content = api.download(file["file_path"], limit)
    except TooLarge as error:
        return media_store.give_up(message_id, media_id, "too_large", f"{error} (limit {limit})", log=LOG)
    except DeliveryError as error:
        from channels.telegram.tasks import download_photo

        return media_store.retry_or_give_up(message_id, media_id, item, error, download_photo, log=LOG)
    return media_store.store_image(message_id, media_id, content, item.get("content_type"), log=LOG)

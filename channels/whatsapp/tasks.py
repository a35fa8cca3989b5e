"""Background work of the WhatsApp adapter (django-tasks): media downloads, queued by the webhook, run by the worker."""

from __future__ import annotations

from django_tasks import task


@task()
def download_media(message_id: int, media_id: str) -> str:
    from channels.whatsapp.media import fetch_media

    return fetch_media(message_id, media_id)

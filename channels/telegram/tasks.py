"""Background work of the Telegram adapter (django-tasks): photo downloads, queued by the webhook, run by the worker."""

from __future__ import annotations

from django_tasks import task


@task()
def download_photo(message_id: int, media_id: str) -> str:
    from channels.telegram.media import fetch_media

    return fetch_media(message_id, media_id)

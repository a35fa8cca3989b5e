"""Webhook endpoints of third-party channels (Standard Webhooks): which get an event, secrets and their rotation,
disabling on 410 Gone and re-enabling, test events, deletion. The transport (channels/transports/webhook.py)
signs and sends; the outbox (channels/outbox.py) retries."""

from __future__ import annotations

import base64
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from channels.models import WEBHOOK_TEST_EVENT, OutboundKind, OutboundMessage, OutboundStatus, WebhookEndpoint
from channels.outbox import queue_message

# The spec: a random secret of 24 to 64 bytes, base64 with a whsec_ prefix.
SECRET_BYTES = 32
MAX_GRACE_HOURS = 7 * 24


class EndpointDisabled(Exception):
    """The endpoint is disabled (it answered 410 Gone, or an administrator switched it off): nothing goes to it."""


def new_webhook_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def endpoints_for(channel_id: int, event_type: str) -> list[WebhookEndpoint]:
    """The channel's enabled endpoints that subscribed to `event_type` (an empty filter takes every event)."""
    endpoints = WebhookEndpoint.objects.filter(channel_id=channel_id, is_active=True).order_by("pk")
    return [endpoint for endpoint in endpoints if endpoint.wants(event_type)]


def queue_event(endpoint: WebhookEndpoint, payload: dict, *, dedupe_key: str | None = None, complaint=None) -> OutboundMessage:
    return queue_message(
        channel_id=endpoint.channel_id, endpoint=endpoint, complaint=complaint, kind=OutboundKind.WEBHOOK,
        recipient=endpoint.url, payload=payload, dedupe_key=dedupe_key,
    )


def queue_test_event(endpoint: WebhookEndpoint) -> OutboundMessage:
    """A ping through the same outbox, transport and signature as every event, so it proves the whole path."""
    if not endpoint.is_active:
        raise EndpointDisabled(endpoint.disabled_reason)
    payload = {
        "type": WEBHOOK_TEST_EVENT,
        "timestamp": timezone.now().isoformat(),
        "data": {"endpoint_id": endpoint.pk, "url": endpoint.url},
    }
    return queue_event(endpoint, payload)


def rotate_secret(endpoint: WebhookEndpoint, *, grace: timedelta | None = None) -> str:
    """Issue a new secret and return it (shown once). The current one keeps signing beside it for `grace`
    (TRECKK_WEBHOOK_SECRET_GRACE_HOURS by default), so receivers switch without losing a delivery; zero ends it now.
    A secret rotated out earlier and still in its grace period is dropped: two secrets at most sign a delivery."""
    if grace is None:
        grace = timedelta(hours=settings.TRECKK_WEBHOOK_SECRET_GRACE_HOURS)
    secret = new_webhook_secret()
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if grace > timedelta(0):
            locked.previous_secret, locked.previous_secret_expires_at = locked.secret, timezone.now() + grace
        else:
            locked.previous_secret, locked.previous_secret_expires_at = "", None
        locked.secret = secret
        locked.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at"])
    endpoint.secret, endpoint.previous_secret = locked.secret, locked.previous_secret
    endpoint.previous_secret_expires_at = locked.previous_secret_expires_at
    return secret


def disable_endpoint(endpoint_id: int, reason: str) -> bool:
    """Switch an endpoint off (the receiver answered 410 Gone): record when and why, and turn what still waited for
    it into dead letters with that reason, so the Operator sees them and nothing more is sent."""
    now = timezone.now()
    with transaction.atomic():
        disabled = WebhookEndpoint.objects.filter(pk=endpoint_id, is_active=True).update(
            is_active=False, disabled_at=now, disabled_reason=reason[:300],
        )
        OutboundMessage.objects.filter(endpoint_id=endpoint_id, status=OutboundStatus.PENDING).update(
            status=OutboundStatus.DEAD, last_error=f"Endpoint disabled: {reason}"[:2000], lease_until=None,
        )
    return bool(disabled)


def reenable_endpoint(endpoint: WebhookEndpoint) -> None:
    """An administrator's decision: deliveries resume for new events; dead letters are retried by hand."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=True, disabled_at=None, disabled_reason="")


def delete_endpoint(endpoint: WebhookEndpoint) -> None:
    """Remove an endpoint and what was still to be sent to it (pending or dead: nowhere to send it now). What was
    delivered stays in the outbox, without the endpoint, its URL in `recipient`."""
    with transaction.atomic():
        OutboundMessage.objects.filter(endpoint=endpoint, status__in=(OutboundStatus.PENDING, OutboundStatus.DEAD)).delete()
        endpoint.delete()

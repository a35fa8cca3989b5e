"""Signed webhooks for third-party channels, per Standard Webhooks (spec/standard-webhooks.md), signed with the
standardwebhooks package.

Only a 2xx is a delivery. A redirect is a failure and is not followed (the spec: the sender updates the URL
instead). 410 Gone disables the endpoint. Everything else (timeouts, 3xx, 4xx, 5xx) is a failure the outbox
retries on the spec's schedule, waiting at least what a `Retry-After` asks.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx
from django.conf import settings
from django.utils import timezone
from standardwebhooks import Webhook

from channels.models import OutboundMessage, WebhookEndpoint
from channels.transports import DeliveryError

GONE = 410


def signed_headers(secret: str | Sequence[str], message_id: str, body: str, at: datetime | None = None) -> dict[str, str]:
    """The three Standard Webhooks headers. With several secrets (a rotation's grace period) `webhook-signature`
    carries one `v1,<signature>` per secret, space-delimited, the newest first."""
    at = at or datetime.now(UTC)
    secrets = [secret] if isinstance(secret, str) else list(secret)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(Webhook(s).sign(msg_id=message_id, timestamp=at, data=body) for s in secrets),
    }


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: delta-seconds or an HTTP date (RFC 9110 10.2.3); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max((when - datetime.now(UTC)).total_seconds(), 0.0) if when.tzinfo else None


class StandardWebhookTransport:
    def send(self, message: OutboundMessage) -> str:
        endpoint = WebhookEndpoint.objects.filter(pk=message.endpoint_id).first() if message.endpoint_id else None
        if endpoint is None:
            raise DeliveryError("The webhook endpoint no longer exists.", transient=False)
        if not endpoint.is_active:
            raise DeliveryError(f"Endpoint disabled: {endpoint.disabled_reason or 'by an administrator'}", transient=False)
        # The id stays the same on every retry, so the receiver can drop repeats; the timestamp is the attempt's.
        message_id = f"msg_{message.pk}"
        body = json.dumps(message.payload, separators=(",", ":"), ensure_ascii=False)
        headers = {"content-type": "application/json", **signed_headers(endpoint.signing_secrets(timezone.now()), message_id, body)}
        try:
            response = httpx.post(
                endpoint.url, content=body.encode(), headers=headers, timeout=settings.TRECKK_WEBHOOK_TIMEOUT_SECONDS,
                follow_redirects=False,
            )
        except httpx.HTTPError as error:
            raise DeliveryError(f"{type(error).__name__}: {error}", transient=True) from error
        status = response.status_code
        if 200 <= status < 300:
            return message_id
        if status == GONE:
            from channels.webhooks import disable_endpoint

            reason = "HTTP 410 Gone: the receiver asked for no more webhooks"
            disable_endpoint(endpoint.pk, reason)
            raise DeliveryError(f"{reason}; endpoint disabled. {response.text[:300]}".strip(), transient=False)
        if 300 <= status < 400:
            location = response.headers.get("location", "")
            raise DeliveryError(
                f"HTTP {status}: a redirect is a failure and is not followed (to {location[:300] or '?'}); "
                "the webhook URL should be updated.", transient=True,
            )
        raise DeliveryError(f"HTTP {status}: {response.text[:500]}", transient=True,
                            retry_after=retry_after_seconds(response.headers.get("retry-after")))

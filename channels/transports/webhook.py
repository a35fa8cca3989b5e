"""Signed status webhooks for third-party channels, per the Standard Webhooks scheme (standardwebhooks package)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from standardwebhooks import Webhook

from channels.models import OutboundMessage, WebhookEndpoint
from channels.transports import DeliveryError
from channels.transports.http import post_json


def signed_headers(secret: str, message_id: str, body: str, at: datetime | None = None) -> dict[str, str]:
    at = at or datetime.now(UTC)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id=message_id, timestamp=at, data=body),
    }


class StandardWebhookTransport:
    def send(self, message: OutboundMessage) -> str:
        endpoint = WebhookEndpoint.objects.filter(channel_id=message.channel_id, is_active=True).first()
        if endpoint is None:
            raise DeliveryError("The channel has no active webhook.", transient=False)
        # The id stays the same on every retry, so the receiver can drop repeats.
        message_id = f"msg_{message.pk}"
        body = json.dumps(message.payload, separators=(",", ":"), ensure_ascii=False)
        headers = {"content-type": "application/json", **signed_headers(endpoint.secret, message_id, body)}
        post_json(endpoint.url, content=body.encode(), headers=headers)
        return message_id




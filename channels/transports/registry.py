"""Which transport sends a channel kind's messages. Adapters add themselves here."""

from __future__ import annotations

from channels.transports import Transport
from channels.transports.webhook import StandardWebhookTransport

WEBHOOK_TRANSPORT: Transport = StandardWebhookTransport()
TRANSPORTS_BY_KIND: dict[str, Transport] = {}

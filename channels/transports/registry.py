"""Which transport sends a channel kind's messages. Adapters are named by path so each loads only when used."""

from __future__ import annotations

from functools import cache

from django.utils.module_loading import import_string

from channels.transports import Transport
from channels.transports.webhook import StandardWebhookTransport

WEBHOOK_TRANSPORT: Transport = StandardWebhookTransport()
TRANSPORT_PATHS: dict[str, str] = {
    "whatsapp": "channels.whatsapp.transport.WhatsAppTransport",
    "telegram": "channels.telegram.transport.TelegramTransport",
    "sp4n_lapor": "channels.sp4n_lapor.transport.LaporTransport",
}

# Telegram answers sendMessage only once the message is in the chat, so a send is a delivery; so does
# SP4N-LAPOR! (a push it accepted is in the report's thread the reporter reads). WhatsApp reports delivery
# later in a status callback.
CONFIRMS_ON_SEND = frozenset({"telegram", "sp4n_lapor"})


@cache
def transport_for_kind(kind: str) -> Transport | None:
    path = TRANSPORT_PATHS.get(kind)
    return import_string(path)() if path else None

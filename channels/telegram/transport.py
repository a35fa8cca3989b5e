"""Outbound messages to a Telegram chat: sendMessage with the outbox row's recipient (the chat id) and body."""

from __future__ import annotations

from typing import TYPE_CHECKING

from channels.telegram import api

if TYPE_CHECKING:
    from channels.models import OutboundMessage


class TelegramTransport:
    def send(self, message: OutboundMessage) -> str:
        """Telegram's message id. Flood control (429) and 5xx are transient; any other refusal is final."""
        result = api.call("sendMessage", {"chat_id": message.recipient, "text": message.body})
        # The message went out once Telegram said ok: a missing id must not turn it into a failure (and a resend).
        message_id = result.get("message_id") if isinstance(result, dict) else None
        return "" if message_id is None else str(message_id)

"""How an outbound message leaves: one transport per channel kind, plus signed webhooks for integrators."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from channels.models import OutboundMessage


class DeliveryError(Exception):
    """A failed send. Transient ones (timeouts, 429, 5xx) are retried with backoff; the rest go to dead letters."""

    def __init__(self, message: str, *, transient: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.transient = transient
        self.retry_after = retry_after  # seconds the receiver asked us to wait (Retry-After), if it said


class Transport(Protocol):
    def send(self, message: OutboundMessage) -> str:
        """Send it; return the provider's message id, or raise DeliveryError."""


def transport_for(message: OutboundMessage) -> Transport:
    from channels.models import OutboundKind
    from channels.transports.registry import WEBHOOK_TRANSPORT, transport_for_kind

    if message.kind == OutboundKind.WEBHOOK:
        return WEBHOOK_TRANSPORT
    transport = transport_for_kind(message.channel.kind)
    if transport is None:
        raise DeliveryError(f"No transport for channel kind {message.channel.kind!r}.", transient=False)
    return transport

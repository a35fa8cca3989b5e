"""Outbox transport for SP4N-LAPOR!: one push (follow-up or final status) per message, in order per report."""

from __future__ import annotations

from datetime import datetime

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from channels.models import OutboundMessage, OutboundStatus
from channels.sp4n_lapor.client import FOLLOW_UP, LaporClient, Push
from channels.sp4n_lapor.models import LaporReport
from channels.sp4n_lapor.pushes import PUSH_KINDS
from channels.transports import DeliveryError


class LaporTransport:
    def send(self, message: OutboundMessage) -> str:
        """LAPOR's id for the push. An earlier push of the same report still waiting goes first (a follow-up must
        not arrive after the final status); the idempotency key is the message's, so a retry after a lost answer
        is not posted twice."""
        waiting = OutboundMessage.objects.filter(
            channel_id=message.channel_id, complaint_id=message.complaint_id, kind__in=PUSH_KINDS, pk__lt=message.pk,
            status__in=(OutboundStatus.PENDING, OutboundStatus.SENDING),
        )
        if message.complaint_id is not None and waiting.exists():
            raise DeliveryError("An earlier push for this LAPOR report has not gone yet; this one waits for it.", transient=True)
        push = Push.from_payload(message.payload)
        lapor_id = LaporClient().send(push, idempotency_key=f"treckk-outbox-{message.pk}")
        record_push(push)
        return lapor_id


def record_push(push: Push, at: datetime | None = None) -> None:
    """LAPOR has it (accepted by its API, or posted by the Operator at `at`): what we last told it, and (the first
    time) when its follow-up deadline was met."""
    now = at or timezone.now()
    status = push.kind if push.kind == FOLLOW_UP else f"{push.kind}:{push.result}"
    LaporReport.objects.filter(tracking_id=push.tracking_id).update(
        last_pushed_status=status[:40], last_pushed_at=now, followed_up_at=Coalesce(F("followed_up_at"), now),
    )

"""The transactional outbox: queue a message with the change that causes it; the worker delivers, retries, gives up.

A message is queued in the caller's transaction together with its delivery task (the tasks' database
backend writes the task row in the same transaction), so a rolled-back change sends nothing and a
committed one is never forgotten. Delivery claims the row with a conditional update and a lease, so two
workers never send the same message at once, and a worker killed mid-send leaves a lease that expires and
is picked up again by `recover_stranded`.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from channels.models import OutboundKind, OutboundMessage, OutboundStatus
from channels.transports import DeliveryError, transport_for
from channels.transports.registry import CONFIRMS_ON_SEND

RETRYABLE = (OutboundStatus.PENDING, OutboundStatus.SENDING)


def queue_message(**fields) -> OutboundMessage:
    """Write one outbox row and its delivery task; with a `dedupe_key` already used, the first row is returned."""
    dedupe_key = fields.get("dedupe_key")
    try:
        with transaction.atomic():
            message = OutboundMessage.objects.create(**fields)
    except IntegrityError:
        existing = OutboundMessage.objects.filter(dedupe_key=dedupe_key).first() if dedupe_key else None
        if existing is None:
            raise
        return existing
    _schedule(message.pk)
    return message


def _schedule(message_id: int, run_after=None) -> None:
    from channels.tasks import deliver_outbound

    task = deliver_outbound if run_after is None else deliver_outbound.using(run_after=run_after)
    task.enqueue(message_id)


def backoff(attempts: int) -> timedelta:
    """Exponential, capped, with jitter so a provider coming back is not hit by every message at once."""
    first = settings.TRECKK_OUTBOX_FIRST_RETRY_SECONDS
    seconds = min(first * (2 ** max(attempts - 1, 0)), settings.TRECKK_OUTBOX_MAX_RETRY_SECONDS)
    return timedelta(seconds=seconds * random.uniform(0.9, 1.1))  # noqa: S311 (jitter, not a secret)


def retry_delay(message: OutboundMessage, error: DeliveryError) -> timedelta | None:
    """How long until the next attempt after this failure, or None when the message has had all its attempts.

    Webhooks follow Standard Webhooks' schedule (TRECKK_WEBHOOK_RETRY_SCHEDULE, about three days), with jitter,
    and wait at least what the receiver's Retry-After asked (up to the schedule's longest wait). Messages to
    citizens and providers keep the exponential backoff and TRECKK_OUTBOX_MAX_ATTEMPTS.
    """
    if message.kind != OutboundKind.WEBHOOK:
        return None if message.attempts >= settings.TRECKK_OUTBOX_MAX_ATTEMPTS else backoff(message.attempts)
    schedule = settings.TRECKK_WEBHOOK_RETRY_SCHEDULE
    if message.attempts > len(schedule):
        return None
    jitter = settings.TRECKK_WEBHOOK_RETRY_JITTER
    seconds = schedule[message.attempts - 1] * random.uniform(1 - jitter, 1 + jitter)  # noqa: S311 (jitter, not a secret)
    if error.retry_after:
        seconds = max(seconds, min(error.retry_after, max(schedule)))
    return timedelta(seconds=seconds)


def _claim(message_id: int) -> OutboundMessage | None:
    now = timezone.now()
    due = Q(status=OutboundStatus.PENDING, next_attempt_at__lte=now) | Q(status=OutboundStatus.SENDING, lease_until__lt=now)
    lease = now + timedelta(seconds=settings.TRECKK_OUTBOX_LEASE_SECONDS)
    claimed = OutboundMessage.objects.filter(due, pk=message_id).update(
        status=OutboundStatus.SENDING, lease_until=lease, attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    return OutboundMessage.objects.select_related("channel", "conversation", "complaint").get(pk=message_id)


def deliver(message_id: int) -> str:
    """Try to send one message now. Returns its status afterwards; a message not due or taken is left alone."""
    message = _claim(message_id)
    if message is None:
        return "skipped"
    try:
        provider_id = transport_for(message).send(message)
    except DeliveryError as error:
        return _failed(message, error)
    now = timezone.now()
    confirmed = message.channel.kind in CONFIRMS_ON_SEND and message.kind != OutboundKind.WEBHOOK
    OutboundMessage.objects.filter(pk=message.pk, status=OutboundStatus.SENDING).update(
        status=OutboundStatus.DELIVERED if confirmed else OutboundStatus.SENT, sent_at=now,
        delivered_at=now if confirmed else None, provider_message_id=provider_id or "", last_error="", lease_until=None,
    )
    if confirmed:
        from channels.services import delivery_confirmed

        delivery_confirmed(message)
    return OutboundStatus.DELIVERED if confirmed else OutboundStatus.SENT


def _failed(message: OutboundMessage, error: DeliveryError) -> str:
    now = timezone.now()
    delay = retry_delay(message, error) if error.transient else None
    if delay is None:
        OutboundMessage.objects.filter(pk=message.pk).update(status=OutboundStatus.DEAD, last_error=str(error)[:2000], lease_until=None)
        return OutboundStatus.DEAD
    retry_at = now + delay
    with transaction.atomic():
        OutboundMessage.objects.filter(pk=message.pk).update(
            status=OutboundStatus.PENDING, next_attempt_at=retry_at, last_error=str(error)[:2000], lease_until=None
        )
        _schedule(message.pk, run_after=retry_at)
    return OutboundStatus.PENDING


def retry_now(message: OutboundMessage) -> bool:
    """An Operator's retry of a dead message: a fresh set of attempts, starting now."""
    with transaction.atomic():
        revived = OutboundMessage.objects.filter(pk=message.pk, status=OutboundStatus.DEAD).update(
            status=OutboundStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
        )
        if revived:
            _schedule(message.pk)
    return bool(revived)


def recover_stranded() -> int:
    """Re-schedule what a killed worker left behind: expired leases and due messages whose task is gone."""
    now = timezone.now()
    stranded = OutboundMessage.objects.filter(
        Q(status=OutboundStatus.SENDING, lease_until__lt=now) | Q(status=OutboundStatus.PENDING, next_attempt_at__lte=now)
    ).values_list("pk", flat=True)
    count = 0
    for message_id in stranded.iterator():
        with transaction.atomic():
            _schedule(message_id)
        count += 1
    return count

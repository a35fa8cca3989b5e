"""The outbox: written with the change, delivered by the worker, retried with backoff, dead-lettered, recovered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from standardwebhooks import Webhook

from channels.models import OutboundKind, OutboundMessage, OutboundStatus, WebhookEndpoint
from channels.outbox import deliver, queue_message, recover_stranded, retry_now
from complaints.services.transitions import perform_action
from roles.roles import Role
from tests.channels.integrator import SECRET, submit_as, webhooks

pytestmark = pytest.mark.django_db


def test_submission_queues_one_signed_webhook_without_personal_data(integrator, category, paringin, stand_in):
    complaint = submit_as(integrator, category, paringin)
    message = webhooks().get()
    assert message.status == OutboundStatus.PENDING
    assert DBTaskResult.objects.filter(task_path="channels.tasks.deliver_outbound").count() == 1

    assert deliver(message.pk) == OutboundStatus.SENT
    request = stand_in.requests[-1]
    assert request.path == "/hooks/treckk"
    body = Webhook(SECRET).verify(request.body, request.headers)
    assert body["type"] == "complaint.created"
    # The status part of the channel view (channels/complaint_view.py), in the reporter's words.
    assert body["data"] == {
        "code": complaint.code, "external_ref": "mitra-1", "status": "submitted", "status_label": "Aduan diterima",
        "step": 1, "outcome": "", "outcome_label": "", "result": "", "referred_to": "", "answer": "", "closed_at": None,
    }
    assert b"Siti" not in request.body and b"0812" not in request.body
    message.refresh_from_db()
    assert (message.status, message.provider_message_id) == (OutboundStatus.SENT, f"msg_{message.pk}")


def test_every_change_of_status_sends_a_status_event(integrator, category, paringin, users, stand_in):
    complaint = submit_as(integrator, category, paringin)
    perform_action(user=users[Role.OPERATOR], complaint_id=complaint.pk, action="accept", data={})
    events = [m.payload for m in webhooks()]
    assert [(e["type"], e["data"]["status"]) for e in events] == [
        ("complaint.created", "submitted"), ("complaint.status_changed", "screening"),
    ]
    assert all("action" not in e["data"] for e in events)  # which workflow action moved it is internal


def test_rolled_back_change_sends_nothing(integrator, category, paringin):
    with pytest.raises(RuntimeError), transaction.atomic():
        submit_as(integrator, category, paringin)
        raise RuntimeError("the request failed after the write")
    assert not OutboundMessage.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_provider_down_then_back_delivers_exactly_once(integrator, category, paringin, stand_in):
    submit_as(integrator, category, paringin)
    message = webhooks().get()
    stand_in.answer_next(503, 503)
    before = timezone.now()
    assert deliver(message.pk) == OutboundStatus.PENDING
    message.refresh_from_db()
    assert message.attempts == 1 and "503" in message.last_error
    # Webhooks wait as Standard Webhooks suggests (5 s, then 5 min, ...: tests/channels/test_standard_webhooks.py).
    assert before + timedelta(seconds=4.5) <= message.next_attempt_at <= timezone.now() + timedelta(seconds=5.5)
    # Not due yet: a second delivery attempt now does nothing.
    assert deliver(message.pk) == "skipped"
    # Due: still down, so the next wait on the schedule.
    OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    before = timezone.now()
    assert deliver(message.pk) == OutboundStatus.PENDING
    message.refresh_from_db()
    assert before + timedelta(seconds=270) <= message.next_attempt_at <= timezone.now() + timedelta(seconds=330)
    # Back up.
    OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert deliver(message.pk) == OutboundStatus.SENT
    assert deliver(message.pk) == "skipped"
    assert [r.path for r in stand_in.requests] == ["/hooks/treckk"] * 3
    assert len({r.headers["webhook-id"] for r in stand_in.requests}) == 1  # the same id on every retry


def test_a_failed_last_attempt_goes_to_dead_letters_and_an_operator_can_retry_it(integrator, category, paringin, stand_in,
                                                                                 settings):
    submit_as(integrator, category, paringin)
    message = webhooks().get()
    # Every attempt but the last has failed already.
    OutboundMessage.objects.filter(pk=message.pk).update(attempts=len(settings.TRECKK_WEBHOOK_RETRY_SCHEDULE))
    stand_in.answer_next(400)
    assert deliver(message.pk) == OutboundStatus.DEAD
    message.refresh_from_db()
    assert message.status == OutboundStatus.DEAD and "400" in message.last_error
    assert retry_now(message) is True
    assert retry_now(message) is False  # already revived
    assert deliver(message.pk) == OutboundStatus.SENT


def test_gives_up_after_the_maximum_attempts(integrator, category, paringin, stand_in, settings):
    settings.TRECKK_WEBHOOK_RETRY_SCHEDULE = (1, 1)  # three attempts for a webhook
    submit_as(integrator, category, paringin)
    message = webhooks().get()
    stand_in.status = 502
    for _ in range(3):
        OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        result = deliver(message.pk)
    assert result == OutboundStatus.DEAD
    assert OutboundMessage.objects.get(pk=message.pk).attempts == 3


def test_unreachable_provider_is_a_transient_failure(integrator, category, paringin):
    WebhookEndpoint.objects.filter(channel=integrator).update(url="http://127.0.0.1:9/closed-port")
    submit_as(integrator, category, paringin)
    assert deliver(webhooks().get().pk) == OutboundStatus.PENDING


# The worker closes its database connection when it stops, which a test inside one transaction cannot survive.
WORKER_DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@WORKER_DB
def test_a_worker_killed_mid_send_leaves_nothing_lost(integrator, category, paringin, stand_in):
    submit_as(integrator, category, paringin)
    message = webhooks().get()
    # The killed worker had claimed it (lease) and its task row says running: nobody will finish it.
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=OutboundStatus.SENDING, attempts=1, lease_until=timezone.now() - timedelta(seconds=1)
    )
    DBTaskResult.objects.all().update(status="RUNNING")
    assert recover_stranded() == 1
    call_command("run_worker", batch=True)
    message.refresh_from_db()
    assert message.status == OutboundStatus.SENT
    assert len(stand_in.requests) == 1


def test_a_live_lease_is_not_taken_by_a_second_worker(integrator, category, paringin, stand_in):
    submit_as(integrator, category, paringin)
    message = webhooks().get()
    OutboundMessage.objects.filter(pk=message.pk).update(status=OutboundStatus.SENDING, lease_until=timezone.now() + timedelta(minutes=1))
    assert deliver(message.pk) == "skipped"
    assert recover_stranded() == 0
    assert stand_in.requests == []


@WORKER_DB
def test_worker_command_delivers_what_is_due(integrator, category, paringin, stand_in):
    submit_as(integrator, category, paringin)
    call_command("run_worker", batch=True)
    assert webhooks().get().status == OutboundStatus.SENT
    assert len(stand_in.requests) == 1


def test_dedupe_key_queues_a_message_once(integrator):
    first = queue_message(channel=integrator, kind=OutboundKind.STATUS, recipient="x", body="a", dedupe_key="k1")
    second = queue_message(channel=integrator, kind=OutboundKind.STATUS, recipient="x", body="b", dedupe_key="k1")
    assert first.pk == second.pk and OutboundMessage.objects.count() == 1


def test_channel_without_webhook_gets_no_events(category, paringin, channel):
    submit_as(channel, category, paringin)
    assert not OutboundMessage.objects.exists()

"""Standard Webhooks to the letter (spec/standard-webhooks.md, "Deliverability and reliability", "Delivery success
and failure", "Webhook headers"): only a 2xx is a delivery (a redirect is a failure, never followed), 410 Gone
disables the endpoint, retries follow the spec's example schedule over three days and then dead-letter, and a
rotated secret keeps signing beside the new one for a grace period. Signatures are checked with the
`standardwebhooks` package, the way an integrator checks them, never with our own code.

Time is an injected clock (`clock`): nothing here waits on the wall clock.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from standardwebhooks import Webhook, WebhookVerificationError

from channels.models import OutboundKind, OutboundMessage, OutboundStatus, WebhookEndpoint
from channels.outbox import deliver, retry_delay
from channels.transports import DeliveryError
from channels.webhooks import rotate_secret
from complaints.services.transitions import perform_action
from roles.roles import Role
from tests.channels.integrator import SECRET, submit_as, webhooks

pytestmark = pytest.mark.django_db

# The spec's suggested schedule: the wait after each failed attempt, in seconds (5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
# 14 h, 20 h, 24 h), the default of settings.TRECKK_WEBHOOK_RETRY_SCHEDULE.
SPEC_SCHEDULE = [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]
_real_now = timezone.now


class Clock:
    """timezone.now, moved by hand. It starts an hour ahead: rows stamped by a model default (the real clock, bound
    at import) are then already due."""

    def __init__(self) -> None:
        self.now = _real_now() + timedelta(hours=1)

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(timezone, "now", clock)
    return clock


# --- 3xx: a failure, not a delivery ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_a_failure_and_is_not_followed(integrator, category, paringin, stand_in, status):
    submit_as(integrator, category, paringin)
    message = webhooks().get()
    stand_in.headers = {"location": f"{stand_in.url}/moved-here"}
    stand_in.answer_next(status)

    assert deliver(message.pk) == OutboundStatus.PENDING
    message.refresh_from_db()
    assert message.sent_at is None and message.attempts == 1
    assert f"HTTP {status}" in message.last_error and "/moved-here" in message.last_error
    assert [r.path for r in stand_in.requests] == ["/hooks/treckk"]  # the Location was not followed


# --- 410 Gone: the endpoint is disabled --------------------------------------------------------------------------------


def test_410_gone_disables_the_endpoint_and_nothing_more_is_sent(integrator, category, paringin, users, stand_in):
    complaint = submit_as(integrator, category, paringin)
    perform_action(user=users[Role.OPERATOR], complaint_id=complaint.pk, action="accept", data={})
    first, second = webhooks()
    stand_in.answer_next(410)

    assert deliver(first.pk) == OutboundStatus.DEAD  # not retried
    endpoint = WebhookEndpoint.objects.get(channel=integrator)
    assert endpoint.is_active is False and endpoint.disabled_at is not None
    assert "410" in endpoint.disabled_reason
    first.refresh_from_db()
    assert "410" in first.last_error
    # The event queued before the 410 is not sent either, and no new event is queued for the endpoint.
    assert deliver(second.pk) in (OutboundStatus.DEAD, "skipped")
    assert OutboundMessage.objects.get(pk=second.pk).status == OutboundStatus.DEAD
    perform_action(user=users[Role.OPERATOR], complaint_id=complaint.pk, action="forward", data={})
    assert webhooks().count() == 2
    assert len(stand_in.requests) == 1


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("root", password="x"))
    return client


def test_admin_shows_a_disabled_endpoint_with_its_reason_and_reenables_it(integrator, category, paringin, stand_in, admin_client):
    submit_as(integrator, category, paringin)
    stand_in.answer_next(410)
    deliver(webhooks().get().pk)
    endpoint = WebhookEndpoint.objects.get()

    listing = admin_client.get("/admin/channels/webhookendpoint/").content.decode()
    assert endpoint.disabled_reason in listing
    assert "410" in listing
    filtered = admin_client.get("/admin/channels/webhookendpoint/?is_active__exact=0").content.decode()
    assert endpoint.url in filtered
    assert endpoint.url not in admin_client.get("/admin/channels/webhookendpoint/?is_active__exact=1").content.decode()

    admin_client.post("/admin/channels/webhookendpoint/", {"action": "reactivate", "_selected_action": [endpoint.pk]})
    endpoint.refresh_from_db()
    assert endpoint.is_active is True and endpoint.disabled_at is None and endpoint.disabled_reason == ""


def test_the_operators_failed_messages_page_says_the_endpoint_was_disabled(integrator, category, paringin, stand_in, users,
                                                                          client):
    submit_as(integrator, category, paringin)
    stand_in.answer_next(410)
    message = webhooks().get()
    deliver(message.pk)
    client.force_login(users[Role.OPERATOR])
    page = client.get("/outbox/?tab=dead").content.decode()
    row = page[page.index(f'id="outbound-{message.pk}"'):]
    row = row[:row.index("</tr>")]
    assert "Endpoint webhook dinonaktifkan" in row and "410" in row
    assert "/retry/" not in row  # retrying would only fail again until an administrator re-enables it


# --- the retry schedule ------------------------------------------------------------------------------------------------


def test_retries_follow_the_spec_schedule_over_three_days_then_dead_letter(integrator, category, paringin, stand_in, clock,
                                                                            settings):
    settings.TRECKK_WEBHOOK_RETRY_JITTER = 0
    submit_as(integrator, category, paringin)
    message = webhooks().get()
    stand_in.status = 503
    waits = []
    for _ in range(len(SPEC_SCHEDULE)):
        assert deliver(message.pk) == OutboundStatus.PENDING
        message.refresh_from_db()
        waits.append((message.next_attempt_at - clock.now).total_seconds())
        clock.now = message.next_attempt_at - timedelta(seconds=1)
        assert deliver(message.pk) == "skipped"  # not due a second early
        clock.now = message.next_attempt_at
    # The delivery task waits for the same moment.
    task = DBTaskResult.objects.filter(task_path="channels.tasks.deliver_outbound").order_by("-enqueued_at").first()
    assert task.run_after == message.next_attempt_at

    assert waits == SPEC_SCHEDULE
    assert deliver(message.pk) == OutboundStatus.DEAD  # the tenth attempt was the last
    message.refresh_from_db()
    assert message.attempts == 10 and len(stand_in.requests) == 10
    assert len({r.headers["webhook-id"] for r in stand_in.requests}) == 1  # one id on every attempt


def test_every_failure_but_410_is_retried_on_the_schedule(integrator, category, paringin, stand_in):
    submit_as(integrator, category, paringin)
    message = webhooks().get()
    stand_in.answer_next(400)
    assert deliver(message.pk) == OutboundStatus.PENDING
    assert "HTTP 400" in OutboundMessage.objects.get(pk=message.pk).last_error


def test_retry_waits_have_jitter_within_a_tenth(integrator, category, paringin, stand_in, clock):
    submit_as(integrator, category, paringin)
    message = webhooks().get()
    stand_in.answer_next(503)
    deliver(message.pk)
    message.refresh_from_db()
    assert 4.5 <= (message.next_attempt_at - clock.now).total_seconds() <= 5.5


def test_retry_after_from_the_receiver_is_honoured(integrator, category, paringin, stand_in, clock, settings):
    settings.TRECKK_WEBHOOK_RETRY_JITTER = 0
    submit_as(integrator, category, paringin)
    message = webhooks().get()
    stand_in.headers = {"retry-after": "120"}
    stand_in.answer_next(429)
    deliver(message.pk)
    message.refresh_from_db()
    assert (message.next_attempt_at - clock.now).total_seconds() == 120


def test_other_outbound_kinds_keep_their_own_backoff(settings):
    settings.TRECKK_OUTBOX_FIRST_RETRY_SECONDS = 30
    reply = OutboundMessage(kind=OutboundKind.REPLY, attempts=1)
    assert 27 <= retry_delay(reply, DeliveryError("HTTP 503", transient=True)).total_seconds() <= 33
    reply.attempts = settings.TRECKK_OUTBOX_MAX_ATTEMPTS
    assert retry_delay(reply, DeliveryError("HTTP 503", transient=True)) is None


# --- secret rotation -----------------------------------------------------------------------------------------------------


def test_rotation_signs_with_both_secrets_for_the_grace_period_then_only_the_new(
    integrator, category, paringin, users, stand_in, clock, settings
):
    settings.TRECKK_WEBHOOK_SECRET_GRACE_HOURS = 24
    endpoint = WebhookEndpoint.objects.get(channel=integrator)
    new_secret = rotate_secret(endpoint)
    assert new_secret.startswith("whsec_") and new_secret != SECRET

    complaint = submit_as(integrator, category, paringin)
    deliver(webhooks().get().pk)
    during = stand_in.requests[-1]
    signatures = during.headers["webhook-signature"].split(" ")
    assert len(signatures) == 2 and all(s.startswith("v1,") for s in signatures)
    # An integrator who has not switched yet and one who has both accept the delivery.
    assert Webhook(SECRET).verify(during.body, during.headers)["type"] == "complaint.created"
    assert Webhook(new_secret).verify(during.body, during.headers)["type"] == "complaint.created"

    clock.now += timedelta(hours=24, seconds=1)
    perform_action(user=users[Role.OPERATOR], complaint_id=complaint.pk, action="accept", data={})
    deliver(webhooks().last().pk)
    after = stand_in.requests[-1]
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    assert Webhook(new_secret).verify(after.body, after.headers)["type"] == "complaint.status_changed"
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(after.body, after.headers)


# --- several endpoints, each with its event filter -------------------------------------------------------------------------


def test_each_endpoint_gets_the_events_it_asked_for(integrator, category, paringin, users, stand_in):
    WebhookEndpoint.objects.create(channel=integrator, url=f"{stand_in.url}/crm", secret=SECRET, event_types=["complaint.created"])
    complaint = submit_as(integrator, category, paringin)
    perform_action(user=users[Role.OPERATOR], complaint_id=complaint.pk, action="accept", data={})
    sent = sorted((m.endpoint.url.rsplit("/", 1)[1], m.payload["type"]) for m in webhooks().select_related("endpoint"))
    assert sent == [("crm", "complaint.created"), ("treckk", "complaint.created"), ("treckk", "complaint.status_changed")]
    for message in webhooks():
        deliver(message.pk)
    assert sorted(r.path for r in stand_in.requests) == ["/crm", "/hooks/treckk", "/hooks/treckk"]

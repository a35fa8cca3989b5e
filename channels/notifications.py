"""Messages a complaint's changes cause: to the reporter over their messaging channel, to integrators by webhook.

The receivers run inside the transaction that changed the complaint, so the outbox rows commit or roll
back with it.
"""

from __future__ import annotations

from django.dispatch import receiver
from django.utils import timezone, translation

from api.serializers import ChannelStatusSerializer
from channels import texts
from channels.complaint_view import complaint_channel_view
from channels.models import Conversation, OutboundKind
from channels.outbox import queue_message
from channels.sp4n_lapor import pushes as _lapor_pushes  # noqa: F401  (connects the push-back to SP4N-LAPOR!)
from channels.webhooks import endpoints_for, queue_event
from complaints.models import ChannelKind, Complaint
from complaints.signals import complaint_submitted, complaint_transitioned
from complaints.workflow import Outcome, ReporterNotice, Status, find_transition

# Channels where we write to the citizen ourselves; others (API, web, LAPOR) get webhooks and relay.
MESSAGING_KINDS = (ChannelKind.WHATSAPP, ChannelKind.TELEGRAM)

# The words and the outbox kind of each notice the workflow table names (Transition.notice).
NOTICE_MESSAGES = {
    ReporterNotice.RETURNED: (OutboundKind.RETURNED, texts.returned),
    ReporterNotice.ANSWERED: (OutboundKind.OUTCOME, texts.answered),
    ReporterNotice.OUTCOME: (OutboundKind.OUTCOME, texts.outcome),
    ReporterNotice.MERGED: (OutboundKind.RETURNED, texts.merged),
}
assert set(NOTICE_MESSAGES) == set(ReporterNotice), "a notice of the workflow table without its words"


def reporter_conversations(complaint: Complaint):
    return Conversation.objects.filter(complaints=complaint, channel__kind__in=MESSAGING_KINDS, channel__is_active=True)


def message_reporter(complaint: Complaint, kind: str, body: str, *, user=None) -> None:
    """Queue `body` to every conversation the complaint came from; once per complaint, kind and conversation."""
    for conversation in reporter_conversations(complaint).select_related("channel"):
        queue_message(
            channel=conversation.channel, conversation=conversation, complaint=complaint, kind=kind,
            recipient=conversation.sender_id, body=body, dedupe_key=f"{kind}:{complaint.pk}:{conversation.pk}",
            created_by=user if getattr(user, "pk", None) else None,
        )


def status_event(complaint: Complaint, event_type: str, action: str = "") -> dict:
    """The webhook body: the status part of the channel's own view of the complaint (channels/complaint_view.py,
    api.serializers.ChannelStatusSerializer), in the reporter's language. Never the reporter, notes, staff, teams, or
    which workflow action moved it (`action` is the caller's, not sent)."""
    with translation.override(texts.REPORTER_LANGUAGE):
        data = ChannelStatusSerializer(complaint_channel_view(complaint)).data
    return {"type": event_type, "timestamp": timezone.now().isoformat(), "data": dict(data)}


def notify_integrator(complaint: Complaint, event_type: str, action: str = "") -> None:
    """One signed webhook per endpoint of the complaint's channel that takes this event (Standard Webhooks fan-out)."""
    if complaint.channel_id is None:
        return
    endpoints = endpoints_for(complaint.channel_id, event_type)
    if not endpoints:
        return
    payload = status_event(complaint, event_type, action)
    for endpoint in endpoints:
        queue_event(
            endpoint, payload, complaint=complaint,
            dedupe_key=f"webhook:{complaint.pk}:{complaint.version}:{event_type}:{endpoint.pk}",
        )


@receiver(complaint_submitted, dispatch_uid="channels-submitted")
def on_submitted(sender, complaint: Complaint, user, **kwargs) -> None:
    notify_integrator(complaint, "complaint.created")


@receiver(complaint_transitioned, dispatch_uid="channels-transitioned")
def on_transitioned(sender, complaint: Complaint, action: str, from_status: str, user, **kwargs) -> None:
    rule = find_transition(action, from_status)
    if rule is not None and rule.notice is not None:
        kind, text = NOTICE_MESSAGES[rule.notice]
        message_reporter(complaint, kind, text(complaint), user=user)
    if complaint.status == Status.CLOSED and complaint.outcome != Outcome.DUPLICATE:
        # The reporters of its duplicates learn how the incident they reported ended.
        for duplicate in complaint.duplicates.all():
            message_reporter(duplicate, OutboundKind.OUTCOME, texts.duplicate_outcome(duplicate, complaint), user=user)
            notify_integrator(duplicate, "complaint.main_case_closed", action)
    if complaint.status != from_status:
        # Recording without moving on (assignments, arrivals, notes, files) changes nothing the channel may read.
        notify_integrator(complaint, "complaint.status_changed", action)

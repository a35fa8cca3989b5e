"""What a channel reads of its own complaints: the channel view (DESIGN.md section 3, last row, and section 4).

THE CHANNEL VIEW. `ChannelComplaint` below is everything a channel's API key learns about a complaint, on every
endpoint it reaches: the API's list, detail, intake answer, timeline and attachments, Open311's requests, and the
webhooks it is sent. Each of them renders this and nothing else:

- what the reporter may be told: the public tracking fields (`public.selectors.PublicTracking`, the citizens' allowed
  set, reused as it is, timeline included) and the messages sent to the reporter through this channel;
- what the channel sent itself: its reference, the category, kecamatan, desa, description, address, coordinates and
  time of the incident, the reporter fields it sent (`roles.masking`: none once the reporter is confidential or
  anonymous), and the reporter's evidence that came in through a channel (`roles.policy.attachment_condition`).

Never: the draft report, field findings and actions, notes, the event log's actors, roles and payloads, staff
names, teams, deadlines, versions, field photos or files staff added, or what staff recorded about the reporter.
Whether a principal reads a case this way is roles.policy.sees_case_internals.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from channels.models import OutboundKind, OutboundMessage
from complaints.models import Attachment, Complaint, ComplaintEvent
from public.selectors import PUBLIC_STEPS_ATTR, PublicTracking, public_steps_prefetch, tracking
from roles.masking import SUBMIT_EVENTS_ATTR, ReporterView, reporter_view
from roles.policy import attachment_condition, visible_complaints
from roles.principals import ChannelPrincipal

# What was written to the reporter: receipts, outcomes, returns, status answers, the Operator's replies, LAPOR's
# follow-ups. Not webhooks (the channel's own machinery) nor staff alerts.
REPORTER_MESSAGE_KINDS = (
    OutboundKind.RECEIPT, OutboundKind.RETURNED, OutboundKind.OUTCOME, OutboundKind.STATUS, OutboundKind.REPLY,
    OutboundKind.FOLLOW_UP,
)
ATTACHMENTS_ATTR = "channel_attachments"
MESSAGES_ATTR = "reporter_messages"
RELATIONS = ("category", "district", "village", "reporter", "field_report", "duplicate_of", "feedback")


@dataclass(frozen=True)
class ReporterMessage:
    kind: str
    text: str
    at: datetime


@dataclass(frozen=True)
class ChannelSubmission:
    """What the channel sent (as stored: nobody edits a complaint's description or location after intake)."""

    category: str  # slug
    district: str  # slug
    village: str | None  # name
    description: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    incident_at: datetime | None
    reporter: ReporterView


@dataclass(frozen=True)
class ChannelComplaint(PublicTracking):
    """The channel view (see the module docstring). Adding a field here shows it to every channel: think twice."""

    external_ref: str
    channel_kind: str
    submitted: ChannelSubmission
    attachments: tuple[Attachment, ...]
    messages: tuple[ReporterMessage, ...]


def _messages_of(principal: ChannelPrincipal) -> QuerySet[OutboundMessage]:
    return OutboundMessage.objects.filter(channel_id=principal.channel.pk, kind__in=REPORTER_MESSAGE_KINDS).order_by(
        "created_at", "id"
    )


def channel_complaints(principal: ChannelPrincipal) -> QuerySet[Complaint]:
    """The channel's own complaints with everything the view reads: a page of them in a fixed number of queries."""
    submit_events = ComplaintEvent.objects.filter(action="submit").order_by("id")
    return (
        visible_complaints(principal)
        .select_related(*RELATIONS)
        .prefetch_related(
            public_steps_prefetch(),
            Prefetch("events", queryset=submit_events, to_attr=SUBMIT_EVENTS_ATTR),
            Prefetch("attachments", queryset=Attachment.objects.filter(attachment_condition(principal)), to_attr=ATTACHMENTS_ATTR),
            Prefetch("outbound_messages", queryset=_messages_of(principal), to_attr=MESSAGES_ATTR),
        )
    )


def channel_complaint(principal: ChannelPrincipal, code: str) -> Complaint:
    """Raises Complaint.DoesNotExist for a code that is not the channel's own: no hint that it exists."""
    return channel_complaints(principal).get(code=code)


def just_submitted(complaint: Complaint) -> Complaint:
    """A complaint the API intake has just written (api.views._just_created), primed so that its channel view costs
    one query: its events are the intake's own, and it has no file, message or rating yet."""
    events = list(ComplaintEvent.objects.filter(complaint=complaint).order_by("created_at", "id"))
    setattr(complaint, PUBLIC_STEPS_ATTR, [event for event in events if event.from_status != event.to_status])
    setattr(complaint, SUBMIT_EVENTS_ATTR, [event for event in events if event.action == "submit"])
    setattr(complaint, ATTACHMENTS_ATTR, [])
    setattr(complaint, MESSAGES_ATTR, [])
    complaint._state.fields_cache["feedback"] = None  # the reverse one-to-one, known absent
    return complaint


def channel_view(principal: ChannelPrincipal, complaint: Complaint) -> ChannelComplaint:
    """The channel view of one of its complaints; reads what channel_complaints() prefetched, or asks."""
    public = tracking(complaint)
    attachments = getattr(complaint, ATTACHMENTS_ATTR, None)
    if attachments is None:
        attachments = complaint.attachments.filter(attachment_condition(principal)).order_by("created_at", "id")
    messages = getattr(complaint, MESSAGES_ATTR, None)
    if messages is None:
        messages = _messages_of(principal).filter(complaint=complaint)
    village = complaint.village
    return ChannelComplaint(
        **{field.name: getattr(public, field.name) for field in fields(PublicTracking)},
        external_ref=complaint.external_ref,
        channel_kind=complaint.channel_kind,
        submitted=ChannelSubmission(
            category=complaint.category.slug, district=complaint.district.slug,
            village=None if village is None else village.name, description=complaint.description,
            address=complaint.address, latitude=complaint.latitude, longitude=complaint.longitude,
            incident_at=complaint.incident_at, reporter=reporter_view(principal, complaint),
        ),
        attachments=tuple(attachments),
        messages=tuple(ReporterMessage(m.kind, m.body, m.created_at) for m in messages),
    )


def complaint_channel_view(complaint: Complaint) -> ChannelComplaint | None:
    """The view the complaint's own channel has of it (for what is sent to that channel); None without a channel."""
    if complaint.channel_id is None:
        return None
    return channel_view(ChannelPrincipal(complaint.channel), complaint)

"""Step spans (complaints.models.StepSpan): the one rule that turns an event history into step durations, applied
when a step ends (`record_step_left`), to a whole history (`rebuild_step_spans`) and by the volume generator.

A step is entered by the event whose to_status is that status and left by the next *moving* event, whose from_status
is that status and whose to_status differs. Events that stay in a status (assigning a team, noting arrival, an
endorsement, the SLA sweep's note) neither begin nor end a step.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from django.db import transaction
from django.db.models import F, Q

from complaints.models import Complaint, ComplaintEvent, ComplaintKind
from complaints.models.step_span import StepSpan
from complaints.workflow import STEP_OF

# Whole minutes below EXACT_MINUTES, then buckets 1% wide: a percentile read from the histogram is exact to the minute
# for short steps and within 1% for long ones, and a year of any step's durations fits in under a thousand buckets.
EXACT_MINUTES = 100
LOG_STEP = math.log(1.01)

MOVING = Q(from_status="") | ~Q(from_status=F("to_status"))
REBUILD_CHUNK = 2_000  # complaints per transaction in a rebuild


class TimelineEvent(NamedTuple):
    event_id: int
    from_status: str
    to_status: str
    at: datetime


class Span(NamedTuple):
    left_by: int
    status: str
    entered_at: datetime
    left_at: datetime


def bucket_of(seconds: float) -> int:
    minutes = max(seconds, 0.0) / 60
    if minutes < EXACT_MINUTES:
        return int(minutes)
    return EXACT_MINUTES + int(math.log(minutes / EXACT_MINUTES) / LOG_STEP)


def spans_of(timeline: Iterable[TimelineEvent]) -> Iterator[Span]:
    """The steps left along one complaint's events, given in time order (non-moving events may be included)."""
    current: tuple[str, datetime] | None = None  # (status, entered at)
    for event in timeline:
        if event.from_status and event.from_status == event.to_status:
            continue
        if current is not None and current[0] == event.from_status and event.from_status in STEP_OF:
            yield Span(event.event_id, event.from_status, current[1], event.at)
        current = (event.to_status, event.at)


def span_row(complaint: Complaint, span: Span, model: type[StepSpan] = StepSpan) -> StepSpan:
    seconds = (span.left_at - span.entered_at) / timedelta(seconds=1)
    return model(
        left_by_id=span.left_by, complaint_id=complaint.pk, status=span.status, program=complaint.program,
        is_information=complaint.kind == ComplaintKind.INFORMATION, district_id=complaint.district_id,
        category_id=complaint.category_id, channel_kind=complaint.channel_kind, entered_at=span.entered_at,
        left_at=span.left_at, seconds=seconds, bucket=bucket_of(seconds),
    )


def _timeline(events: Iterable[ComplaintEvent]) -> list[TimelineEvent]:
    return [TimelineEvent(e.pk, e.from_status, e.to_status, e.created_at) for e in events]


def record_step_left(complaint: Complaint, event: ComplaintEvent) -> StepSpan | None:
    """Called for every new event, inside its transaction: when it ends a step, store that step's span.

    One indexed query (the complaint's previous moving event) and one insert, only for events that move.
    """
    if not event.from_status or event.from_status == event.to_status or event.from_status not in STEP_OF:
        return None
    previous = (
        ComplaintEvent.objects.filter(MOVING, complaint_id=complaint.pk).exclude(pk=event.pk)
        .order_by("-created_at", "-id").first()
    )
    if previous is None:
        return None
    spans = list(spans_of(_timeline([previous, event])))
    if not spans:
        return None
    row = span_row(complaint, spans[-1])
    row.save(force_insert=True)
    return row


def rebuild_step_spans(complaint_ids: Sequence[int] | None = None, *, apps=None) -> int:
    """Derive the spans again from the events: of these complaints, or of all. For maintenance (a backfill, a test that
    fabricated history); returns how many spans were written. `apps`: a migration's historical models."""
    complaint_model = apps.get_model("complaints", "Complaint") if apps else Complaint
    event_model = apps.get_model("complaints", "ComplaintEvent") if apps else ComplaintEvent
    span_model = apps.get_model("complaints", "StepSpan") if apps else StepSpan
    complaints = complaint_model.objects.order_by("pk").only("pk", "program", "kind", "district_id", "category_id", "channel_kind")
    if complaint_ids is not None:
        complaints = complaints.filter(pk__in=list(complaint_ids))
    written = 0
    last = 0
    while True:
        chunk = list(complaints.filter(pk__gt=last)[:REBUILD_CHUNK])
        if not chunk:
            return written
        last = chunk[-1].pk
        by_id = {c.pk: c for c in chunk}
        events = (
            event_model.objects.filter(MOVING, complaint_id__in=by_id)
            .order_by("complaint_id", "created_at", "id").only("pk", "complaint_id", "from_status", "to_status", "created_at")
        )
        rows: list[StepSpan] = []
        timeline: list[TimelineEvent] = []
        owner: int | None = None
        for event in [*events, None]:
            if event is None or event.complaint_id != owner:
                if owner is not None:
                    rows.extend(span_row(by_id[owner], span, span_model) for span in spans_of(timeline))
                if event is None:
                    break
                owner, timeline = event.complaint_id, []
            timeline.append(TimelineEvent(event.pk, event.from_status, event.to_status, event.created_at))
        with transaction.atomic():
            span_model.objects.filter(complaint_id__in=by_id).delete()
            span_model.objects.bulk_create(rows, batch_size=1_000)
        written += len(rows)

"""Step spans (complaints.models.StepSpan): the one rule that turns an event history into step durations, applied
when a step ends (`record_step_left`), to a whole history (`rebuild_step_spans`) and by the volume generator; and
their daily roll-up (`roll_up_step_days`, run by the worker after each SLA sweep) that a year's dashboard reads.

A step is entered by the event whose to_status is that status and left by the next *moving* event, whose from_status
is that status and whose to_status differs. Events that stay in a status (assigning a team, noting arrival, an
endorsement, the SLA sweep's note) neither begin nor end a step.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from complaints.models import Complaint, ComplaintEvent, ComplaintKind, SlaPolicy
from complaints.models.step_span import StepDay, StepDayBucket, StepSpan
from complaints.sla import step_window
from complaints.workflow import SOP_TIME_LIMITS, STEP_OF

# Whole minutes below EXACT_MINUTES, then buckets 1% wide: a percentile read from the histogram is exact to the minute
# for short steps and within 1% for long ones, and a year of any step's durations fits in under a thousand buckets.
EXACT_MINUTES = 100
LOG_STEP = math.log(1.01)

MOVING = Q(from_status="") | ~Q(from_status=F("to_status"))
REBUILD_CHUNK = 2_000  # complaints per transaction in a rebuild
ROLL_UP_DAYS = 31  # days per roll-up transaction: a first roll-up of years of history goes a month at a time


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


def limits_in_force(policy_model: type[SlaPolicy] = SlaPolicy) -> dict[tuple[str, str], timedelta]:
    """Each (status, program)'s time limit in one query: the policy table, with the SOP's times as fallback.

    The same answer as `complaints.sla.step_window(status, program)[1]`, without a query per step.
    """
    limits = {(str(status), str(program)): window[1] for (status, program), window in SOP_TIME_LIMITS.items()}
    for status, program, limit in policy_model.objects.values_list("status", "program", "limit"):
        limits[(status, program)] = limit
    return limits


def span_row(complaint: Complaint, span: Span, limit: timedelta, model: type[StepSpan] = StepSpan) -> StepSpan:
    seconds = (span.left_at - span.entered_at) / timedelta(seconds=1)
    return model(
        left_by_id=span.left_by, complaint_id=complaint.pk, status=span.status, program=complaint.program,
        is_information=complaint.kind == ComplaintKind.INFORMATION, district_id=complaint.district_id,
        category_id=complaint.category_id, channel_kind=complaint.channel_kind, entered_at=span.entered_at,
        left_at=span.left_at, seconds=seconds, bucket=bucket_of(seconds), within=seconds <= limit.total_seconds(),
    )


def _timeline(events: Iterable[ComplaintEvent]) -> list[TimelineEvent]:
    return [TimelineEvent(e.pk, e.from_status, e.to_status, e.created_at) for e in events]


def record_step_left(complaint: Complaint, event: ComplaintEvent) -> StepSpan | None:
    """Called for every new event, inside its transaction: when it ends a step, store that step's span.

    Two indexed queries (the complaint's previous moving event, the step's policy) and one insert, only for events
    that end a step.
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
    span = spans[-1]
    row = span_row(complaint, span, step_window(span.status, complaint.program)[1])
    row.save(force_insert=True)
    return row


def rebuild_step_spans(complaint_ids: Sequence[int] | None = None, *, apps=None) -> int:
    """Derive the spans again from the events: of these complaints, or of all. For maintenance (a backfill, a test that
    fabricated history); returns how many spans were written. `apps`: a migration's historical models."""
    limits = limits_in_force(apps.get_model("complaints", "SlaPolicy") if apps else SlaPolicy)
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
                    complaint = by_id[owner]
                    rows.extend(
                        span_row(complaint, span, limits[(span.status, complaint.program)], span_model)
                        for span in spans_of(timeline)
                    )
                if event is None:
                    break
                owner, timeline = event.complaint_id, []
            timeline.append(TimelineEvent(event.pk, event.from_status, event.to_status, event.created_at))
        with transaction.atomic():
            old = span_model.objects.filter(complaint_id__in=by_id)
            touched = {timezone.localdate(at) for at in old.values_list("left_at", flat=True)}
            touched |= {timezone.localdate(row.left_at) for row in rows}
            old.delete()
            span_model.objects.bulk_create(rows, batch_size=1_000)
            if apps is None:  # a migration's backfill runs before any roll-up exists
                forget_step_days(touched)
        written += len(rows)


def forget_step_days(days: Iterable[date]) -> None:
    """Drop the roll-up of these days (their spans changed); the dashboard reads their spans until the next roll-up."""
    StepDay.objects.filter(day__in=list(days)).delete()


def roll_up_step_days(today: date | None = None) -> int:
    """Sum up the spans of every finished local day without a roll-up yet, from the first span's day to yesterday.

    Idempotent and cheap when there is nothing to do (two queries). Returns how many days this call rolled up.
    """
    today = today or timezone.localdate()
    bounds = StepSpan.objects.aggregate(first=Min("left_at"), last=Max("left_at"))
    if bounds["first"] is None:
        return 0
    first, last = timezone.localdate(bounds["first"]), min(timezone.localdate(bounds["last"]), today - timedelta(days=1))
    done = set(StepDay.objects.filter(day__gte=first, day__lte=last).values_list("day", flat=True))
    missing = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    missing = [day for day in missing if day not in done]
    rolled = 0
    for start, end in day_ranges(missing, longest=ROLL_UP_DAYS):
        try:
            _roll_up(start, end)
        except IntegrityError:
            continue  # another worker rolled up some of these days first, with the same rows; nothing was written here
        rolled += (end - start).days + 1
    return rolled


# The roll-up's SELECT aliases and the StepDayBucket columns they fill.
ROLL_UP_COLUMNS = {"day": "day_id", "status": "status", "bucket": "bucket", "n": "count", "total": "total_seconds",
                   "within_n": "within"}


def _roll_up(start: date, end: date) -> None:
    """One transaction: the markers of start..end, then their buckets by INSERT ... SELECT (no rows through Python: a
    first roll-up of three years at a million complaints writes 370,000 of them). A concurrent roll-up of the same days
    fails on the markers' primary key and leaves this one's rows out (the other wrote the same)."""
    rows = (
        StepSpan.objects.filter(left_at__gte=local_midnight(start), left_at__lt=local_midnight(end + timedelta(days=1)),
                                is_information=False)
        .annotate(day=TruncDate("left_at", tzinfo=timezone.get_current_timezone()))
        .order_by().values("day", "status", "bucket")
        .annotate(n=Count("pk"), total=Sum("seconds"), within_n=Count("pk", filter=Q(within=True)))
    )
    compiler = rows.query.get_compiler(using=StepDayBucket.objects.db)
    select, params = compiler.as_sql()
    quote = compiler.connection.ops.quote_name
    columns = ", ".join(quote(ROLL_UP_COLUMNS[alias]) for _expression, _sql, alias in compiler.select)
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    spans = (
        StepDayBucket.objects.filter(day=OuterRef("pk")).order_by().values("day").annotate(total=Sum("count")).values("total")
    )
    with transaction.atomic(), compiler.connection.cursor() as cursor:
        StepDay.objects.bulk_create([StepDay(day=day) for day in days])
        cursor.execute(f"INSERT INTO {quote(StepDayBucket._meta.db_table)} ({columns}) {select}", params)
        StepDay.objects.filter(day__in=days).update(spans=Coalesce(Subquery(spans), 0))


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def day_ranges(days: Iterable[date], *, longest: int | None = None) -> Iterator[tuple[date, date]]:
    """Consecutive runs of the given days (in increasing order) as (first, last), each at most `longest` days long."""
    start = end = None
    for day in days:
        if start is not None and day == end + timedelta(days=1) and (longest is None or (day - start).days < longest):
            end = day
            continue
        if start is not None:
            yield start, end
        start = end = day
    if start is not None:
        yield start, end

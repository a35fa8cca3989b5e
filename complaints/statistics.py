"""The leaders' figures: pure reads over a period, in a fixed number of queries, returned as plain data.

Every figure narrows by kecamatan, category and channel. Counts (status, outcome, channel, weekly trend) take the
complaints *created* in the period; step figures take the step *completions* (a step left) in the period, read from
the step spans recorded as steps end (complaints.step_spans) as a histogram, so medians and 90th percentiles are exact
to the minute under 100 minutes and within 1% above, and "within the SOP time" is each step's verdict by the limit in
force when it ended; the open/overdue figures are the current state and ignore the
period. Figures cover every complaint, whoever asks:
they are aggregates with no case or reporter data in them.

Information requests (a citizen asking about Satpol PP's duties or programs, answered by the Operator at step 2) are
not complaints about a disturbance: a leader reading "aduan masuk" means incidents, and a month of questions about
TRECKK must not look like a rise in trouble, nor their two-step answers flatter the SOP times. So every complaint
figure leaves them out, and they get their own line (`InformationFigures`): received, answered, open.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from complaints.models import ChannelKind, Complaint, ComplaintKind, StepDay, StepDayBucket, StepSpan
from complaints.step_spans import day_ranges, limits_in_force, local_midnight
from complaints.workflow import OPEN_STATUSES, STEP_OF, Outcome, Program, Status

IS_INFORMATION = Q(kind=ComplaintKind.INFORMATION)
IS_COMPLAINT = ~IS_INFORMATION
# What a complaint can end as; `answered` belongs to information requests only.
COMPLAINT_OUTCOMES = tuple(o for o in Outcome if o != Outcome.ANSWERED)

DEFAULT_PERIOD_DAYS = 30
MAX_PERIOD_DAYS = 366


@dataclass(frozen=True)
class Scope:
    """What the figures cover: a period of local (WITA) dates, both ends included, and optional narrowing."""

    start: date
    end: date
    district_id: int | None = None
    category_id: int | None = None
    channel_kind: str = ""

    @property
    def since(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        """The first moment after the period (exclusive bound)."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def complaint_filter(self, prefix: str = "") -> Q:
        condition = Q()
        if self.district_id is not None:
            condition &= Q(**{f"{prefix}district_id": self.district_id})
        if self.category_id is not None:
            condition &= Q(**{f"{prefix}category_id": self.category_id})
        if self.channel_kind:
            condition &= Q(**{f"{prefix}channel_kind": self.channel_kind})
        return condition


def default_period(today: date | None = None) -> tuple[date, date]:
    """The last 30 days in WITA, today included."""
    end = today or timezone.localdate()
    return end - timedelta(days=DEFAULT_PERIOD_DAYS - 1), end


@dataclass(frozen=True)
class Count_:
    key: str
    label: str
    value: int


@dataclass(frozen=True)
class StepFigure:
    step: int
    status: str
    label: str
    limits: tuple[timedelta, ...]  # the step's time limit per program, distinct, shortest first
    completions: int = 0
    within: int = 0
    median: timedelta | None = None
    p90: timedelta | None = None
    open_now: int = 0
    overdue_now: int = 0

    @property
    def within_share(self) -> float | None:
        """Share of completions done within the SOP time, 0..1, or None with no completions."""
        return self.within / self.completions if self.completions else None


@dataclass(frozen=True)
class Week:
    monday: date
    value: int

    @property
    def iso(self) -> tuple[int, int]:
        year, week, _ = self.monday.isocalendar()
        return year, week

    @property
    def label(self) -> str:
        year, week = self.iso
        return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class InformationFigures:
    """Information requests: those received in the period and what became of them, and the open ones now."""

    received: int = 0
    answered: int = 0
    closed_otherwise: int = 0  # returned or closed as a duplicate instead of answered
    still_open: int = 0
    open_now: int = 0
    overdue_now: int = 0


@dataclass(frozen=True)
class Dashboard:
    scope: Scope
    received: int
    by_status: list[Count_]
    by_outcome: list[Count_]
    by_channel: list[Count_]
    steps: list[StepFigure]
    weekly: list[Week]
    open_now: int
    overdue_now: int
    information: InformationFigures = InformationFigures()


def _at_rank(counted: list[tuple[timedelta, int]], rank: int) -> timedelta:
    """The rank-th smallest value (1-based) of (value, count) pairs given in increasing order."""
    seen = 0
    for value, count in counted:
        seen += count
        if seen >= rank:
            return value
    raise ValueError(f"rank {rank} beyond {seen} values")


def counted_percentile(counted: list[tuple[timedelta, int]], share: float) -> timedelta | None:
    """Nearest-rank percentile of (value, count) pairs in increasing order: the smallest value with at least `share`
    of the values at or below it."""
    total = sum(count for _value, count in counted)
    if not total:
        return None
    return _at_rank(counted, max(1, math.ceil(share * total)))


def counted_median(counted: list[tuple[timedelta, int]]) -> timedelta | None:
    """The middle value of (value, count) pairs in increasing order; with an even count, the mean of the two middle."""
    total = sum(count for _value, count in counted)
    if not total:
        return None
    low, high = _at_rank(counted, (total + 1) // 2), _at_rank(counted, total // 2 + 1)
    return (low + high) / 2


def percentile(values: list[timedelta], share: float) -> timedelta | None:
    return counted_percentile([(value, 1) for value in sorted(values)], share)


def median(values: list[timedelta]) -> timedelta | None:
    return counted_median([(value, 1) for value in sorted(values)])


def step_limits() -> dict[tuple[str, str], timedelta]:
    """Each (status, program)'s time limit now, in one query (the policy table, the SOP's times as fallback)."""
    return limits_in_force()


def _period_complaints(scope: Scope) -> QuerySet[Complaint]:
    return Complaint.objects.filter(scope.complaint_filter(), created_at__gte=scope.since, created_at__lt=scope.until)


@dataclass(frozen=True)
class PeriodCounts:
    received: int
    by_status: list[Count_]
    by_outcome: list[Count_]
    by_channel: list[Count_]
    information: dict[str, int]  # received, answered, closed_otherwise, still_open
    weekly: list[Week]


def period_counts(scope: Scope) -> PeriodCounts:
    """Received, by status, by outcome and by channel, the weekly trend (every ISO week of the period from its Monday
    in WITA, empty ones as 0) of the complaints created in the period, and the information requests created in it
    (received, answered, closed otherwise, still open).

    One query, one pass over the period's rows, grouped by (week, kind, status, outcome, channel): a few thousand
    groups for a year, tallied here, instead of thirty conditional counts evaluated on every row. COUNT(*), not of
    the id: on PostgreSQL every column read is in complaint_period_counts_idx (migration 0008), an index-only scan.
    """
    rows = (
        _period_complaints(scope).order_by()
        .annotate(week=TruncWeek("created_at", tzinfo=timezone.get_current_timezone()))
        .values("week", "kind", "status", "outcome", "channel_kind").annotate(n=Count("*"))
        .values_list("week", "kind", "status", "outcome", "channel_kind", "n")
    )
    received = 0
    by_status: dict[str, int] = defaultdict(int)
    by_outcome: dict[str, int] = defaultdict(int)
    by_channel: dict[str, int] = defaultdict(int)
    information = dict.fromkeys(("received", "answered", "closed_otherwise", "still_open"), 0)
    per_week: dict[date, int] = defaultdict(int)
    for week, kind, status, outcome, channel_kind, n in rows:
        if kind == ComplaintKind.INFORMATION:
            information["received"] += n
            if outcome == Outcome.ANSWERED:
                information["answered"] += n
            elif status == Status.CLOSED:
                information["closed_otherwise"] += n
            if status != Status.CLOSED:
                information["still_open"] += n
            continue
        monday = timezone.localtime(week).date() if isinstance(week, datetime) else week
        per_week[monday] += n
        received += n
        by_status[status] += n
        by_outcome[outcome] += n
        by_channel[channel_kind] += n
    weeks = []
    monday = scope.start - timedelta(days=scope.start.weekday())
    while monday <= scope.end:
        weeks.append(Week(monday, per_week.get(monday, 0)))
        monday += timedelta(days=7)
    return PeriodCounts(
        received=received,
        by_status=[Count_(s.value, str(s.label), by_status[s]) for s in Status],
        by_outcome=[Count_(o.value, str(o.label), by_outcome[o]) for o in COMPLAINT_OUTCOMES],
        by_channel=[Count_(k.value, str(k.label), by_channel[k]) for k in ChannelKind],
        information=information,
        weekly=weeks,
    )


def current_load(scope: Scope) -> tuple[dict[str, int], dict[str, int], tuple[int, int]]:
    """(open, overdue) complaints per open status right now, whatever the period, and (open, overdue) information
    requests; one query."""
    now = timezone.now()
    late = Q(due_at__lt=now)
    aggregates = {"info_open": Count("pk", filter=IS_INFORMATION), "info_late": Count("pk", filter=IS_INFORMATION & late)}
    for status in OPEN_STATUSES:
        aggregates[f"open_{status}"] = Count("pk", filter=IS_COMPLAINT & Q(status=status))
        aggregates[f"late_{status}"] = Count("pk", filter=IS_COMPLAINT & Q(status=status) & late)
    row = Complaint.objects.filter(scope.complaint_filter(), status__in=OPEN_STATUSES).order_by().aggregate(**aggregates)
    return (
        {str(s): row[f"open_{s}"] for s in OPEN_STATUSES}, {str(s): row[f"late_{s}"] for s in OPEN_STATUSES},
        (row["info_open"], row["info_late"]),
    )


@dataclass
class StepHistogram:
    """One step's durations in the period as (bucket, count, total seconds), and how many were within the SOP time."""

    buckets: dict[int, list[float]] = field(default_factory=dict)  # bucket -> [count, total seconds]
    within: int = 0

    @property
    def completions(self) -> int:
        return int(sum(count for count, _total in self.buckets.values()))

    def values(self) -> list[tuple[timedelta, int]]:
        """(duration, count) in increasing order: each bucket's mean, exact when its durations are equal."""
        return [
            (timedelta(seconds=total / count), int(count))
            for _bucket, (count, total) in sorted(self.buckets.items()) if count
        ]


def step_histograms(scope: Scope) -> dict[str, StepHistogram]:
    """Per status, the histogram of the complaint steps left in the period (information requests left out).

    Unnarrowed, the finished days come from their daily roll-up (StepDayBucket) and only the others (today, and any day
    not rolled up yet) from the spans themselves; narrowed by kecamatan, category or channel, all from the spans, which
    hold those columns. Three queries at most, grouped by (status, bucket).
    """
    histograms: dict[str, StepHistogram] = defaultdict(StepHistogram)

    def add(rows) -> None:
        for status, bucket, n, total, within in rows:
            histogram = histograms[status]
            count, seconds = histogram.buckets.get(bucket, (0, 0.0))
            histogram.buckets[bucket] = [count + n, seconds + total]
            histogram.within += within

    spans = StepSpan.objects.filter(scope.complaint_filter(), is_information=False).order_by()
    narrowed = scope.district_id is not None or scope.category_id is not None or bool(scope.channel_kind)
    rolled = set() if narrowed else set(
        StepDay.objects.filter(day__gte=scope.start, day__lte=scope.end).values_list("day", flat=True)
    )
    if rolled:
        add(
            StepDayBucket.objects.filter(day__gte=scope.start, day__lte=scope.end).order_by()
            .values("status", "bucket").annotate(n=Sum("count"), total=Sum("total_seconds"), within_n=Sum("within"))
            .values_list("status", "bucket", "n", "total", "within_n")
        )
    days = (scope.start + timedelta(days=n) for n in range((scope.end - scope.start).days + 1))
    unrolled = Q()
    for first, last in day_ranges(day for day in days if day not in rolled):
        unrolled |= Q(left_at__gte=local_midnight(first), left_at__lt=local_midnight(last + timedelta(days=1)))
    if unrolled:
        add(
            spans.filter(unrolled).values("status", "bucket")
            .annotate(n=Count("pk"), total=Sum("seconds"), within_n=Count("pk", filter=Q(within=True)))
            .values_list("status", "bucket", "n", "total", "within_n")
        )
    return histograms


def dashboard(scope: Scope) -> Dashboard:
    """Every figure of the leaders' dashboard, in at most six queries whatever the number of complaints."""
    counted = period_counts(scope)
    open_by_status, late_by_status, (info_open, info_late) = current_load(scope)
    limits = step_limits()
    histograms = step_histograms(scope)
    steps = []
    for status, step in STEP_OF.items():
        histogram = histograms.get(status, StepHistogram())
        durations = histogram.values()
        steps.append(StepFigure(
            step=step, status=str(status), label=str(status.label),
            limits=tuple(sorted({limits[(str(status), str(p))] for p in Program})),
            completions=histogram.completions, within=histogram.within,
            median=counted_median(durations), p90=counted_percentile(durations, 0.9),
            open_now=open_by_status[status], overdue_now=late_by_status[status],
        ))
    return Dashboard(
        scope=scope, received=counted.received, by_status=counted.by_status, by_outcome=counted.by_outcome,
        by_channel=counted.by_channel, steps=steps, weekly=counted.weekly, open_now=sum(open_by_status.values()),
        overdue_now=sum(late_by_status.values()),
        information=InformationFigures(**counted.information, open_now=info_open, overdue_now=info_late),
    )

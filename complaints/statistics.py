"""The leaders' figures: pure reads over a period, in a fixed number of queries, returned as plain data.

Every figure narrows by kecamatan, category and channel. Counts (status, outcome, channel, weekly trend) take the
complaints *created* in the period; step figures take the step *completions* (a step left) in the period; the
open/overdue figures are the current state and ignore the period. Figures cover every complaint, whoever asks:
they are aggregates with no case or reporter data in them.

Information requests (a citizen asking about Satpol PP's duties or programs, answered by the Operator at step 2) are
not complaints about a disturbance: a leader reading "aduan masuk" means incidents, and a month of questions about
TRECKK must not look like a rise in trouble, nor their two-step answers flatter the SOP times. So every complaint
figure leaves them out, and they get their own line (`InformationFigures`): received, answered, open.
"""

from __future__ import annotations

import math
import statistics as pystats
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from complaints.models import ChannelKind, Complaint, ComplaintEvent, ComplaintKind, SlaPolicy
from complaints.workflow import OPEN_STATUSES, SOP_TIME_LIMITS, STEP_OF, Outcome, Program, Status

IS_INFORMATION = Q(kind=ComplaintKind.INFORMATION)
IS_COMPLAINT = ~IS_INFORMATION
# What a complaint can end as; `answered` belongs to information requests only.
COMPLAINT_OUTCOMES = tuple(o for o in Outcome if o != Outcome.ANSWERED)

DEFAULT_PERIOD_DAYS = 30
MAX_PERIOD_DAYS = 366
# The step durations are computed in Python over one values_list; beyond this many events the figures are cut off
# (and say so) rather than the page running away with memory.
MAX_EVENTS = 200_000


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
    truncated: bool = False


def percentile(values: list[timedelta], share: float) -> timedelta | None:
    """Nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def median(values: list[timedelta]) -> timedelta | None:
    """The middle value; with an even count, the mean of the two middle ones."""
    if not values:
        return None
    return pystats.median(sorted(values))


def step_limits() -> dict[tuple[str, str], timedelta]:
    """Each (status, program)'s time limit in one query: the policy table, with the SOP's times as fallback.

    The same answer as `complaints.sla.step_window(status, program)[1]`, without a query per step.
    """
    limits = {(str(status), str(program)): window[1] for (status, program), window in SOP_TIME_LIMITS.items()}
    for status, program, limit in SlaPolicy.objects.values_list("status", "program", "limit"):
        limits[(status, program)] = limit
    return limits


def _period_complaints(scope: Scope) -> QuerySet[Complaint]:
    return Complaint.objects.filter(scope.complaint_filter(), created_at__gte=scope.since, created_at__lt=scope.until)


def counts(scope: Scope) -> tuple[int, list[Count_], list[Count_], list[Count_], dict[str, int]]:
    """(received, by status, by outcome, by channel) for the complaints created in the period, and the information
    requests created in it (received, answered, closed otherwise, still open), in one query."""
    closed, answered = Q(status=Status.CLOSED), Q(outcome=Outcome.ANSWERED)
    aggregates = {"received": Count("pk", filter=IS_COMPLAINT)}
    aggregates |= {f"status_{s}": Count("pk", filter=IS_COMPLAINT & Q(status=s)) for s in Status.values}
    aggregates |= {f"outcome_{o}": Count("pk", filter=IS_COMPLAINT & Q(outcome=o)) for o in COMPLAINT_OUTCOMES}
    aggregates |= {f"channel_{k}": Count("pk", filter=IS_COMPLAINT & Q(channel_kind=k)) for k in ChannelKind.values}
    aggregates |= {
        "info_received": Count("pk", filter=IS_INFORMATION),
        "info_answered": Count("pk", filter=IS_INFORMATION & answered),
        "info_closed_otherwise": Count("pk", filter=IS_INFORMATION & closed & ~answered),
        "info_still_open": Count("pk", filter=IS_INFORMATION & ~closed),
    }
    row = _period_complaints(scope).order_by().aggregate(**aggregates)
    by_status = [Count_(s.value, str(s.label), row[f"status_{s}"]) for s in Status]
    by_outcome = [Count_(o.value, str(o.label), row[f"outcome_{o}"]) for o in COMPLAINT_OUTCOMES]
    by_channel = [Count_(k.value, str(k.label), row[f"channel_{k}"]) for k in ChannelKind]
    information = {key.removeprefix("info_"): value for key, value in row.items() if key.startswith("info_")}
    return row["received"], by_status, by_outcome, by_channel, information


def weekly_trend(scope: Scope) -> list[Week]:
    """Complaints received per ISO week (Monday in WITA), every week of the period, empty ones as 0; one query."""
    rows = (
        _period_complaints(scope).filter(IS_COMPLAINT).order_by()
        .annotate(week=TruncWeek("created_at", tzinfo=timezone.get_current_timezone()))
        .values("week").annotate(n=Count("pk")).values_list("week", "n")
    )
    found: dict[date, int] = defaultdict(int)
    for week, n in rows:
        monday = timezone.localtime(week).date() if isinstance(week, datetime) else week
        found[monday] += n
    first = scope.start - timedelta(days=scope.start.weekday())
    weeks = []
    monday = first
    while monday <= scope.end:
        weeks.append(Week(monday, found.get(monday, 0)))
        monday += timedelta(days=7)
    return weeks


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


def step_durations(scope: Scope) -> tuple[dict[str, list[tuple[timedelta, str]]], bool]:
    """Per status, (time spent, program) of every step left during the period; and whether MAX_EVENTS cut it short.

    A step is entered by the event whose to_status is that status and left by the next event whose from_status is
    that status and whose to_status differs. Only moving events (and the submission) matter, of complaints that left
    a step in the period; one values_list query, ordered along each complaint's timeline. Information requests are
    left out like everywhere else in the complaint figures.
    """
    moving = Q(from_status="") | ~Q(from_status=F("to_status"))
    left_in_period = ComplaintEvent.objects.filter(
        moving, scope.complaint_filter("complaint__"), created_at__gte=scope.since, created_at__lt=scope.until,
        from_status__in=OPEN_STATUSES,
    ).exclude(complaint__kind=ComplaintKind.INFORMATION).values("complaint_id")
    rows = list(
        ComplaintEvent.objects.filter(moving, complaint_id__in=left_in_period)
        .order_by("complaint_id", "created_at", "id")
        .values_list("complaint_id", "from_status", "to_status", "created_at", "complaint__program")[: MAX_EVENTS + 1]
    )
    truncated = len(rows) > MAX_EVENTS
    durations: dict[str, list[tuple[timedelta, str]]] = defaultdict(list)
    current: tuple[int, str, datetime] | None = None  # (complaint, status, entered at)
    for complaint_id, from_status, to_status, at, program in rows[:MAX_EVENTS]:
        entered = current is not None and current[0] == complaint_id and current[1] == from_status
        if entered and to_status != from_status and from_status in STEP_OF and scope.since <= at < scope.until:
            durations[from_status].append((at - current[2], program))
        current = (complaint_id, to_status, at)
    return durations, truncated


def dashboard(scope: Scope) -> Dashboard:
    """Every figure of the leaders' dashboard, in five queries whatever the number of complaints."""
    received, by_status, by_outcome, by_channel, information = counts(scope)
    weekly = weekly_trend(scope)
    open_by_status, late_by_status, (info_open, info_late) = current_load(scope)
    limits = step_limits()
    durations, truncated = step_durations(scope)
    steps = []
    for status, step in STEP_OF.items():
        spent = durations.get(status, [])
        times = [duration for duration, _ in spent]
        steps.append(StepFigure(
            step=step, status=str(status), label=str(status.label),
            limits=tuple(sorted({limits[(str(status), str(p))] for p in Program})),
            completions=len(spent),
            within=sum(1 for duration, program in spent if duration <= limits[(str(status), program)]),
            median=median(times), p90=percentile(times, 0.9),
            open_now=open_by_status[status], overdue_now=late_by_status[status],
        ))
    return Dashboard(
        scope=scope, received=received, by_status=by_status, by_outcome=by_outcome, by_channel=by_channel,
        steps=steps, weekly=weekly, open_now=sum(open_by_status.values()), overdue_now=sum(late_by_status.values()),
        information=InformationFigures(**information, open_now=info_open, overdue_now=info_late), truncated=truncated,
    )

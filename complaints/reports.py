"""The daily report for the Kepala: what came in, what was closed, what is late, on one page.

Reads only; every complaint figure is a count over the user's visible complaints. Information requests are counted
apart from the complaints (see complaints.statistics for why) and over all of them: they are never forwarded, so the
Kabid, who sees complaints from step 3 on, would otherwise always read zero; the counts carry no case data, like the
dashboard's, which the Kabid sees whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from complaints.models import Complaint, SlaBreach
from complaints.statistics import IS_COMPLAINT, IS_INFORMATION
from complaints.workflow import OPEN_STATUSES, STEP_OF, Outcome, Status
from roles.policy import visible_complaints

NOTABLE = 10


@dataclass(frozen=True)
class InformationDay:
    received: int = 0  # on the day
    answered: int = 0  # on the day, whenever received
    open_now: int = 0
    overdue_now: int = 0


@dataclass(frozen=True)
class DailyReport:
    day: date
    received: int
    received_by_channel: list[tuple[str, int]]
    received_by_district: list[tuple[str, int]]
    closed_by_outcome: list[tuple[str, int]]
    open_by_step: list[tuple[int, str, int, int]]  # step, label, open now, overdue now
    breaches_by_step: list[tuple[int, str, int]]
    most_overdue: list[Complaint]
    information: InformationDay = InformationDay()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The day in WITA (the server's time zone), as aware datetimes."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def _pairs(rows, label_of) -> list[tuple[str, int]]:
    return [(label_of(key), count) for key, count in rows]


def daily_report(user, day: date, now: datetime | None = None) -> DailyReport:
    now = now or timezone.now()
    start, end = day_bounds(day)
    visible: QuerySet[Complaint] = visible_complaints(user).filter(IS_COMPLAINT)
    received = visible.filter(created_at__gte=start, created_at__lt=end)
    channel_labels = dict(Complaint._meta.get_field("channel_kind").choices)
    outcome_labels = dict(Complaint._meta.get_field("outcome").choices)
    status_labels = dict(Status.choices)

    per_status = {
        row["status"]: (row["open"], row["late"])
        for row in visible.filter(status__in=OPEN_STATUSES).values("status").annotate(
            open=Count("pk"), late=Count("pk", filter=Q(due_at__lt=now))
        )
    }
    breaches = dict(
        SlaBreach.objects.filter(complaint__in=visible, detected_at__gte=start, detected_at__lt=end)
        .values_list("status").annotate(n=Count("pk"))
    )
    return DailyReport(
        day=day,
        received=received.count(),
        received_by_channel=_pairs(
            received.values_list("channel_kind").annotate(n=Count("pk")).order_by("-n", "channel_kind"),
            lambda key: str(channel_labels.get(key, key)),
        ),
        received_by_district=list(received.values_list("district__name").annotate(n=Count("pk")).order_by("-n", "district__name")),
        closed_by_outcome=_pairs(
            visible.filter(closed_at__gte=start, closed_at__lt=end).values_list("outcome").annotate(n=Count("pk")).order_by("-n"),
            lambda key: str(outcome_labels.get(key, key)),
        ),
        open_by_step=[
            (STEP_OF[status], str(status_labels[status]), *per_status.get(status, (0, 0)))
            for status in OPEN_STATUSES
        ],
        breaches_by_step=[
            (STEP_OF[status], str(status_labels[status]), breaches[status]) for status in OPEN_STATUSES if status in breaches
        ],
        most_overdue=list(
            visible.filter(status__in=OPEN_STATUSES, due_at__lt=now)
            .select_related("category", "district", "assigned_team")
            .order_by(F("due_at").asc())[:NOTABLE]
        ),
        information=information_day(start, end, now),
    )


def information_day(start: datetime, end: datetime, now: datetime) -> InformationDay:
    """Information requests received and answered in [start, end), and open/overdue now; one query."""
    is_open = Q(status__in=OPEN_STATUSES)
    row = Complaint.objects.filter(IS_INFORMATION).aggregate(
        received=Count("pk", filter=Q(created_at__gte=start, created_at__lt=end)),
        answered=Count("pk", filter=Q(outcome=Outcome.ANSWERED, closed_at__gte=start, closed_at__lt=end)),
        open_now=Count("pk", filter=is_open),
        overdue_now=Count("pk", filter=is_open & Q(due_at__lt=now)),
    )
    return InformationDay(**row)


@dataclass(frozen=True)
class MonthlyRecap:
    first_day: date
    received: int
    closed: int
    by_district: list[tuple[str, int, int, int]]  # kecamatan, received, closed, still open
    by_category: list[tuple[str, int]]
    by_channel: list[tuple[str, int]]
    by_outcome: list[tuple[str, int]]
    # Information requests received in the month: (received, answered, still open), in all and per category.
    information: tuple[int, int, int] = (0, 0, 0)
    information_by_category: list[tuple[str, int, int, int]] = field(default_factory=list)


def month_bounds(first_day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(first_day.replace(day=1), time.min))
    following = (first_day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start, timezone.make_aware(datetime.combine(following, time.min))


def monthly_recap(user, first_day: date) -> MonthlyRecap:
    """Complaints received in the month (WITA), by kecamatan, category, channel and outcome; and, apart, the
    information requests received in it, by category."""
    start, end = month_bounds(first_day)
    received = visible_complaints(user).filter(IS_COMPLAINT, created_at__gte=start, created_at__lt=end)
    channel_labels = dict(Complaint._meta.get_field("channel_kind").choices)
    outcome_labels = dict(Complaint._meta.get_field("outcome").choices)
    districts = (
        received.values("district__name")
        .annotate(n=Count("pk"), closed=Count("pk", filter=Q(status=Status.CLOSED)))
        .order_by("-n", "district__name")
    )
    totals = received.aggregate(n=Count("pk"), closed=Count("pk", filter=Q(status=Status.CLOSED)))
    return MonthlyRecap(
        first_day=start.date(),
        received=totals["n"],
        closed=totals["closed"],
        by_district=[(row["district__name"], row["n"], row["closed"], row["n"] - row["closed"]) for row in districts],
        by_category=list(received.values_list("category__name").annotate(n=Count("pk")).order_by("-n", "category__name")),
        by_channel=_pairs(
            received.values_list("channel_kind").annotate(n=Count("pk")).order_by("-n", "channel_kind"),
            lambda key: str(channel_labels.get(key, key)),
        ),
        by_outcome=_pairs(
            received.exclude(outcome="").values_list("outcome").annotate(n=Count("pk")).order_by("-n", "outcome"),
            lambda key: str(outcome_labels.get(key, key)),
        ),
        **_information_month(start, end),
    )


def _information_month(start: datetime, end: datetime) -> dict:
    answered, is_open = Q(outcome=Outcome.ANSWERED), Q(status__in=OPEN_STATUSES)
    rows = list(
        Complaint.objects.filter(IS_INFORMATION, created_at__gte=start, created_at__lt=end)
        .values("category__name")
        .annotate(n=Count("pk"), answered=Count("pk", filter=answered), open=Count("pk", filter=is_open))
        .order_by("-n", "category__name")
    )
    by_category = [(row["category__name"], row["n"], row["answered"], row["open"]) for row in rows]
    totals = tuple(sum(line[i] for line in by_category) for i in (1, 2, 3))
    return {"information": totals, "information_by_category": by_category}

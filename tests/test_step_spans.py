"""Step spans: recorded as steps end, equal to what the event history says, and read back as exact-enough figures."""

from __future__ import annotations

import random
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from complaints import step_spans
from complaints.models import ComplaintEvent, StepDay, StepSpan
from complaints.services.transitions import perform_action
from complaints.statistics import Scope, counted_median, counted_percentile, dashboard, median, percentile
from complaints.step_spans import (
    EXACT_MINUTES,
    TimelineEvent,
    bucket_of,
    rebuild_step_spans,
    roll_up_step_days,
    spans_of,
)
from complaints.tasks import sla_sweep
from complaints.workflow import STEP_OF, Status
from roles.roles import Role
from tests.backdating import rewritable_events

pytestmark = pytest.mark.django_db

SPAN_FIELDS = (
    "left_by_id", "complaint_id", "status", "program", "is_information", "district_id", "category_id", "channel_kind",
    "entered_at", "left_at", "seconds", "bucket",
)


def _spans() -> list[tuple]:
    return list(StepSpan.objects.order_by("left_by_id").values_list(*SPAN_FIELDS))


def test_every_step_of_a_closed_complaint_has_one_span_left_by_its_moving_event(complaint_in):
    closed = complaint_in(Status.CLOSED)
    spans = list(StepSpan.objects.filter(complaint=closed).order_by("left_at", "left_by_id"))
    assert [s.status for s in spans] == list(STEP_OF)  # submitted .. notification, each once, in order
    moving = [e for e in ComplaintEvent.objects.filter(complaint=closed).order_by("created_at", "id")
              if e.from_status != e.to_status]
    assert [s.left_by_id for s in spans] == [e.pk for e in moving[1:]]  # every move but the submission ends a step
    for span, entering, leaving in zip(spans, moving, moving[1:], strict=False):
        assert (span.entered_at, span.left_at) == (entering.created_at, leaving.created_at)
        assert span.seconds == pytest.approx((leaving.created_at - entering.created_at).total_seconds())
        assert (span.program, span.district_id, span.category_id, span.channel_kind, span.is_information) == (
            closed.program, closed.district_id, closed.category_id, closed.channel_kind, False,
        )


def test_events_that_stay_in_a_step_neither_end_nor_begin_one(complaint_in, team_paringin, users):
    case = complaint_in("dispatch_assigned")  # the assignment stayed in dispatch
    before = StepSpan.objects.filter(complaint=case).count()
    entered_dispatch = StepSpan.objects.get(complaint=case, status=Status.FIELD_CHECK).left_at
    member = users[Role.TRC]
    perform_action(user=member, complaint_id=case.pk, action="arrive", data={})
    assert StepSpan.objects.filter(complaint=case).count() == before
    perform_action(user=member, complaint_id=case.pk, action="handle", data={"note": "Ditangani."})
    dispatch = StepSpan.objects.get(complaint=case, status=Status.DISPATCH)
    assert dispatch.entered_at == entered_dispatch  # from confirm, not from the later assign or arrive


def test_a_step_entered_twice_has_two_spans(complaint_in, users):
    case = complaint_in(Status.FIELD_CHECK)
    perform_action(user=users[Role.TRC], complaint_id=case.pk, action="refute", data={"note": "Tidak sesuai."})
    assert StepSpan.objects.filter(complaint=case, status=Status.FIELD_CHECK).count() == 1
    assert StepSpan.objects.filter(complaint=case, status=Status.VERIFICATION).count() == 1
    perform_action(user=users[Role.KASI], complaint_id=case.pk, action="submit_draft", data={"draft": "Cek lagi."})
    assert StepSpan.objects.filter(complaint=case, status=Status.VERIFICATION).count() == 2


def test_a_rebuild_from_the_events_writes_exactly_what_was_recorded_live(complaint_in, users):
    complaint_in(Status.CLOSED)
    complaint_in(Status.REPORTING)
    refuted = complaint_in(Status.FIELD_CHECK)
    perform_action(user=users[Role.TRC], complaint_id=refuted.pk, action="refute", data={"note": "Tidak sesuai."})
    live = _spans()
    assert len(live) > 15
    StepSpan.objects.all().delete()
    assert rebuild_step_spans() == len(live)
    assert _spans() == live
    assert rebuild_step_spans([refuted.pk]) == sum(1 for row in live if row[1] == refuted.pk)  # idempotent per complaint
    assert _spans() == live


def test_spans_of_follows_only_moving_events():
    t0 = timezone.now()
    at = [t0 + timedelta(minutes=m) for m in range(6)]
    timeline = [
        TimelineEvent(1, "", Status.SUBMITTED, at[0]),
        TimelineEvent(2, Status.SUBMITTED, Status.SCREENING, at[1]),
        TimelineEvent(3, Status.SCREENING, Status.SCREENING, at[2]),  # a note: stays
        TimelineEvent(4, Status.SCREENING, Status.VERIFICATION, at[3]),
        TimelineEvent(5, Status.VERIFICATION, Status.CLOSED, at[5]),
    ]
    assert [(s.left_by, s.status, s.entered_at, s.left_at) for s in spans_of(timeline)] == [
        (2, Status.SUBMITTED, at[0], at[1]), (4, Status.SCREENING, at[1], at[3]), (5, Status.VERIFICATION, at[3], at[5]),
    ]
    # A history that starts mid-way (the previous moving event is not of this status) gives no span.
    started_elsewhere = [
        TimelineEvent(7, "", Status.SUBMITTED, at[0]), TimelineEvent(8, Status.SCREENING, Status.VERIFICATION, at[1]),
    ]
    assert list(spans_of(started_elsewhere)) == []


def test_buckets_are_whole_minutes_then_one_percent_wide():
    assert [bucket_of(s) for s in (0, 59.9, 60, 119, 5999)] == [0, 0, 1, 1, 99]
    assert bucket_of(-5) == 0
    previous = bucket_of(EXACT_MINUTES * 60)
    assert previous == EXACT_MINUTES
    seconds = EXACT_MINUTES * 60.0
    while seconds < 400 * 86400:  # a long step, more than a year: still a small integer
        seconds *= 1.003
        current = bucket_of(seconds)
        assert current in (previous, previous + 1)
        previous = current
    assert previous < 1500
    # Durations sharing a bucket differ by at most 1% (plus float rounding).
    for seconds in (6000.0, 7200.0, 86400.0, 30 * 86400.0):
        same = [s for s in (seconds * (1 + k / 1000) for k in range(20)) if bucket_of(s) == bucket_of(seconds)]
        assert max(same) / min(same) <= 1.0101


def test_percentiles_from_the_histogram_stay_within_one_percent_of_the_exact_ones():
    rng = random.Random(7)
    durations = [timedelta(seconds=rng.lognormvariate(9, 1.5)) for _ in range(3000)]
    buckets: dict[int, list] = {}
    for d in durations:
        entry = buckets.setdefault(bucket_of(d.total_seconds()), [0, 0.0])
        entry[0] += 1
        entry[1] += d.total_seconds()
    counted = [(timedelta(seconds=total / n), n) for _b, (n, total) in sorted(buckets.items())]
    for exact, estimate in ((median(durations), counted_median(counted)),
                            (percentile(durations, 0.9), counted_percentile(counted, 0.9))):
        tolerance = max(exact.total_seconds() * 0.0101, 60)
        assert abs((estimate - exact).total_seconds()) <= tolerance


def test_counted_helpers_match_the_list_definitions():
    m = [timedelta(minutes=v) for v in (1, 2, 2, 3, 10, 10, 10, 40)]
    counted = [(timedelta(minutes=1), 1), (timedelta(minutes=2), 2), (timedelta(minutes=3), 1),
               (timedelta(minutes=10), 3), (timedelta(minutes=40), 1)]
    assert counted_median(counted) == median(m) == timedelta(minutes=6.5)  # mean of the 4th and 5th of 8
    assert counted_percentile(counted, 0.9) == percentile(m, 0.9) == timedelta(minutes=40)
    assert counted_percentile(counted, 0.5) == timedelta(minutes=3)
    assert counted_median([]) is None and counted_percentile([], 0.9) is None


def test_the_dashboard_reads_spans_not_events(complaint_in):
    """Spans are the dashboard's source: a step whose span is missing does not count (rebuild_step_spans restores)."""
    case = complaint_in(Status.SCREENING)
    today = timezone.localdate()
    scope = Scope(today - timedelta(days=1), today)
    assert dashboard(scope).steps[0].completions == 1
    StepSpan.objects.filter(complaint=case).delete()
    assert dashboard(scope).steps[0].completions == 0
    rebuild_step_spans([case.pk])
    assert dashboard(scope).steps[0].completions == 1
    assert dashboard(Scope(date(2020, 1, 1), date(2020, 1, 2))).steps[0].completions == 0


def test_the_rebuild_command_takes_codes_and_refuses_unknown_ones(complaint_in):
    case = complaint_in(Status.VERIFICATION)
    StepSpan.objects.all().delete()
    with pytest.raises(CommandError, match="Unknown tracking code"):
        call_command("rebuild_step_spans", case.code, "XXXX-0000", stdout=StringIO())
    assert not StepSpan.objects.exists()  # nothing rebuilt when one code is wrong
    out = StringIO()
    call_command("rebuild_step_spans", case.code.lower(), stdout=out)
    assert "2 step spans written" in out.getvalue()  # submitted, screening
    assert StepSpan.objects.filter(complaint=case).count() == 2


def test_the_worker_rolls_up_finished_days_after_each_sweep(complaint_in):
    case = complaint_in(Status.VERIFICATION)
    three_days = timedelta(days=3)
    with rewritable_events() as rewritable:  # this test fabricates a past: the steps ended three days ago
        for event in ComplaintEvent.objects.filter(complaint=case):
            rewritable.filter(pk=event.pk).update(created_at=event.created_at - three_days)
    rebuild_step_spans([case.pk])
    assert not StepDay.objects.exists()
    sla_sweep.call()
    ended = timezone.localdate(StepSpan.objects.get(complaint=case, status=Status.SCREENING).left_at)
    rolled = StepDay.objects.get(day=ended)
    assert rolled.spans == 2 and sum(rolled.buckets.values_list("count", flat=True)) == 2
    assert not StepDay.objects.filter(day=timezone.localdate()).exists()  # today is not finished


def test_a_roll_up_racing_another_skips_the_days_the_other_wrote(complaint_in, monkeypatch):
    case = complaint_in(Status.VERIFICATION)
    with rewritable_events() as rewritable:
        for event in ComplaintEvent.objects.filter(complaint=case):
            rewritable.filter(pk=event.pk).update(created_at=event.created_at - timedelta(days=2))
    rebuild_step_spans([case.pk])
    real = step_spans._roll_up

    def other_worker_first(start, end):
        real(start, end)  # the other worker's roll-up lands between this one's look and its write
        real(start, end)

    monkeypatch.setattr(step_spans, "_roll_up", other_worker_first)
    assert roll_up_step_days() == 0  # nothing written by this call, and no error
    ended = timezone.localdate(StepSpan.objects.get(complaint=case, status=Status.SCREENING).left_at)
    assert StepDay.objects.get(day=ended).spans == 2  # the other's rows, once

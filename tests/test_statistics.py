"""The leaders' figures against numbers worked out by hand from a small fixture with known timings.

Period 2026-03-02 (Mon) .. 2026-03-15 (Sun), ISO weeks 10 and 11. Minutes after each complaint's submission:

    A walk-in  (TRECKK)  closed   2026-03-03 09:00  accept 3, forward 10, draft 20, confirm 28, assign 40, handle 228,
                                                    report 278, acknowledge 290, informed 294
    B WhatsApp (La-Lisa) closed   2026-03-10 10:00  accept 6, forward 10, draft 25, confirm 37, assign 50, handle 237,
                                                    report 267, acknowledge 276, informed 281
    C walk-in            screening 2026-03-11 08:00 accept 2                      (overdue now)
    D WhatsApp           verification 2026-03-12 08:00 accept 1, forward 6       (not overdue)
    E walk-in            screening 2026-02-27 23:00 accept 2026-03-02 00:10 (= 2950 min; received before the period)
    F Telegram, Halong, information request, submitted 2026-03-13 12:00         (overdue now)
    G walk-in            screening 2026-03-16 00:00 accept 3                      (just after the period)
    H WhatsApp, information request, answered 2026-03-05 14:00 accept 2, answer 8

F and H are information requests: not in any complaint figure (counts, trend, steps, open now), counted apart.

Step times (limit): 1 (5): A3 B6 C2 D1 E2950 · 2 (5): A7 B4 D5 · 3 (15): A10 B15 · 4 (10): A8 B12 ·
5 (180 walk-in / 300 La-Lisa): A200 B200 · 6 (60): A50 B30 · 7 (10): A12 B9 · 8 (5): A4 B5.
(Were H counted, step 1 would have six completions and step 2 four.)
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints import sla
from complaints.models import ChannelKind, Complaint, ComplaintEvent, SlaPolicy, StepDay, StepDayBucket, StepSpan
from complaints.services.transitions import perform_action
from complaints.statistics import InformationFigures, Scope, dashboard, default_period, median, percentile, step_limits
from complaints.step_spans import rebuild_step_spans, roll_up_step_days
from complaints.workflow import OPEN_STATUSES, Outcome, Program, Status
from roles.roles import Role
from tests.backdating import rewritable_events

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")
START, END = date(2026, 3, 2), date(2026, 3, 15)


def wita(*args) -> datetime:
    return datetime(*args, tzinfo=WITA)


def retime(complaint: Complaint, created: datetime, minutes: dict[str, int], *, due_in: timedelta | None = None) -> None:
    """Put the complaint's submission at `created` and each action `minutes[action]` later (bulk update)."""
    Complaint.objects.filter(pk=complaint.pk).update(created_at=created)
    events = list(ComplaintEvent.objects.filter(complaint=complaint).order_by("created_at", "id"))
    assert [e.action for e in events] == ["submit", *minutes], [e.action for e in events]
    with rewritable_events() as rewritable:  # events are append-only; this test fabricates their past times
        rewritable.filter(pk=events[0].pk).update(created_at=created)
        for event in events[1:]:
            rewritable.filter(pk=event.pk).update(created_at=created + timedelta(minutes=minutes[event.action]))
    # The spans recorded when the steps ended hold the real (test-run) times: derive them again from the new history.
    rebuild_step_spans([complaint.pk])
    if due_in is not None:
        Complaint.objects.filter(pk=complaint.pk).update(due_at=timezone.now() + due_in)


FULL = ("accept", "forward", "submit_draft", "confirm", "assign", "handle", "report", "acknowledge", "informed")


@pytest.fixture
def timed_cases(complaint_in, halong, info_category, users):
    late, later = timedelta(hours=-1), timedelta(hours=1)
    a = complaint_in(Status.CLOSED, channel_kind=ChannelKind.WALK_IN)
    retime(a, wita(2026, 3, 3, 9, 0), dict(zip(FULL, (3, 10, 20, 28, 40, 228, 278, 290, 294), strict=True)))
    b = complaint_in(Status.CLOSED, channel_kind=ChannelKind.WHATSAPP)
    retime(b, wita(2026, 3, 10, 10, 0), dict(zip(FULL, (6, 10, 25, 37, 50, 237, 267, 276, 281), strict=True)))
    c = complaint_in(Status.SCREENING, channel_kind=ChannelKind.WALK_IN)
    retime(c, wita(2026, 3, 11, 8, 0), {"accept": 2}, due_in=late)
    d = complaint_in(Status.VERIFICATION, channel_kind=ChannelKind.WHATSAPP)
    retime(d, wita(2026, 3, 12, 8, 0), {"accept": 1, "forward": 6}, due_in=later)
    e = complaint_in(Status.SCREENING, channel_kind=ChannelKind.WALK_IN)
    retime(e, wita(2026, 2, 27, 23, 0), {"accept": 2950}, due_in=later)
    f = complaint_in(Status.SUBMITTED, channel_kind=ChannelKind.TELEGRAM, district=halong, category=info_category)
    retime(f, wita(2026, 3, 13, 12, 0), {}, due_in=late)
    g = complaint_in(Status.SCREENING, channel_kind=ChannelKind.WALK_IN)
    retime(g, wita(2026, 3, 16, 0, 0), {"accept": 3}, due_in=later)
    h = complaint_in(Status.SCREENING, channel_kind=ChannelKind.WHATSAPP, category=info_category)
    perform_action(user=users[Role.OPERATOR], complaint_id=h.pk, action="answer", data={"answer": "Tugas Satpol PP: ..."})
    retime(h, wita(2026, 3, 5, 14, 0), {"accept": 2, "answer": 8})
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g, "h": h}


def m(minutes: float) -> timedelta:
    return timedelta(minutes=minutes)


def by_key(items) -> dict[str, int]:
    return {item.key: item.value for item in items if item.value}


def test_counts_by_status_outcome_and_channel(timed_cases):
    figures = dashboard(Scope(START, END))
    assert figures.received == 4  # A B C D; E before, G after the period; F and H are information requests
    assert by_key(figures.by_status) == {"closed": 2, "screening": 1, "verification": 1}
    assert by_key(figures.by_outcome) == {"resolved": 2}
    assert by_key(figures.by_channel) == {"walk_in": 2, "whatsapp": 2}
    assert [item.key for item in figures.by_status] == list(Status.values)
    # A complaint cannot end "answered": the outcome is not among the complaint outcomes at all.
    assert Outcome.ANSWERED not in [item.key for item in figures.by_outcome]


def test_information_requests_are_counted_apart(timed_cases):
    # F received and still open (overdue), H received and answered.
    assert dashboard(Scope(START, END)).information == InformationFigures(
        received=2, answered=1, closed_otherwise=0, still_open=1, open_now=1, overdue_now=1,
    )
    # Before the period: nothing received, but F is still open now.
    assert dashboard(Scope(date(2025, 1, 1), date(2025, 1, 31))).information == InformationFigures(open_now=1, overdue_now=1)


def test_an_information_request_returned_is_closed_otherwise(complaint_in, info_category, users):
    request = complaint_in(Status.SCREENING, category=info_category)
    perform_action(user=users[Role.OPERATOR], complaint_id=request.pk, action="return", data={"reason": "incomplete"})
    today = timezone.localdate()
    figures = dashboard(Scope(today, today))
    assert figures.information == InformationFigures(received=1, closed_otherwise=1)
    assert figures.received == 0 and by_key(figures.by_outcome) == {}


def test_weekly_trend_counts_iso_weeks_of_the_period(timed_cases):
    weeks = dashboard(Scope(START, END)).weekly
    assert [(w.label, w.monday, w.value) for w in weeks] == [
        ("2026-W10", date(2026, 3, 2), 1), ("2026-W11", date(2026, 3, 9), 3),  # A; B C D (not H, not F)
    ]
    # A period starting mid-week still shows that whole week's Monday, and empty weeks as 0.
    weeks = dashboard(Scope(date(2026, 2, 25), date(2026, 3, 8))).weekly
    assert [(w.label, w.value) for w in weeks] == [("2026-W09", 1), ("2026-W10", 1)]
    weeks = dashboard(Scope(date(2026, 1, 1), date(2026, 1, 20))).weekly
    assert [(w.label, w.value) for w in weeks] == [("2026-W01", 0), ("2026-W02", 0), ("2026-W03", 0), ("2026-W04", 0)]


# step: (completions, within SOP time, median, p90)
EXPECTED_STEPS = {
    1: (5, 3, m(3), m(2950)),
    2: (3, 2, m(5), m(7)),
    3: (2, 2, m(12.5), m(15)),
    4: (2, 1, m(10), m(12)),
    5: (2, 1, m(200), m(200)),
    6: (2, 2, m(40), m(50)),
    7: (2, 1, m(10.5), m(12)),
    8: (2, 2, m(4.5), m(5)),
}


def test_step_completions_within_sop_median_and_p90(timed_cases):
    steps = dashboard(Scope(START, END)).steps
    assert {s.step: (s.completions, s.within, s.median, s.p90) for s in steps} == EXPECTED_STEPS
    shares = {s.step: s.within_share for s in steps}
    assert shares[1] == pytest.approx(0.6)
    assert shares[2] == pytest.approx(2 / 3)
    assert shares[5] == pytest.approx(0.5)  # 200 min: over the walk-in 3 h, within the La-Lisa 5 h
    assert {s.step: s.limits for s in steps}[5] == (timedelta(hours=3), timedelta(hours=5))
    assert {s.step: s.limits for s in steps}[3] == (m(15),)


def test_open_and_overdue_now_ignore_the_period(timed_cases):
    figures = dashboard(Scope(date(2025, 1, 1), date(2025, 1, 31)))
    assert figures.received == 0
    assert {s.status: (s.open_now, s.overdue_now) for s in figures.steps if s.open_now} == {
        "screening": (3, 1), "verification": (1, 0),  # F, the open information request, is not in step 1
    }
    assert (figures.open_now, figures.overdue_now) == (4, 1)
    assert all(s.completions == 0 and s.within_share is None and s.median is None for s in figures.steps)


def test_filters_narrow_every_figure(timed_cases, halong, category):
    figures = dashboard(Scope(START, END, district_id=halong.pk))
    assert figures.received == 0  # only F is in Halong, and it is an information request
    assert by_key(figures.by_status) == {} and by_key(figures.by_channel) == {}
    assert [w.value for w in figures.weekly] == [0, 0]
    assert all(s.completions == 0 for s in figures.steps)
    assert (figures.open_now, figures.overdue_now) == (0, 0)
    assert figures.information == InformationFigures(received=1, still_open=1, open_now=1, overdue_now=1)

    figures = dashboard(Scope(START, END, channel_kind=ChannelKind.WALK_IN))
    assert figures.received == 2  # A, C
    step1 = figures.steps[0]
    assert (step1.completions, step1.within, step1.median, step1.p90) == (3, 2, m(3), m(2950))  # A3 C2 E2950
    assert (figures.open_now, figures.overdue_now) == (3, 1)  # C (late), E, G

    figures = dashboard(Scope(START, END, category_id=category.pk))
    assert figures.received == 4
    assert by_key(figures.by_channel) == {"walk_in": 2, "whatsapp": 2}
    assert figures.information == InformationFigures()  # F and H have another category

    figures = dashboard(Scope(START, END, channel_kind=ChannelKind.WHATSAPP))
    assert figures.information == InformationFigures(received=1, answered=1)  # H; F came over Telegram

    figures = dashboard(Scope(date(2026, 3, 9), END))
    assert figures.received == 3  # B C D
    assert [(w.label, w.value) for w in figures.weekly] == [("2026-W11", 3)]
    step1 = figures.steps[0]
    assert (step1.completions, step1.within, step1.median, step1.p90) == (3, 2, m(2), m(6))  # B6 C2 D1


def test_a_policy_change_judges_the_steps_that_end_after_it(timed_cases, complaint_in):
    """Each step is judged by the limit in force when it ended; the shown limit is today's."""
    assert SlaPolicy.objects.filter(status=Status.SCREENING).update(limit=m(10)) == 2
    step2 = dashboard(Scope(START, END)).steps[1]
    assert (step2.completions, step2.within, step2.limits) == (3, 2, (m(10),))  # A7 B4 D5 judged by 5 min then
    today = timezone.localdate()
    late = complaint_in(Status.VERIFICATION)  # screening left now, under the new 10 minutes
    retime(late, timezone.now() - timedelta(minutes=20), {"accept": 1, "forward": 9})
    step2 = dashboard(Scope(today, today)).steps[1]
    assert (step2.completions, step2.within) == (1, 1)  # 8 minutes: over the old 5, within the new 10
    # A rebuild judges the steps it derives by the policy now (the same 8 minutes, and A7 B4 D5).
    rebuild_step_spans([timed_cases[k].pk for k in "abd"])
    assert dashboard(Scope(START, END)).steps[1].within == 3


def test_figures_are_the_same_from_the_daily_roll_up(timed_cases):
    before = dashboard(Scope(START, END))
    assert roll_up_step_days(today=date(2026, 3, 20)) > 14  # from the first span's day to the 19th
    assert StepDay.objects.filter(day__gte=START, day__lte=END).count() == 14
    after = dashboard(Scope(START, END))
    assert after.steps == before.steps
    assert {s.step: (s.completions, s.within, s.median, s.p90) for s in after.steps} == EXPECTED_STEPS
    # The roll-up holds what the spans hold, information requests left out (H's two steps are not in it).
    assert sum(StepDayBucket.objects.values_list("count", flat=True)) == StepSpan.objects.filter(
        is_information=False, left_at__lt=wita(2026, 3, 20)).count()
    # Narrowed figures read the spans (the roll-up has no kecamatan, category or channel) and still agree.
    narrowed = dashboard(Scope(START, END, channel_kind=ChannelKind.WALK_IN)).steps[0]
    assert (narrowed.completions, narrowed.within, narrowed.median, narrowed.p90) == (3, 2, m(3), m(2950))
    assert roll_up_step_days(today=date(2026, 3, 20)) == 0  # nothing left to do


def test_the_roll_up_is_read_only_for_finished_days_and_forgotten_when_spans_change(timed_cases):
    roll_up_step_days(today=date(2026, 3, 12))  # the 11th is the last finished day
    assert not StepDay.objects.filter(day__gte=date(2026, 3, 12)).exists()
    with CaptureQueriesContext(connection) as ctx:
        figures = dashboard(Scope(START, END))
    assert {s.step: (s.completions, s.within, s.median, s.p90) for s in figures.steps} == EXPECTED_STEPS
    assert len(ctx.captured_queries) == 6  # rolled-up days and the spans of the rest
    # Rebuilding B (left its steps on the 10th) forgets that day, and the figures stay right.
    rebuild_step_spans([timed_cases["b"].pk])
    assert not StepDay.objects.filter(day=date(2026, 3, 10)).exists()
    assert StepDay.objects.filter(day=date(2026, 3, 9)).exists()
    figures = dashboard(Scope(START, END))
    assert {s.step: (s.completions, s.within, s.median, s.p90) for s in figures.steps} == EXPECTED_STEPS
    assert roll_up_step_days(today=date(2026, 3, 12)) == 1  # the 10th again


def test_step_limits_agree_with_the_sla_module():
    SlaPolicy.objects.filter(status=Status.FIELD_CHECK, program=Program.LALISA).update(limit=m(25), target=m(20))
    limits = step_limits()
    for status in OPEN_STATUSES:
        for program in Program:
            assert limits[(status, program)] == sla.step_window(status, program)[1]


def _queries(scope: Scope) -> int:
    with CaptureQueriesContext(connection) as ctx:
        dashboard(scope)
    return len(ctx.captured_queries)


def test_a_fixed_number_of_queries(complaint_in):
    statuses = [Status.SUBMITTED, Status.VERIFICATION, Status.CLOSED]
    for status in statuses:
        complaint_in(status)
    today = timezone.localdate()
    scope = Scope(today - timedelta(days=1), today)
    few = _queries(scope)
    for i in range(27):
        complaint_in(statuses[i % 3])
    assert dashboard(scope).received == 30
    assert _queries(scope) == few == 5  # no day rolled up yet: the roll-up read is skipped


def test_percentile_and_median_helpers():
    assert percentile([], 0.9) is None and median([]) is None
    values = [m(v) for v in (10, 1, 9, 2, 8, 3, 7, 4, 6, 5)]
    assert percentile(values, 0.9) == m(9)  # nearest rank: the 9th of 10
    assert percentile(values, 0.5) == m(5)
    assert median(values) == m(5.5)
    assert percentile([m(4)], 0.9) == m(4)


def test_default_period_is_the_last_30_days():
    assert default_period(date(2026, 3, 31)) == (date(2026, 3, 2), date(2026, 3, 31))

"""SP4N-LAPOR! with or without API access: one adapter chosen by SP4N_LAPOR_MODE. In the manual mode nothing goes over
the network: pushes become follow-ups due for the Operator to post by hand; both modes write the same LaporReport with
the same working-day deadlines (holidays skipped)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from channels.models import OutboundKind, OutboundMessage
from channels.outbox import deliver
from channels.sp4n_lapor.adapters import API, MANUAL, ApiAdapter, ManualAdapter, lapor_adapter, lapor_mode
from channels.sp4n_lapor.client import FINAL, FOLLOW_UP
from channels.sp4n_lapor.desk import ManualReport, clean_tracking_id, enter_report, mark_posted, record_tracking_id
from channels.sp4n_lapor.models import LaporFollowUp, LaporReport, LaporReportType
from channels.sp4n_lapor.services import pull
from complaints.errors import ActionNotAllowed, InputError
from complaints.models import Category, ChannelKind, Complaint, ComplaintEvent, District, Holiday
from complaints.services.transitions import perform_action
from complaints.workflow import Outcome, Status
from roles.roles import Role
from tests.channels.sp4n_lapor.fake_lapor import item

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")
# Monday 11 May 2026: Kenaikan Yesus Kristus (Thursday 14) and its cuti bersama (Friday 15) fall in LAPOR's five
# working days, so the deadline is the end of Wednesday 20, not of Monday 18.
DISPOSED = datetime(2026, 5, 11, 10, 0, tzinfo=WITA)
DUE = datetime(2026, 5, 21, tzinfo=WITA)


@pytest.fixture
def manual(settings):
    settings.SP4N_LAPOR_MODE = MANUAL


def _report(**overrides) -> ManualReport:
    fields = {
        "tracking_id": "#1916449", "report_type": LaporReportType.COMPLAINT, "title": "Balap liar di jalan poros",
        "content": "Setiap malam Minggu ada balap liar di jalan poros Paringin.", "category": Category.objects.get(slug="keributan"),
        "district": District.objects.get(slug="paringin"), "disposed_at": DISPOSED, "reporter_name": "Rahmat Hidayat",
        "reporter_phone": "081234567890",
    }
    return ManualReport(**{**fields, **overrides})


def _rows(complaint) -> list[LaporFollowUp]:
    return list(LaporFollowUp.objects.filter(report__complaint=complaint).order_by("id"))


# --- the mode -------------------------------------------------------------------------------------------------------


def test_the_mode_follows_the_setting_else_whether_lapors_api_is_configured(settings):
    settings.SP4N_LAPOR_MODE, settings.SP4N_LAPOR_BASE_URL = "", ""
    assert lapor_mode() == MANUAL and isinstance(lapor_adapter(), ManualAdapter)
    settings.SP4N_LAPOR_BASE_URL = "https://lapor.example/api/v1"
    assert lapor_mode() == API and isinstance(lapor_adapter(), ApiAdapter)
    settings.SP4N_LAPOR_MODE = MANUAL  # an office with credentials may still work by hand
    assert lapor_mode() == MANUAL


def test_the_manual_mode_pulls_nothing_and_schedules_no_pull(settings, lapor):
    from django_tasks_db.models import DBTaskResult

    from channels.tasks import schedule_lapor_pull

    settings.SP4N_LAPOR_MODE = MANUAL
    lapor.feed = [item("7654321")]
    assert lapor_adapter().pull().status == MANUAL
    schedule_lapor_pull(right_away=True)
    assert not DBTaskResult.objects.filter(task_path="channels.tasks.lapor_pull").exists()
    assert lapor.requests == [] and not LaporReport.objects.exists()


# --- deadlines: one working-day function, the same in both modes ---------------------------------------------------


def test_lapors_deadline_skips_holidays_and_is_the_same_in_both_modes(lapor, users, settings):
    lapor.feed = [item("7654321", disposed_at=DISPOSED.isoformat())]
    assert pull().status == "ok"  # the API mode (the fake LAPOR is configured)
    pulled = LaporReport.objects.get(tracking_id="7654321")

    settings.SP4N_LAPOR_MODE = MANUAL
    entered = enter_report(user=users[Role.OPERATOR], data=_report()).lapor

    assert pulled.follow_up_due_at == entered.follow_up_due_at == DUE
    walked = Complaint.objects.get(pk=entered.complaint_id)
    perform_action(user=users[Role.OPERATOR], complaint_id=walked.pk, action="accept", data={})
    (row,) = _rows(walked)
    assert row.due_at == DUE  # the first follow-up carries LAPOR's deadline


def test_a_holiday_added_later_moves_the_deadlines_not_met_yet(manual, users):
    complaint = enter_report(user=users[Role.OPERATOR], data=_report(disposed_at=datetime(2026, 11, 2, 9, 0, tzinfo=WITA)))
    met = enter_report(user=users[Role.OPERATOR], data=_report(tracking_id="2000001", disposed_at=datetime(2026, 11, 2, 9, 0, tzinfo=WITA)))
    LaporReport.objects.filter(complaint=met).update(followed_up_at=timezone.now())
    perform_action(user=users[Role.OPERATOR], complaint_id=complaint.pk, action="accept", data={})
    assert complaint.lapor.follow_up_due_at == datetime(2026, 11, 10, tzinfo=WITA)

    Holiday.objects.create(date=datetime(2026, 11, 4).date(), name="Libur daerah uji", kind="regional")

    assert LaporReport.objects.get(complaint=complaint).follow_up_due_at == datetime(2026, 11, 11, tzinfo=WITA)
    assert _rows(complaint)[0].due_at == datetime(2026, 11, 11, tzinfo=WITA)
    assert LaporReport.objects.get(complaint=met).follow_up_due_at == datetime(2026, 11, 10, tzinfo=WITA)  # met: as it was


# --- the manual adapter: follow-ups due instead of HTTP calls ------------------------------------------------------


def test_in_the_manual_mode_pushes_become_follow_ups_due_not_http_calls(lapor, users, settings, walk):
    settings.SP4N_LAPOR_MODE = MANUAL  # LAPOR's API is configured (the fake), but the office works by hand
    complaint = enter_report(user=users[Role.OPERATOR], data=_report())
    assert complaint.channel_kind == ChannelKind.SP4N_LAPOR and complaint.external_ref == "1916449"
    assert _rows(complaint) == []  # entering it tells LAPOR nothing

    complaint = walk(complaint, Status.SCREENING)
    (row,) = _rows(complaint)
    assert (row.kind, row.posted_at, row.report.tracking_id) == (FOLLOW_UP, None, "1916449")
    assert complaint.code in row.text and "verifikasi" in row.text
    assert row.payload["text"] == row.text and row.payload["reference"] == complaint.code

    complaint = walk(complaint, Status.NOTIFICATION)
    final = _rows(complaint)[-1]
    assert final.kind == FINAL and final.payload["result"] == Outcome.RESOLVED
    assert [r.kind for r in _rows(complaint)] == [FOLLOW_UP, FOLLOW_UP, FOLLOW_UP, FINAL]  # accept, forward, assign, acknowledge
    assert not OutboundMessage.objects.filter(complaint=complaint, kind__in=(OutboundKind.FOLLOW_UP, OutboundKind.OUTCOME)).exists()
    assert lapor.requests == []


def test_the_same_transition_makes_one_row(manual, users):
    complaint = enter_report(user=users[Role.OPERATOR], data=_report())
    complaint = perform_action(user=users[Role.OPERATOR], complaint_id=complaint.pk, action="accept", data={})
    (row,) = _rows(complaint)
    from channels.sp4n_lapor.pushes import queue_follow_up

    again = queue_follow_up(complaint.lapor, complaint, "lagi", dedupe_key=row.dedupe_key)
    assert again.pk == row.pk and len(_rows(complaint)) == 1


# --- recording a LAPOR tracking id on a case -----------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["1916449", "#1916449", " #1916449 "])
def test_a_tracking_id_is_lapors_digits(typed):
    assert clean_tracking_id(typed) == "1916449"


@pytest.mark.parametrize("typed", ["", "abc", "LAPOR-7", "12", "19164 49", "1" * 21, "#"])
def test_anything_else_is_refused_with_a_message_on_the_field(typed):
    with pytest.raises(InputError) as refused:
        clean_tracking_id(typed)
    assert "angka" in refused.value.errors["tracking_id"][0]


def test_recording_an_id_on_a_case_under_way_brings_lapors_reporter_up_to_date(manual, users, complaint_in):
    complaint = complaint_in(Status.VERIFICATION)  # a walk-in, accepted and forwarded before anyone knew of LAPOR
    report = record_tracking_id(user=users[Role.OPERATOR], complaint=complaint, tracking_id="#5550001", disposed_at=DISPOSED)
    assert (report.tracking_id, report.follow_up_due_at, report.followed_up_at) == ("5550001", DUE, None)
    (row,) = _rows(complaint)
    assert row.kind == FOLLOW_UP and "diteruskan" in row.text  # the latest follow-up's words: forwarded
    event = ComplaintEvent.objects.get(complaint=complaint, action="lapor_linked")
    assert event.actor == users[Role.OPERATOR] and event.payload["tracking_id"] == "5550001"
    assert event.from_status == event.to_status == Status.VERIFICATION


def test_recording_an_id_on_a_closed_case_sends_its_final_status(manual, users, complaint_in):
    complaint = complaint_in(Status.CLOSED)
    record_tracking_id(user=users[Role.KEPALA], complaint=complaint, tracking_id="5550002", disposed_at=DISPOSED)
    (row,) = _rows(complaint)
    assert row.kind == FINAL and row.payload["result"] == complaint.outcome


def test_a_submitted_case_waits_for_accept(manual, users, complaint_in):
    complaint = complaint_in(Status.SUBMITTED)
    record_tracking_id(user=users[Role.OPERATOR], complaint=complaint, tracking_id="5550003", disposed_at=DISPOSED)
    assert _rows(complaint) == []
    perform_action(user=users[Role.OPERATOR], complaint_id=complaint.pk, action="accept", data={})
    assert [r.kind for r in _rows(complaint)] == [FOLLOW_UP]


def test_one_lapor_id_per_case_and_one_case_per_lapor_id(manual, users, complaint_in):
    first, second = complaint_in(Status.SCREENING), complaint_in(Status.SCREENING)
    record_tracking_id(user=users[Role.OPERATOR], complaint=first, tracking_id="5550004", disposed_at=DISPOSED)
    with pytest.raises(InputError) as taken:
        record_tracking_id(user=users[Role.OPERATOR], complaint=second, tracking_id="5550004", disposed_at=DISPOSED)
    assert first.code in taken.value.errors["tracking_id"][0]
    with pytest.raises(InputError) as twice:
        record_tracking_id(user=users[Role.OPERATOR], complaint=first, tracking_id="5550005", disposed_at=DISPOSED)
    assert "5550004" in twice.value.errors["tracking_id"][0]
    with pytest.raises(InputError) as entered:
        enter_report(user=users[Role.OPERATOR], data=_report(tracking_id="5550004"))
    assert first.code in entered.value.errors["tracking_id"][0]
    assert LaporReport.objects.count() == 1 and not LaporReport.objects.filter(complaint=second).exists()


def test_a_disposition_in_the_future_is_refused(manual, users, complaint_in):
    with pytest.raises(InputError) as refused:
        record_tracking_id(user=users[Role.OPERATOR], complaint=complaint_in(Status.SCREENING), tracking_id="5550006",
                           disposed_at=timezone.now() + timedelta(hours=2))
    assert "disposed_at" in refused.value.errors


@pytest.mark.parametrize("role", [Role.KASI, Role.KABID, Role.TRC])
def test_only_the_operator_and_the_kepala_record_lapor_ids(manual, users, complaint_in, role):
    with pytest.raises(ActionNotAllowed):
        record_tracking_id(user=users[role], complaint=complaint_in(Status.VERIFICATION), tracking_id="5550007", disposed_at=DISPOSED)


def test_entering_a_report_checks_its_category_against_lapors_report_type(manual, users):
    with pytest.raises(InputError) as refused:
        enter_report(user=users[Role.OPERATOR], data=_report(report_type=LaporReportType.INFORMATION))
    assert "category" in refused.value.errors
    with pytest.raises(ActionNotAllowed):
        enter_report(user=users[Role.KEPALA], data=_report())


# --- posted ---------------------------------------------------------------------------------------------------------


def test_posted_is_recorded_once_with_who_and_when(manual, users):
    complaint = enter_report(user=users[Role.OPERATOR], data=_report())
    perform_action(user=users[Role.OPERATOR], complaint_id=complaint.pk, action="accept", data={})
    (row,) = _rows(complaint)

    first = mark_posted(user=users[Role.OPERATOR], follow_up_id=row.pk)
    assert first.now and first.follow_up.posted_by == users[Role.OPERATOR]
    posted_at = LaporFollowUp.objects.get(pk=row.pk).posted_at
    again = mark_posted(user=users[Role.KEPALA], follow_up_id=row.pk)
    assert not again.now and again.follow_up.posted_by == users[Role.OPERATOR] and again.follow_up.posted_at == posted_at

    report = LaporReport.objects.get(complaint=complaint)
    assert report.followed_up_at == posted_at and report.last_pushed_status == "follow_up"
    assert ComplaintEvent.objects.filter(complaint=complaint, action="lapor_posted").count() == 1


def test_posting_the_outcome_tells_the_reporter_and_closes_step_8(manual, users, walk):
    complaint = walk(enter_report(user=users[Role.OPERATOR], data=_report()), Status.NOTIFICATION)
    final = _rows(complaint)[-1]
    assert final.kind == FINAL
    mark_posted(user=users[Role.OPERATOR], follow_up_id=final.pk)
    complaint.refresh_from_db()
    assert (complaint.status, complaint.outcome) == (Status.CLOSED, Outcome.RESOLVED)
    informed = ComplaintEvent.objects.get(complaint=complaint, action="informed")
    assert informed.actor == users[Role.OPERATOR] and "SP4N-LAPOR!" in informed.note


def test_only_the_operator_and_the_kepala_mark_posted(manual, users):
    complaint = enter_report(user=users[Role.OPERATOR], data=_report())
    perform_action(user=users[Role.OPERATOR], complaint_id=complaint.pk, action="accept", data={})
    (row,) = _rows(complaint)
    with pytest.raises(ActionNotAllowed):
        mark_posted(user=users[Role.KABID], follow_up_id=row.pk)
    assert LaporFollowUp.objects.get(pk=row.pk).posted_at is None


# --- the API mode with a LAPOR id recorded by hand -----------------------------------------------------------------


def test_in_the_api_mode_a_case_from_another_channel_pushes_through_the_lapor_channel(lapor, users, complaint_in):
    complaint = complaint_in(Status.SCREENING)
    record_tracking_id(user=users[Role.OPERATOR], complaint=complaint, tracking_id="5550008", disposed_at=DISPOSED)
    (message,) = OutboundMessage.objects.filter(complaint=complaint, kind=OutboundKind.FOLLOW_UP)
    assert message.channel.kind == ChannelKind.SP4N_LAPOR and not LaporFollowUp.objects.exists()
    assert deliver(message.pk) == "delivered"
    (push,) = lapor.pushes()
    assert push.path == "/api/v1/reports/5550008/follow-ups" and push.json()["reference"] == complaint.code
    assert LaporReport.objects.get(complaint=complaint).followed_up_at is not None



def test_each_row_says_which_status_to_choose_in_lapors_admin(manual, users, complaint_in):
    from channels.sp4n_lapor.desk import posting_hint

    complaint = complaint_in(Status.SCREENING)
    record_tracking_id(user=users[Role.OPERATOR], complaint=complaint, tracking_id="5550009", disposed_at=DISPOSED)
    perform_action(user=users[Role.OPERATOR], complaint_id=complaint.pk, action="return",
                   data={"reason": "not_authority", "agency": "Dinas Perhubungan"})
    follow_up, final = _rows(complaint)
    assert posting_hint(follow_up) == "status di LAPOR: diproses"
    assert posting_hint(final) == "status di LAPOR: bukan wewenang; instansi yang berwenang: Dinas Perhubungan"
    # A returned outcome is told by the return itself: posting it changes nothing in the SOP.
    mark_posted(user=users[Role.OPERATOR], follow_up_id=final.pk)
    assert not ComplaintEvent.objects.filter(complaint=complaint, action="informed").exists()

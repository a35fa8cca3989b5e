"""SP4N-LAPOR! by hand in the portal: the follow-ups due list (order, text to paste, one-click "posted"), the LAPOR
tracking id on a case page, and a case from a LAPOR report."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from channels.sp4n_lapor.adapters import MANUAL
from channels.sp4n_lapor.desk import record_tracking_id
from channels.sp4n_lapor.models import LaporFollowUp, LaporReport
from complaints.models import Category, ChannelKind, Complaint, District
from complaints.workflow import Status
from roles.roles import Role

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")


@pytest.fixture(autouse=True)
def manual(settings):
    settings.SP4N_LAPOR_MODE = MANUAL


def _wita_input(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _linked(users, complaint, tracking_id: str, disposed_at: datetime) -> LaporFollowUp:
    record_tracking_id(user=users[Role.OPERATOR], complaint=complaint, tracking_id=tracking_id, disposed_at=disposed_at)
    return LaporFollowUp.objects.get(report__complaint=complaint)


def _cards(html: str) -> list[str]:
    return re.findall(r'<li class="card[^"]*" id="lapor-follow-up-\d+">.*?</li>', html, re.S)


# --- the list ------------------------------------------------------------------------------------------------------


def test_the_list_orders_follow_ups_by_lapors_deadline_with_the_text_to_paste(portal_as, users, complaint_in):
    now = timezone.now()
    later = _linked(users, complaint_in(Status.SCREENING), "7000001", now - timedelta(hours=1))
    overdue = _linked(users, complaint_in(Status.VERIFICATION), "7000002", now - timedelta(days=12))
    closed_case = complaint_in(Status.CLOSED)
    final = _linked(users, closed_case, "7000003", now - timedelta(days=3))

    page = portal_as(Role.OPERATOR).get("/sp4n-lapor/")
    assert page.status_code == 200
    cards = _cards(page.content.decode())
    assert [re.search(r"LAPOR #(\d+)", card).group(1) for card in cards] == ["7000002", "7000003", "7000001"]
    assert [row.pk for row in (overdue, final, later)] == [row.pk for row in LaporFollowUp.objects.order_by("due_at", "id")]
    first = cards[0]
    assert "sla-late" in first and "lewat tenggat" in first
    assert f'<textarea id="lapor-text-{overdue.pk}" class="lapor-text" rows="5" readonly>' in first
    assert unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", first, re.S).group(1)) == overdue.text
    assert "diteruskan" in overdue.text and overdue.report.complaint.code in first
    assert "status di LAPOR: diproses" in first
    assert "status di LAPOR: selesai (Ditangani)" in cards[1]
    assert "sla-late" not in cards[2]


def test_posted_takes_it_off_the_list_and_a_second_click_says_it_was_recorded(htmx_as, portal_as, users, complaint_in):
    row = _linked(users, complaint_in(Status.SCREENING), "7000004", timezone.now())
    operator = htmx_as(Role.OPERATOR)
    answer = operator.post(f"/sp4n-lapor/{row.pk}/posted/")
    assert answer.status_code == 200
    body = answer.content.decode()
    assert "sudah diposting ke SP4N-LAPOR!" in body and "<textarea" not in body
    assert 'id="count-lapor" hx-swap-oob="true">0<' in body
    row.refresh_from_db()
    assert row.posted_by == users[Role.OPERATOR] and row.posted_at is not None

    again = htmx_as(Role.KEPALA).post(f"/sp4n-lapor/{row.pk}/posted/")
    assert again.status_code == 200 and "Sudah dicatat sebelumnya: diposting oleh" in again.content.decode()
    assert LaporFollowUp.objects.get(pk=row.pk).posted_by == users[Role.OPERATOR]

    listing = portal_as(Role.OPERATOR).get("/sp4n-lapor/").content.decode()
    assert _cards(listing) == [] and "Tidak ada tindak lanjut LAPOR yang menunggu diposting." in listing


def test_posted_without_htmx_redirects_to_the_list(portal_as, users, complaint_in):
    row = _linked(users, complaint_in(Status.SCREENING), "7000005", timezone.now())
    answer = portal_as(Role.OPERATOR).post(f"/sp4n-lapor/{row.pk}/posted/", follow=True)
    assert answer.redirect_chain[-1][0] == "/sp4n-lapor/"
    assert "sudah diposting ke SP4N-LAPOR!" in answer.content.decode()
    assert portal_as(Role.OPERATOR).post("/sp4n-lapor/999999/posted/").status_code == 404


def test_the_operator_sees_the_list_in_the_navigation_with_a_count(portal_as, users, complaint_in, settings):
    _linked(users, complaint_in(Status.SCREENING), "7000006", timezone.now())
    queue = portal_as(Role.OPERATOR).get("/queue/operator/").content.decode()
    assert re.search(r'href="/sp4n-lapor/"[^>]*>Tindak lanjut LAPOR <span class="count busy" id="count-lapor">1</span>', queue)
    assert 'href="/sp4n-lapor/"' in portal_as(Role.KEPALA).get("/cases/").content.decode()
    assert 'href="/sp4n-lapor/"' not in portal_as(Role.KASI).get("/queue/kasi/").content.decode()
    # In the API mode the item stays away once nothing is left from a manual period.
    settings.SP4N_LAPOR_MODE = "api"
    LaporFollowUp.objects.update(posted_at=timezone.now())
    assert 'href="/sp4n-lapor/"' not in portal_as(Role.OPERATOR).get("/queue/operator/").content.decode()


@pytest.mark.parametrize("role", [Role.KASI, Role.KABID, Role.TRC])
def test_other_roles_may_not_open_or_post(portal_as, users, complaint_in, role):
    row = _linked(users, complaint_in(Status.SCREENING), "7000007", timezone.now())
    assert portal_as(role).get("/sp4n-lapor/").status_code == 403
    assert portal_as(role).post(f"/sp4n-lapor/{row.pk}/posted/").status_code == 403
    assert portal_as(role).get("/sp4n-lapor/new/").status_code == 403
    assert LaporFollowUp.objects.get(pk=row.pk).posted_at is None


# --- the LAPOR tracking id on a case ---------------------------------------------------------------------------------


def test_the_operator_records_a_lapor_id_on_the_case_page(htmx_as, portal_as, users, complaint_in):
    complaint = complaint_in(Status.SCREENING)
    page = portal_as(Role.OPERATOR).get(f"/cases/{complaint.code}/").content.decode()
    assert f'action="/cases/{complaint.code}/lapor/"' in page and 'id="lapor_tracking_id"' in page
    assert 'id="lapor_tracking_id"' not in portal_as(Role.KASI).get(f"/cases/{complaint_in(Status.VERIFICATION).code}/").content.decode()

    disposed = timezone.now() - timedelta(hours=3)
    answer = htmx_as(Role.OPERATOR).post(
        f"/cases/{complaint.code}/lapor/", {"tracking_id": "#7100001", "disposed_at": _wita_input(disposed)},
    )
    assert answer.status_code == 200
    body = answer.content.decode()
    assert "ID pelacakan 7100001" in body and 'id="lapor_tracking_id"' not in body  # recorded: shown, no form any more
    report = LaporReport.objects.get(complaint=complaint)
    assert report.disposed_at == disposed.replace(second=0, microsecond=0)
    assert "ID SP4N-LAPOR! dicatat" in body  # the timeline's event


@pytest.mark.parametrize(("typed", "message"), [
    ("abc", "berupa angka saja"),
    ("", "Bidang ini harus diisi."),
])
def test_a_bad_lapor_id_comes_back_on_the_field(htmx_as, complaint_in, typed, message):
    complaint = complaint_in(Status.SCREENING)
    answer = htmx_as(Role.OPERATOR).post(
        f"/cases/{complaint.code}/lapor/", {"tracking_id": typed, "disposed_at": _wita_input(timezone.now())},
    )
    assert answer.status_code == 422
    body = answer.content.decode()
    field = body[body.index('id="lapor_tracking_id"') - 300 : body.index('id="lapor_tracking_id"') + 600]
    assert "field invalid" in field and message in field
    assert '<details class="lapor-link" open>' in body
    assert not LaporReport.objects.exists()


def test_a_lapor_id_already_on_another_case_is_refused_naming_it(htmx_as, users, complaint_in):
    first, second = complaint_in(Status.SCREENING), complaint_in(Status.SCREENING)
    record_tracking_id(user=users[Role.OPERATOR], complaint=first, tracking_id="7100002", disposed_at=timezone.now())
    answer = htmx_as(Role.OPERATOR).post(
        f"/cases/{second.code}/lapor/", {"tracking_id": "7100002", "disposed_at": _wita_input(timezone.now())},
    )
    assert answer.status_code == 422 and f"sudah tercatat pada aduan {first.code}" in answer.content.decode()
    assert not LaporReport.objects.filter(complaint=second).exists()


def test_recording_needs_the_operator_or_the_kepala(portal_as, complaint_in):
    complaint = complaint_in(Status.VERIFICATION)
    answer = portal_as(Role.KASI).post(
        f"/cases/{complaint.code}/lapor/", {"tracking_id": "7100003", "disposed_at": _wita_input(timezone.now())},
    )
    assert answer.status_code == 403 and not LaporReport.objects.exists()


# --- a case from a LAPOR report --------------------------------------------------------------------------------------


def test_the_operator_enters_a_lapor_report_as_a_case(portal_as):
    operator = portal_as(Role.OPERATOR)
    form = operator.get("/sp4n-lapor/new/").content.decode()
    assert 'name="tracking_id"' in form and 'name="disposed_at"' in form and 'type="datetime-local"' in form
    answer = operator.post("/sp4n-lapor/new/", {
        "tracking_id": "7200001", "disposed_at": "2026-05-11T10:00", "report_type": "pengaduan", "title": "Balap liar",
        "content": "Setiap malam Minggu di jalan poros.", "category": Category.objects.get(slug="keributan").pk,
        "district": District.objects.get(slug="halong").pk, "reporter_name": "Rahmat", "reporter_phone": "081234567890",
    })
    complaint = Complaint.objects.get(external_ref="7200001")
    assert answer.status_code == 302 and answer["Location"] == f"/cases/{complaint.code}/"
    assert (complaint.channel_kind, complaint.status, complaint.district.slug) == (ChannelKind.SP4N_LAPOR, Status.SUBMITTED, "halong")
    assert complaint.description == "Balap liar\n\nSetiap malam Minggu di jalan poros."  # as the pull writes it
    assert complaint.lapor.follow_up_due_at == datetime(2026, 5, 21, tzinfo=WITA)  # holidays 14 and 15 May skipped
    assert complaint.reporter.name == "Rahmat"


def test_an_entered_report_with_a_bad_id_or_anonymous_with_a_name_comes_back(portal_as):
    answer = portal_as(Role.OPERATOR).post("/sp4n-lapor/new/", {
        "tracking_id": "LAPOR-1", "disposed_at": "2026-05-11T10:00", "report_type": "pengaduan", "content": "Isi.",
        "category": Category.objects.get(slug="keributan").pk, "district": District.objects.get(slug="halong").pk,
        "is_anonymous": "on", "reporter_name": "Rahmat",
    })
    assert answer.status_code == 422
    body = answer.content.decode()
    assert "Laporan anonim tidak boleh berisi data pelapor." in body
    assert not Complaint.objects.filter(channel_kind=ChannelKind.SP4N_LAPOR).exists()


def test_the_admin_lists_manual_follow_ups_read_only(client, users, complaint_in):
    from django.contrib.auth import get_user_model

    _linked(users, complaint_in(Status.SCREENING), "7300001", timezone.now())
    client.force_login(get_user_model().objects.create_superuser("root", password="x"))
    page = client.get("/admin/channels/laporfollowup/")
    assert page.status_code == 200 and "7300001" in page.content.decode()
    assert client.get("/admin/channels/laporfollowup/add/").status_code == 403

"""The daily report: figures for one day in WITA, counted by hand from the fixture."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from complaints.models import Complaint
from complaints.reports import InformationDay, daily_report, day_bounds, monthly_recap
from complaints.services.sla_sweep import sweep_breaches
from complaints.services.transitions import perform_action
from complaints.workflow import Status
from roles.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(complaint_in, halong, users, info_category):
    """Today: two received in Paringin (one still screening, one closed), one in Halong; one from yesterday.
    Information requests, counted apart: today one answered and one waiting (overdue), one from yesterday answered
    today, and one from yesterday answered yesterday."""
    # Yesterday's cases at yesterday's noon (WITA), not "now minus a day": shortly after midnight that is two days ago.
    yesterday_noon = day_bounds(timezone.localdate())[0] - timedelta(hours=12)
    screening = complaint_in(Status.SCREENING)
    closed = complaint_in(Status.CLOSED)
    in_halong = complaint_in(Status.VERIFICATION, district=halong)
    yesterday = complaint_in(Status.VERIFICATION)
    Complaint.objects.filter(pk=yesterday.pk).update(created_at=yesterday_noon)

    def answered(request: Complaint) -> Complaint:
        return perform_action(user=users[Role.OPERATOR], complaint_id=request.pk, action="answer", data={"answer": "Jawaban."})

    answered(complaint_in(Status.SCREENING, category=info_category))
    waiting = complaint_in(Status.SCREENING, category=info_category)
    Complaint.objects.filter(pk=waiting.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    old_question = answered(complaint_in(Status.SCREENING, category=info_category))
    Complaint.objects.filter(pk=old_question.pk).update(created_at=yesterday_noon)
    older = answered(complaint_in(Status.SCREENING, category=info_category))
    Complaint.objects.filter(pk=older.pk).update(
        created_at=yesterday_noon - timedelta(hours=1), closed_at=yesterday_noon,
    )
    return {
        "screening": screening, "closed": closed, "halong": in_halong, "yesterday": yesterday, "waiting": waiting,
        "old_questions": [old_question, older],
    }


def test_figures_equal_the_count_by_hand(day, users):
    # The screening one is overdue now; the sweep records its breach today.
    Complaint.objects.filter(pk=day["screening"].pk).update(due_at=timezone.now() - timedelta(minutes=2))
    sweep_breaches()
    report = daily_report(users[Role.KEPALA], timezone.localdate())
    assert report.received == 3
    assert dict(report.received_by_district) == {"Paringin": 2, "Halong": 1}
    assert dict(report.closed_by_outcome) == {"Ditangani": 1}
    steps = {step: (open_now, late) for step, _label, open_now, late in report.open_by_step}
    assert steps[2] == (1, 1) and steps[3] == (2, 0)
    assert [(step, count) for step, _label, count in report.breaches_by_step] == [(2, 1)]
    assert [c.code for c in report.most_overdue] == [day["screening"].code]
    # The waiting information request is overdue at step 2 too, but it is not a complaint: only in its own line.
    assert report.information == InformationDay(received=2, answered=2, open_now=1, overdue_now=1)


def test_a_day_is_counted_in_wita(day):
    start, end = day_bounds(timezone.localdate())
    assert timezone.localtime(start).hour == 0 and end - start == timedelta(days=1)
    assert start.utcoffset() == timedelta(hours=8)


def test_kabid_sees_only_forwarded_cases(day, users):
    report = daily_report(users[Role.KABID], timezone.localdate())
    assert report.received == 2  # the screening one has not reached step 3
    # Never forwarded, information requests are counted whole (aggregates only), or the Kabid would always read 0.
    assert report.information == InformationDay(received=2, answered=2, open_now=1, overdue_now=1)


def test_page_prints_the_figures(day, portal_as):
    page = portal_as(Role.KEPALA).get("/reports/daily/").content.decode()
    assert "Laporan harian" in page and "Aduan masuk: 3" in page and "data-print" in page
    assert "Permintaan informasi" in page
    assert re.search(r'<th scope="row">Masuk hari ini</th><td>2</td>', page)
    assert re.search(r'<th scope="row">Lewat tenggat saat ini</th><td class="late">1</td>', page)


def test_yesterday_on_request(day, portal_as):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    page = portal_as(Role.KEPALA).get("/reports/daily/", {"day": yesterday}).content.decode()
    assert "Aduan masuk: 1" in page


@pytest.mark.parametrize(("value", "message"), [("besok", "Masukkan tanggal yang valid"), ("2999-01-01", "hari yang sudah lewat")])
def test_bad_day_is_400_with_message(portal_as, value, message):
    response = portal_as(Role.KEPALA).get("/reports/daily/", {"day": value})
    assert response.status_code == 400 and message in response.content.decode()


@pytest.mark.parametrize("who", [Role.OPERATOR, Role.KASI, Role.TRC])
def test_only_kepala_and_kabid(portal_as, who):
    assert portal_as(who).get("/reports/daily/").status_code == 403


def test_monthly_recap_counts_by_hand(day, users):
    Complaint.objects.filter(pk=day["yesterday"].pk).update(created_at=timezone.now() - timedelta(days=40))
    Complaint.objects.filter(pk__in=[c.pk for c in day["old_questions"]]).update(created_at=timezone.now() - timedelta(days=40))
    recap = monthly_recap(users[Role.KEPALA], timezone.localdate())
    assert (recap.received, recap.closed) == (3, 1)
    assert recap.by_district == [("Paringin", 2, 1, 1), ("Halong", 1, 0, 1)]
    assert dict(recap.by_outcome) == {"Ditangani": 1}
    assert sum(count for _label, count in recap.by_channel) == 3
    assert "Tugas, fungsi dan kewenangan Satpol PP" not in dict(recap.by_category)
    # Information requests received this month: one answered, one waiting.
    assert recap.information == (2, 1, 1)
    assert recap.information_by_category == [("Tugas, fungsi dan kewenangan Satpol PP", 2, 1, 1)]


def test_monthly_page_and_bad_month(day, portal_as):
    Complaint.objects.filter(pk=day["yesterday"].pk).update(created_at=timezone.now() - timedelta(days=40))
    Complaint.objects.filter(pk__in=[c.pk for c in day["old_questions"]]).update(created_at=timezone.now() - timedelta(days=40))
    client = portal_as(Role.KEPALA)
    page = client.get("/reports/monthly/").content.decode()
    assert "Rekap bulanan" in page and "3 aduan masuk, 1 sudah selesai" in page
    assert "Permintaan informasi: 2 masuk, 1 dijawab, 1 belum dijawab" in page
    for value, message in (("bulan lalu", "TTTT-BB"), ("2999-01", "sudah lewat"), ("2026-13", "TTTT-BB")):
        response = client.get("/reports/monthly/", {"month": value})
        assert response.status_code == 400 and message in response.content.decode()
    assert portal_as(Role.OPERATOR).get("/reports/monthly/").status_code == 403


def _sheet(response) -> list[list]:
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [[cell for cell in row if cell is not None] for row in book.active.iter_rows(values_only=True)]


def test_the_daily_report_downloads_as_xlsx_with_the_same_figures(day, portal_as):
    page = portal_as(Role.KEPALA).get("/reports/daily/").content.decode()
    assert 'href="/reports/daily.xlsx"' in page
    response = portal_as(Role.KEPALA).get("/reports/daily.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="laporan-harian-{timezone.localdate():%Y%m%d}.xlsx"'
    rows = _sheet(response)
    assert ["Aduan masuk", 3] in rows
    assert ["Paringin", 2] in rows and ["Halong", 1] in rows
    assert ["Masuk hari ini", 2] in rows
    # No reporter data in a leaders' report: the fixture's reporter appears nowhere.
    assert "Siti Rahmah" not in str(rows)


def test_the_monthly_recap_downloads_as_xlsx(day, portal_as, users):
    Complaint.objects.filter(pk=day["yesterday"].pk).update(created_at=timezone.now() - timedelta(days=40))
    response = portal_as(Role.KEPALA).get("/reports/monthly.xlsx", {"month": f"{timezone.localdate():%Y-%m}"})
    assert response.status_code == 200
    rows = _sheet(response)
    assert ["Paringin", 2, 1, 1] in rows and ["Halong", 1, 0, 1] in rows
    assert ["Aduan masuk", 3] in rows and ["Selesai", 1] in rows


@pytest.mark.parametrize(("url", "params", "message"), [
    ("/reports/daily.xlsx", {"day": "2999-01-01"}, "hari yang sudah lewat"),
    ("/reports/monthly.xlsx", {"month": "2026-13"}, "TTTT-BB"),
])
def test_a_bad_period_download_is_400_with_the_message(portal_as, url, params, message):
    response = portal_as(Role.KEPALA).get(url, params)
    assert response.status_code == 400 and message in response.content.decode()


@pytest.mark.parametrize("url", ["/reports/daily.xlsx", "/reports/monthly.xlsx"])
def test_downloads_only_for_kepala_and_kabid(portal_as, url):
    assert portal_as(Role.OPERATOR).get(url).status_code == 403
    assert portal_as(Role.KABID).get(url).status_code == 200

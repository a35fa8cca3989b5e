"""Working days in WITA: Monday to Friday less the holiday calendar (seeded with 2026's SKB 3 Menteri), one function
for every working-day deadline (SP4N-LAPOR!'s, in both modes)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from complaints.models import Holiday, HolidayKind
from complaints.working_days import is_working_day, working_day_deadline

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")


def test_a_weekend_is_skipped():
    # Thursday 2026-11-05: Fri 6, (Sat, Sun), Mon 9, Tue 10, Wed 11, Thu 12 -> due at the end of Thursday.
    assert working_day_deadline(datetime(2026, 11, 5, 10, 0, tzinfo=WITA), 5) == datetime(2026, 11, 13, tzinfo=WITA)
    # Saturday counts from Monday: Mon 9 .. Fri 13.
    assert working_day_deadline(datetime(2026, 11, 7, 10, 0, tzinfo=WITA), 5) == datetime(2026, 11, 14, tzinfo=WITA)


def test_a_national_holiday_and_collective_leave_are_skipped():
    # Monday 2026-05-11: Kenaikan Yesus Kristus (Thu 14) and its cuti bersama (Fri 15) are not working days, so the
    # fifth working day is Wednesday 20, not Monday 18.
    assert working_day_deadline(datetime(2026, 5, 11, 9, 0, tzinfo=WITA), 5) == datetime(2026, 5, 21, tzinfo=WITA)


def test_lebaran_week_counts_from_the_next_working_day():
    # Disposed on Thursday 2026-03-19 (Nyepi); 20, 23, 24 cuti bersama, 21-22 Idulfitri: the first working day is
    # Wednesday 25.
    assert working_day_deadline(datetime(2026, 3, 19, 9, 0, tzinfo=WITA), 1) == datetime(2026, 3, 26, tzinfo=WITA)
    assert not is_working_day(date(2026, 3, 23)) and is_working_day(date(2026, 3, 25))


def test_the_day_is_read_in_wita():
    # 23:30 WIB on Friday 2026-05-29 is 00:30 WITA on Saturday: counting starts after Saturday, not Friday.
    friday_in_wib = datetime(2026, 5, 29, 23, 30, tzinfo=ZoneInfo("Asia/Jakarta"))
    assert working_day_deadline(friday_in_wib, 1) == datetime(2026, 6, 3, tzinfo=WITA)  # Mon 1 June is Pancasila


def test_a_holiday_added_in_the_admin_counts_at_once():
    start = datetime(2026, 11, 2, 9, 0, tzinfo=WITA)  # Monday
    assert working_day_deadline(start, 2) == datetime(2026, 11, 5, tzinfo=WITA)
    Holiday.objects.create(date=date(2026, 11, 3), name="Libur daerah uji", kind=HolidayKind.REGIONAL)
    assert working_day_deadline(start, 2) == datetime(2026, 11, 6, tzinfo=WITA)


def test_a_long_count_reads_past_the_first_window():
    # More working days than the first read of the calendar covers: the count goes on reading.
    start = datetime(2026, 1, 5, 9, 0, tzinfo=WITA)
    end = working_day_deadline(start, 60)
    # The 60th working day of 2026's calendar after 5 January is Friday 10 April (Isra Mikraj, Imlek, Nyepi, Lebaran
    # and Wafat Yesus Kristus fall between).
    assert end == datetime(2026, 4, 11, tzinfo=WITA)


def test_2026_is_seeded_from_the_skb_3_menteri():
    rows = Holiday.objects.filter(date__year=2026)
    assert rows.filter(kind=HolidayKind.NATIONAL).count() == 17
    assert rows.filter(kind=HolidayKind.COLLECTIVE_LEAVE).count() == 8
    assert rows.get(date=date(2026, 3, 21)).name == "Idulfitri 1447 Hijriah"
    assert all("1497" in row.source for row in rows)


def test_the_admin_edits_holidays_and_says_when_a_year_is_missing(client):
    client.force_login(get_user_model().objects.create_superuser("root", password="x"))
    this_year = timezone.localdate().year
    Holiday.objects.filter(date__year=this_year + 1).delete()
    Holiday.objects.get_or_create(date=date(this_year, 8, 17), defaults={"name": "Proklamasi Kemerdekaan"})
    page = client.get("/admin/complaints/holiday/").content.decode()
    assert f"Kalender hari libur tahun {this_year + 1} masih kosong" in page
    assert f"Kalender hari libur tahun {this_year} masih kosong" not in page
    answer = client.post("/admin/complaints/holiday/add/", {
        "date": f"{this_year + 1}-01-01", "name": f"Tahun Baru {this_year + 1} Masehi", "kind": "national", "source": "SKB",
    })
    assert answer.status_code == 302
    assert f"Kalender hari libur tahun {this_year + 1}" not in client.get("/admin/complaints/holiday/").content.decode()

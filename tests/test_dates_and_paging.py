"""Out-of-range dates and paging input are refused with a message (issue 14, item 6), in one shared path.

The table in tests/bad_inputs/test_table.py sends each bad URL and checks the status and code; this file checks the
messages people and programs read, the downloads (plain-text 400), forms posted with such dates, and that real
cursors and page sizes still work.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from complaints import dates
from complaints.models import Complaint, ComplaintEvent
from complaints.workflow import Status
from duty.forms import FieldLogForm, RosterEntryForm
from roles.roles import Role

pytestmark = pytest.mark.django_db

MESSAGE = "Tanggal harus antara 01-01-1900 dan 31-12-2999."


def _portal(users, who) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(users[who])
    return client


@pytest.mark.parametrize("value", [date(1, 1, 1), date(9999, 12, 31), date(1899, 12, 31), date(3000, 1, 1),
                                   datetime(1, 1, 1, tzinfo=timezone.get_default_timezone())])
def test_the_range_refuses_both_ends(value):
    assert not dates.in_range(value)
    with pytest.raises(Exception, match="Tanggal harus antara"):
        dates.validate_in_range(value)


def test_the_range_holds_every_real_date_and_its_neighbours():
    for value in (dates.EARLIEST, dates.LATEST, timezone.localdate()):
        assert dates.in_range(value)
        # What the views compute from a date (a week, a month, the next midnight in WITA) stays on the calendar.
        timezone.make_aware(datetime.combine(value + timedelta(days=31), datetime.min.time())).astimezone(
            timezone.get_default_timezone())
        timezone.make_aware(datetime.combine(value - timedelta(days=400), datetime.min.time())).timestamp()
    assert dates.parse_date("9999-12-31") is None and dates.parse_date("2026-02-30") is None
    assert dates.parse_date(" 2026-11-23 ") == date(2026, 11, 23)


@pytest.mark.parametrize(("url", "params"), [
    ("/register.csv", {"created_before": "9999-12-31"}),
    ("/register.xlsx", {"created_after": "0001-01-01"}),
    ("/reports/daily.xlsx", {"day": "0001-01-01"}),
    ("/reports/monthly.xlsx", {"month": "0001-01"}),
])
def test_downloads_refuse_an_out_of_range_date_with_the_message(users, url, params):
    response = _portal(users, Role.KEPALA).get(url, params)
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()


def test_the_dashboard_shows_the_message_on_its_form(users):
    response = _portal(users, Role.KEPALA).get("/dashboard/", {"end": "9999-12-31"})
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()


def test_api_filter_and_body_give_the_message_per_field(api_as):
    body = api_as(Role.OPERATOR).get("/api/v1/complaints/", {"created_before": "9999-12-31"}).json()
    assert body["code"] == "invalid_input" and body["errors"] == {"created_before": [MESSAGE]}
    body = api_as(Role.OPERATOR).post("/api/v1/complaints/", {
        "category": "keributan", "district": "paringin", "description": "Uji tanggal.", "anonymous": True,
        "incident_at": "0001-01-01T00:00:00+08:00",
    }, format="json").json()
    assert body["code"] == "invalid_input" and body["errors"] == {"incident_at": [MESSAGE]}
    assert not Complaint.objects.filter(description="Uji tanggal.").exists()


def test_an_action_with_an_expected_arrival_in_year_1_is_refused(complaint_in, api_as):
    complaint = complaint_in(Status.DISPATCH)
    events = ComplaintEvent.objects.filter(complaint=complaint).count()
    response = api_as(Role.KABID).post(
        f"/api/v1/complaints/{complaint.code}/actions/assign/",
        {"team": "trc-paringin", "expected_arrival": "0001-01-01T00:00:00"}, format="json",
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {"expected_arrival": [MESSAGE]}
    assert ComplaintEvent.objects.filter(complaint=complaint).count() == events


def test_duty_forms_refuse_out_of_range_dates(team_paringin):
    roster = RosterEntryForm({"date": "9999-12-31"}, team=team_paringin)
    assert not roster.is_valid() and roster.errors["date"] == [MESSAGE]
    log = FieldLogForm({"started_at": "0001-01-01T00:00", "ended_at": "9999-12-31T23:00"}, team=team_paringin)
    assert not log.is_valid()
    assert log.errors["started_at"] == [MESSAGE] and log.errors["ended_at"] == [MESSAGE]


@pytest.mark.parametrize(("params", "field", "message"), [
    ({"page_size": "-5"}, "page_size", "Ukuran halaman harus bilangan bulat dari 1 sampai 200."),
    ({"page_size": "abc"}, "page_size", "Ukuran halaman harus bilangan bulat dari 1 sampai 200."),
    ({"page_size": "0"}, "page_size", "Ukuran halaman harus bilangan bulat dari 1 sampai 200."),
    ({"page_size": "201"}, "page_size", "Ukuran halaman harus bilangan bulat dari 1 sampai 200."),
    ({"page": "abc"}, "page", "Daftar ini tidak memakai nomor halaman: ikuti tautan next/previous."),
    ({"cursor": "%%%"}, "cursor", "Kursor halaman tidak valid; ikuti tautan next/previous."),
    ({"cursor": "cD1hYmM="}, "cursor", "Kursor halaman tidak valid; ikuti tautan next/previous."),  # p=abc
    ({"cursor": "cD0wMDAxLTAxLTAxVDAwOjAwOjAwKzA4OjAw"}, "cursor", "Kursor halaman tidak valid; ikuti tautan next/previous."),
])
@pytest.mark.parametrize("url", ["/api/v1/complaints/", "/api/v1/queue/"])
def test_paging_input_that_cannot_be_honoured_is_refused(api_as, url, params, field, message):
    response = api_as(Role.OPERATOR).get(url, params)
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {field: [message]}


def test_real_cursors_and_sizes_still_page(complaint_in, api_as):
    made = {complaint_in(Status.SCREENING).code for _ in range(3)}
    client = api_as(Role.OPERATOR)
    seen: list[str] = []
    url, params = "/api/v1/complaints/", {"page_size": "2"}
    while url:
        body = client.get(url, params).json()
        seen += [row["code"] for row in body["results"]]
        url, params = body["next"], None
    assert set(seen) == made and len(seen) == 3
    assert client.get("/api/v1/complaints/", {"page_size": "200"}).status_code == 200
    assert client.get("/api/v1/complaints/", {"page_size": ""}).status_code == 200  # empty: the default
    queue = client.get("/api/v1/queue/", {"page_size": "1"}).json()
    assert queue["next"] and client.get(queue["next"]).status_code == 200
    complaint = Complaint.objects.get(code=seen[0])
    timeline = client.get(f"/api/v1/complaints/{complaint.code}/events/", {"page_size": "1"}).json()
    assert timeline["next"] and client.get(timeline["next"]).status_code == 200

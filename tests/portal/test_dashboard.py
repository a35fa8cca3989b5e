"""The leaders' dashboard page: who may open it, the figures it shows, its filters, and its fixed query count."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.workflow import Status
from roles.roles import Role
from tests.test_statistics import timed_cases  # noqa: F401 - the fixture with known timings

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2026-03-02", "end": "2026-03-15"}


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def row_cells(html: str, header: str) -> list[str]:
    """The cells of the table row whose header cell reads `header`."""
    match = re.search(rf"<tr>\s*<th scope=\"row\">{re.escape(header)}</th>(.*?)</tr>", html, re.S)
    assert match, header
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


@pytest.mark.parametrize("who", [Role.KABID, Role.KEPALA])
def test_leaders_open_the_dashboard_from_the_nav(portal_as, who):
    response = portal_as(who).get("/dashboard/")
    assert response.status_code == 200
    assert b'href="/dashboard/" class="active" aria-current="page">Dasbor' in response.content
    assert b"<svg" in response.content and b"<script" not in response.content.split(b"<main>")[1]


@pytest.mark.parametrize("who", [Role.OPERATOR, Role.KASI, Role.TRC, "nobody"])
def test_other_roles_get_403_in_indonesian(portal_as, who):
    response = portal_as(who).get("/dashboard/")
    assert response.status_code == 403
    assert "Dasbor hanya untuk Kabid dan Kepala." in response.content.decode()
    assert b'href="/dashboard/"' not in portal_as(who).get("/cases/").content


def test_anonymous_is_sent_to_login(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_page_shows_the_hand_computed_figures(portal_as, timed_cases):  # noqa: F811
    response = portal_as(Role.KEPALA).get("/dashboard/", PERIOD)
    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(response)
    # Complaints only: the information requests F and H are counted in their own table.
    assert "4 aduan masuk dalam periode" in text
    assert "4 terbuka saat ini" in text and "1 lewat tenggat saat ini" in text
    # step: SOP time, completions, within share (count), median, p90, open now, overdue now
    assert row_cells(html, "1. Diterima") == ["5 mnt", "5", "60% (3)", "3 mnt", "2 hr 1 j", "0", "0"]
    assert row_cells(html, "2. Penyaringan") == ["5 mnt", "3", "67% (2)", "5 mnt", "7 mnt", "3", "1"]
    assert row_cells(html, "3. Verifikasi") == ["15 mnt", "2", "100% (2)", "12 mnt 30 dtk", "15 mnt", "1", "0"]
    assert row_cells(html, "5. Penugasan") == ["3 j / 5 j", "2", "50% (1)", "3 j 20 mnt", "3 j 20 mnt", "0", "0"]
    assert row_cells(html, "7. Telaah Kepala") == ["10 mnt", "2", "50% (1)", "10 mnt 30 dtk", "12 mnt", "0", "0"]
    assert row_cells(html, "Selesai") == ["2"]  # by status
    assert row_cells(html, "Ditangani") == ["2"]  # by outcome
    assert '<th scope="row">Dijawab</th>' not in html  # not an outcome of a complaint
    assert row_cells(html, "2026-W10") == ["2 Mar 2026", "1"]
    assert row_cells(html, "2026-W11") == ["9 Mar 2026", "3"]
    assert row_cells(html, "Datang langsung") == ["2"]
    assert row_cells(html, "WhatsApp") == ["2"]
    assert row_cells(html, "Telegram") == ["0"]
    # The information requests' own table.
    assert "Permintaan informasi" in text
    assert row_cells(html, "Masuk dalam periode") == ["2"]
    assert row_cells(html, "Sudah dijawab") == ["1"]
    assert row_cells(html, "Belum dijawab") == ["1"]
    assert row_cells(html, "Terbuka saat ini") == ["1"]
    assert row_cells(html, "Lewat tenggat saat ini") == ["1"]
    # The step chart's bar for step 1 is 60% of the bar area (46% of the width).
    assert 'width="27.6%"' in html
    # Not class "bar": the print stylesheet hides .bar (the header), which would blank every chart on paper.
    assert 'class="bar"' not in html.split("<main>")[1]


def test_filters_narrow_the_page(portal_as, timed_cases, halong):  # noqa: F811
    response = portal_as(Role.KABID).get("/dashboard/", {**PERIOD, "district": halong.slug})
    html = response.content.decode()
    assert "0 aduan masuk dalam periode" in text_of(response)  # F, the one from Halong, is an information request
    assert row_cells(html, "Masuk dalam periode") == ["1"]
    assert row_cells(html, "Telegram") == ["0"]
    assert row_cells(html, "WhatsApp") == ["0"]
    assert row_cells(html, "1. Diterima")[1:3] == ["0", "—"]
    assert f'<option value="{halong.slug}" selected>' in html

    response = portal_as(Role.KABID).get("/dashboard/", {**PERIOD, "channel_kind": "walk_in"})
    assert row_cells(response.content.decode(), "1. Diterima")[1:3] == ["3", "67% (2)"]


def test_default_period_is_the_last_30_days(portal_as):
    today = timezone.localdate()
    html = portal_as(Role.KABID).get("/dashboard/").content.decode()
    assert f'name="end" value="{today:%Y-%m-%d}"' in html
    assert f'name="start" value="{today - timedelta(days=29):%Y-%m-%d}"' in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-03-15", "end": "2026-03-01"}, "Tanggal awal harus sebelum atau sama dengan tanggal akhir."),
        ({"start": "2020-01-01", "end": "2026-03-01"}, "Periode paling panjang 366 hari."),
        ({"start": "kemarin"}, "Masukkan tanggal yang valid."),
        ({"district": "atlantis"}, "Masukkan pilihan yang valid."),
        ({"channel_kind": "fax"}, "Masukkan pilihan yang valid."),
    ],
)
def test_bad_filters_are_400_with_the_message(portal_as, params, message):
    response = portal_as(Role.KEPALA).get("/dashboard/", params)
    assert response.status_code == 400
    text = text_of(response)
    assert message in text
    assert "aduan masuk dalam periode" not in text


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/dashboard/").status_code == 200
    return len(ctx.captured_queries)


def test_a_fixed_number_of_queries_with_3_or_30_complaints(portal_as, complaint_in):
    statuses = [Status.SCREENING, Status.DISPATCH, Status.CLOSED]
    for status in statuses:
        complaint_in(status)
    client = portal_as(Role.KABID)
    few = _queries(client)
    for i in range(27):
        complaint_in(statuses[i % 3])
    assert _queries(client) == few


def test_reporter_satisfaction_is_the_hand_computed_average_of_cases_closed_in_the_period(portal_as, complaint_in):
    from public.links import feedback_token
    from public.services import leave_feedback

    closed = [complaint_in(Status.CLOSED) for _ in range(3)]
    complaint_in(Status.SCREENING)
    leave_feedback(complaint=closed[0], rating=5, comment="Cepat ditangani.", token=feedback_token(closed[0].code))
    leave_feedback(complaint=closed[1], rating=2, token=feedback_token(closed[1].code))
    response = portal_as(Role.KEPALA).get("/dashboard/")
    text = text_of(response)
    # (5 + 2) / 2 = 3.50; two of the three cases closed in the period were rated.
    assert "3,50 / 5" in text
    assert "2 penilaian dari 3 aduan selesai (67%)" in text
    html = response.content.decode()
    assert row_cells(html, "5") == ["1"] and row_cells(html, "2") == ["1"] and row_cells(html, "3") == ["0"]


def test_without_ratings_the_dashboard_says_so(portal_as, complaint_in):
    complaint_in(Status.CLOSED)
    text = text_of(portal_as(Role.KABID).get("/dashboard/"))
    assert "Belum ada penilaian dari pelapor untuk 1 aduan yang selesai dalam periode ini." in text

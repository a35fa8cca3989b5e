"""The dispatch board shows who is on duty now at each post, and the printable roster and field log render."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from duty.models import DutyType
from duty.services import FieldLogInput, add_log_correction, add_roster_entry, record_field_log
from roles.roles import Role
from tests.duty.conftest import MONDAY, wita

pytestmark = pytest.mark.django_db


def _team_card(page: str, slug: str) -> str:
    return page.split(f'id="team-{slug}"', 1)[1].split("</article>", 1)[0]


def _article_tag(page: str, slug: str) -> str:
    head = page.split(f'id="team-{slug}"', 1)[0]
    return head[head.rindex("<article"):]


def test_the_dispatch_board_shows_who_is_on_duty_now(monkeypatch, client_for, users, partner, team_paringin, team_halong, shifts):
    sunday = MONDAY - timedelta(days=1)
    kabid = users[Role.KABID]
    add_roster_entry(user=kabid, team=team_paringin, member=users[Role.TRC], day=sunday, shift=shifts["malam"], duty_type=DutyType.STANDBY)
    add_roster_entry(user=kabid, team=team_paringin, member=partner, day=MONDAY, shift=shifts["pagi"], duty_type=DutyType.OFFICE_GUARD)
    add_roster_entry(user=kabid, team=team_halong, member=users["trc_halong"], day=MONDAY, shift=shifts["malam"], duty_type=DutyType.PATROL)
    # Monday 02.00 WITA: Sunday's night shift is on duty; Monday's shifts have not started.
    monkeypatch.setattr(timezone, "now", lambda: wita(MONDAY, 2))

    page = client_for(Role.KABID).get("/dispatch/").content.decode()

    paringin = _team_card(page, "trc-paringin")
    assert "<strong>Trc_Paringin</strong> · Siaga/piket · <span class=\"muted\">Malam 23.00–07.00</span>" in paringin
    assert "Rizani</strong>" not in paringin
    assert "no-duty" not in _article_tag(page, "trc-paringin")
    halong = _team_card(page, "trc-halong")
    assert "tidak ada yang piket" in halong and "no-duty" in _article_tag(page, "trc-halong")
    assert "no-duty" in _article_tag(page, "trc-markas")


def test_the_board_fragment_carries_the_on_duty_members(monkeypatch, client_for, users, team_paringin, shifts):
    add_roster_entry(user=users[Role.KABID], team=team_paringin, member=users[Role.TRC], day=MONDAY,
                     shift=shifts["siang"], duty_type=DutyType.PATROL)
    monkeypatch.setattr(timezone, "now", lambda: wita(MONDAY, 16))
    page = client_for(Role.KABID, HTTP_HX_REQUEST="true").get("/dispatch/").content.decode()
    assert page.lstrip().startswith('<div id="board"')
    assert "<strong>Trc_Paringin</strong> · Patroli" in _team_card(page, "trc-paringin")


def test_the_week_page_highlights_today_and_the_running_shift(monkeypatch, client_for, users, team_paringin, shifts):
    add_roster_entry(user=users[Role.KABID], team=team_paringin, member=users[Role.TRC], day=MONDAY,
                     shift=shifts["malam"], duty_type=DutyType.STANDBY, note="Siaga malam pasar")
    monkeypatch.setattr(timezone, "now", lambda: wita(MONDAY + timedelta(days=1), 2))  # Tuesday 02.00
    page = client_for(Role.TRC).get("/duty/roster/trc-paringin/").content.decode()
    assert re.search(r'<tr class="today" aria-current="date">\s*<th scope="row">Selasa<', page)
    assert page.count('class="today"') == 1
    assert page.count('class="now"') == 1
    now_cell = page.split('class="now"', 1)[1].split("</td>", 1)[0]
    assert "Trc_Paringin" in now_cell and "Siaga malam pasar" in now_cell
    assert 'href="?date=2026-11-16"' in page and 'href="?date=2026-11-30"' in page  # previous and next week


def test_a_bad_week_date_is_a_400_with_a_message(client_for):
    response = client_for(Role.KABID).get("/duty/roster/trc-paringin/", {"date": "23-11-2026x"})
    assert response.status_code == 400


def test_the_printed_roster(client_for, users, team_paringin, shifts):
    add_roster_entry(user=users[Role.KABID], team=team_paringin, member=users[Role.TRC], day=MONDAY + timedelta(days=5),
                     shift=shifts["siang"], duty_type=DutyType.EVENT_SECURITY, note="Pasar malam")
    response = client_for(Role.TRC).get("/duty/roster/trc-paringin/print/", {"date": "2026-11-26"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "JADWAL PIKET TRC PARINGIN" in page
    assert "Senin, 23 November 2026 – Minggu, 29 November 2026" in page
    assert "Trc_Paringin" in page and "Pengamanan kegiatan" in page and "Pasar malam" in page
    assert "data-print" in page and "roster-add" not in page and "/entries/" not in page
    assert client_for("trc_halong").get("/duty/roster/trc-paringin/print/").status_code == 403


def test_the_printed_field_log(client_for, users, team_paringin, team_halong):
    entry = record_field_log(user=users[Role.TRC], data=FieldLogInput(
        team=team_paringin, kind="pengamanan", started_at=wita(MONDAY, 8), ended_at=wita(MONDAY, 12),
        district=team_paringin.district, summary="Pengamanan jalan sehat.", actions_taken="Pengaturan parkir.",
        participants=[users[Role.TRC]],
    ), now=wita(MONDAY, 13))
    add_log_correction(user=users[Role.TRC], entry=entry, text="Peserta sekitar 900 orang.")
    response = client_for(Role.KEPALA).get("/duty/log/print/", {"post": "trc-paringin", "kind": "pengamanan", "start": "2026-11-23"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "BUKU KEGIATAN LAPANGAN TRC PARINGIN" in page and "Pengamanan kegiatan · 23 November 2026 –" in page
    assert "Pengamanan jalan sehat." in page and "Pengaturan parkir." in page and "Peserta sekitar 900 orang." in page
    empty = client_for(Role.KEPALA).get("/duty/log/print/", {"post": "trc-halong"}).content.decode()
    assert "Pengamanan jalan sehat." not in empty and "Belum ada catatan kegiatan yang cocok." in empty


def test_whom_to_call_the_on_duty_members_own_number(monkeypatch, client_for, users, partner, team_paringin, shifts):
    from roles.models import StaffContact

    StaffContact.objects.create(user=users[Role.TRC], whatsapp_number="6281234567890")
    for member in (users[Role.TRC], partner):  # the partner recorded no number
        add_roster_entry(user=users[Role.KABID], team=team_paringin, member=member, day=MONDAY, shift=shifts["pagi"],
                         duty_type=DutyType.OFFICE_GUARD)
    monkeypatch.setattr(timezone, "now", lambda: wita(MONDAY, 9))
    index = client_for(Role.OPERATOR).get("/duty/roster/").content.decode()
    row = index.split('id="post-trc-paringin"', 1)[1].split("</tr>", 1)[0]
    assert '<strong>Trc_Paringin</strong> <a class="phone" href="tel:+6281234567890"' in row
    assert "<strong>Rizani</strong> · " in row
    board = client_for(Role.KABID).get("/dispatch/").content.decode()
    assert 'href="tel:+6281234567890"' in _team_card(board, "trc-paringin")

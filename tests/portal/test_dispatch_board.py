"""The Kabid's dispatch board: waiting cases beside the teams, assign and reassign in one step."""

from __future__ import annotations

import pytest

from complaints.models import Complaint
from complaints.workflow import Status
from roles.roles import Role
from tests.helpers import snapshot

pytestmark = pytest.mark.django_db


def _assign(client, complaint, action="assign", **data):
    data = {"version": Complaint.objects.get(pk=complaint.pk).version, "return_to": "dispatch", **data}
    return client.post(f"/cases/{complaint.code}/actions/{action}/", data)


def test_board_lists_waiting_cases_and_every_team_with_its_load(complaint_in, portal_as):
    waiting = complaint_in(Status.DISPATCH)
    busy = complaint_in("dispatch_assigned")
    page = portal_as(Role.KABID).get("/dispatch/").content.decode()
    waiting_part, teams_part = page.split("Tim dan beban tugas", 1)
    assert waiting.code in waiting_part and busy.code not in waiting_part
    assert busy.code in teams_part.split('id="team-trc-paringin"', 1)[1].split("</article>", 1)[0]
    for slug in ("trc-paringin", "trc-halong", "trc-markas"):
        assert f'id="team-{slug}"' in page
    assert "Trc_Paringin" in page  # members on the team


def test_assign_from_the_board_in_one_step(complaint_in, team_halong, htmx_as):
    complaint = complaint_in(Status.DISPATCH)
    response = _assign(htmx_as(Role.KABID), complaint, team="trc-halong", expected_arrival="2026-11-23T15:30")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="board"')
    complaint.refresh_from_db()
    assert complaint.assigned_team == team_halong and complaint.expected_arrival_at is not None
    assert complaint.code in page.split('id="team-trc-halong"', 1)[1]


def test_assign_without_htmx_redirects_to_the_board(complaint_in, portal_as):
    complaint = complaint_in(Status.DISPATCH)
    response = _assign(portal_as(Role.KABID), complaint, team="trc-paringin")
    assert response.status_code == 302 and response["Location"] == "/dispatch/"


def test_reassign_from_the_board(complaint_in, team_hq, portal_as):
    complaint = complaint_in("dispatch_assigned")
    _assign(portal_as(Role.KABID), complaint, action="reassign", team="trc-markas")
    complaint.refresh_from_db()
    assert complaint.assigned_team == team_hq


def test_board_shows_why_an_assignment_was_refused(complaint_in, htmx_as):
    complaint = complaint_in(Status.DISPATCH)
    before = snapshot(complaint)
    response = _assign(htmx_as(Role.KABID), complaint, team="no-such-team")
    assert response.status_code == 422
    assert f"{complaint.code}: Tim tidak dikenal atau tidak aktif." in response.content.decode()
    assert snapshot(complaint) == before


def test_stale_board_gets_the_412_message(complaint_in, htmx_as):
    complaint = complaint_in(Status.DISPATCH)
    response = _assign(htmx_as(Role.KABID), complaint, team="trc-paringin", version=complaint.version - 1)
    assert response.status_code == 412
    assert "sudah diubah oleh orang lain" in response.content.decode()


@pytest.mark.parametrize("who", [Role.OPERATOR, Role.KASI, Role.KEPALA, Role.TRC])
def test_board_is_only_for_the_kabid(portal_as, who):
    response = portal_as(who).get("/dispatch/")
    assert response.status_code == 403
    assert "Papan penugasan hanya untuk Kabid." in response.content.decode()

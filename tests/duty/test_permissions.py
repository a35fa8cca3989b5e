"""Who may read and who may keep each post's roster and field log (roles.policy.roster_access/field_log_access)."""

from __future__ import annotations

import pytest
from django.test import Client

from duty.models import FieldLogEntry, RosterEntry
from duty.services import FieldLogInput, record_field_log
from portal.navigation import nav_items
from roles.policy import DutyAccess, field_log_access, roster_access
from roles.roles import Role
from tests.duty.conftest import MONDAY, wita

pytestmark = pytest.mark.django_db

WEEK = "/duty/roster/trc-paringin/"
ADD = "/duty/roster/trc-paringin/entries/"


def _entry_data(users, shifts, member=None):
    return {"member": (member or users[Role.TRC]).pk, "date": "2026-11-24", "shift": shifts["pagi"].pk, "duty_type": "siaga"}


@pytest.mark.parametrize(("who", "status", "can_edit"), [
    (Role.KABID, 200, True),
    (Role.KEPALA, 200, False),
    (Role.OPERATOR, 200, False),  # the Operator and the Kasi read rosters to know whom to call at a post
    (Role.KASI, 200, False),
    (Role.TRC, 200, False),  # a member of the Paringin post reads its roster
    ("trc_halong", 403, False),  # another post's member does not
    ("trc_hq", 403, False),
    ("nobody", 403, False),
])
def test_reading_the_week(client_for, users, team_paringin, shifts, who, status, can_edit):
    response = client_for(who).get(WEEK, {"date": MONDAY.isoformat()})
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert ('action="/duty/roster/trc-paringin/entries/"' in page) is can_edit
        assert ("Salin jadwal minggu lalu" in page) is can_edit


@pytest.mark.parametrize(("who", "status"), [
    (Role.KABID, 302), (Role.KEPALA, 403), (Role.OPERATOR, 403), (Role.KASI, 403), (Role.TRC, 403),
    ("trc_halong", 403), ("nobody", 403),
])
def test_changing_the_roster(client_for, users, team_paringin, shifts, who, status):
    response = client_for(who).post(ADD, _entry_data(users, shifts))
    assert response.status_code == status
    assert RosterEntry.objects.exists() is (status == 302)


def test_a_post_leader_keeps_his_own_posts_roster_only(client_for, users, post_leader, team_paringin, team_halong, shifts):
    leader = client_for(post_leader)
    assert leader.post(ADD, _entry_data(users, shifts)).status_code == 302
    entry = RosterEntry.objects.get()
    assert 'action="/duty/roster/trc-paringin/entries/"' in leader.get(WEEK).content.decode()
    halong = {**_entry_data(users, shifts, users["trc_halong"])}
    assert leader.post("/duty/roster/trc-halong/entries/", halong).status_code == 403
    assert leader.get("/duty/roster/trc-halong/").status_code == 403
    assert leader.post(f"{WEEK}entries/{entry.pk}/delete/").status_code == 302
    assert roster_access(post_leader, team_paringin.pk) == DutyAccess.WRITE
    assert roster_access(post_leader, team_halong.pk) == DutyAccess.NONE


def test_removing_needs_the_right_to_edit(client_for, users, team_paringin, shifts):
    client_for(Role.KABID).post(ADD, _entry_data(users, shifts))
    entry = RosterEntry.objects.get()
    for who in (Role.TRC, Role.KEPALA, "trc_halong"):
        assert client_for(who).post(f"{WEEK}entries/{entry.pk}/delete/").status_code == 403
    assert RosterEntry.objects.filter(pk=entry.pk).exists()


def test_an_entry_of_another_post_is_not_removed_through_this_one(client_for, users, team_halong, shifts):
    client_for(Role.KABID).post("/duty/roster/trc-halong/entries/", _entry_data(users, shifts, users["trc_halong"]))
    entry = RosterEntry.objects.get()
    assert client_for(Role.KABID).post(f"{WEEK}entries/{entry.pk}/delete/").status_code == 404
    assert RosterEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("url", [
    "/duty/roster/", WEEK, f"{WEEK}print/", "/duty/log/", "/duty/log/new/", "/duty/log/print/",
])
def test_anonymous_users_are_sent_to_log_in(url):
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")


def test_the_roster_index_sends_a_member_to_his_post_and_lists_every_post_for_the_others(client_for, users):
    assert client_for(Role.TRC).get("/duty/roster/")["Location"] == "/duty/roster/trc-paringin/"
    page = client_for(Role.OPERATOR).get("/duty/roster/").content.decode()
    for slug in ("trc-paringin", "trc-halong", "trc-markas"):
        assert f'id="post-{slug}"' in page
    assert client_for("nobody").get("/duty/roster/").status_code == 403


def _log(users, team, who=Role.TRC) -> FieldLogEntry:
    return record_field_log(user=users[who], data=FieldLogInput(
        team=team, kind="patroli", started_at=wita(MONDAY, 19), ended_at=wita(MONDAY, 21), district=team.district,
        summary="Patroli malam.", participants=[users[who]],
    ), now=wita(MONDAY, 22))


@pytest.mark.parametrize(("who", "list_status", "sees_entry", "may_write"), [
    (Role.TRC, 200, 200, True),
    ("trc_halong", 200, 404, True),  # his own post's log; another post's entry does not exist for him
    (Role.KABID, 200, 200, False),
    (Role.KEPALA, 200, 200, False),
    (Role.OPERATOR, 403, 404, False),
    (Role.KASI, 403, 404, False),
    ("nobody", 403, 404, False),
])
def test_field_log_access(client_for, users, team_paringin, who, list_status, sees_entry, may_write):
    entry = _log(users, team_paringin)
    client = client_for(who)
    listing = client.get("/duty/log/")
    assert listing.status_code == list_status
    if list_status == 200:
        assert (f'href="/duty/log/{entry.pk}/"' in listing.content.decode()) is (sees_entry == 200)
    assert client.get(f"/duty/log/{entry.pk}/").status_code == sees_entry
    assert client.get("/duty/log/new/").status_code == (200 if may_write else 403)
    correction = client.post(f"/duty/log/{entry.pk}/corrections/", {"text": "Selesai 21.15."})
    assert correction.status_code == (302 if who == Role.TRC else 404 if sees_entry == 404 else 403)


def test_navigation_offers_the_pages_each_role_opens(users):
    def keys(who):
        return [item.key for item in nav_items(users[who])]

    for who in (Role.KABID, Role.KEPALA, Role.TRC, "trc_halong"):
        assert {"roster", "field-log"} <= set(keys(who)), who
    for who in (Role.OPERATOR, Role.KASI):
        assert "roster" in keys(who) and "field-log" not in keys(who)
    assert keys("nobody") == []


def test_policy_answers_for_any_post(users, team_paringin, team_halong):
    assert field_log_access(users[Role.TRC]) == DutyAccess.WRITE
    assert field_log_access(users[Role.TRC], team_halong.pk) == DutyAccess.NONE
    assert field_log_access(users[Role.KABID], team_halong.pk) == DutyAccess.READ
    assert roster_access(users[Role.TRC]) == DutyAccess.READ
    assert roster_access(users[Role.KABID], team_halong.pk) == DutyAccess.WRITE

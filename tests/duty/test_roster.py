"""The roster: one shift per member per date (database and form), members of the post only, and the night shift
that crosses midnight when asking who is on duty now."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from complaints.errors import InputError
from duty.models import DutyType, RosterEntry
from duty.selectors import current_slots, on_duty_now, roster_week, week_start
from duty.services import add_roster_entry, copy_previous_week
from roles.roles import Role
from tests.duty.conftest import MONDAY, wita

pytestmark = pytest.mark.django_db


def _add(users, team, member, day, shift, duty_type=DutyType.OFFICE_GUARD, by=Role.KABID):
    return add_roster_entry(user=users[by], team=team, member=member, day=day, shift=shift, duty_type=duty_type)


def test_the_database_refuses_a_member_twice_in_one_date_and_shift(users, team_paringin, team_halong, shifts):
    member = users[Role.TRC]
    RosterEntry.objects.create(team=team_paringin, member=member, date=MONDAY, shift=shifts["pagi"])
    with pytest.raises(IntegrityError), transaction.atomic():
        # Even at another post: a person cannot stand two posts in one shift.
        RosterEntry.objects.create(team=team_halong, member=member, date=MONDAY, shift=shifts["pagi"])
    # The same member in the next shift, or the same shift the next day, is fine.
    RosterEntry.objects.create(team=team_paringin, member=member, date=MONDAY, shift=shifts["siang"])
    RosterEntry.objects.create(team=team_paringin, member=member, date=MONDAY + timedelta(days=1), shift=shifts["pagi"])
    assert RosterEntry.objects.count() == 3


def test_the_service_explains_a_double_booking(users, team_paringin, shifts):
    _add(users, team_paringin, users[Role.TRC], MONDAY, shifts["malam"])
    with pytest.raises(InputError) as refused:
        _add(users, team_paringin, users[Role.TRC], MONDAY, shifts["malam"], DutyType.PATROL)
    assert refused.value.errors == {
        "member": ["Trc_Paringin sudah dijadwalkan pada Senin, 23 November 2026, shift Malam, di Trc Paringin."]
    }
    assert RosterEntry.objects.count() == 1


def test_only_members_of_the_post_are_rostered(users, team_paringin, shifts):
    with pytest.raises(InputError) as refused:
        _add(users, team_paringin, users["trc_halong"], MONDAY, shifts["pagi"])
    assert refused.value.errors == {"member": ["Trc_Halong bukan anggota Trc Paringin."]}
    assert not RosterEntry.objects.exists()


def test_the_form_shows_the_double_booking_and_saves_nothing(client_for, users, team_paringin, shifts):
    _add(users, team_paringin, users[Role.TRC], MONDAY, shifts["pagi"])
    data = {"member": users[Role.TRC].pk, "date": "2026-11-23", "shift": shifts["pagi"].pk, "duty_type": "patroli", "week": "2026-11-23"}
    response = client_for(Role.KABID).post("/duty/roster/trc-paringin/entries/", data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "sudah dijadwalkan pada Senin, 23 November 2026, shift Pagi" in page
    assert RosterEntry.objects.count() == 1


def test_the_form_refuses_a_member_of_another_post(client_for, users, team_paringin, shifts):
    data = {"member": users["trc_halong"].pk, "date": "2026-11-23", "shift": shifts["pagi"].pk, "duty_type": "patroli"}
    response = client_for(Role.KABID).post("/duty/roster/trc-paringin/entries/", data)
    assert response.status_code == 422
    assert "Pilih anggota pos ini." in response.content.decode()
    assert not RosterEntry.objects.exists()


def test_adding_without_javascript_redirects_to_the_week(client_for, users, team_paringin, shifts):
    data = {"member": users[Role.TRC].pk, "date": "2026-11-25", "shift": shifts["siang"].pk, "duty_type": "patroli", "note": "Pasar"}
    response = client_for(Role.KABID).post("/duty/roster/trc-paringin/entries/", data)
    assert response.status_code == 302
    assert response["Location"].startswith("/duty/roster/trc-paringin/?date=2026-11-23&")
    entry = RosterEntry.objects.get()
    assert (entry.team, entry.date, entry.shift, entry.duty_type, entry.note, entry.created_by) == (
        team_paringin, MONDAY + timedelta(days=2), shifts["siang"], DutyType.PATROL, "Pasar", users[Role.KABID],
    )


def test_adding_with_htmx_answers_the_roster_fragment(client_for, users, team_paringin, shifts):
    data = {"member": users[Role.TRC].pk, "date": "2026-11-25", "shift": shifts["siang"].pk, "duty_type": "patroli", "week": "2026-11-23"}
    response = client_for(Role.KABID, HTTP_HX_REQUEST="true").post("/duty/roster/trc-paringin/entries/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="roster">')
    assert "Trc_Paringin dijadwalkan" in page


def test_removing_an_entry(client_for, users, team_paringin, shifts):
    entry = _add(users, team_paringin, users[Role.TRC], MONDAY, shifts["pagi"])
    response = client_for(Role.KABID).post(f"/duty/roster/trc-paringin/entries/{entry.pk}/delete/")
    assert response.status_code == 302
    assert not RosterEntry.objects.exists()


@pytest.mark.parametrize(("hour", "minute", "expected"), [
    (2, 0, (MONDAY - timedelta(days=1), "malam")),  # 02.00 Monday: Sunday's night shift is still running
    (6, 59, (MONDAY - timedelta(days=1), "malam")),
    (7, 0, (MONDAY, "pagi")),  # a shift starts on its hour ...
    (14, 59, (MONDAY, "pagi")),
    (15, 0, (MONDAY, "siang")),  # ... and the one before has ended
    (23, 0, (MONDAY, "malam")),
    (23, 59, (MONDAY, "malam")),
])
def test_the_running_shift_and_its_roster_date(shifts, hour, minute, expected):
    slots = current_slots(wita(MONDAY, hour, minute))
    assert [(day, shift.code) for day, shift in slots] == [expected]


def test_on_duty_at_two_in_the_morning_is_the_previous_dates_night_shift(users, team_paringin, partner, shifts):
    sunday = MONDAY - timedelta(days=1)
    night = _add(users, team_paringin, users[Role.TRC], sunday, shifts["malam"], DutyType.STANDBY)
    _add(users, team_paringin, partner, MONDAY, shifts["malam"])  # Monday night: not yet at 02.00 Monday
    _add(users, team_paringin, partner, MONDAY, shifts["pagi"])  # not yet either

    assert on_duty_now(now=wita(MONDAY, 2)) == {team_paringin.pk: [night]}
    assert [e.member for e in on_duty_now(now=wita(MONDAY, 7))[team_paringin.pk]] == [partner]
    assert on_duty_now(now=wita(MONDAY, 15)) == {}


def test_on_duty_leaves_out_members_who_left(users, team_paringin, shifts):
    _add(users, team_paringin, users[Role.TRC], MONDAY, shifts["pagi"])
    users[Role.TRC].is_active = False
    users[Role.TRC].save()
    assert on_duty_now(now=wita(MONDAY, 9)) == {}


def test_the_week_marks_today_and_the_running_shift(users, team_paringin, shifts):
    _add(users, team_paringin, users[Role.TRC], MONDAY, shifts["malam"])
    week = roster_week(team_paringin, MONDAY, now=wita(MONDAY + timedelta(days=1), 2))  # Tuesday 02.00
    assert [day.day for day in week.days] == [MONDAY + timedelta(days=n) for n in range(7)]
    assert [day.is_today for day in week.days] == [False, True, False, False, False, False, False]
    running = [(day.day, cell.shift.code) for day in week.days for cell in day.cells if cell.is_now]
    assert running == [(MONDAY, "malam")]
    monday_night = week.days[0].cells[2]
    assert [entry.member for entry in monday_night.entries] == [users[Role.TRC]]
    assert week_start(MONDAY + timedelta(days=6)) == MONDAY and week.previous == MONDAY - timedelta(days=7)


def test_copying_last_week_skips_clashes_and_former_members(users, team_paringin, partner, shifts):
    last_week = MONDAY - timedelta(days=7)
    _add(users, team_paringin, users[Role.TRC], last_week, shifts["pagi"], DutyType.PATROL)
    _add(users, team_paringin, partner, last_week + timedelta(days=1), shifts["malam"])
    _add(users, team_paringin, users[Role.TRC], MONDAY, shifts["pagi"])  # already rostered this week
    partner.groups.remove(team_paringin.group)

    result = copy_previous_week(user=users[Role.KABID], team=team_paringin, monday=MONDAY)

    assert result.copied == 0 and len(result.skipped) == 2
    assert RosterEntry.objects.filter(date__gte=MONDAY).count() == 1
    partner.groups.add(team_paringin.group)
    RosterEntry.objects.filter(date=MONDAY).delete()
    assert copy_previous_week(user=users[Role.KABID], team=team_paringin, monday=MONDAY).copied == 2
    copied = RosterEntry.objects.get(date=MONDAY)
    assert (copied.member, copied.shift, copied.duty_type) == (users[Role.TRC], shifts["pagi"], DutyType.PATROL)

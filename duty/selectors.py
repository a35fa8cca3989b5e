"""Reads of the duty roster and the field log, scoped by the policy in roles.policy."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from complaints.models import Team
from duty.models import FieldLogEntry, RosterEntry, Shift
from roles.policy import DutyAccess, field_log_access, roster_access, visible_complaints

WEEK = 7


def active_shifts() -> list[Shift]:
    return list(Shift.objects.filter(is_active=True).order_by("order", "starts_at"))


def week_start(day: date) -> date:
    """The Monday of `day`'s week: rosters are made and printed Monday to Sunday."""
    return day - timedelta(days=day.weekday())


def current_slots(now: datetime | None = None, shifts: Iterable[Shift] | None = None) -> list[tuple[date, Shift]]:
    """The (roster date, shift) pairs running at `now`. At 02.00 that is the previous date's night shift."""
    now = timezone.localtime(now or timezone.now(), timezone.get_default_timezone())
    today = now.date()
    slots = []
    for shift in active_shifts() if shifts is None else shifts:
        for day in (today - timedelta(days=1), today):
            start, end = shift.window(day)
            if start <= now < end:
                slots.append((day, shift))
    return slots


def on_duty_now(*, now: datetime | None = None, team_ids: Iterable[int] | None = None) -> dict[int, list[RosterEntry]]:
    """Who is on duty at `now`, per post id: active members rostered in a shift that is running, in one query."""
    slots = current_slots(now)
    if not slots:
        return {}
    entries = (
        RosterEntry.objects.filter(reduce(or_, (Q(date=day, shift=shift) for day, shift in slots)))
        .filter(member__is_active=True, team__is_active=True)
        # The member's own WhatsApp number (roles.StaffContact), so whoever reads the list can call the post.
        .select_related("member__staff_contact", "shift")
        .order_by("team_id", "shift__order", "member__first_name", "member__username")
    )
    if team_ids is not None:
        entries = entries.filter(team_id__in=list(team_ids))
    by_team: dict[int, list[RosterEntry]] = defaultdict(list)
    for entry in entries:
        by_team[entry.team_id].append(entry)
    return dict(by_team)


def with_on_duty(teams: list[Team], *, now: datetime | None = None) -> list[Team]:
    """The same teams, each with `on_duty` (its roster entries running now), for the dispatch board."""
    on_duty = on_duty_now(now=now, team_ids=[team.pk for team in teams])
    for team in teams:
        team.on_duty = on_duty.get(team.pk, [])
    return teams


def roster_posts(user) -> list[Team]:
    """The active posts whose roster the user may read, in the dispatch board's order (kecamatan, then HQ)."""
    teams = Team.objects.filter(is_active=True).select_related("district").order_by(
        F("district__name").asc(nulls_last=True), "name"
    )
    return [team for team in teams if roster_access(user, team.pk) >= DutyAccess.READ]


def field_log_posts(user) -> list[Team]:
    teams = Team.objects.filter(is_active=True).select_related("district").order_by(
        F("district__name").asc(nulls_last=True), "name"
    )
    return [team for team in teams if field_log_access(user, team.pk) >= DutyAccess.READ]


def post_members(team: Team) -> QuerySet:
    return get_user_model().objects.filter(groups=team.group_id, is_active=True).order_by("first_name", "username")


@dataclass(frozen=True)
class RosterCell:
    shift: Shift
    entries: list[RosterEntry]
    is_now: bool  # this shift of this date is running now


@dataclass(frozen=True)
class RosterDay:
    day: date
    is_today: bool
    cells: list[RosterCell]


@dataclass(frozen=True)
class RosterWeek:
    team: Team
    monday: date
    shifts: list[Shift]
    days: list[RosterDay]

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=WEEK - 1)

    @property
    def previous(self) -> date:
        return self.monday - timedelta(days=WEEK)

    @property
    def next(self) -> date:
        return self.monday + timedelta(days=WEEK)

    @property
    def is_empty(self) -> bool:
        return not any(cell.entries for day in self.days for cell in day.cells)


def roster_week(team: Team, monday: date, *, now: datetime | None = None) -> RosterWeek:
    """Seven days by the active shifts, with who is rostered in each cell, and where today and now are."""
    now = timezone.localtime(now or timezone.now(), timezone.get_default_timezone())
    shifts = active_shifts()
    running = {(day, shift.pk) for day, shift in current_slots(now, shifts)}
    entries = (
        RosterEntry.objects.filter(team=team, date__gte=monday, date__lt=monday + timedelta(days=WEEK))
        .select_related("member", "shift")
        .order_by("date", "shift__order", "member__first_name", "member__username")
    )
    cells: dict[tuple[date, int], list[RosterEntry]] = defaultdict(list)
    for entry in entries:
        cells[(entry.date, entry.shift_id)].append(entry)
    days = []
    for offset in range(WEEK):
        day = monday + timedelta(days=offset)
        days.append(RosterDay(day, day == now.date(), [
            RosterCell(shift, cells.get((day, shift.pk), []), (day, shift.pk) in running) for shift in shifts
        ]))
    return RosterWeek(team, monday, shifts, days)


# --- field log ----------------------------------------------------------------------------------------------


def field_log(
    user, *, team: Team | None = None, kind: str = "", start: date | None = None, end: date | None = None,
) -> QuerySet[FieldLogEntry]:
    """The field log entries the user may read, newest first, filtered by post, kind and period (WITA dates)."""
    posts = [post.pk for post in field_log_posts(user)]
    entries = FieldLogEntry.objects.filter(team_id__in=posts)
    if team is not None:
        entries = entries.filter(team=team)
    if kind:
        entries = entries.filter(kind=kind)
    zone = timezone.get_default_timezone()
    if start is not None:
        entries = entries.filter(started_at__gte=datetime.combine(start, datetime.min.time(), tzinfo=zone))
    if end is not None:
        entries = entries.filter(started_at__lt=datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=zone))
    return (
        entries.select_related("team", "district", "village", "complaint", "recorded_by")
        .prefetch_related("participants", "corrections", "photos")
        .order_by("-started_at", "-id")
    )


def field_log_entry(user, pk: int) -> FieldLogEntry:
    """One entry the user may read; FieldLogEntry.DoesNotExist for one of another post (it does not exist for them)."""
    entry = (
        FieldLogEntry.objects.select_related("team", "district", "village", "complaint", "recorded_by")
        .prefetch_related("participants", "photos", "corrections__author")
        .get(pk=pk)
    )
    if field_log_access(user, entry.team_id) < DutyAccess.READ:
        raise FieldLogEntry.DoesNotExist
    return entry


def visible_complaint_ids(user, entries: Iterable[FieldLogEntry]) -> set[int]:
    """Of the complaints these entries link to, the ones this user may open (the others show as a bare code)."""
    ids = {entry.complaint_id for entry in entries if entry.complaint_id}
    if not ids:
        return set()
    return set(visible_complaints(user).filter(pk__in=ids).values_list("pk", flat=True))

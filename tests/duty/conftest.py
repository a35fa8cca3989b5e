"""Duty fixtures: the seeded shifts, a second member for the Paringin post, a post leader, and logged-in clients."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from duty.models import Shift
from roles.roles import Role
from tests.factories import make_user

# A Monday, so the week under test runs 23-29 November 2026.
MONDAY = date(2026, 11, 23)


def wita(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_default_timezone())


@pytest.fixture
def shifts() -> dict[str, Shift]:
    """The three shifts the migration seeds: pagi 07-15, siang 15-23, malam 23-07 (WITA)."""
    return {shift.code: shift for shift in Shift.objects.all()}


@pytest.fixture
def partner(users, team_paringin):
    """A second member of the Paringin post."""
    return make_user("rizani", Role.TRC, team=team_paringin)


@pytest.fixture
def post_leader(users, team_paringin):
    """A member of the Paringin post who may keep its roster (the ketua pos permission)."""
    user = make_user("ketua_paringin", Role.TRC, team=team_paringin)
    user.user_permissions.add(Permission.objects.get(codename="manage_post_roster", content_type__app_label="duty"))
    return user


@pytest.fixture
def client_for(users):
    """A logged-in client for a `users` key, or for a user object."""

    def build(who, **headers) -> Client:
        client = Client(**headers)
        client.force_login(users[who] if not hasattr(who, "pk") else who)
        return client

    return build

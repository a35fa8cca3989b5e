"""Shortcuts the policy takes for speed must answer what the full rule answers."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Permission

from roles.policy import DutyAccess, may_open_roster, roster_access
from roles.roles import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_navigations_roster_check_is_roster_access(users, team_paringin):
    leader = make_user("ketua_paringin", Role.TRC, team=team_paringin)
    leader.user_permissions.add(Permission.objects.get(codename="manage_post_roster", content_type__app_label="duty"))
    everyone = [*users.values(), leader, AnonymousUser()]
    for user in everyone:
        assert may_open_roster(user) is (roster_access(user) >= DutyAccess.READ), user
    assert not may_open_roster(users["nobody"])
    assert may_open_roster(users[Role.TRC])

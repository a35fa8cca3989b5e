from __future__ import annotations

from django.contrib.auth.models import Group

from roles.roles import Role


def ensure_role_groups() -> list[str]:
    """Create the five role groups if missing. Safe to run any number of times; returns the new ones."""
    created = []
    for role in Role:
        _, was_created = Group.objects.get_or_create(name=role.group_name)
        if was_created:
            created.append(role.group_name)
    return created

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


SYSTEM_USERNAME = "sistem"


def system_user():
    """The account that records what the system itself observed (e.g. the outcome reached the reporter).

    It acts as an Operator in the timeline and cannot log in (no usable password).
    """
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"first_name": "Sistem", "last_name": "TRECKK"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=Role.OPERATOR.group_name))
    return user

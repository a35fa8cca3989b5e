"""Who is acting: a staff user (with roles from groups) or an authenticated channel."""

from __future__ import annotations

from dataclasses import dataclass

from roles.roles import GROUP_NAME_ROLES, Role

_ROLES_CACHE = "_treckk_roles"
_TEAMS_CACHE = "_treckk_team_ids"


@dataclass(frozen=True)
class ChannelPrincipal:
    """request.user for a channel authenticated by API key. It has no staff role."""

    channel: object  # complaints.models.Channel; typed loosely to keep roles free of model imports

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return False

    def get_username(self) -> str:
        return f"channel:{self.channel.pk}"

    def __str__(self) -> str:
        return self.get_username()


def is_channel(user: object) -> bool:
    return isinstance(user, ChannelPrincipal)


def user_roles(user) -> frozenset[Role]:
    """The user's SOP roles, read once per request and cached on the user object."""
    if user is None or not getattr(user, "is_authenticated", False) or is_channel(user) or not user.is_active:
        return frozenset()
    cached = getattr(user, _ROLES_CACHE, None)
    if cached is None:
        names = user.groups.filter(name__in=GROUP_NAME_ROLES).values_list("name", flat=True)
        cached = frozenset(GROUP_NAME_ROLES[name] for name in names)
        setattr(user, _ROLES_CACHE, cached)
    return cached


def user_team_ids(user) -> frozenset[int]:
    if Role.TRC not in user_roles(user):
        return frozenset()
    cached = getattr(user, _TEAMS_CACHE, None)
    if cached is None:
        from complaints.models import Team

        cached = frozenset(Team.objects.filter(group__user=user, is_active=True).values_list("pk", flat=True))
        setattr(user, _TEAMS_CACHE, cached)
    return cached


def forget_cached_roles(user) -> None:
    for attr in (_ROLES_CACHE, _TEAMS_CACHE):
        if hasattr(user, attr):
            delattr(user, attr)


def acting_role(user, allowed: frozenset[Role]) -> Role | None:
    """The role the user acts in for an action open to `allowed` roles (stable order)."""
    mine = user_roles(user)
    return next((role for role in Role if role in allowed and role in mine), None)

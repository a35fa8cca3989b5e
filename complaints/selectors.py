"""Reads. Every list a user sees starts from the policy's visible set, then narrows."""

from __future__ import annotations

from django.db.models import Count, F, Prefetch, Q, QuerySet

from complaints.models import Complaint, ComplaintEvent
from complaints.workflow import OWNER_OF, Status
from roles.policy import visible_complaints
from roles.principals import user_roles
from roles.roles import Role

LIST_RELATIONS = ("category", "district", "village", "assigned_team", "reporter", "channel")


def complaint_list(user) -> QuerySet[Complaint]:
    return visible_complaints(user).select_related(*LIST_RELATIONS)


def role_queue_condition(role: Role) -> Q:
    """Whose turn it is, per DESIGN.md section 3; a dispatch case is the Kabid's until a team is assigned."""
    condition = Q(status__in=[s for s, owner in OWNER_OF.items() if owner == role and s != Status.DISPATCH])
    if role == Role.KABID:
        condition |= Q(status=Status.DISPATCH, assigned_team__isnull=True)
    if role == Role.TRC:
        # Visibility already limits TRC to its own rows; an assigned dispatch case is the team's to act on.
        condition |= Q(status=Status.DISPATCH, assigned_team__isnull=False)
    return condition


def queue_condition(roles: frozenset[Role]) -> Q:
    condition = Q(pk__in=[])
    for role in roles:
        condition |= role_queue_condition(role)
    return condition


def queue_for(user, role: Role | None = None) -> QuerySet[Complaint]:
    """The user's work queue (all their roles, or one of them), most urgent first."""
    roles = user_roles(user)
    condition = queue_condition(roles) if role is None else (role_queue_condition(role) if role in roles else Q(pk__in=[]))
    return complaint_list(user).filter(condition).order_by(F("due_at").asc(nulls_last=True), "id")


def queue_counts(user) -> dict[Role, int]:
    """How many cases wait in each of the user's role queues, in one query."""
    roles = [role for role in Role if role in user_roles(user)]
    if not roles:
        return {}
    counts = visible_complaints(user).aggregate(
        **{str(role): Count("pk", filter=role_queue_condition(role)) for role in roles}
    )
    return {role: counts[str(role)] for role in roles}


def in_flight(user) -> QuerySet[Complaint]:
    """Every open case the user may see, most urgent first (the Kabid's and Kepala's oversight view)."""
    return complaint_list(user).exclude(status=Status.CLOSED).order_by(F("due_at").asc(nulls_last=True), "id")


def complaint_detail(user, code: str) -> Complaint:
    """Raises Complaint.DoesNotExist for a code the user may not see: no hint that it exists."""
    return (
        visible_complaints(user)
        .select_related(*LIST_RELATIONS, "field_report", "field_report__team", "duplicate_of")
        .prefetch_related("attachments")
        .get(code=code)
    )


def complaint_events(complaint: Complaint) -> QuerySet[ComplaintEvent]:
    return complaint.events.select_related("actor", "channel").order_by("created_at", "id")


def events_prefetch() -> Prefetch:
    return Prefetch("events", queryset=ComplaintEvent.objects.select_related("actor").order_by("created_at", "id"))

"""Reads. Every list a user sees starts from the policy's visible set, then narrows."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from complaints.models import Complaint, ComplaintEvent
from complaints.workflow import OWNER_OF, Status
from roles.policy import visible_complaints
from roles.principals import user_roles
from roles.roles import Role

LIST_RELATIONS = ("category", "district", "village", "assigned_team", "reporter", "channel")


def complaint_list(user) -> QuerySet[Complaint]:
    return visible_complaints(user).select_related(*LIST_RELATIONS)


def queue_condition(roles: frozenset[Role]) -> Q:
    """Whose turn it is, per DESIGN.md section 3; a dispatch case is the Kabid's until a team is assigned."""
    condition = Q(pk__in=[])
    for role in roles:
        statuses = [status for status, owner in OWNER_OF.items() if owner == role and status != Status.DISPATCH]
        if statuses:
            condition |= Q(status__in=statuses)
    if Role.KABID in roles:
        condition |= Q(status=Status.DISPATCH, assigned_team__isnull=True)
    if Role.TRC in roles:
        # Visibility already limits TRC to its own rows; an assigned dispatch case is the team's to act on.
        condition |= Q(status=Status.DISPATCH, assigned_team__isnull=False)
    return condition


def queue_for(user) -> QuerySet[Complaint]:
    """The user's work queue, most urgent first."""
    return complaint_list(user).filter(queue_condition(user_roles(user))).order_by("due_at", "id")


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

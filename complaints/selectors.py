"""Reads. Every list a user sees starts from the policy's visible set, then narrows."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Prefetch, Q, QuerySet

from complaints.models import Complaint, ComplaintEvent, StaffNotification, Team
from complaints.workflow import ASSIGNED_STATUSES, Status, owner_condition
from roles.policy import visible_complaints
from roles.principals import user_roles
from roles.roles import Role

User = get_user_model()

# What a row of a list shows, read with it: the API's rows carry the reporter (masked per role, roles/masking.py);
# the portal's list rows show no reporter. No list shows the complaint's channel (its kind is a column of the row).
LIST_RELATIONS = ("category", "district", "village", "assigned_team", "reporter")
ROW_RELATIONS = ("category", "district", "village", "assigned_team")


def complaint_list(user, relations: tuple[str, ...] = LIST_RELATIONS) -> QuerySet[Complaint]:
    return visible_complaints(user).select_related(*relations)


def role_queue_condition(role: Role) -> Q:
    """The cases whose turn is `role`'s (complaints.workflow.current_owner). Visibility then narrows TRC to its own
    team's rows."""
    return owner_condition(role)


def queue_condition(roles: frozenset[Role]) -> Q:
    condition = Q(pk__in=[])
    for role in roles:
        condition |= role_queue_condition(role)
    return condition


def queue_for(user, role: Role | None = None, *, relations: tuple[str, ...] = LIST_RELATIONS) -> QuerySet[Complaint]:
    """The user's work queue (all their roles, or one of them), most urgent first."""
    roles = user_roles(user)
    condition = queue_condition(roles) if role is None else (role_queue_condition(role) if role in roles else Q(pk__in=[]))
    return complaint_list(user, relations).filter(condition).order_by(F("due_at").asc(nulls_last=True), "id")


def queue_counts(user) -> dict[Role, int]:
    """How many cases wait in each of the user's role queues, in one query."""
    roles = [role for role in Role if role in user_roles(user)]
    if not roles:
        return {}
    # Narrowed to the queues first, so the count reads the few thousand open rows through an index, never the
    # whole (mostly closed) table; the per-role filters then split them.
    counts = visible_complaints(user).filter(queue_condition(frozenset(roles))).order_by().aggregate(
        **{str(role): Count("pk", filter=role_queue_condition(role)) for role in roles}
    )
    return {role: counts[str(role)] for role in roles}


def oversight_list(
    user, *, include_closed: bool = False, relations: tuple[str, ...] = LIST_RELATIONS
) -> QuerySet[Complaint]:
    """Every case the user may see: open ones most urgent first, or all of them newest first."""
    if include_closed:
        return complaint_list(user, relations).order_by("-created_at", "-id")
    return complaint_list(user, relations).exclude(status=Status.CLOSED).order_by(F("due_at").asc(nulls_last=True), "id")


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


BOARD_ROWS_PER_TEAM = 25


def team_board() -> QuerySet[Team]:
    """Active teams with their post, members and open assignments (most urgent first), in a fixed number of queries."""
    open_assignments = (
        Complaint.objects.filter(status__in=ASSIGNED_STATUSES)
        .select_related("category", "district")
        .order_by(F("due_at").asc(nulls_last=True), "id")
    )
    active_members = User.objects.filter(is_active=True).order_by("username")
    return (
        Team.objects.filter(is_active=True)
        .select_related("district", "group")
        .annotate(load=Count("assignments", filter=Q(assignments__status__in=ASSIGNED_STATUSES)))
        .prefetch_related(
            Prefetch("assignments", queryset=open_assignments[:BOARD_ROWS_PER_TEAM], to_attr="open_assignments"),
            Prefetch("group__user_set", queryset=active_members, to_attr="active_members"),
        )
        .order_by(F("district__name").asc(nulls_last=True), "name")
    )


def notifications_for(user) -> QuerySet[StaffNotification]:
    return StaffNotification.objects.filter(recipient=user).select_related("complaint", "breach").order_by("-created_at", "-id")


def unread_notifications(user) -> int:
    return StaffNotification.objects.filter(recipient=user, read_at__isnull=True).count()

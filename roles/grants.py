"""Object permissions of TRC team groups on complaints, kept in step with the workflow.

A team's group holds view and change on a complaint exactly while that team owns a step of it:
field check in the team's kecamatan (headquarters teams when the kecamatan has no post), and
dispatch/reporting once the Kabid assigned it. `sync_team_grants` recomputes this after every
transition, so assignment grants and reassignment revokes in one place.
"""

from __future__ import annotations

from django.contrib.auth.models import Permission

from complaints.models import Complaint, ComplaintGroupObjectPermission, Team
from complaints.workflow import TEAM_HOLDS, TeamHold

TEAM_PERMISSION_CODENAMES = ("view_complaint", "change_complaint")


def _team_permission_ids() -> tuple[int, ...]:
    return tuple(
        Permission.objects.filter(content_type__app_label="complaints", codename__in=TEAM_PERMISSION_CODENAMES)
        .order_by("codename")
        .values_list("pk", flat=True)
    )


def teams_owning(complaint: Complaint) -> list[Team]:
    """The teams holding the case's row in its status (complaints.workflow.TEAM_HOLDS)."""
    hold = TEAM_HOLDS.get(complaint.status)
    if hold == TeamHold.POST:
        posted = list(Team.objects.filter(is_active=True, district_id=complaint.district_id))
        return posted or list(Team.objects.filter(is_active=True, district__isnull=True))
    if hold == TeamHold.ASSIGNED and complaint.assigned_team_id:
        return [complaint.assigned_team]
    return []


def sync_team_grants(complaint: Complaint) -> dict[str, list[int]]:
    """Grant the owning teams' groups, revoke every other team group. Returns what changed."""
    permission_ids = _team_permission_ids()
    wanted_groups = {team.group_id for team in teams_owning(complaint)}
    team_grants = ComplaintGroupObjectPermission.objects.filter(content_object=complaint, group__team__isnull=False)
    revoked = sorted(set(team_grants.exclude(group_id__in=wanted_groups).values_list("group_id", flat=True)))
    if revoked:
        team_grants.exclude(group_id__in=wanted_groups).delete()
    held = set(team_grants.filter(group_id__in=wanted_groups).values_list("group_id", "permission_id"))
    missing = [
        ComplaintGroupObjectPermission(content_object=complaint, group_id=group_id, permission_id=permission_id)
        for group_id in sorted(wanted_groups)
        for permission_id in permission_ids
        if (group_id, permission_id) not in held
    ]
    # bulk_create skips the model's save(), which only re-checks the content type we fixed above.
    ComplaintGroupObjectPermission.objects.bulk_create(missing)
    return {"granted": sorted({grant.group_id for grant in missing}), "revoked": revoked}

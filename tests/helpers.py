"""Test-side oracle of DESIGN.md section 3 (who sees what), written independently of roles.policy."""

from __future__ import annotations

from complaints.models import Complaint, ComplaintGroupObjectPermission
from complaints.workflow import Status
from roles.roles import Role

# Every user key of the `users` fixture.
ALL_USERS = [Role.OPERATOR, Role.KASI, Role.KABID, Role.KEPALA, Role.TRC, "trc_halong", "trc_hq", "nobody"]
TEAM_OF = {Role.TRC: "trc-paringin", "trc_halong": "trc-halong", "trc_hq": "trc-markas"}
# Kecamatan with a TRC post in the fixtures; any other kecamatan's field check falls to HQ.
POST_OF_DISTRICT = {"paringin": "trc-paringin", "halong": "trc-halong"}
# Fixture states: every Status plus dispatch with a team assigned.
STATE_KEYS = [*Status.values, "dispatch_assigned"]


def status_of(key: str) -> str:
    return Status.DISPATCH if key == "dispatch_assigned" else key


def sees(who, complaint: Complaint) -> bool:
    """DESIGN: Operator and Kepala see everything; Kasi and Kabid see complaints once forwarded to
    verification (step 3); a TRC member sees only rows of its own team's step (field check in its
    kecamatan, or dispatch/reporting once assigned); a user with no role sees nothing."""
    complaint = Complaint.objects.select_related("district", "assigned_team").get(pk=complaint.pk)
    if who in (Role.OPERATOR, Role.KEPALA):
        return True
    if who in (Role.KASI, Role.KABID):
        return complaint.forwarded_at is not None
    if who in TEAM_OF:
        team = TEAM_OF[who]
        if complaint.status == Status.FIELD_CHECK:
            return POST_OF_DISTRICT.get(complaint.district.slug, "trc-markas") == team
        if complaint.status in (Status.DISPATCH, Status.REPORTING):
            return complaint.assigned_team is not None and complaint.assigned_team.slug == team
        return False
    return False


def snapshot(complaint: Complaint) -> dict:
    """Everything an action could write, to prove a refused action wrote nothing."""
    row = Complaint.objects.values(
        "status", "version", "assigned_team_id", "outcome", "arrived_at", "forwarded_at", "closed_at",
        "return_reason", "answer", "draft_report", "field_unable", "reporter_id", "is_anonymous",
    ).get(pk=complaint.pk)
    row["events"] = complaint.events.count()
    row["grants"] = sorted(
        ComplaintGroupObjectPermission.objects.filter(content_object=complaint).values_list("group_id", "permission_id")
    )
    return row


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["results"]]


def action_url(complaint: Complaint, action: str) -> str:
    return f"/api/v1/complaints/{complaint.code}/actions/{action}/"

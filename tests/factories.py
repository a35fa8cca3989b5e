"""Builders that use the real services, so a fixture complaint has the history a real one would."""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from complaints.models import Complaint, FieldResult, Team
from complaints.services.intake import ComplaintInput, ReporterInput, submit_complaint
from complaints.services.transitions import perform_action
from complaints.workflow import Status
from roles.roles import Role

PASSWORD = "Treckk-test-2026"


def make_user(username: str, role: Role, team: Team | None = None):
    user = get_user_model().objects.create_user(username, password=PASSWORD, first_name=username.title())
    user.groups.add(Group.objects.get(name=role.group_name))
    if team is not None:
        team.add_member(user)
    return user


def jpeg_with_gps(marker: str) -> bytes:
    """A small JPEG as a phone writes it: with a GPS position, whose map datum carries `marker` (a field photo keeps
    its position; reporter evidence loses it: complaints/services/attachments.py)."""
    from PIL import ExifTags, Image

    image = Image.new("RGB", (16, 16), (200, 30, 30))
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.GPSInfo).update({
        ExifTags.GPS.GPSLatitudeRef: "S", ExifTags.GPS.GPSLatitude: (2.0, 19.0, 57.0),
        ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (115.0, 28.0, 1.0), ExifTags.GPS.GPSMapDatum: marker,
    })
    output = io.BytesIO()
    image.save(output, "JPEG", exif=exif.tobytes())
    return output.getvalue()


def make_team(slug: str, district) -> Team:
    group = Group.objects.create(name=f"Tim {slug}")
    return Team.objects.create(name=slug.replace("-", " ").title(), slug=slug, district=district, group=group)


def standard_teams() -> dict[str, Team]:
    """The fixtures' teams: the Paringin and Halong posts and HQ, by slug."""
    from complaints.models import District

    return {"trc-paringin": make_team("trc-paringin", District.objects.get(slug="paringin")),
            "trc-halong": make_team("trc-halong", District.objects.get(slug="halong")),
            "trc-markas": make_team("trc-markas", None)}


def role_users(teams: dict[str, Team]) -> dict:
    """One user per role; TRC members of the Paringin post, the Halong post and HQ (the `users` fixture)."""
    return {
        Role.OPERATOR: make_user("operator", Role.OPERATOR),
        Role.KASI: make_user("kasi", Role.KASI),
        Role.KABID: make_user("kabid", Role.KABID),
        Role.KEPALA: make_user("kepala", Role.KEPALA),
        Role.TRC: make_user("trc_paringin", Role.TRC, team=teams["trc-paringin"]),
        "trc_halong": make_user("trc_halong", Role.TRC, team=teams["trc-halong"]),
        "trc_hq": make_user("trc_hq", Role.TRC, team=teams["trc-markas"]),
        "nobody": get_user_model().objects.create_user("nobody", password="x"),
    }


# The shortest path of actions (and who takes them) that brings a new complaint to each status.
PATH_TO: dict[str, list[tuple[str, str, dict]]] = {
    Status.SUBMITTED: [],
    Status.SCREENING: [("accept", Role.OPERATOR, {})],
    Status.VERIFICATION: [("forward", Role.OPERATOR, {})],
    Status.FIELD_CHECK: [("submit_draft", Role.KASI, {"draft": "Konsep laporan uji."})],
    Status.DISPATCH: [("confirm", "post", {})],
    "dispatch_assigned": [("assign", Role.KABID, {"team": "__team__"})],
    Status.REPORTING: [("handle", "team", {})],
    Status.HEAD_REVIEW: [
        ("report", "team", {"findings": "Ditemukan.", "action_taken": "Dibina.", "result": FieldResult.WARNED})
    ],
    Status.NOTIFICATION: [("acknowledge", Role.KEPALA, {})],
    Status.CLOSED: [("informed", Role.OPERATOR, {})],
}
ORDER = [
    Status.SUBMITTED, Status.SCREENING, Status.VERIFICATION, Status.FIELD_CHECK, Status.DISPATCH,
    "dispatch_assigned", Status.REPORTING, Status.HEAD_REVIEW, Status.NOTIFICATION, Status.CLOSED,
]


def _post_member(users, district):
    for key in (Role.TRC, "trc_halong", "trc_hq"):
        user = users[key]
        if Team.objects.filter(group__user=user, district=district).exists():
            return user
    return users["trc_hq"]


def make_complaint_in(
    status: str, users, *, district, category, team: Team, reporter: ReporterInput | None = None,
    anonymous: bool = False, confidential: bool = False, allow_field_contact: bool = False,
    description: str = "Keributan di depan pasar.", by=None, action_data: dict[str, dict] | None = None, **extra,
) -> Complaint:
    """A complaint brought to `status` ("dispatch_assigned" = dispatch with `team` assigned) by the real services.

    `by` submits it (the Operator unless given: a ChannelPrincipal files a channel's own); `action_data` adds to
    each action's fields by action name (notes, a draft, findings: text a test looks for)."""
    if reporter is None and not anonymous:
        reporter = ReporterInput(
            name="Siti Rahmah", phone="081255501234", nik="6311010101900001", address="Jl. Merdeka 1, Paringin",
            allow_field_contact=allow_field_contact,
        )
    data = ComplaintInput(
        category=category, description=description, district=district,
        anonymous=anonymous, confidential=confidential, reporter=reporter or ReporterInput(), **extra,
    )
    complaint = submit_complaint(user=by or users[Role.OPERATOR], data=data).complaint
    team_member = next(u for k, u in users.items() if k in (Role.TRC, "trc_halong", "trc_hq") and
                       Team.objects.filter(pk=team.pk, group__user=u).exists())
    for step in ORDER[1 : ORDER.index(status) + 1]:
        for action, actor, data in PATH_TO[step]:
            if actor == "post":
                user = _post_member(users, district)
            elif actor == "team":
                user = team_member
            else:
                user = users[actor]
            payload = {k: (team.slug if v == "__team__" else v) for k, v in data.items()}
            payload.update((action_data or {}).get(action, {}))
            if action == "accept" and anonymous:
                payload["anonymous"] = True
            if action == "accept" and confidential:
                payload["confidential"] = True
            if action == "accept" and allow_field_contact:
                payload["allow_field_contact"] = True
            complaint = perform_action(user=user, complaint_id=complaint.pk, action=action, data=payload)
    return Complaint.objects.select_related("reporter").get(pk=complaint.pk)

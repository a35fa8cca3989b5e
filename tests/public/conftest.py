"""Complaints for the public pages' tests, with a secret in every field the public must never see."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from complaints.models import Complaint, FieldResult
from complaints.services.attachments import add_attachment
from complaints.services.intake import ComplaintInput, ReporterInput, submit_complaint
from complaints.services.transitions import perform_action
from complaints.workflow import Status
from roles.roles import Role

# Everything below is in the database of every fixture complaint and must never reach a public page or the API.
REPORTER = ReporterInput(
    name="Zubaidah Rahmawati", phone="081299887766", nik="6311019876543210", address="Jl. Kenanga Rahasia 7",
)
SECRETS = {
    "reporter name": REPORTER.name,
    "reporter phone": REPORTER.phone,
    "reporter phone (international)": "6281299887766",
    "reporter NIK": REPORTER.nik,
    "reporter address": REPORTER.address,
    "description": "Uraian-rahasia-BDFH",
    "incident address": "Lokasi-rahasia-JKMN",
    "note": "Catatan-internal-PQRS",
    "draft report": "Konsep-rahasia-TVWX",
    "field findings": "Temuan-rahasia-2345",
    "field action": "Tindakan-rahasia-6789",
    "staff first name": "Hendrawansyah",
    "staff last name": "Kertanegaraputra",
    "team name": "Trc Paringin",
    "team slug": "trc-paringin",
    "evidence file name": "bukti-rahasia.png",
    "field photo file name": "foto-lapangan-rahasia.png",
    "attachment path": "attachments/",
    "media URL": "/media/",
    "attachment API": "/attachments/",
    "latitude": "-2.334455",
    "longitude": "115.466778",
    "village": "Desa Rahasia",
}
# Staff usernames, matched as whole words (so 'kasi' does not match 'terima kasih').
USERNAMES = ["operator", "kasi", "kabid", "kepala", "trc_paringin", "trc_halong", "trc_hq", "sistem"]
ANSWER = "Jawaban-untuk-pelapor-WXYZ"
AGENCY = "Polsek Paringin"
NOTE = SECRETS["note"]
PRIVACY = ("named", "confidential", "anonymous")


def png(name: str = "foto.png", size: tuple[int, int] = (8, 8)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Rate-limit counters live in the cache, which outlives a test; every test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def named_staff(users):
    """The fixture staff with full names that would stand out on a public page."""
    for user in users.values():
        user.first_name, user.last_name = SECRETS["staff first name"], SECRETS["staff last name"]
        user.save(update_fields=["first_name", "last_name"])
    return users


# How far each state walks, as (action, actor, data); "post" and "team" are the Paringin TRC member.
COMMON = [
    ("accept", Role.OPERATOR, {"note": NOTE}),
    ("forward", Role.OPERATOR, {"note": NOTE}),
    ("submit_draft", Role.KASI, {"draft": SECRETS["draft report"]}),
    ("confirm", "team", {"note": NOTE}),
    ("assign", Role.KABID, {"team": "trc-paringin", "note": NOTE}),
    ("arrive", "team", {"note": NOTE}),
]
REPORT = ("report", "team", {
    "findings": SECRETS["field findings"], "action_taken": SECRETS["field action"], "result": FieldResult.WARNED,
})
TO_CLOSE = [REPORT, ("endorse", Role.KABID, {"note": NOTE}), ("acknowledge", Role.KEPALA, {"note": NOTE}),
            ("informed", Role.OPERATOR, {"note": NOTE})]
PATHS: dict[str, list] = {
    "submitted": [],
    "screening": COMMON[:1],
    "verification": COMMON[:2],
    "field_check": COMMON[:3],
    "dispatch": COMMON[:4],
    "dispatch_assigned": COMMON[:6],
    "reporting": [*COMMON, ("handle", "team", {"note": NOTE})],
    "head_review": [*COMMON, ("handle", "team", {"note": NOTE}), REPORT, ("endorse", Role.KABID, {"note": NOTE})],
    "notification": [*COMMON, ("handle", "team", {"note": NOTE}), *TO_CLOSE[:3]],
    "closed": [*COMMON, ("handle", "team", {"note": NOTE}), *TO_CLOSE],
    "closed_unfounded": [*COMMON, ("unable", "team", {"note": NOTE}), *TO_CLOSE],
    "closed_returned": [COMMON[0], ("return", Role.OPERATOR, {"reason": "incomplete", "note": NOTE})],
    "closed_referred": [COMMON[0], ("return", Role.OPERATOR, {"reason": "not_authority", "agency": AGENCY, "note": NOTE})],
    "closed_answered": [COMMON[0], ("answer", Role.OPERATOR, {"answer": ANSWER})],
    "closed_duplicate": [COMMON[0], ("mark_duplicate", Role.OPERATOR, {"duplicate_of": "__main__", "note": NOTE})],
}
STATES = list(PATHS)


@pytest.fixture
def secret_village(paringin):
    from complaints.models import Village

    return Village.objects.create(district=paringin, name=SECRETS["village"])


@pytest.fixture
def build(named_staff, paringin, category, info_category, team_paringin, secret_village):
    """build(state, privacy) -> a complaint walked there by the real services, secrets everywhere."""
    users = named_staff

    def make(state: str, privacy: str = "named", *, main: Complaint | None = None) -> Complaint:
        anonymous = privacy == "anonymous"
        data = ComplaintInput(
            category=info_category if state == "closed_answered" else category, description=SECRETS["description"],
            district=paringin, village=secret_village, address=SECRETS["incident address"],
            latitude=SECRETS["latitude"], longitude=SECRETS["longitude"], anonymous=anonymous,
            confidential=privacy == "confidential", reporter=ReporterInput() if anonymous else REPORTER,
        )
        complaint = submit_complaint(
            user=users[Role.OPERATOR], data=data, uploads=[png(SECRETS["evidence file name"])]
        ).complaint
        for action, actor, payload in PATHS[state]:
            user = users[Role.TRC] if actor == "team" else users[actor]
            payload = dict(payload)
            if action == "accept":
                payload.update(anonymous=anonymous, confidential=privacy == "confidential")
            if payload.get("duplicate_of") == "__main__":
                payload["duplicate_of"] = (main or make("dispatch")).code
            if action == "report":
                add_attachment(user=user, complaint=Complaint.objects.get(pk=complaint.pk),
                               upload=png(SECRETS["field photo file name"]))
            complaint = perform_action(user=user, complaint_id=complaint.pk, action=action, data=payload)
        return Complaint.objects.get(pk=complaint.pk)

    return make


def status_of_state(state: str) -> str:
    if state == "dispatch_assigned":
        return Status.DISPATCH
    return Status.CLOSED if state.startswith("closed") else state

"""Examples shown in the OpenAPI file; they mirror the demo data.

A list endpoint's example is one item: drf-spectacular puts it in the list, and in a cursor page where the endpoint
is paginated (api/pagination.py gives the page's links). tests/test_openapi_contract.py checks each against its schema.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample

_REPORTER_MASKED = {
    "access": "masked", "anonymous": False, "confidential": False,
    "name": None, "phone": None, "nik": None, "address": None, "allow_field_contact": None,
}
_ROW = {
    "code": "7KQ3M-X9TA2", "kind": "trantibum", "category": "keributan", "category_name": "Keributan/perkelahian",
    "district": "paringin", "district_name": "Paringin", "village": "Paringin Kota", "status": "dispatch",
    "step": 5, "outcome": "", "channel_kind": "whatsapp", "program": "lalisa", "assigned_team": None,
    "due_at": "2026-11-23T14:05:00+08:00", "overdue": False, "created_at": "2026-11-23T08:51:00+08:00",
    "version": 6, "reporter": _REPORTER_MASKED,
}

COMPLAINT_LIST = OpenApiExample(
    "A complaint in a page", response_only=True, value=_ROW,
)
COMPLAINT_CREATE = OpenApiExample(
    "Walk-in report", request_only=True,
    value={
        "category": "keributan", "description": "Pemuda mabuk membuat keributan di depan pasar sejak pukul 22.00.",
        "district": "paringin", "village": 12, "address": "Jl. A. Yani depan Pasar Paringin",
        "latitude": "-2.334100", "longitude": "115.466800", "incident_at": "2026-11-23T22:00:00+08:00",
        "anonymous": False, "confidential": True,
        "reporter": {"name": "Rahmat", "phone": "+6281234567890", "allow_field_contact": True},
        "channel_kind": "walk_in", "external_ref": "",
    },
)
COMPLAINT_DETAIL = OpenApiExample(
    "Seen by Kabid (reporter masked)", response_only=True,
    value={
        **_ROW, "description": "Pemuda mabuk membuat keributan di depan pasar.", "address": "Jl. A. Yani",
        "latitude": "-2.334100", "longitude": "115.466800", "incident_at": None, "external_ref": "wamid.HBgL",
        "step_started_at": "2026-11-23T09:05:00+08:00", "forwarded_at": "2026-11-23T08:58:00+08:00",
        "closed_at": None, "draft_report": "Keributan oleh sekelompok pemuda, perlu penertiban.",
        "return_reason": "", "referred_to": "", "answer": "", "duplicate_of": None, "expected_arrival_at": None,
        "arrived_at": None, "field_report": None, "attachments": [],
    },
)
EVENTS = OpenApiExample(
    "An event in the timeline", response_only=True,
    value={"id": 2, "action": "accept", "actor": "Operator La-Lisa", "actor_role": "operator", "channel": None,
           "from_status": "submitted", "to_status": "screening", "note": "", "payload": {"reporter_recorded": True},
           "created_at": "2026-11-23T08:53:00+08:00"},
)
AVAILABLE_ACTIONS = OpenApiExample(
    "Operator on a screening complaint", response_only=True,
    value={"action": "forward", "label": "Teruskan ke Kasi/Kasubag", "source": "screening", "target": "verification",
           "roles": ["operator"], "required": [], "optional": ["note"],
           "description": "Step 2: a complaint within Satpol PP's remit goes on to verification."},
)

_ACTION_BODIES = {
    "accept": {"reporter_name": "Rahmat", "reporter_phone": "+6281234567890", "confidential": False, "version": 1},
    "forward": {"note": "Termasuk gangguan trantibum.", "version": 2},
    "return": {"reason": "not_authority", "agency": "Polsek Paringin", "note": "Tindak pidana, ranah kepolisian."},
    "answer": {"answer": "Satpol PP menegakkan Perda dan menyelenggarakan ketertiban umum."},
    "submit_draft": {"draft": "Keributan di depan pasar, perlu cek lapangan oleh pos Paringin."},
    "confirm": {"note": "Benar, masih berlangsung."},
    "refute": {"note": "Lokasi sepi, tidak ada keributan."},
    "assign": {"team": "trc-paringin", "expected_arrival": "2026-11-23T10:00:00+08:00"},
    "reassign": {"team": "trc-markas", "note": "Pos Paringin sedang pengamanan acara."},
    "arrive": {"note": "Tiba pukul 09.50."},
    "handle": {"note": "Massa dibubarkan."},
    "unable": {"note": "Tidak ditemukan keributan di lokasi yang disebutkan."},
    "report": {"findings": "Lima pemuda mabuk.", "action_taken": "Pembinaan dan dibubarkan.", "result": "warned"},
    "endorse": {"note": "Mohon perhatian, lokasi rawan."},
    "acknowledge": {"note": "Diterima."},
    "informed": {"note": "Pelapor dihubungi lewat telepon."},
    "mark_duplicate": {"duplicate_of": "7KQ3M-X9TA2", "note": "Kejadian yang sama dilaporkan lewat WhatsApp."},
}


# Further request bodies worth showing, after the first.
_MORE_ACTION_BODIES = {
    "answer": [("answer from the knowledge base", {"knowledge_answer": 3})],
}


def action_examples(action: str) -> list[OpenApiExample]:
    """The written examples of an action's body; a step added to the workflow table has none until one is written
    (its schema still describes it, and tests/test_openapi_contract.py checks every example against it)."""
    bodies = ([(f"{action} request", _ACTION_BODIES[action])] if action in _ACTION_BODIES else []) + _MORE_ACTION_BODIES.get(action, [])
    return [OpenApiExample(name, value=body, request_only=True) for name, body in bodies]

DISTRICTS = OpenApiExample(
    "Kecamatan", response_only=True,
    value={"slug": "paringin", "name": "Paringin", "latitude": "-2.330000", "longitude": "115.467000"},
)
VILLAGES = OpenApiExample(
    "Villages of Paringin", response_only=True, value={"id": 12, "name": "Paringin Kota", "district": "paringin"}
)
CATEGORIES = OpenApiExample(
    "A category", response_only=True,
    value={"slug": "keributan", "kind": "trantibum", "name": "Keributan/perkelahian", "is_active": True},
)
TEAMS = OpenApiExample(
    "A kecamatan post's team", response_only=True,
    value={"slug": "trc-paringin", "name": "TRC Pos Paringin", "district": "paringin", "is_active": True},
)
ME = OpenApiExample(
    "A TRC member", response_only=True,
    value={"username": "trc-paringin", "full_name": "Anggota TRC Paringin", "roles": ["trc"], "teams": ["trc-paringin"]},
)
WORKFLOW = OpenApiExample(
    "The first row of the table", response_only=True,
    value={"action": "accept", "label": "Terima dan verifikasi", "source": "submitted", "target": "screening",
           "roles": ["operator"], "required": [], "optional": ["anonymous", "confidential", "reporter_name", "note"],
           "description": "Step 1: the Operator checks the report and records the reporter (or marks it anonymous)."},
)
ATTACHMENT = OpenApiExample(
    "A field photo", response_only=True,
    value={"id": 41, "kind": "field_photo", "content_type": "image/jpeg", "size": 184320, "original_name": "IMG_2031.jpg",
           "url": "http://127.0.0.1:8000/api/v1/complaints/7KQ3M-X9TA2/attachments/41/", "created_at": "2026-11-23T10:02:00+08:00"},
)
TOKEN_REQUEST = OpenApiExample("Log in", request_only=True, value={"username": "operator", "password": "your password"})
TOKEN_RESPONSE = OpenApiExample("Token", response_only=True, value={"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"})
NOT_FOUND = OpenApiExample(
    "Not visible", response_only=True, status_codes=["404"],
    value={"type": "urn:treckk:error:not_found", "title": "Not Found", "status": 404, "code": "not_found",
           "detail": "Tidak ditemukan."},
)

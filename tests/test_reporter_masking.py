"""Reporter data per role (DESIGN.md section 3), on list, queue, detail and the timeline,
checked both on the parsed `reporter` object and on the raw bytes of each response."""

from __future__ import annotations

import pytest

from complaints.workflow import Status
from roles.roles import Role

pytestmark = pytest.mark.django_db

NAME = "Siti Rahmah"
PHONE = "081255501234"
NIK = "6311010101900001"
ADDRESS = "Jl. Merdeka 1, Paringin"
SECRETS = {"name": NAME, "phone": PHONE, "nik": NIK, "address": ADDRESS}

# Each role is checked on a complaint that sits in its own queue, so list, queue and detail all apply.
QUEUE_STATE = {
    Role.OPERATOR: Status.SCREENING,
    Role.KASI: Status.VERIFICATION,
    Role.KABID: Status.DISPATCH,
    Role.TRC: "dispatch_assigned",  # the assigned team (trc-paringin)
    Role.KEPALA: Status.HEAD_REVIEW,
}
VARIANTS = {
    "normal": {},
    "confidential": {"confidential": True},
    "anonymous": {"anonymous": True},
    "field_contact": {"allow_field_contact": True},
    "confidential_field_contact": {"confidential": True, "allow_field_contact": True},
}


def expected_reporter(role: Role, variant: str) -> dict:
    flags = VARIANTS[variant]
    confidential = flags.get("confidential", False)
    contact = flags.get("allow_field_contact", False)
    nothing = {"name": None, "phone": None, "nik": None, "address": None, "allow_field_contact": None}
    base = {"anonymous": variant == "anonymous", "confidential": confidential}
    if variant == "anonymous":
        return {**base, **nothing, "access": "anonymous"}
    full = {**base, **SECRETS, "allow_field_contact": contact, "access": "full"}
    masked = {**base, **nothing, "access": "masked"}
    if role in (Role.OPERATOR, Role.KEPALA):
        return full
    if role == Role.KASI:
        return masked if confidential else full
    if role == Role.TRC and contact and not confidential:
        return {**base, **nothing, "phone": PHONE, "allow_field_contact": True, "access": "contact"}
    return masked


def test_expected_table_spot_checks():
    assert expected_reporter(Role.KASI, "normal")["access"] == "full"
    assert expected_reporter(Role.KASI, "confidential")["access"] == "masked"
    assert expected_reporter(Role.KABID, "normal")["access"] == "masked"
    assert expected_reporter(Role.TRC, "field_contact")["access"] == "contact"
    assert expected_reporter(Role.TRC, "confidential_field_contact")["access"] == "masked"
    assert expected_reporter(Role.KEPALA, "confidential")["access"] == "full"


def _only(response, code: str) -> dict:
    assert response.status_code == 200, response.content
    items = [item for item in response.json()["results"] if item["code"] == code]
    assert len(items) == 1, response.content
    return items[0]


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("role", list(QUEUE_STATE), ids=str)
def test_reporter_object_per_role(role, variant, complaint_in, api_as):
    complaint = complaint_in(QUEUE_STATE[role], **VARIANTS[variant])
    assert (complaint.reporter_id is None) == (variant == "anonymous")
    client = api_as(role)
    want = expected_reporter(role, variant)

    listed = client.get("/api/v1/complaints/")
    queued = client.get("/api/v1/queue/")
    detail = client.get(f"/api/v1/complaints/{complaint.code}/")
    assert detail.status_code == 200, detail.content

    assert _only(listed, complaint.code)["reporter"] == want
    assert _only(queued, complaint.code)["reporter"] == want
    assert detail.json()["reporter"] == want

    events = client.get(f"/api/v1/complaints/{complaint.code}/events/")
    assert events.status_code == 200
    assert len(events.json()["results"]) >= 2

    # Raw bytes: what the role may not see is nowhere in the response, not just absent from `reporter`.
    shown = {key for key in SECRETS if want[key] is not None}
    for response in (listed, queued, detail):
        for key, secret in SECRETS.items():
            assert (secret.encode() in response.content) == (key in shown), (key, response.content)
    # The timeline never carries reporter data, whatever the role.
    for secret in SECRETS.values():
        assert secret.encode() not in events.content


@pytest.mark.parametrize("who", ["trc_halong", "trc_hq", "nobody"])
def test_unrelated_users_get_no_reporter_bytes(who, complaint_in, api_as):
    complaint = complaint_in("dispatch_assigned", allow_field_contact=True)
    client = api_as(who)
    responses = [
        client.get("/api/v1/complaints/"),
        client.get("/api/v1/queue/"),
        client.get(f"/api/v1/complaints/{complaint.code}/"),
        client.get(f"/api/v1/complaints/{complaint.code}/events/"),
    ]
    assert [r.status_code for r in responses] == [200, 200, 404, 404]
    for response in responses:
        for secret in SECRETS.values():
            assert secret.encode() not in response.content


def test_action_response_is_masked_too(complaint_in, api_as):
    """The body returned after an action goes through the same masking as a detail read."""
    complaint = complaint_in(Status.HEAD_REVIEW)
    response = api_as(Role.KABID).post(
        f"/api/v1/complaints/{complaint.code}/actions/endorse/", {"note": "Lanjut."}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["reporter"]["access"] == "masked"
    for secret in SECRETS.values():
        assert secret.encode() not in response.content


def test_trc_field_check_post_sees_contact_phone_only(complaint_in, api_as):
    complaint = complaint_in(Status.FIELD_CHECK, allow_field_contact=True)
    response = api_as(Role.TRC).get(f"/api/v1/complaints/{complaint.code}/")
    assert response.status_code == 200
    assert response.json()["reporter"] == expected_reporter(Role.TRC, "field_contact")
    assert PHONE.encode() in response.content
    for secret in (NAME, NIK, ADDRESS):
        assert secret.encode() not in response.content

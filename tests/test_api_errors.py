"""API error contract: problem+json with a stable `code`, field `errors`, and nothing written on refusal."""

from __future__ import annotations

import pytest

from complaints.models import Complaint, Village
from roles.roles import Role

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def action_url(complaint: Complaint, action: str) -> str:
    return f"/api/v1/complaints/{complaint.code}/actions/{action}/"


def snapshot(complaint: Complaint) -> tuple:
    fresh = Complaint.objects.get(pk=complaint.pk)
    return fresh.status, fresh.version, fresh.events.count()


def assert_problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    if code is not None:
        assert body["code"] == code
    return body


# --- missing or bad fields -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "who", "action", "data", "field"),
    [
        ("screening", Role.OPERATOR, "return", {}, "reason"),
        ("screening", Role.OPERATOR, "return", {"reason": "not_authority"}, "agency"),
        ("screening", Role.OPERATOR, "return", {"reason": "no-such-reason"}, "reason"),
        ("reporting", Role.TRC, "report", {"action_taken": "Dibina.", "result": "warned"}, "findings"),
        ("dispatch", Role.KABID, "assign", {"team": "tim-tidak-ada"}, "team"),
        ("verification", Role.KASI, "submit_draft", {}, "draft"),
    ],
)
def test_missing_or_bad_field_is_400_with_field_error(complaint_in, api_as, status, who, action, data, field):
    complaint = complaint_in(status)
    before = snapshot(complaint)

    response = api_as(who).post(action_url(complaint, action), data, format="json")

    body = assert_problem(response, 400, "invalid_input")
    assert set(body["errors"]) == {field}
    assert body["errors"][field] and all(isinstance(m, str) and m for m in body["errors"][field])
    assert snapshot(complaint) == before


def test_accept_without_reporter_or_anonymous_is_400(complaint_in, api_as):
    complaint = complaint_in("submitted", anonymous=True)
    assert complaint.reporter_id is None
    before = snapshot(complaint)

    # No longer anonymous, yet nobody to record: an absent flag would keep it anonymous (tests/security/
    # test_reporter_protection.py), so the refusal needs the explicit false.
    response = api_as(Role.OPERATOR).post(action_url(complaint, "accept"), {"anonymous": False}, format="json")

    body = assert_problem(response, 400, "invalid_input")
    assert "reporter_name" in body["errors"]
    assert snapshot(complaint) == before


def test_accept_anonymous_with_reporter_data_is_400(complaint_in, api_as):
    complaint = complaint_in("submitted", anonymous=True)
    before = snapshot(complaint)

    response = api_as(Role.OPERATOR).post(
        action_url(complaint, "accept"), {"anonymous": True, "reporter_name": "Budi"}, format="json"
    )

    body = assert_problem(response, 400, "invalid_input")
    assert "anonymous" in body["errors"]
    assert snapshot(complaint) == before


def test_accept_anonymous_complaint_with_reporter_data_succeeds(complaint_in, api_as):
    # The positive counterpart of the refusal above: the same endpoint does write when input is complete.
    complaint = complaint_in("submitted", anonymous=True)
    status, version, events = snapshot(complaint)
    assert status == "submitted"

    response = api_as(Role.OPERATOR).post(
        action_url(complaint, "accept"), {"anonymous": False, "reporter_name": "Budi"}, format="json"
    )

    assert response.status_code == 200, response.content
    # The accept event and the one recording that the case is no longer anonymous.
    assert snapshot(complaint) == ("screening", version + 1, events + 2)
    assert response["ETag"] == f'"{version + 1}"'


# --- optimistic locking ----------------------------------------------------------------------------


def test_stale_if_match_is_412(complaint_in, api_as):
    complaint = complaint_in("screening")
    before = snapshot(complaint)

    response = api_as(Role.OPERATOR).post(
        action_url(complaint, "forward"), {}, format="json", HTTP_IF_MATCH=f'"{complaint.version + 5}"'
    )

    assert_problem(response, 412, "stale_version")
    assert snapshot(complaint) == before


def test_stale_body_version_is_412(complaint_in, api_as):
    complaint = complaint_in("screening")
    before = snapshot(complaint)

    response = api_as(Role.OPERATOR).post(
        action_url(complaint, "forward"), {"version": complaint.version - 1}, format="json"
    )

    assert_problem(response, 412, "stale_version")
    assert snapshot(complaint) == before


@pytest.mark.parametrize("etag", ['"{v}"', 'W/"{v}"', "{v}"])
def test_current_if_match_is_accepted(complaint_in, api_as, etag):
    complaint = complaint_in("screening")
    status, version, events = snapshot(complaint)
    assert status == "screening"

    response = api_as(Role.OPERATOR).post(
        action_url(complaint, "forward"), {}, format="json", HTTP_IF_MATCH=etag.format(v=version)
    )

    assert response.status_code == 200, response.content
    assert snapshot(complaint) == ("verification", version + 1, events + 1)


def test_etag_from_detail_round_trips(complaint_in, api_as):
    complaint = complaint_in("screening")
    client = api_as(Role.OPERATOR)
    etag = client.get(f"/api/v1/complaints/{complaint.code}/")["ETag"]

    first = client.post(action_url(complaint, "forward"), {}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200
    # The same ETag again is now stale.
    second = api_as(Role.KASI).post(
        action_url(complaint, "submit_draft"), {"draft": "x"}, format="json", HTTP_IF_MATCH=etag
    )
    assert_problem(second, 412, "stale_version")


@pytest.mark.parametrize("header", ["abc", '"x"', "*", '"1", "2"', "-1"])
def test_malformed_if_match_is_400(complaint_in, api_as, header):
    complaint = complaint_in("screening")
    before = snapshot(complaint)

    response = api_as(Role.OPERATOR).post(action_url(complaint, "forward"), {}, format="json", HTTP_IF_MATCH=header)

    assert_problem(response, 400)
    assert snapshot(complaint) == before


def test_non_integer_body_version_is_400(complaint_in, api_as):
    complaint = complaint_in("screening")
    before = snapshot(complaint)

    response = api_as(Role.OPERATOR).post(action_url(complaint, "forward"), {"version": "abc"}, format="json")

    assert_problem(response, 400)
    assert snapshot(complaint) == before


# --- body shape --------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [[1, 2], "just a string", 42])
def test_non_object_json_body_is_400(complaint_in, api_as, body):
    complaint = complaint_in("screening")
    before = snapshot(complaint)

    response = api_as(Role.OPERATOR).post(action_url(complaint, "forward"), body, format="json")

    assert_problem(response, 400)
    assert snapshot(complaint) == before


@pytest.mark.parametrize("value", [{"a": 1}, ["x", "y"]])
def test_nested_values_are_400(complaint_in, api_as, value):
    complaint = complaint_in("screening")
    before = snapshot(complaint)

    response = api_as(Role.OPERATOR).post(action_url(complaint, "forward"), {"note": value}, format="json")

    body = assert_problem(response, 400)
    assert "note" in body["detail"]
    assert snapshot(complaint) == before


def test_malformed_json_is_400(complaint_in, api_as):
    complaint = complaint_in("screening")
    before = snapshot(complaint)

    response = api_as(Role.OPERATOR).generic(
        "POST", action_url(complaint, "forward"), "{not json", content_type="application/json"
    )

    assert_problem(response, 400)
    assert snapshot(complaint) == before


# --- authentication, visibility, permission, state --------------------------------------------------


def test_unauthenticated_action_is_401(complaint_in, api):
    complaint = complaint_in("screening")
    before = snapshot(complaint)

    response = api.post(action_url(complaint, "forward"), {}, format="json")

    assert_problem(response, 401)
    assert snapshot(complaint) == before


@pytest.mark.parametrize("path", ["/api/v1/complaints/", "/api/v1/queue/", "/api/v1/me/"])
def test_unauthenticated_read_is_401(api, path):
    assert_problem(api.get(path), 401)


@pytest.mark.parametrize(
    "path", ["", "events/", "actions/", "attachments/", "actions/forward/"]
)
def test_unknown_code_is_404_problem(api_as, path):
    client = api_as(Role.OPERATOR)
    url = f"/api/v1/complaints/TIDAK-ADA-999/{path}"
    response = client.post(url, {}, format="json") if path.startswith("actions/forward") else client.get(url)
    assert_problem(response, 404, "not_found")


def test_invisible_complaint_is_404_and_unchanged(complaint_in, api_as):
    # Kasi sees a complaint only once it has been forwarded.
    complaint = complaint_in("screening")
    before = snapshot(complaint)

    assert_problem(api_as(Role.KASI).get(f"/api/v1/complaints/{complaint.code}/"), 404, "not_found")
    assert_problem(api_as(Role.KASI).post(action_url(complaint, "forward"), {}, format="json"), 404, "not_found")
    assert snapshot(complaint) == before


def test_wrong_role_is_403_and_unchanged(complaint_in, api_as):
    complaint = complaint_in("screening")
    before = snapshot(complaint)

    response = api_as(Role.KEPALA).post(action_url(complaint, "forward"), {}, format="json")

    assert_problem(response, 403, "not_allowed")
    assert snapshot(complaint) == before


def test_wrong_state_is_409_and_unchanged(complaint_in, api_as):
    complaint = complaint_in("submitted")
    before = snapshot(complaint)

    response = api_as(Role.OPERATOR).post(action_url(complaint, "forward"), {}, format="json")

    assert_problem(response, 409, "invalid_state")
    assert snapshot(complaint) == before


# --- creating complaints -----------------------------------------------------------------------------

REPORTER = {"name": "Rina", "phone": "081255500001", "nik": "6311010101900002", "address": "Jl. Pasar 2"}


def create_payload(**overrides) -> dict:
    payload = {
        "category": "keributan", "district": "paringin", "description": "Keributan di terminal.",
        "reporter": dict(REPORTER),
    }
    payload.update(overrides)
    return payload


def test_operator_creates_complaint(users, api_as):
    response = api_as(Role.OPERATOR).post("/api/v1/complaints/", create_payload(), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"]
    assert body["status"] == "submitted"
    complaint = Complaint.objects.get(code=body["code"])
    assert complaint.created_by == users[Role.OPERATOR]
    assert complaint.reporter.name == "Rina"
    assert list(complaint.events.values_list("action", flat=True)) == ["submit"]


def test_kasi_cannot_create_complaint(users, api_as):
    response = api_as(Role.KASI).post("/api/v1/complaints/", create_payload(), format="json")

    assert_problem(response, 403, "not_allowed")
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize("field", ["category", "district"])
def test_create_with_unknown_slug_is_400(users, api_as, field):
    response = api_as(Role.OPERATOR).post(
        "/api/v1/complaints/", create_payload(**{field: "tidak-ada"}), format="json"
    )

    body = assert_problem(response, 400, "invalid_input")
    assert field in body["errors"]
    assert Complaint.objects.count() == 0


def test_create_with_village_outside_district_is_400(users, api_as, halong):
    village = Village.objects.create(district=halong, name="Desa Uji Halong")

    response = api_as(Role.OPERATOR).post(
        "/api/v1/complaints/", create_payload(district="paringin", village=village.pk), format="json"
    )

    body = assert_problem(response, 400, "invalid_input")
    assert "village" in body["errors"]
    assert Complaint.objects.count() == 0


def test_create_with_village_inside_district_is_201(users, api_as, paringin):
    village = Village.objects.create(district=paringin, name="Desa Uji Paringin")

    response = api_as(Role.OPERATOR).post(
        "/api/v1/complaints/", create_payload(village=village.pk), format="json"
    )

    assert response.status_code == 201, response.content
    assert Complaint.objects.get().village == village


def test_create_anonymous_with_reporter_data_is_400(users, api_as):
    response = api_as(Role.OPERATOR).post("/api/v1/complaints/", create_payload(anonymous=True), format="json")

    body = assert_problem(response, 400, "invalid_input")
    assert "anonymous" in body["errors"]
    assert Complaint.objects.count() == 0


def test_create_without_description_is_400(users, api_as):
    payload = create_payload()
    del payload["description"]

    body = assert_problem(api_as(Role.OPERATOR).post("/api/v1/complaints/", payload, format="json"), 400)
    assert "description" in body["errors"]
    assert Complaint.objects.count() == 0


def test_create_unauthenticated_is_401(users, api):
    assert_problem(api.post("/api/v1/complaints/", create_payload(), format="json"), 401)
    assert Complaint.objects.count() == 0

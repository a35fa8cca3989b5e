"""The transition table, driven through the HTTP API: every transition by its owner, by every other
role, and from every state where it does not exist. Parametrized from TRANSITIONS, not hand-listed."""

from __future__ import annotations

import pytest

from complaints.models import Complaint, ComplaintEvent, FieldResult
from complaints.workflow import (
    ACTIONS,
    TRANSITIONS,
    ReturnReason,
    Status,
    find_transition,
    has_team,
    has_team_not_arrived,
    is_information_request,
)
from roles.roles import Role
from tests.helpers import ALL_USERS, STATE_KEYS, action_url, sees, snapshot, status_of

pytestmark = pytest.mark.django_db

# Valid input per action name (an action keeps one input shape in every state).
VALID_DATA: dict[str, dict] = {
    "accept": {"note": "Data pelapor diperiksa."},
    "forward": {"note": "Kewenangan Satpol PP."},
    "return": {"reason": ReturnReason.INCOMPLETE, "note": "Lokasi tidak jelas."},
    "answer": {"answer": "Satpol PP menegakkan Perda."},
    "submit_draft": {"draft": "Konsep laporan."},
    "confirm": {"note": "Benar terjadi."},
    "refute": {"note": "Tidak ada keributan."},
    "assign": {"team": "trc-markas"},
    "reassign": {"team": "trc-markas"},  # fixtures assign trc-paringin, so this is a different team
    "arrive": {},
    "handle": {"note": "Sudah dibubarkan."},
    "unable": {"note": "Alamat fiktif."},
    "report": {"findings": "Ada keributan.", "action_taken": "Dibina.", "result": FieldResult.WARNED},
    "endorse": {"note": "Layak disetujui."},
    "acknowledge": {"note": "Disetujui."},
    "informed": {"note": "Pelapor ditelepon."},
    "mark_duplicate": {"duplicate_of": "MAIN-CASE"},  # replaced by a real case's code where it must be valid
}


def valid_data(t, complaint_in) -> dict:
    data = dict(VALID_DATA[t.action])
    if data.get("duplicate_of") == "MAIN-CASE":
        data["duplicate_of"] = complaint_in(Status.VERIFICATION).code
    return data


def _tid(t) -> str:
    return f"{t.action}@{t.source}"


def owner_key(t):
    (role,) = t.roles
    # Paringin fixtures: the Paringin post does the field check and is the assigned team.
    return Role.TRC if role == Role.TRC else role


def setup_key(t) -> str:
    if t.source == Status.DISPATCH and t.guard in (has_team, has_team_not_arrived):
        return "dispatch_assigned"
    return t.source


def build_for(t, complaint_in, info_category) -> Complaint:
    kwargs = {"category": info_category} if t.guard is is_information_request else {}
    return complaint_in(setup_key(t), **kwargs)


def test_valid_data_covers_every_action():
    assert set(VALID_DATA) == set(ACTIONS)


def test_every_transition_has_a_single_role():
    assert all(len(t.roles) == 1 for t in TRANSITIONS)


@pytest.mark.parametrize("t", TRANSITIONS, ids=_tid)
def test_owner_takes_transition(t, complaint_in, info_category, api_as):
    complaint = build_for(t, complaint_in, info_category)
    assert complaint.status == t.source
    before = snapshot(complaint)
    last_event = complaint.events.order_by("-id").values_list("id", flat=True).first()
    who = owner_key(t)

    response = api_as(who).post(action_url(complaint, t.action), valid_data(t, complaint_in), format="json")

    complaint.refresh_from_db()
    expected_code = 200 if sees(who, complaint) else 204  # 204: the action moved the row out of the user's view
    assert response.status_code == expected_code, response.content
    assert complaint.status == t.target
    assert complaint.version == before["version"] + 1
    new_events = list(ComplaintEvent.objects.filter(complaint=complaint, id__gt=last_event))
    assert len(new_events) == 1
    event = new_events[0]
    assert (event.action, event.from_status, event.to_status) == (t.action, t.source, t.target)
    if expected_code == 200:
        body = response.json()
        assert body["status"] == t.target
        assert body["version"] == complaint.version
    if t.outcome is not None:
        assert complaint.outcome == t.outcome


def _other_cases():
    for t in TRANSITIONS:
        for who in ALL_USERS:
            if who != owner_key(t):
                yield pytest.param(t, who, id=f"{_tid(t)}-by-{who}")


@pytest.mark.parametrize(("t", "who"), list(_other_cases()))
def test_other_roles_are_refused(t, who, complaint_in, info_category, api_as):
    """403 for a role that can see the row; 404 where the policy hides the row from that user
    (Kasi/Kabid before verification, TRC outside its own rows, users without a role always)."""
    complaint = build_for(t, complaint_in, info_category)
    before = snapshot(complaint)
    visible = sees(who, complaint)

    response = api_as(who).post(action_url(complaint, t.action), VALID_DATA[t.action], format="json")

    if visible:
        assert response.status_code == 403, response.content
        assert response.json()["code"] == "not_allowed"
    else:
        assert response.status_code == 404, response.content
    assert snapshot(complaint) == before


def test_visibility_oracle_spot_checks(complaint_in):
    """The expectations above rest on `sees`; pin a few of its answers so the matrix cannot be vacuous."""
    screening = complaint_in(Status.SCREENING)
    field_check = complaint_in(Status.FIELD_CHECK)
    assert not sees(Role.KASI, screening) and not sees(Role.KABID, screening)
    assert sees(Role.KASI, field_check) and sees(Role.KABID, field_check)
    assert sees(Role.TRC, field_check) and not sees("trc_halong", field_check) and not sees("trc_hq", field_check)
    assert not sees("nobody", field_check)


def _wrong_state_cases():
    for t in TRANSITIONS:
        for key in STATE_KEYS:
            if find_transition(t.action, status_of(key)) is None:
                yield pytest.param(t, key, id=f"{_tid(t)}-from-{key}")


@pytest.mark.parametrize(("t", "key"), list(_wrong_state_cases()))
def test_owner_refused_in_other_states(t, key, complaint_in, api_as):
    """409 where the action does not exist; a TRC owner gets 404 where the row is not its own."""
    # An information request never gets past screening, so these use the ordinary category.
    complaint = complaint_in(key)
    before = snapshot(complaint)
    who = owner_key(t)

    response = api_as(who).post(action_url(complaint, t.action), VALID_DATA[t.action], format="json")

    if sees(who, complaint):
        assert response.status_code == 409, response.content
        assert response.json()["code"] == "invalid_state"
    else:
        assert who == Role.TRC or who in (Role.KASI, Role.KABID)
        assert response.status_code == 404, response.content
    assert snapshot(complaint) == before


# --- guards -----------------------------------------------------------------------------------


def _refused(api_as, who, complaint, action, data, expected=409):
    before = snapshot(complaint)
    response = api_as(who).post(action_url(complaint, action), data, format="json")
    assert response.status_code == expected, response.content
    assert snapshot(complaint) == before
    return response


def test_answer_refused_on_non_information_complaint(complaint_in, api_as):
    complaint = complaint_in(Status.SCREENING)
    assert complaint.kind != "information"
    response = _refused(api_as, Role.OPERATOR, complaint, "answer", VALID_DATA["answer"])
    assert response.json()["code"] == "invalid_state"


def test_forward_refused_on_information_request(complaint_in, info_category, api_as):
    complaint = complaint_in(Status.SCREENING, category=info_category)
    assert complaint.kind == "information"
    response = _refused(api_as, Role.OPERATOR, complaint, "forward", VALID_DATA["forward"])
    assert response.json()["code"] == "invalid_state"


def test_assign_refused_when_already_assigned(complaint_in, api_as):
    complaint = complaint_in("dispatch_assigned")
    assert complaint.assigned_team.slug == "trc-paringin"
    _refused(api_as, Role.KABID, complaint, "assign", {"team": "trc-markas"})
    complaint.refresh_from_db()
    assert complaint.assigned_team.slug == "trc-paringin"


def test_reassign_refused_when_no_team(complaint_in, api_as):
    complaint = complaint_in(Status.DISPATCH)
    assert complaint.assigned_team_id is None
    _refused(api_as, Role.KABID, complaint, "reassign", {"team": "trc-markas"})


def test_arrive_twice_refused(complaint_in, api_as):
    complaint = complaint_in("dispatch_assigned")
    assert api_as(Role.TRC).post(action_url(complaint, "arrive"), {}, format="json").status_code == 200
    complaint.refresh_from_db()
    _refused(api_as, Role.TRC, complaint, "arrive", {})


def test_reassign_to_same_team_is_bad_input(complaint_in, api_as):
    complaint = complaint_in("dispatch_assigned")
    _refused(api_as, Role.KABID, complaint, "reassign", {"team": "trc-paringin"}, expected=400)


@pytest.mark.parametrize("t", [t for t in TRANSITIONS if t.required], ids=_tid)
def test_missing_required_field_is_400_and_writes_nothing(t, complaint_in, info_category, api_as):
    complaint = build_for(t, complaint_in, info_category)
    response = _refused(api_as, owner_key(t), complaint, t.action, {}, expected=400)
    assert set(response.json()["errors"]) == {str(f) for f in t.required}

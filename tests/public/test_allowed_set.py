"""Done-when of issue 6: no public page or endpoint reveals a field outside the allowed set, for every status,
for named, confidential and anonymous reporters alike. Checked on the raw response bodies."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from complaints.models import Complaint
from complaints.services.transitions import perform_action
from public.links import feedback_path
from public.selectors import PublicTracking
from public.serializers import PublicTrackingSerializer
from roles.roles import Role
from tests.public.conftest import AGENCY, ANSWER, PRIVACY, SECRETS, STATES, USERNAMES, status_of_state

pytestmark = pytest.mark.django_db

# The allowed set, written out independently of public/selectors.py: changing it must change this test.
ALLOWED_KEYS = {
    "code", "category", "district", "received_at", "status", "status_label", "step", "total_steps", "closed_at",
    "outcome", "outcome_label", "result", "referred_to", "answer", "timeline", "feedback_open", "feedback",
}
STEP_KEYS = {"status", "label", "step", "at"}
FEEDBACK_KEYS = {"rating", "created_at"}
# Text that varies from one complaint to the next, removed before comparing the three privacy variants.
VOLATILE = re.compile(
    r"[0-9A-Za-z]{5}-[0-9A-Za-z]{5}|\d{4}-\d\d-\d\dT[\d:.]+\+08:00|\d{1,2}\.\d\d WITA|csrfmiddlewaretoken\" value=\"[^\"]+\""
    r"|/nilai/[^/\"]+/|\d{1,2} \w+ \d{4}"
)


def leaks(body: str) -> list[str]:
    found = [label for label, secret in SECRETS.items() if secret.lower() in body.lower()]
    found += [f"username {name}" for name in USERNAMES if re.search(rf"\b{re.escape(name)}\b", body)]
    return found


def bodies(client, complaint: Complaint) -> dict[str, str]:
    return {
        "page": client.get(f"/lacak/{complaint.code}/").content.decode(),
        "page (feedback link)": client.get(feedback_path(complaint.code)).content.decode(),
        "page (search form)": client.get("/lacak/", {"kode": complaint.code.lower()}).content.decode(),
        "api": client.get(f"/api/v1/public/track/{complaint.code}/").content.decode(),
        "api (English)": client.get(f"/api/v1/public/track/{complaint.code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode(),
    }


@pytest.mark.parametrize("state", STATES)
def test_no_public_body_reveals_anything_outside_the_allowed_set(state, build, client):
    outputs = {}
    for privacy in PRIVACY:
        complaint = build(state, privacy)
        assert complaint.status == status_of_state(state)
        assert complaint.is_anonymous == (privacy == "anonymous") and complaint.is_confidential == (privacy == "confidential")
        found = bodies(client, complaint)
        for name, body in found.items():
            assert leaks(body) == [], f"{state}/{privacy} {name} leaks"
            if state != "closed_answered":
                assert ANSWER not in body
            if state != "closed_referred":
                assert AGENCY not in body
        api = json.loads(found["api"])
        assert set(api) == ALLOWED_KEYS
        assert all(set(step) == STEP_KEYS for step in api["timeline"])
        assert api["feedback"] is None or set(api["feedback"]) == FEEDBACK_KEYS
        assert api["status"] == status_of_state(state)
        outputs[privacy] = {name: VOLATILE.sub("", body) for name, body in found.items()}
    # Whether a reporter is named, confidential or anonymous shows nowhere: the three are the same page.
    assert outputs["named"] == outputs["confidential"] == outputs["anonymous"]


def test_what_the_reporter_is_meant_to_get_is_there(build, client):
    answered = json.loads(client.get(f"/api/v1/public/track/{build('closed_answered').code}/").content)
    assert answered["answer"] == ANSWER and answered["outcome"] == "answered"
    referred = client.get(f"/lacak/{build('closed_referred').code}/").content.decode()
    assert AGENCY in referred and "Bukan kewenangan Satpol PP" in referred
    resolved = json.loads(client.get(f"/api/v1/public/track/{build('closed').code}/").content)
    assert resolved["result"] == "Teguran/pembinaan" and resolved["outcome_label"] == "Ditangani"
    unfounded = json.loads(client.get(f"/api/v1/public/track/{build('closed_unfounded').code}/").content)
    assert unfounded["outcome"] == "unfounded"
    assert unfounded["result"] == "tim lapangan tidak menemukan kejadian seperti yang dilaporkan"


def test_the_timeline_is_status_changes_only_with_public_step_names(build, client):
    complaint = build("closed")
    timeline = json.loads(client.get(f"/api/v1/public/track/{complaint.code}/").content)["timeline"]
    assert [step["status"] for step in timeline] == [
        "submitted", "screening", "verification", "field_check", "dispatch", "reporting", "head_review", "notification",
        "closed",
    ]
    assert [step["step"] for step in timeline] == [1, 2, 3, 4, 5, 6, 7, 8, None]
    # assign, arrive, endorse and the two attachments are in the staff timeline, not here
    assert complaint.events.count() > len(timeline)
    assert timeline[6]["label"] == "Ditelaah pimpinan"
    assert all(step["at"].endswith("+08:00") for step in timeline)


def test_a_duplicate_shows_the_other_cases_outcome_but_not_its_code(build, client, named_staff):
    main = build("notification")
    duplicate = build("closed_duplicate", main=main)
    body = client.get(f"/api/v1/public/track/{duplicate.code}/").content.decode()
    assert main.code not in body
    assert json.loads(body)["feedback_open"] is False  # the incident's outcome is not known yet
    perform_action(user=named_staff[Role.OPERATOR], complaint_id=main.pk, action="informed", data={})
    body = client.get(f"/api/v1/public/track/{duplicate.code}/").content.decode()
    assert main.code not in body
    public = json.loads(body)
    assert "ditangani" in public["result"] and public["feedback_open"] is True


def test_the_serializer_renders_exactly_the_selectors_fields():
    """One allowed set: the API cannot add or drop a field the selector does not."""
    assert set(PublicTrackingSerializer().fields) == {f.name for f in dataclasses.fields(PublicTracking)} == ALLOWED_KEYS

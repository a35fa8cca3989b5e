"""A reporter's protections (confidential, anonymous, field contact) change only when a request says so.

An absent field used to be read as false: `accept` with `{}` (the README's own example) or a portal form without the
checkbox made a confidential reporter visible to Kasi. Every action and every form now keeps what is stored unless
it sends an explicit value, and each change, down or up, is an event of its own.
"""

from __future__ import annotations

import pytest
from django.test import Client

from complaints.models import Complaint, ComplaintEvent
from complaints.services.intake import ReporterInput
from complaints.services.transitions import perform_action
from complaints.workflow import TRANSITIONS, Status
from roles.roles import Role
from tests.test_workflow_matrix import _tid, build_for, owner_key, valid_data

pytestmark = pytest.mark.django_db

REPORTER = ReporterInput(
    name="Siti Rahmah", phone="081255501234", nik="6311010101900001", address="Jl. Merdeka 1, Paringin",
    allow_field_contact=True,
)


def stored_choices(complaint: Complaint) -> dict:
    complaint = Complaint.objects.select_related("reporter").get(pk=complaint.pk)
    reporter = complaint.reporter
    return {
        "confidential": complaint.is_confidential,
        "anonymous": complaint.is_anonymous,
        "reporter": None if reporter is None else (
            reporter.name, reporter.phone, reporter.nik, reporter.address, reporter.allow_field_contact,
        ),
    }


def protected_complaint_at(t, complaint_in, info_category) -> Complaint:
    """A confidential complaint whose reporter allowed field contact, at the transition's source state."""

    def build(status, **kwargs):
        return complaint_in(status, confidential=True, allow_field_contact=True, reporter=REPORTER, **kwargs)

    return build_for(t, build, info_category)


@pytest.mark.parametrize("t", TRANSITIONS, ids=_tid)
def test_minimal_body_changes_no_reporter_choice(t, complaint_in, info_category, api_as):
    complaint = protected_complaint_at(t, complaint_in, info_category)
    before = stored_choices(complaint)
    assert before["confidential"] and before["reporter"][-1], "the fixture must start protected"

    response = api_as(owner_key(t)).post(
        f"/api/v1/complaints/{complaint.code}/actions/{t.action}/", valid_data(t, complaint_in), format="json"
    )

    assert response.status_code in (200, 204), response.content
    assert stored_choices(complaint) == before
    assert not ComplaintEvent.objects.filter(complaint=complaint, action="protection_changed").exists()


def test_accept_with_empty_body_keeps_a_channel_reporter_confidential(channel, users, api, api_as, category, paringin):
    """The new user's path: a channel files a confidential complaint, the Operator accepts it with `{}` and forwards
    it, and Kasi reads it masked."""
    created = api.post(
        "/api/v1/complaints/",
        {
            "category": category.slug, "description": "Balap liar tiap malam.", "district": paringin.slug,
            "confidential": True,
            "reporter": {"name": "Siti Rahmah", "phone": "081255501234", "nik": "6311010101900001",
                         "allow_field_contact": True},
        },
        format="json", HTTP_AUTHORIZATION=f"Api-Key {channel.raw_key}",
    )
    assert created.status_code == 201, created.content
    code = created.json()["code"]
    operator = api_as(Role.OPERATOR)
    assert operator.post(f"/api/v1/complaints/{code}/actions/accept/", {}, format="json").status_code == 200
    assert operator.post(f"/api/v1/complaints/{code}/actions/forward/", {}, format="json").status_code == 200

    detail = api_as(Role.KASI).get(f"/api/v1/complaints/{code}/")

    assert detail.status_code == 200
    reporter = detail.json()["reporter"]
    assert reporter["access"] == "masked"
    assert reporter["name"] is None and reporter["phone"] is None and reporter["nik"] is None
    assert b"Siti" not in detail.content and b"0812555" not in detail.content
    complaint = Complaint.objects.select_related("reporter").get(code=code)
    assert complaint.is_confidential and complaint.reporter.allow_field_contact


def portal_accept(users, complaint: Complaint, fields: dict) -> int:
    client = Client()
    client.force_login(users[Role.OPERATOR])
    response = client.post(
        f"/cases/{complaint.code}/actions/accept/", {"version": complaint.version, **fields}
    )
    return response.status_code


def test_portal_post_without_the_checkboxes_keeps_protections(complaint_in, users):
    complaint = complaint_in(Status.SUBMITTED, confidential=True, allow_field_contact=True, reporter=REPORTER)

    assert portal_accept(users, complaint, {}) == 302

    complaint.refresh_from_db()
    assert complaint.status == Status.SCREENING
    assert complaint.is_confidential and complaint.reporter.allow_field_contact


def test_portal_form_draws_each_box_ticked_as_stored_with_its_stated_false(complaint_in, users):
    complaint = complaint_in(Status.SUBMITTED, confidential=True, allow_field_contact=True, reporter=REPORTER)
    client = Client()
    client.force_login(users[Role.OPERATOR])

    html = client.get(f"/cases/{complaint.code}/").content.decode()

    form = html[html.index('action="/cases/' + complaint.code + '/actions/accept/"'):]
    form = form[: form.index("</form>")]
    assert '<input type="hidden" name="confidential" value="false">' in form
    assert 'name="confidential" id="id_accept_confidential" checked' in form
    assert 'name="allow_field_contact" id="id_accept_allow_field_contact" checked' in form
    assert 'name="anonymous" id="id_accept_anonymous">' in form  # drawn unticked: the case is not anonymous


def test_portal_unticked_box_lowers_and_records_who(complaint_in, users):
    """What the browser sends when the Operator unticks "dirahasiakan": the hidden false alone."""
    complaint = complaint_in(Status.SUBMITTED, confidential=True, allow_field_contact=True, reporter=REPORTER)

    status = portal_accept(users, complaint, {"confidential": "false", "allow_field_contact": ["false", "on"]})

    assert status == 302
    complaint.refresh_from_db()
    assert not complaint.is_confidential and complaint.reporter.allow_field_contact
    event = ComplaintEvent.objects.get(complaint=complaint, action="protection_changed")
    assert event.payload == {"changes": {"confidential": {"from": True, "to": False}}}
    assert event.actor == users[Role.OPERATOR] and event.actor_role == Role.OPERATOR
    client = Client()
    client.force_login(users[Role.KEPALA])
    page = client.get(f"/cases/{complaint.code}/").content.decode()
    assert "Perlindungan pelapor diubah" in page and "Identitas pelapor dirahasiakan: Ya → Tidak" in page


@pytest.mark.parametrize(
    ("sent", "changes"),
    [
        ({"confidential": False}, {"confidential": {"from": True, "to": False}}),
        ({"allow_field_contact": False}, {"allow_field_contact": {"from": True, "to": False}}),
        ({"confidential": True, "allow_field_contact": True}, None),
        ({"anonymous": True}, {"anonymous": {"from": False, "to": True}}),
    ],
)
def test_explicit_values_change_and_are_recorded(sent, changes, complaint_in, users):
    complaint = complaint_in(Status.SUBMITTED, confidential=True, allow_field_contact=True, reporter=REPORTER)

    perform_action(user=users[Role.OPERATOR], complaint_id=complaint.pk, action="accept", data=sent)

    events = ComplaintEvent.objects.filter(complaint=complaint, action="protection_changed")
    if changes is None:
        assert not events.exists()
    else:
        assert [e.payload for e in events] == [{"changes": changes}]


def test_raising_protection_is_recorded_too(complaint_in, users):
    complaint = complaint_in(Status.SUBMITTED, reporter=ReporterInput(name="Budi", phone="081211112222"))

    perform_action(user=users[Role.OPERATOR], complaint_id=complaint.pk, action="accept",
                   data={"confidential": True, "allow_field_contact": True})

    complaint.refresh_from_db()
    assert complaint.is_confidential and complaint.reporter.allow_field_contact
    (event,) = ComplaintEvent.objects.filter(complaint=complaint, action="protection_changed")
    assert event.payload["changes"] == {
        "confidential": {"from": False, "to": True}, "allow_field_contact": {"from": False, "to": True},
    }


def test_anonymous_case_stays_anonymous_when_the_flag_is_left_out(complaint_in, users, api_as):
    complaint = complaint_in(Status.SUBMITTED, anonymous=True)
    operator = api_as(Role.OPERATOR)

    named = operator.post(f"/api/v1/complaints/{complaint.code}/actions/accept/", {"reporter_name": "Budi"}, format="json")

    assert named.status_code == 400
    assert "anonymous" in named.json()["errors"]
    complaint.refresh_from_db()
    assert complaint.is_anonymous and complaint.reporter_id is None and complaint.status == Status.SUBMITTED

    explicit = operator.post(
        f"/api/v1/complaints/{complaint.code}/actions/accept/", {"anonymous": False, "reporter_name": "Budi"}, format="json"
    )

    assert explicit.status_code == 200, explicit.content
    complaint.refresh_from_db()
    assert not complaint.is_anonymous and complaint.reporter.name == "Budi"
    assert ComplaintEvent.objects.get(complaint=complaint, action="protection_changed").payload == {
        "changes": {"anonymous": {"from": True, "to": False}}
    }


@pytest.mark.parametrize("value", ["ya", 2, "maybe", [True]])
def test_a_flag_that_is_neither_true_nor_false_is_refused(value, complaint_in, users, api_as):
    complaint = complaint_in(Status.SUBMITTED, confidential=True, reporter=REPORTER)

    response = api_as(Role.OPERATOR).post(
        f"/api/v1/complaints/{complaint.code}/actions/accept/", {"confidential": value}, format="json"
    )

    assert response.status_code == 400, response.content
    complaint.refresh_from_db()
    assert complaint.is_confidential and complaint.status == Status.SUBMITTED

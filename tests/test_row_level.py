"""Row-level access: TRC teams see and act only on their own rows, grants follow the workflow,
Kasi/Kabid see complaints only from verification on, Operator and Kepala see everything."""

from __future__ import annotations

import pytest

from complaints.models import ComplaintGroupObjectPermission, FieldResult, Team
from complaints.workflow import ReturnReason, Status
from roles.roles import Role
from tests.helpers import STATE_KEYS, action_url, codes, snapshot

pytestmark = pytest.mark.django_db

LIST = "/api/v1/complaints/"
QUEUE = "/api/v1/queue/"


def detail(complaint) -> str:
    return f"/api/v1/complaints/{complaint.code}/"


def granted_teams(complaint) -> dict[str, set[str]]:
    """team slug -> permission codenames held on the complaint."""
    result: dict[str, set[str]] = {}
    for slug, codename in ComplaintGroupObjectPermission.objects.filter(content_object=complaint).values_list(
        "group__team__slug", "permission__codename"
    ):
        result.setdefault(slug, set()).add(codename)
    return result


BOTH = {"view_complaint", "change_complaint"}


def assert_sees(client, complaint, *, in_queue=True):
    assert complaint.code in codes(client.get(LIST))
    assert (complaint.code in codes(client.get(QUEUE))) is in_queue
    assert client.get(detail(complaint)).status_code == 200
    assert client.get(detail(complaint) + "events/").status_code == 200


def assert_hidden(client, complaint, action=None):
    assert complaint.code not in codes(client.get(LIST))
    assert complaint.code not in codes(client.get(QUEUE))
    assert client.get(detail(complaint)).status_code == 404
    assert client.get(detail(complaint) + "events/").status_code == 404
    assert client.get(detail(complaint) + "actions/").status_code == 404
    if action:
        before = snapshot(complaint)
        response = client.post(action_url(complaint, action), {}, format="json")
        assert response.status_code == 404, response.content
        assert snapshot(complaint) == before


def test_field_check_is_visible_only_to_the_kecamatan_post(complaint_in, api_as):
    complaint = complaint_in(Status.FIELD_CHECK)
    assert granted_teams(complaint) == {"trc-paringin": BOTH}

    assert_hidden(api_as("trc_halong"), complaint, action="confirm")
    assert_hidden(api_as("trc_hq"), complaint, action="confirm")

    post = api_as(Role.TRC)
    assert_sees(post, complaint)
    actions = post.get(detail(complaint) + "actions/").json()
    assert sorted(a["action"] for a in actions) == ["confirm", "refute"]
    response = post.post(action_url(complaint, "confirm"), {}, format="json")
    # Confirmed: the case is the Kabid's now and leaves the post's view.
    assert response.status_code == 204
    complaint.refresh_from_db()
    assert complaint.status == Status.DISPATCH


def test_field_check_without_a_post_goes_to_headquarters(complaint_in, districts, api_as):
    complaint = complaint_in(Status.FIELD_CHECK, district=districts["batumandi"])
    assert granted_teams(complaint) == {"trc-markas": BOTH}
    assert_hidden(api_as(Role.TRC), complaint, action="confirm")
    assert_hidden(api_as("trc_halong"), complaint)
    assert_sees(api_as("trc_hq"), complaint)


def test_assignment_to_headquarters_moves_the_row(complaint_in, api_as):
    complaint = complaint_in(Status.FIELD_CHECK)
    assert api_as(Role.TRC).post(action_url(complaint, "confirm"), {}, format="json").status_code == 204
    complaint.refresh_from_db()
    # Out of field check: the post's grants are revoked, no team holds the row until assignment.
    assert granted_teams(complaint) == {}
    assert_hidden(api_as(Role.TRC), complaint, action="handle")
    assert_hidden(api_as("trc_hq"), complaint, action="handle")

    response = api_as(Role.KABID).post(action_url(complaint, "assign"), {"team": "trc-markas"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["assigned_team"] == "trc-markas"
    complaint.refresh_from_db()
    assert granted_teams(complaint) == {"trc-markas": BOTH}

    assert_hidden(api_as(Role.TRC), complaint, action="arrive")
    hq = api_as("trc_hq")
    assert_sees(hq, complaint)
    assert hq.post(action_url(complaint, "arrive"), {}, format="json").status_code == 200
    assert hq.post(action_url(complaint, "handle"), {}, format="json").status_code == 200
    complaint.refresh_from_db()
    assert complaint.status == Status.REPORTING
    assert_sees(hq, complaint)
    assert_hidden(api_as(Role.TRC), complaint, action="report")


def test_reassign_revokes_the_old_team(complaint_in, api_as, team_paringin, team_halong):
    complaint = complaint_in("dispatch_assigned")
    assert granted_teams(complaint) == {"trc-paringin": BOTH}
    old = api_as(Role.TRC)
    assert_sees(old, complaint)

    response = api_as(Role.KABID).post(action_url(complaint, "reassign"), {"team": "trc-halong"}, format="json")
    assert response.status_code == 200, response.content
    complaint.refresh_from_db()
    assert complaint.assigned_team == team_halong
    assert granted_teams(complaint) == {"trc-halong": BOTH}
    assert not ComplaintGroupObjectPermission.objects.filter(content_object=complaint, group=team_paringin.group).exists()

    assert_hidden(old, complaint, action="handle")
    new = api_as("trc_halong")
    assert_sees(new, complaint)
    assert new.post(action_url(complaint, "handle"), {}, format="json").status_code == 200
    event = complaint.events.get(action="reassign")
    assert event.payload["team"] == "trc-halong"
    assert event.payload["previous_team"] == "trc-paringin"
    assert event.payload["grants"]["revoked"] == [team_paringin.group_id]
    assert event.payload["grants"]["granted"] == [team_halong.group_id]


def test_team_loses_the_row_after_report(complaint_in, api_as):
    complaint = complaint_in(Status.REPORTING)
    team = api_as(Role.TRC)
    assert_sees(team, complaint)
    data = {"findings": "Ada.", "action_taken": "Dibina.", "result": FieldResult.WARNED}
    response = team.post(action_url(complaint, "report"), data, format="json")
    assert response.status_code == 204, response.content
    complaint.refresh_from_db()
    assert complaint.status == Status.HEAD_REVIEW
    assert granted_teams(complaint) == {}
    assert_hidden(team, complaint, action="report")
    # The report was still written, and the Kepala now has it.
    assert complaint.field_report.team.slug == "trc-paringin"
    assert_sees(api_as(Role.KEPALA), complaint)


def test_grants_exist_only_in_team_steps(complaint_in):
    """Across every state the grants are exactly those of the team owning the step."""
    expected = {
        Status.FIELD_CHECK: {"trc-paringin": BOTH},
        "dispatch_assigned": {"trc-paringin": BOTH},
        Status.REPORTING: {"trc-paringin": BOTH},
    }
    for key in STATE_KEYS:
        assert granted_teams(complaint_in(key)) == expected.get(key, {}), key


def test_inactive_team_member_is_not_a_back_door(complaint_in, api_as, team_paringin):
    """Membership is through the team's group: a Halong member is not granted by the Paringin row."""
    complaint = complaint_in("dispatch_assigned")
    assert Team.objects.filter(group__user__username="trc_halong").get().slug == "trc-halong"
    assert_hidden(api_as("trc_halong"), complaint, action="handle")


def test_kasi_and_kabid_do_not_see_complaints_returned_at_screening(complaint_in, api_as):
    returned = complaint_in(Status.SCREENING)
    response = api_as(Role.OPERATOR).post(
        action_url(returned, "return"), {"reason": ReturnReason.NOT_TRANTIBUM}, format="json"
    )
    assert response.status_code == 200, response.content
    returned.refresh_from_db()
    assert returned.status == Status.CLOSED and returned.forwarded_at is None
    forwarded = complaint_in(Status.VERIFICATION)

    for who in (Role.KASI, Role.KABID):
        client = api_as(who)
        listed = codes(client.get(LIST))
        assert returned.code not in listed
        assert forwarded.code in listed
        assert client.get(detail(returned)).status_code == 404
        assert client.get(detail(returned) + "events/").status_code == 404
        assert client.get(detail(forwarded)).status_code == 200
    for who in (Role.TRC, "trc_halong", "trc_hq", "nobody"):
        assert api_as(who).get(detail(returned)).status_code == 404


def test_kasi_and_kabid_do_not_see_before_verification(complaint_in, api_as):
    early = [complaint_in(Status.SUBMITTED), complaint_in(Status.SCREENING)]
    for who in (Role.KASI, Role.KABID):
        client = api_as(who)
        assert codes(client.get(LIST)) == []
        for complaint in early:
            assert client.get(detail(complaint)).status_code == 404


def test_kasi_still_sees_a_complaint_refuted_back_to_verification(complaint_in, api_as):
    complaint = complaint_in(Status.FIELD_CHECK)
    response = api_as(Role.TRC).post(action_url(complaint, "refute"), {"note": "Tidak sesuai."}, format="json")
    assert response.status_code == 204
    complaint.refresh_from_db()
    assert complaint.status == Status.VERIFICATION
    kasi = api_as(Role.KASI)
    assert_sees(kasi, complaint)
    assert_hidden(api_as(Role.TRC), complaint)


def test_operator_and_kepala_see_everything(complaint_in, districts, api_as):
    everything = {complaint_in(key).code for key in STATE_KEYS}
    everything.add(complaint_in(Status.FIELD_CHECK, district=districts["halong"]).code)
    for who in (Role.OPERATOR, Role.KEPALA):
        client = api_as(who)
        assert set(codes(client.get(LIST + "?page_size=100"))) == everything
        for code in everything:
            assert client.get(f"/api/v1/complaints/{code}/").status_code == 200


def test_trc_list_contains_only_own_rows(complaint_in, districts, api_as):
    paringin_check = complaint_in(Status.FIELD_CHECK)
    halong_check = complaint_in(Status.FIELD_CHECK, district=districts["halong"])
    assigned = complaint_in("dispatch_assigned")
    reporting = complaint_in(Status.REPORTING)
    for key in STATE_KEYS:
        if key not in (Status.FIELD_CHECK, "dispatch_assigned", Status.REPORTING):
            complaint_in(key)
    own = sorted([paringin_check.code, assigned.code, reporting.code])
    assert sorted(codes(api_as(Role.TRC).get(LIST))) == own
    assert codes(api_as("trc_halong").get(LIST)) == [halong_check.code]
    assert codes(api_as("trc_hq").get(LIST)) == []
    assert codes(api_as("nobody").get(LIST)) == []

"""The workflow table's own rules: whose turn a case is (one rule, read by queues and SLA alerts alike), how a case
from the field closes, and the table's self-check refusing rows that would silently do nothing."""

from __future__ import annotations

import dataclasses

import pytest

from complaints import workflow
from complaints.models import Complaint
from complaints.workflow import (
    TRANSITIONS,
    Action,
    Field,
    Outcome,
    Status,
    current_owner,
    outcome_after_field,
    owner_condition,
)
from roles.roles import Role
from tests.helpers import STATE_KEYS

pytestmark = pytest.mark.django_db

EXPECTED_OWNER = {
    Status.SUBMITTED: Role.OPERATOR, Status.SCREENING: Role.OPERATOR, Status.VERIFICATION: Role.KASI,
    Status.FIELD_CHECK: Role.TRC, Status.DISPATCH: Role.KABID, "dispatch_assigned": Role.TRC,
    Status.REPORTING: Role.TRC, Status.HEAD_REVIEW: Role.KEPALA, Status.NOTIFICATION: Role.OPERATOR, Status.CLOSED: None,
}


@pytest.mark.parametrize("state", STATE_KEYS)
def test_the_owner_rule_and_its_filter_agree_in_every_state(state, complaint_in):
    complaint = complaint_in(state)

    assert current_owner(complaint) == EXPECTED_OWNER[state]
    for role in Role:
        in_queue = Complaint.objects.filter(owner_condition(role), pk=complaint.pk).exists()
        assert in_queue == (current_owner(complaint) == role), (state, role)


def test_a_case_from_the_field_closes_unfounded_only_when_the_team_could_not_act():
    assert outcome_after_field(field_unable=True) == Outcome.UNFOUNDED
    assert outcome_after_field(field_unable=False) == Outcome.RESOLVED


def test_every_transition_names_its_action_from_the_enum():
    assert {t.action for t in TRANSITIONS} == set(Action)
    assert all(isinstance(t.action, Action) for t in TRANSITIONS)


@pytest.mark.parametrize(
    "bad_row",
    [
        pytest.param(lambda t: dataclasses.replace(t, writes=False), id="inputs-without-an-effect"),
        pytest.param(lambda t: dataclasses.replace(t, action="forwad"), id="an-action-not-in-the-enum"),
    ],
)
def test_the_self_check_refuses_a_row_that_would_do_nothing(bad_row, monkeypatch):
    submit_draft = next(t for t in TRANSITIONS if t.action == Action.SUBMIT_DRAFT)
    assert Field.DRAFT in submit_draft.fields and submit_draft.writes
    rows = tuple(bad_row(t) if t is submit_draft else t for t in TRANSITIONS)
    monkeypatch.setattr(workflow, "TRANSITIONS", rows)

    with pytest.raises(AssertionError):
        workflow._check_table()


def test_the_self_check_accepts_the_table_as_it_is():
    workflow._check_table()

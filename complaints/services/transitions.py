"""Every workflow action runs through `perform_action`: one transaction, one locked row, one event."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from complaints.action_forms import ActionForm, same_text
from complaints.errors import InputError
from complaints.models import Complaint, FieldReport, Reporter
from complaints.services.events import record_event
from complaints.signals import complaint_transitioned
from complaints.sla import due_at_for
from complaints.workflow import TRANSITIONS, Action, Field, Outcome, ReturnReason, Status, Transition, outcome_after_field, roles_for_action
from roles.grants import sync_team_grants
from roles.policy import check_action
from roles.principals import acting_role, user_team_ids

Effect = Callable[[Complaint, dict, object, datetime], dict]


def enter_status(complaint: Complaint, status: str, now: datetime) -> None:
    complaint.status = status
    complaint.step_started_at = now
    complaint.due_at = due_at_for(status, complaint.program, now)
    if status == Status.VERIFICATION and complaint.forwarded_at is None:
        complaint.forwarded_at = now
    if status == Status.CLOSED:
        complaint.closed_at = now


def perform_action(
    *, user, complaint_id: int, action: str, data: Mapping, expected_version: int | None = None
) -> Complaint:
    """Take `action` on the complaint as `user`.

    Raises ActionNotAllowed (403), InvalidState (409), StaleVersion (412) or InputError (400);
    on any error nothing is written.
    """
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update(of=("self",)).select_related("reporter").get(pk=complaint_id)
        rule = check_action(user, complaint, action, expected_version)
        form = ActionForm(data=data, transition=rule, complaint=complaint)
        if not form.is_valid():
            raise InputError({name: [str(m) for m in messages] for name, messages in form.errors.items()})
        now = timezone.now()
        from_status = complaint.status
        payload = EFFECTS[rule.action](complaint, form.cleaned_data, user, now) if rule.writes else {}
        _move(complaint, rule, now)
        complaint.version += 1
        complaint.save()
        grants = sync_team_grants(complaint)
        if grants["granted"] or grants["revoked"]:
            payload["grants"] = grants
        record_event(
            complaint, actor=user, role=acting_role(user, rule.roles) or "", action=action, from_status=from_status,
            note=form.cleaned_data.get(Field.NOTE, "") or "", payload=payload, at=now,
        )
        complaint_transitioned.send(
            sender=Complaint, complaint=complaint, action=action, from_status=from_status, user=user, data=form.cleaned_data
        )
    return complaint


def _move(complaint: Complaint, rule: Transition, now: datetime) -> None:
    if not rule.moves:
        return
    if rule.target == Status.CLOSED and not complaint.outcome:
        complaint.outcome = rule.outcome
    enter_status(complaint, rule.target, now)


def _accept(complaint: Complaint, data: dict, user, now: datetime) -> dict:
    """Record the reporter as the Operator verified them. A protection the request left out (None) keeps its stored
    value: only an explicit value changes one, and each change, up or down, is an event of its own."""
    changes: dict[str, dict[str, bool]] = {}

    def change(name: str, old: bool, new: bool | None) -> bool:
        if new is None or new == old:
            return old
        changes[name] = {"from": old, "to": new}
        return new

    complaint.is_confidential = change("confidential", complaint.is_confidential, data.get(Field.CONFIDENTIAL))
    complaint.is_anonymous = change("anonymous", complaint.is_anonymous, data.get(Field.ANONYMOUS))
    if complaint.is_anonymous:
        if complaint.reporter_id is not None:
            # Marking anonymous erases what a channel may have captured: the reporter asked not to be known.
            reporter = complaint.reporter
            complaint.reporter = None
            complaint.save(update_fields=["reporter"])
            reporter.delete()
        _record_protection_changes(complaint, changes, user, now)
        return {"anonymous": True, "confidential": complaint.is_confidential}
    reporter = complaint.reporter or Reporter()
    for field, attr in (
        (Field.REPORTER_NAME, "name"), (Field.REPORTER_PHONE, "phone"),
        (Field.REPORTER_NIK, "nik"), (Field.REPORTER_ADDRESS, "address"),
    ):
        if data.get(field):
            setattr(reporter, attr, data[field])
    reporter.allow_field_contact = change(
        "allow_field_contact", reporter.allow_field_contact, data.get(Field.ALLOW_FIELD_CONTACT)
    )
    reporter.save()
    complaint.reporter = reporter
    _record_protection_changes(complaint, changes, user, now)
    # The event log is visible to roles that may not see the reporter: record that data exists, never what.
    return {"anonymous": False, "confidential": complaint.is_confidential, "reporter_recorded": True}


def _record_protection_changes(complaint: Complaint, changes: dict, user, now: datetime) -> None:
    """Who lowered (or raised) a reporter's protection, and when, stays on the record beside the step's own event.
    The flags say nothing about who the reporter is, so every role that sees the timeline may see them."""
    if changes:
        record_event(
            complaint, actor=user, role=acting_role(user, roles_for_action("accept")) or "", action="protection_changed",
            from_status=complaint.status, payload={"changes": changes}, at=now,
        )


def _return(complaint: Complaint, data: dict, user, now: datetime) -> dict:
    complaint.return_reason = data[Field.REASON]
    if data[Field.REASON] == ReturnReason.NOT_AUTHORITY:
        complaint.referred_to = data[Field.AGENCY]
        complaint.outcome = Outcome.REFERRED
    return {"reason": complaint.return_reason, "agency": complaint.referred_to}


def _answer(complaint: Complaint, data: dict, user, now: datetime) -> dict:
    complaint.answer = data[Field.ANSWER]
    entry = data.get(Field.KNOWLEDGE_ANSWER)
    if entry is None:
        return {}
    # Which entry the answer came from, and whether the Operator changed it: what the knowledge base's keepers need
    # to see which answers serve and which keep being rewritten.
    return {"knowledge_answer_id": entry.pk, "knowledge_answer_edited": not same_text(data[Field.ANSWER], entry.answer)}


def _submit_draft(complaint: Complaint, data: dict, user, now: datetime) -> dict:
    complaint.draft_report = data[Field.DRAFT]
    return {}


def _assign(complaint: Complaint, data: dict, user, now: datetime) -> dict:
    previous = complaint.assigned_team
    team = data[Field.TEAM]
    complaint.assigned_team = team
    complaint.expected_arrival_at = data.get(Field.EXPECTED_ARRIVAL)
    complaint.arrived_at = None
    return {
        "team": team.slug,
        "previous_team": previous.slug if previous else None,
        "expected_arrival": complaint.expected_arrival_at.isoformat() if complaint.expected_arrival_at else None,
    }


def _arrive(complaint: Complaint, data: dict, user, now: datetime) -> dict:
    complaint.arrived_at = now
    return {}


def _handle(complaint: Complaint, data: dict, user, now: datetime) -> dict:
    complaint.field_unable = False
    return {}


def _unable(complaint: Complaint, data: dict, user, now: datetime) -> dict:
    complaint.field_unable = True
    return {}


def _report(complaint: Complaint, data: dict, user, now: datetime) -> dict:
    team_ids = user_team_ids(user)
    team_id = complaint.assigned_team_id if complaint.assigned_team_id in team_ids else min(team_ids)
    FieldReport.objects.create(
        complaint=complaint, team_id=team_id, author=user, findings=data[Field.FINDINGS],
        action_taken=data[Field.ACTION_TAKEN], result=data[Field.RESULT],
    )
    return {"result": data[Field.RESULT]}


def _mark_duplicate(complaint: Complaint, data: dict, user, now: datetime) -> dict:
    complaint.duplicate_of = data[Field.DUPLICATE_OF]
    return {"duplicate_of": complaint.duplicate_of.code}


def _informed(complaint: Complaint, data: dict, user, now: datetime) -> dict:
    complaint.outcome = outcome_after_field(complaint.field_unable)
    return {"outcome": complaint.outcome}


# What each writing action writes beyond status and note, by the table's own names.
EFFECTS: dict[Action, Effect] = {
    Action.ACCEPT: _accept,
    Action.RETURN: _return,
    Action.ANSWER: _answer,
    Action.SUBMIT_DRAFT: _submit_draft,
    Action.ASSIGN: _assign,
    Action.REASSIGN: _assign,
    Action.ARRIVE: _arrive,
    Action.HANDLE: _handle,
    Action.UNABLE: _unable,
    Action.REPORT: _report,
    Action.INFORMED: _informed,
    Action.MARK_DUPLICATE: _mark_duplicate,
}
# Both ways: a writing action without an effect would write nothing; an effect of a non-writing one would never run.
assert set(EFFECTS) == {t.action for t in TRANSITIONS if t.writes}, set(EFFECTS) ^ {t.action for t in TRANSITIONS if t.writes}

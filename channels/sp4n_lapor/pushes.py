"""What goes back to SP4N-LAPOR! when a complaint with a LAPOR report moves on: follow-ups, then one final status.

The receiver runs inside the transaction of the transition (complaints.signals). Each push goes through the adapter
SP4N_LAPOR_MODE chooses (adapters.py): in the API mode an outbox message (it commits with the change or not at all,
and the worker delivers it through LaporTransport with the outbox's retries, so LAPOR being down loses nothing); in
the manual mode a row on the Operator's "Tindak lanjut LAPOR" list. Which transition sends what is the table below
(and in docs/integrations/sp4n-lapor.md), the same in both modes.
"""

from __future__ import annotations

import logging

from django.dispatch import receiver
from django.utils import timezone

from channels.models import OutboundKind, OutboundMessage
from channels.sp4n_lapor import texts
from channels.sp4n_lapor.adapters import lapor_adapter
from channels.sp4n_lapor.client import FINAL, FOLLOW_UP, Push
from channels.sp4n_lapor.models import LaporFollowUp, LaporReport
from complaints.models import Complaint
from complaints.signals import complaint_transitioned
from complaints.workflow import TRANSITIONS, Action, LaporPush, Outcome, Status, find_transition, outcome_after_field

logger = logging.getLogger(__name__)

# The words of each follow-up the workflow table names (Transition.lapor); LaporPush.FINAL is the final status
# below. `acknowledge` leaves the case in step 8 (notification): LAPOR accepting the outcome is the reporter being
# told, so its delivery records `informed` (channels.services). `informed` only matters when nothing was pushed at
# `acknowledge`; the final push is one per complaint.
FOLLOW_UP_TEXTS = {
    LaporPush.ACCEPTED: texts.accepted,
    LaporPush.FORWARDED: texts.forwarded,
    LaporPush.TEAM_ASSIGNED: texts.team_assigned,
    LaporPush.MERGED: texts.merged,
}
assert set(FOLLOW_UP_TEXTS) == set(LaporPush) - {LaporPush.FINAL}, "a LAPOR follow-up of the workflow table without its words"
# The follow-up each action sends (an action name has one LAPOR push in every state it is taken in).
_FOLLOW_UP_OF = {t.action: t.lapor for t in TRANSITIONS if t.lapor in FOLLOW_UP_TEXTS}
PUSH_KINDS = (OutboundKind.FOLLOW_UP, OutboundKind.OUTCOME, OutboundKind.RETURNED)


def lapor_report(complaint: Complaint) -> LaporReport | None:
    """The complaint's LAPOR side, however it got one: the pull, a report entered by hand, or a LAPOR tracking id
    the Operator recorded on a case that came by another channel. None for every other complaint."""
    return LaporReport.objects.filter(complaint=complaint).first()


def queue_follow_up(
    report: LaporReport, complaint: Complaint, text: str, *, user=None, dedupe_key: str = "",
) -> OutboundMessage | LaporFollowUp:
    push = Push(kind=FOLLOW_UP, tracking_id=report.tracking_id, text=text, reference=complaint.code,
                at=timezone.now().isoformat())
    return lapor_adapter().push(
        report, complaint, push, kind=OutboundKind.FOLLOW_UP, user=user,
        dedupe_key=dedupe_key or f"lapor-follow-up:{complaint.pk}:{complaint.version}",
    )


def final_outcome(decided_by: Complaint) -> str | None:
    """The outcome LAPOR gets: the closed case's, or for an acknowledged case still in step 8 the one `informed`
    will record (complaints.services.transitions._informed: unfounded when the team could not act on it)."""
    outcome = decided_by.outcome
    if not outcome and decided_by.status == Status.NOTIFICATION:
        outcome = outcome_after_field(decided_by.field_unable)
    if outcome in ("", Outcome.DUPLICATE):
        return None
    return outcome


def queue_final(
    report: LaporReport, complaint: Complaint, *, decided_by: Complaint, user=None,
) -> OutboundMessage | LaporFollowUp | None:
    """The one final status of this LAPOR report (its dedupe key makes a second call return the first)."""
    outcome = final_outcome(decided_by)
    if outcome is None:
        logger.warning("LAPOR %s: no final status for %s (outcome %r)", report.tracking_id, decided_by.code, decided_by.outcome)
        return None
    text = texts.final_text(complaint, decided_by)
    push = Push(
        kind=FINAL, tracking_id=report.tracking_id, text=text, reference=complaint.code, at=timezone.now().isoformat(),
        result=outcome,
        reason=decided_by.get_return_reason_display() if outcome in (Outcome.RETURNED, Outcome.REFERRED) else "",
        agency=decided_by.referred_to if outcome == Outcome.REFERRED else "",
    )
    kind = OutboundKind.RETURNED if outcome in (Outcome.RETURNED, Outcome.REFERRED) else OutboundKind.OUTCOME
    return lapor_adapter().push(report, complaint, push, kind=kind, dedupe_key=f"lapor-final:{complaint.pk}", user=user)


def catch_up(report: LaporReport, complaint: Complaint, *, user=None) -> OutboundMessage | LaporFollowUp | None:
    """A LAPOR id recorded on a case already under way: LAPOR's reporter gets where it stands now, as the pushes so
    far would have told them (the latest follow-up's words, or the final status once the outcome is known). Nothing
    for a case still waiting for the Operator's `accept`, whose own push follows."""
    main = complaint.duplicate_of
    if main is not None:
        if main.status == Status.CLOSED:
            return queue_final(report, complaint, decided_by=main, user=user)
        return queue_follow_up(report, complaint, texts.merged(complaint), user=user, dedupe_key=f"lapor-link:{complaint.pk}")
    if final_outcome(complaint) is not None:
        return queue_final(report, complaint, decided_by=complaint, user=user)
    if complaint.status == Status.SUBMITTED:
        return None
    latest = complaint.events.filter(action__in=_FOLLOW_UP_OF).order_by("-created_at", "-id").values_list("action", flat=True).first()
    text = FOLLOW_UP_TEXTS[_FOLLOW_UP_OF[Action(latest or Action.ACCEPT)]](complaint)
    return queue_follow_up(report, complaint, text, user=user, dedupe_key=f"lapor-link:{complaint.pk}")


@receiver(complaint_transitioned, dispatch_uid="sp4n-lapor-push")
def on_transitioned(sender, complaint: Complaint, action: str, from_status: str, user, **kwargs) -> None:
    report = lapor_report(complaint)
    if report is not None:
        rule = find_transition(action, from_status)
        push = rule.lapor if rule is not None else None
        main = complaint.duplicate_of if action == Action.MARK_DUPLICATE else None
        if main is not None and main.status == Status.CLOSED:
            # Marked as a duplicate of a case that has already ended: its outcome is this report's too.
            queue_final(report, complaint, decided_by=main, user=user)
        elif push == LaporPush.FINAL:
            queue_final(report, complaint, decided_by=complaint, user=user)
        elif push is not None:
            queue_follow_up(report, complaint, FOLLOW_UP_TEXTS[push](complaint), user=user)
    if complaint.status == Status.CLOSED and complaint.outcome != Outcome.DUPLICATE:
        # LAPOR reports merged into this case end with its outcome.
        for duplicate in complaint.duplicates.filter(lapor__isnull=False):
            duplicate_report = lapor_report(duplicate)
            if duplicate_report is not None:
                queue_final(duplicate_report, duplicate, decided_by=complaint, user=user)

"""What goes back to SP4N-LAPOR! when a complaint it brought moves on: follow-ups, then one final status.

The receiver runs inside the transaction of the transition (complaints.signals), and every push is an outbox
message: it commits with the change or not at all, and the worker delivers it through LaporTransport with the
outbox's retries, so LAPOR being down loses nothing. Which transition sends what is the table below (and in
docs/integrations/sp4n-lapor.md).
"""

from __future__ import annotations

import logging

from django.dispatch import receiver
from django.utils import timezone

from channels.models import OutboundKind, OutboundMessage
from channels.outbox import queue_message
from channels.sp4n_lapor import texts
from channels.sp4n_lapor.client import FINAL, FOLLOW_UP, Push
from channels.sp4n_lapor.models import LaporReport
from complaints.models import ChannelKind, Complaint
from complaints.signals import complaint_transitioned
from complaints.workflow import Outcome, Status

logger = logging.getLogger(__name__)

# Progress LAPOR's reporter sees; the first one also meets LAPOR's 5-working-day follow-up deadline.
FOLLOW_UPS = {
    "accept": texts.accepted,
    "forward": texts.forwarded,
    "assign": texts.team_assigned,
    "mark_duplicate": texts.merged,
}
# Transitions after which the outcome is known. `acknowledge` leaves the case in step 8 (notification): LAPOR
# accepting the outcome is the reporter being told, so its delivery records `informed` (channels.services).
# `informed` only matters when nothing was pushed at `acknowledge`; the final push is one per complaint.
FINAL_ACTIONS = frozenset({"return", "answer", "acknowledge", "informed"})
PUSH_KINDS = (OutboundKind.FOLLOW_UP, OutboundKind.OUTCOME, OutboundKind.RETURNED)


def lapor_report(complaint: Complaint) -> LaporReport | None:
    """The complaint's LAPOR side; None for every complaint that did not come from the LAPOR pull."""
    if complaint.channel_kind != ChannelKind.SP4N_LAPOR or complaint.channel_id is None:
        return None
    return LaporReport.objects.filter(complaint=complaint).first()


def _recipient(report: LaporReport) -> str:
    return f"SP4N-LAPOR! {report.tracking_id}"


def queue_follow_up(report: LaporReport, complaint: Complaint, text: str, *, user=None) -> OutboundMessage:
    push = Push(kind=FOLLOW_UP, tracking_id=report.tracking_id, text=text, reference=complaint.code,
                at=timezone.now().isoformat())
    return queue_message(
        channel_id=complaint.channel_id, complaint=complaint, kind=OutboundKind.FOLLOW_UP, recipient=_recipient(report),
        body=text, payload=push.as_payload(), dedupe_key=f"lapor-follow-up:{complaint.pk}:{complaint.version}",
        created_by=user if getattr(user, "pk", None) else None,
    )


def final_outcome(decided_by: Complaint) -> str | None:
    """The outcome LAPOR gets: the closed case's, or for an acknowledged case still in step 8 the one `informed`
    will record (complaints.services.transitions._informed: unfounded when the team could not act on it)."""
    outcome = decided_by.outcome
    if not outcome and decided_by.status == Status.NOTIFICATION:
        outcome = Outcome.UNFOUNDED if decided_by.field_unable else Outcome.RESOLVED
    if outcome in ("", Outcome.DUPLICATE):
        return None
    return outcome


def queue_final(report: LaporReport, complaint: Complaint, *, decided_by: Complaint, user=None) -> OutboundMessage | None:
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
    return queue_message(
        channel_id=complaint.channel_id, complaint=complaint, kind=kind, recipient=_recipient(report), body=text,
        payload=push.as_payload(), dedupe_key=f"lapor-final:{complaint.pk}",
        created_by=user if getattr(user, "pk", None) else None,
    )


@receiver(complaint_transitioned, dispatch_uid="sp4n-lapor-push")
def on_transitioned(sender, complaint: Complaint, action: str, from_status: str, user, **kwargs) -> None:
    report = lapor_report(complaint)
    if report is not None:
        main = complaint.duplicate_of if action == "mark_duplicate" else None
        if main is not None and main.status == Status.CLOSED:
            # Marked as a duplicate of a case that has already ended: its outcome is this report's too.
            queue_final(report, complaint, decided_by=main, user=user)
        elif action in FOLLOW_UPS:
            queue_follow_up(report, complaint, FOLLOW_UPS[action](complaint), user=user)
        elif action in FINAL_ACTIONS:
            queue_final(report, complaint, decided_by=complaint, user=user)
    if complaint.status == Status.CLOSED and action != "mark_duplicate":
        # LAPOR reports merged into this case end with its outcome.
        for duplicate in complaint.duplicates.filter(channel_kind=ChannelKind.SP4N_LAPOR):
            duplicate_report = lapor_report(duplicate)
            if duplicate_report is not None:
                queue_final(duplicate_report, duplicate, decided_by=complaint, user=user)

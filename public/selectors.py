"""What the public may read about a complaint, and the satisfaction figure over reporters' ratings.

THE ALLOWED SET. `PublicTracking` below is everything a tracking-code holder learns; the tracking page and
`GET /api/v1/public/track/{code}/` both render it and nothing else:

- the code, the category's name, the kecamatan's name, when it was received;
- the current status in public words, its SOP step (1-8) and, once closed, when;
- the timeline: each status change with its time and public step name (no actor, role, note or payload);
- once the outcome is decided (step 8 or closed): the outcome, a short result in public words (the field team's
  result category, the return reason, or for a duplicate the other case's outcome), the agency a referred case went
  to, and the answer to an information request: exactly what the outcome message tells the reporter;
- whether the reporter may rate the handling now, and the rating once given (not the comment).

Never: the reporter (name, phone, NIK, address, or whether they are anonymous or confidential), the description,
address, village or coordinates of the incident, notes, the draft report, field findings and actions, teams,
staff names or usernames, attachments, deadlines, the channel, or the code of another case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.models import Complaint, ComplaintEvent
from complaints.workflow import STEP_OF, Outcome, Status
from public.links import normalize_code
from public.models import RATING_MAX, RATING_MIN, Feedback

# The SOP steps in a citizen's words: who acts inside Satpol PP is nobody else's business.
PUBLIC_STATUS_LABELS = {
    Status.SUBMITTED: gettext_lazy("Aduan diterima"),
    Status.SCREENING: gettext_lazy("Diperiksa petugas"),
    Status.VERIFICATION: gettext_lazy("Diverifikasi"),
    Status.FIELD_CHECK: gettext_lazy("Pengecekan fakta di lapangan"),
    Status.DISPATCH: gettext_lazy("Penanganan oleh tim lapangan"),
    Status.REPORTING: gettext_lazy("Laporan hasil penanganan"),
    Status.HEAD_REVIEW: gettext_lazy("Ditelaah pimpinan"),
    Status.NOTIFICATION: gettext_lazy("Hasil disampaikan kepada pelapor"),
    Status.CLOSED: gettext_lazy("Selesai"),
}
TOTAL_STEPS = len(STEP_OF)


@dataclass(frozen=True)
class PublicStep:
    status: str
    label: str
    step: int | None
    at: datetime


@dataclass(frozen=True)
class PublicFeedback:
    rating: int
    created_at: datetime


@dataclass(frozen=True)
class PublicTracking:
    """The allowed set (see the module docstring). Adding a field here publishes it: think twice."""

    code: str
    category: str
    district: str
    received_at: datetime
    status: str
    status_label: str
    step: int | None
    total_steps: int
    closed_at: datetime | None
    outcome: str
    outcome_label: str
    result: str
    referred_to: str
    answer: str
    timeline: tuple[PublicStep, ...]
    feedback_open: bool
    feedback: PublicFeedback | None

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED


def public_status_label(status: str) -> str:
    return str(PUBLIC_STATUS_LABELS.get(status, status))


def find_complaint(raw_code: str | None) -> Complaint | None:
    """The complaint for a code as a citizen typed it; None for unknown and malformed codes alike."""
    code = normalize_code(raw_code)
    if code is None:
        return None
    return (
        Complaint.objects.select_related("category", "district", "field_report", "duplicate_of", "feedback")
        .filter(code=code)
        .first()
    )


def outcome_decided(complaint: Complaint) -> bool:
    """From step 8 on the outcome is settled and the message telling the reporter is on its way."""
    return complaint.status in (Status.NOTIFICATION, Status.CLOSED)


def feedback_of(complaint: Complaint) -> Feedback | None:
    """The reporter's rating, for the staff case page; no query before step 8, when there cannot be one."""
    if not outcome_decided(complaint):
        return None
    return Feedback.objects.filter(complaint=complaint).first()


def feedback_open(complaint: Complaint) -> bool:
    """May the reporter rate the handling now? (The one place this is decided.)

    Every outcome may be rated, the unwelcome ones (returned, unfounded) most of all: once the outcome is decided,
    i.e. in step 8 (the outcome message with the rating link has just gone out; the case closes when delivery is
    confirmed) or closed. A duplicate's reporter rates once the case it was merged into has closed, because only
    then have they been told how the incident ended. One rating per complaint.
    """
    if hasattr(complaint, "feedback"):
        return False
    if not outcome_decided(complaint):
        return False
    if complaint.outcome == Outcome.DUPLICATE:
        main = complaint.duplicate_of
        return main is not None and main.status == Status.CLOSED
    return True


def _result(complaint: Complaint) -> str:
    """The result in the words the outcome message uses."""
    if not outcome_decided(complaint):
        return ""
    if complaint.outcome in (Outcome.RETURNED, Outcome.REFERRED):
        return complaint.get_return_reason_display()
    if complaint.outcome == Outcome.DUPLICATE:
        main = complaint.duplicate_of
        if main is not None and main.status == Status.CLOSED:
            return _("Kejadian yang sama sudah ditangani sebagai aduan lain, dengan hasil: %(outcome)s.") % {
                "outcome": main.get_outcome_display().lower()
            }
        return _("Kejadian yang sama sudah dilaporkan dan sedang ditangani sebagai aduan lain.")
    if complaint.outcome == Outcome.ANSWERED:
        return ""
    if complaint.field_unable:
        return _("tim lapangan tidak menemukan kejadian seperti yang dilaporkan")
    report = getattr(complaint, "field_report", None)
    return report.get_result_display() if report is not None else ""


# Where public_steps_prefetch() leaves each complaint's status changes, so a page of complaints reads them in one query.
PUBLIC_STEPS_ATTR = "public_steps"


def public_timeline_events(complaint: Complaint) -> QuerySet[ComplaintEvent]:
    """The events the public timeline shows: changes of status only. Recording without moving on (assignments,
    arrivals, notes, files, late steps, protection changes) is internal."""
    return ComplaintEvent.objects.filter(complaint=complaint).exclude(from_status=F("to_status")).order_by("created_at", "id")


def public_steps_prefetch() -> Prefetch:
    """The public timelines of many complaints in one query (for lists: the channel view)."""
    steps = ComplaintEvent.objects.exclude(from_status=F("to_status")).order_by("created_at", "id").only(
        "complaint_id", "to_status", "created_at"
    )
    return Prefetch("events", queryset=steps, to_attr=PUBLIC_STEPS_ATTR)


def public_step(event: ComplaintEvent) -> PublicStep:
    return PublicStep(event.to_status, public_status_label(event.to_status), STEP_OF.get(event.to_status), event.created_at)


def _timeline(complaint: Complaint) -> tuple[PublicStep, ...]:
    prefetched = getattr(complaint, PUBLIC_STEPS_ATTR, None)
    if prefetched is not None:
        return tuple(public_step(event) for event in prefetched)
    rows = public_timeline_events(complaint).values_list("to_status", "created_at")
    return tuple(PublicStep(status, public_status_label(status), STEP_OF.get(status), at) for status, at in rows)


def tracking(complaint: Complaint) -> PublicTracking:
    """The public view of one complaint: the allowed set and nothing more."""
    decided = outcome_decided(complaint)
    feedback = getattr(complaint, "feedback", None)  # the reverse one-to-one raises AttributeError when absent
    return PublicTracking(
        code=complaint.code,
        category=complaint.category.name,
        district=complaint.district.name,
        received_at=complaint.created_at,
        status=complaint.status,
        status_label=public_status_label(complaint.status),
        step=complaint.step,
        total_steps=TOTAL_STEPS,
        closed_at=complaint.closed_at if complaint.status == Status.CLOSED else None,
        outcome=complaint.outcome,
        outcome_label=complaint.get_outcome_display() if complaint.outcome else "",
        result=_result(complaint),
        referred_to=complaint.referred_to if decided and complaint.outcome == Outcome.REFERRED else "",
        answer=complaint.answer if decided and complaint.outcome == Outcome.ANSWERED else "",
        timeline=_timeline(complaint),
        feedback_open=feedback_open(complaint),
        feedback=PublicFeedback(feedback.rating, feedback.created_at) if feedback is not None else None,
    )


def satisfaction(complaints: QuerySet[Complaint]) -> dict:
    """Reporters' ratings over `complaints`: count, average (two decimals, None without ratings), distribution 1..5.

    One query, whatever the number of complaints.
    """
    distribution = dict.fromkeys(range(RATING_MIN, RATING_MAX + 1), 0)
    rows = Feedback.objects.filter(complaint__in=complaints).values("rating").annotate(n=Count("id")).order_by()
    for row in rows:
        distribution[row["rating"]] = row["n"]
    count = sum(distribution.values())
    average = round(sum(rating * n for rating, n in distribution.items()) / count, 2) if count else None
    return {"count": count, "average": average, "distribution": distribution}

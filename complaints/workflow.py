"""The SOP as data: statuses, outcomes, and the transition table.

API, portal, services, tests and docs read this module; nothing else encodes the workflow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from roles.roles import Role

if TYPE_CHECKING:
    from complaints.models import Complaint


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Diterima")
    SCREENING = "screening", _("Penyaringan")
    VERIFICATION = "verification", _("Verifikasi")
    FIELD_CHECK = "field_check", _("Cek lapangan")
    DISPATCH = "dispatch", _("Penugasan")
    REPORTING = "reporting", _("Pelaporan")
    HEAD_REVIEW = "head_review", _("Telaah Kepala")
    NOTIFICATION = "notification", _("Pemberitahuan")
    CLOSED = "closed", _("Selesai")


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("Ditangani")
    UNFOUNDED = "unfounded", _("Tidak terbukti")
    RETURNED = "returned", _("Dikembalikan")
    REFERRED = "referred", _("Dilimpahkan")
    ANSWERED = "answered", _("Dijawab")
    DUPLICATE = "duplicate", _("Duplikat")


class Program(models.TextChoices):
    """Which SOP applies: walk-in TRECKK posts, or the remote La-Lisa channels."""

    TRECKK = "treckk", _("TRECKK (langsung)")
    LALISA = "lalisa", _("La-Lisa (jarak jauh)")


class ReturnReason(models.TextChoices):
    INCOMPLETE = "incomplete", _("Data aduan tidak lengkap")
    NOT_TRANTIBUM = "not_trantibum", _("Bukan gangguan trantibum atau pelanggaran Perda/Perkada")
    NOT_AUTHORITY = "not_authority", _("Bukan kewenangan Satpol PP (dilimpahkan)")
    UNREACHABLE = "unreachable", _("Pelapor tidak dapat dihubungi")
    OTHER = "other", _("Lainnya")


class Field(StrEnum):
    """Inputs an action may take; `complaints.action_inputs` says the type of each."""

    NOTE = "note"
    REASON = "reason"
    AGENCY = "agency"
    ANSWER = "answer"
    KNOWLEDGE_ANSWER = "knowledge_answer"
    DRAFT = "draft"
    TEAM = "team"
    EXPECTED_ARRIVAL = "expected_arrival"
    FINDINGS = "findings"
    ACTION_TAKEN = "action_taken"
    RESULT = "result"
    ANONYMOUS = "anonymous"
    CONFIDENTIAL = "confidential"
    REPORTER_NAME = "reporter_name"
    REPORTER_PHONE = "reporter_phone"
    REPORTER_NIK = "reporter_nik"
    REPORTER_ADDRESS = "reporter_address"
    ALLOW_FIELD_CONTACT = "allow_field_contact"
    DUPLICATE_OF = "duplicate_of"


class Action(StrEnum):
    """Every workflow action by name: API paths, portal forms, events and the effects registry use these."""

    ACCEPT = "accept"
    FORWARD = "forward"
    RETURN = "return"
    MARK_DUPLICATE = "mark_duplicate"
    ANSWER = "answer"
    SUBMIT_DRAFT = "submit_draft"
    CONFIRM = "confirm"
    REFUTE = "refute"
    ASSIGN = "assign"
    REASSIGN = "reassign"
    ARRIVE = "arrive"
    HANDLE = "handle"
    UNABLE = "unable"
    REPORT = "report"
    ENDORSE = "endorse"
    ACKNOWLEDGE = "acknowledge"
    INFORMED = "informed"


class ReporterNotice(StrEnum):
    """The message the reporter gets when a transition is taken; channels/notifications.py words each one."""

    RETURNED = "returned"  # not taken up, with the reason (or the agency it was referred to)
    ANSWERED = "answered"  # the answer to an information request
    OUTCOME = "outcome"  # how the case ended in the field
    MERGED = "merged"  # the same incident is handled as another case


class LaporPush(StrEnum):
    """What SP4N-LAPOR!'s reporter is told after a transition of a case with a LAPOR report
    (channels/sp4n_lapor/pushes.py words each; docs/integrations/sp4n-lapor.md lists them)."""

    ACCEPTED = "accepted"  # a follow-up; the first one also meets LAPOR's 5-working-day deadline
    FORWARDED = "forwarded"
    TEAM_ASSIGNED = "team_assigned"
    MERGED = "merged"
    FINAL = "final"  # the outcome is known: LAPOR's one final status for the report


Guard = Callable[["Complaint"], bool]


def is_information_request(complaint: Complaint) -> bool:
    return complaint.kind == "information"


def is_not_information_request(complaint: Complaint) -> bool:
    return complaint.kind != "information"


def has_no_team(complaint: Complaint) -> bool:
    return complaint.assigned_team_id is None


def has_team(complaint: Complaint) -> bool:
    return complaint.assigned_team_id is not None


def has_team_not_arrived(complaint: Complaint) -> bool:
    return complaint.assigned_team_id is not None and complaint.arrived_at is None


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    source: Status
    target: Status  # equal to source for actions that record without moving the case on
    roles: frozenset[Role]
    required: tuple[Field, ...] = ()
    optional: tuple[Field, ...] = ()
    outcome: Outcome | None = None
    # The action exists in this state but only for complaints the guard admits (409 otherwise).
    guard: Guard | None = None
    guard_message: str = ""
    # TRC actions act on a specific row: the acting user's team must hold `change` on it.
    needs_row_grant: bool = False
    description: str = ""
    # The action writes fields of the case beyond its status and note: complaints.services.effects has its effect
    # (checked both ways when that module loads, so an action can neither lose its effect nor gain a stray one).
    writes: bool = False
    # Sends the case back or out rather than on: the portal draws its button as a warning.
    setback: bool = False
    notice: ReporterNotice | None = None
    lapor: LaporPush | None = None

    @property
    def fields(self) -> tuple[Field, ...]:
        return self.required + self.optional

    @property
    def moves(self) -> bool:
        return self.target != self.source


S = Status
_REPORTER_FIELDS = (
    Field.ANONYMOUS,
    Field.CONFIDENTIAL,
    Field.REPORTER_NAME,
    Field.REPORTER_PHONE,
    Field.REPORTER_NIK,
    Field.REPORTER_ADDRESS,
    Field.ALLOW_FIELD_CONTACT,
)

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        Action.ACCEPT, _("Terima dan verifikasi"), S.SUBMITTED, S.SCREENING, frozenset({Role.OPERATOR}),
        optional=(*_REPORTER_FIELDS, Field.NOTE), writes=True, lapor=LaporPush.ACCEPTED,
        description="Step 1: the Operator checks the report and records the reporter (or marks it anonymous).",
    ),
    Transition(
        Action.FORWARD, _("Teruskan ke Kasi/Kasubag"), S.SCREENING, S.VERIFICATION, frozenset({Role.OPERATOR}),
        optional=(Field.NOTE,), lapor=LaporPush.FORWARDED, guard=is_not_information_request,
        guard_message=_("Permintaan informasi dijawab oleh Operator, tidak diteruskan."),
        description="Step 2: a complaint within Satpol PP's remit goes on to verification.",
    ),
    Transition(
        Action.RETURN, _("Kembalikan ke pelapor"), S.SCREENING, S.CLOSED, frozenset({Role.OPERATOR}),
        required=(Field.REASON,), optional=(Field.AGENCY, Field.NOTE), outcome=Outcome.RETURNED,
        writes=True, setback=True, notice=ReporterNotice.RETURNED, lapor=LaporPush.FINAL,
        description="Step 2: not suitable; the reporter is told why. Reason `not_authority` refers it to an agency.",
    ),
    Transition(
        Action.MARK_DUPLICATE, _("Tandai sebagai duplikat"), S.SCREENING, S.CLOSED, frozenset({Role.OPERATOR}),
        required=(Field.DUPLICATE_OF,), optional=(Field.NOTE,), outcome=Outcome.DUPLICATE,
        writes=True, setback=True, notice=ReporterNotice.MERGED, lapor=LaporPush.MERGED,
        description=(
            "Step 2: the same incident as another case (often from another channel). It closes linked to that case, "
            "and its reporter is told that case's outcome when it closes."
        ),
    ),
    Transition(
        Action.ANSWER, _("Jawab permintaan informasi"), S.SCREENING, S.CLOSED, frozenset({Role.OPERATOR}),
        writes=True, notice=ReporterNotice.ANSWERED, lapor=LaporPush.FINAL,
        # The text is required, but may come from a knowledge-base entry: one of the two (complaints.action_forms).
        optional=(Field.ANSWER, Field.KNOWLEDGE_ANSWER), outcome=Outcome.ANSWERED, guard=is_information_request,
        guard_message=_("Hanya permintaan informasi yang dapat dijawab langsung."),
        description=(
            "Step 2: an information request is answered and closed. Send `answer`, or `knowledge_answer` (an active "
            "knowledge-base entry) whose text is sent when `answer` is left out; the event records the entry used."
        ),
    ),
    Transition(
        Action.SUBMIT_DRAFT, _("Kirim konsep laporan"), S.VERIFICATION, S.FIELD_CHECK, frozenset({Role.KASI}),
        required=(Field.DRAFT,), writes=True,
        description="Step 3: Kasi/Kasubag writes the draft report and asks the kecamatan post to check the facts.",
    ),
    Transition(
        Action.RETURN, _("Kembalikan ke pelapor"), S.VERIFICATION, S.CLOSED, frozenset({Role.KASI}),
        required=(Field.REASON,), optional=(Field.AGENCY, Field.NOTE), outcome=Outcome.RETURNED,
        writes=True, setback=True, notice=ReporterNotice.RETURNED, lapor=LaporPush.FINAL,
        description="Step 3: not suitable after verification; the reporter is told why.",
    ),
    Transition(
        Action.CONFIRM, _("Fakta terkonfirmasi"), S.FIELD_CHECK, S.DISPATCH, frozenset({Role.TRC}),
        optional=(Field.NOTE,), needs_row_grant=True,
        description="Step 4: the TRC post of the incident's kecamatan confirms the facts.",
    ),
    Transition(
        Action.REFUTE, _("Fakta tidak sesuai"), S.FIELD_CHECK, S.VERIFICATION, frozenset({Role.TRC}),
        required=(Field.NOTE,), needs_row_grant=True, setback=True,
        description="Step 4: the facts do not match; back to Kasi/Kasubag with a note.",
    ),
    Transition(
        Action.ASSIGN, _("Tugaskan tim"), S.DISPATCH, S.DISPATCH, frozenset({Role.KABID}),
        required=(Field.TEAM,), optional=(Field.EXPECTED_ARRIVAL, Field.NOTE), guard=has_no_team, writes=True,
        lapor=LaporPush.TEAM_ASSIGNED,
        guard_message=_("Sudah ada tim yang ditugaskan; gunakan tugaskan ulang."),
        description="Step 5: Kabid assigns a TRC team; the team's group gets view/change on the complaint.",
    ),
    Transition(
        Action.REASSIGN, _("Tugaskan ulang"), S.DISPATCH, S.DISPATCH, frozenset({Role.KABID}),
        required=(Field.TEAM,), optional=(Field.EXPECTED_ARRIVAL, Field.NOTE), guard=has_team, writes=True,
        guard_message=_("Belum ada tim yang ditugaskan; gunakan tugaskan."),
        description="Step 5: Kabid moves the complaint to another team; the old team's grants are revoked.",
    ),
    Transition(
        Action.ARRIVE, _("Tiba di lokasi"), S.DISPATCH, S.DISPATCH, frozenset({Role.TRC}),
        optional=(Field.NOTE,), guard=has_team_not_arrived, needs_row_grant=True, writes=True,
        guard_message=_("Kedatangan sudah dicatat atau belum ada tim."),
        description="Step 5 (optional): the assigned team reports it is on scene.",
    ),
    Transition(
        Action.HANDLE, _("Sudah ditangani"), S.DISPATCH, S.REPORTING, frozenset({Role.TRC}),
        optional=(Field.NOTE,), guard=has_team, needs_row_grant=True, writes=True,
        guard_message=_("Belum ada tim yang ditugaskan."),
        description="Step 5: the assigned team has dealt with the incident.",
    ),
    Transition(
        Action.UNABLE, _("Tidak dapat ditindaklanjuti"), S.DISPATCH, S.REPORTING, frozenset({Role.TRC}),
        required=(Field.NOTE,), guard=has_team, needs_row_grant=True, writes=True, setback=True,
        guard_message=_("Belum ada tim yang ditugaskan."),
        description="Step 5: the report was not accurate and cannot be followed up; the case will close as unfounded.",
    ),
    Transition(
        Action.REPORT, _("Kirim laporan lapangan"), S.REPORTING, S.HEAD_REVIEW, frozenset({Role.TRC}),
        required=(Field.FINDINGS, Field.ACTION_TAKEN, Field.RESULT), needs_row_grant=True, writes=True,
        description="Step 6: the field report (findings, action taken, outcome; photos as attachments).",
    ),
    Transition(
        Action.ENDORSE, _("Beri catatan Kabid"), S.HEAD_REVIEW, S.HEAD_REVIEW, frozenset({Role.KABID}),
        required=(Field.NOTE,),
        description="Step 7 (optional): Kabid adds an endorsement note for the Kepala.",
    ),
    Transition(
        Action.ACKNOWLEDGE, _("Setujui laporan"), S.HEAD_REVIEW, S.NOTIFICATION, frozenset({Role.KEPALA}),
        optional=(Field.NOTE,), notice=ReporterNotice.OUTCOME, lapor=LaporPush.FINAL,
        description="Step 7: the Kepala acknowledges the report; the outcome goes to the reporter.",
    ),
    Transition(
        Action.INFORMED, _("Pelapor sudah diberi tahu"), S.NOTIFICATION, S.CLOSED, frozenset({Role.OPERATOR}),
        optional=(Field.NOTE,), writes=True, lapor=LaporPush.FINAL,
        description="Step 8: the reporter has been told the outcome (delivery confirmed, by phone or in person).",
    ),
)

# SOP step number of each open status.
STEP_OF: dict[Status, int] = {
    S.SUBMITTED: 1,
    S.SCREENING: 2,
    S.VERIFICATION: 3,
    S.FIELD_CHECK: 4,
    S.DISPATCH: 5,
    S.REPORTING: 6,
    S.HEAD_REVIEW: 7,
    S.NOTIFICATION: 8,
}
OPEN_STATUSES: tuple[Status, ...] = tuple(STEP_OF)

# Whose turn a status is: the role whose queue it sits in. TRC queues are further narrowed to the team's own rows.
OWNER_OF: dict[Status, Role] = {
    S.SUBMITTED: Role.OPERATOR,
    S.SCREENING: Role.OPERATOR,
    S.VERIFICATION: Role.KASI,
    S.FIELD_CHECK: Role.TRC,
    S.DISPATCH: Role.KABID,
    S.REPORTING: Role.TRC,
    S.HEAD_REVIEW: Role.KEPALA,
    S.NOTIFICATION: Role.OPERATOR,
}
# Statuses whose turn passes to another role once a team is assigned: dispatch is the Kabid's until then.
OWNER_ONCE_ASSIGNED: dict[Status, Role] = {S.DISPATCH: Role.TRC}


class TeamHold(StrEnum):
    """Which team holds a case's row in a status (its group is granted view/change on it, roles/grants.py)."""

    POST = "post"  # the TRC post of the incident's kecamatan (headquarters where there is none)
    ASSIGNED = "assigned"  # the team the Kabid assigned


TEAM_HOLDS: dict[Status, TeamHold] = {S.FIELD_CHECK: TeamHold.POST, S.DISPATCH: TeamHold.ASSIGNED, S.REPORTING: TeamHold.ASSIGNED}
ASSIGNED_STATUSES: tuple[Status, ...] = tuple(s for s, hold in TEAM_HOLDS.items() if hold == TeamHold.ASSIGNED)


def owner_for(status: str, has_team: bool) -> Role | None:
    """Whose turn a case in `status` is, with or without an assigned team; nobody's once closed."""
    status = Status(status)
    if has_team and status in OWNER_ONCE_ASSIGNED:
        return OWNER_ONCE_ASSIGNED[status]
    return OWNER_OF.get(status)


def current_owner(complaint: Complaint) -> Role | None:
    """The one rule of whose turn a case is: queues, SLA alerts and escalations all read it."""
    return owner_for(complaint.status, complaint.assigned_team_id is not None)


def owner_condition(role: Role) -> models.Q:
    """`current_owner(complaint) == role` as a database filter, from the same two tables."""
    condition = models.Q(pk__in=[])
    for status, owner in OWNER_OF.items():
        after = OWNER_ONCE_ASSIGNED.get(status)
        if after is None:
            if owner == role:
                condition |= models.Q(status=status)
            continue
        if owner == role:
            condition |= models.Q(status=status, assigned_team__isnull=True)
        if after == role:
            condition |= models.Q(status=status, assigned_team__isnull=False)
    return condition


def outcome_after_field(field_unable: bool) -> Outcome:
    """How a case that went to the field closes: unfounded when the team could not act on it, else resolved."""
    return Outcome.UNFOUNDED if field_unable else Outcome.RESOLVED


# The SOP's own time per step (WAKTU), used to seed the editable SLA policy table.
# Step 5 has a target and a hard limit that differ by program.
SOP_TIME_LIMITS: dict[tuple[Status, Program], tuple[timedelta, timedelta]] = {}
for _program in Program:
    for _status, _minutes in {
        S.SUBMITTED: 5,
        S.SCREENING: 5,
        S.VERIFICATION: 15,
        S.FIELD_CHECK: 10,
        S.REPORTING: 60,
        S.HEAD_REVIEW: 10,
        S.NOTIFICATION: 5,
    }.items():
        SOP_TIME_LIMITS[(_status, _program)] = (timedelta(minutes=_minutes), timedelta(minutes=_minutes))
SOP_TIME_LIMITS[(S.DISPATCH, Program.TRECKK)] = (timedelta(hours=2), timedelta(hours=3))
SOP_TIME_LIMITS[(S.DISPATCH, Program.LALISA)] = (timedelta(hours=3), timedelta(hours=5))

ACTIONS: tuple[Action, ...] = tuple(dict.fromkeys(t.action for t in TRANSITIONS))


# Timeline entries that are not transitions: recording the complaint and adding a file.
OTHER_EVENT_LABELS = {
    "submit": _("Aduan dicatat"), "attach": _("Lampiran ditambahkan"), "sla_breach": _("Lewat tenggat langkah ini"),
    "protection_changed": _("Perlindungan pelapor diubah"),
    "lapor_linked": _("ID SP4N-LAPOR! dicatat"), "lapor_posted": _("Tindak lanjut diposting ke SP4N-LAPOR!"),
}


def action_label(action: str) -> str:
    """The words for an event's action on a timeline; the first transition's label names the action."""
    if action in OTHER_EVENT_LABELS:
        return str(OTHER_EVENT_LABELS[action])
    return next((str(t.label) for t in TRANSITIONS if t.action == action), action)


def transitions_from(status: str) -> tuple[Transition, ...]:
    return tuple(t for t in TRANSITIONS if t.source == status)


def find_transition(action: str, status: str) -> Transition | None:
    for transition in TRANSITIONS:
        if transition.action == action and transition.source == status:
            return transition
    return None


def roles_for_action(action: str) -> frozenset[Role]:
    return frozenset(role for t in TRANSITIONS if t.action == action for role in t.roles)


def fields_for_action(action: str) -> tuple[tuple[Field, ...], tuple[Field, ...]]:
    """(required, optional) for an action; an action name keeps one input shape in every state."""
    for transition in TRANSITIONS:
        if transition.action == action:
            return transition.required, transition.optional
    raise KeyError(action)


def _check_table() -> None:
    seen: set[tuple[str, str]] = set()
    shapes: dict[str, tuple] = {}
    for t in TRANSITIONS:
        key = (t.action, t.source)
        assert key not in seen, f"duplicate transition {key}"
        seen.add(key)
        shape = (t.required, t.optional)
        assert shapes.setdefault(t.action, shape) == shape, f"action {t.action} changes its inputs"
        assert (t.outcome is not None) == (t.target == S.CLOSED and t.action != Action.INFORMED), t.action
        assert isinstance(t.action, Action), f"{t.action} is not an Action"
        # Inputs beyond the note exist to be written: such an action must have an effect.
        assert t.writes or not (set(t.fields) - {Field.NOTE}), f"{t.action} takes inputs but writes nothing"
    assert set(Action) == {t.action for t in TRANSITIONS}, "an Action without a transition"
    assert set(OWNER_OF) == set(OPEN_STATUSES) and set(OWNER_ONCE_ASSIGNED) <= set(TEAM_HOLDS)


_check_table()

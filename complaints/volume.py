"""Volume data: N realistic complaints over several years, written straight into the tables (issue 7).

What the services would have written, row for row, without running them once per complaint: the complaint in its
status (outcome iff closed, `due_at` of the current step from the SLA policy, `forwarded_at`, `closed_at`,
`version`), the reporter (anonymous, confidential and open-identity mix), one `ComplaintEvent` per action with its
actor and role (and the grant changes in the payload, as `perform_action` records them), the step spans the events
imply (complaints.step_spans, as recorded when each step ends), the field report, the
guardian group grants that `roles.grants.sync_team_grants` would hold now, and the SLA breaches the sweep would
have found with their staff notifications. Closed complaints spread over the period, newest more often; a few
thousand stay open in every step, recent, some past their due time.

Rows go in by COPY on PostgreSQL (psycopg's `Cursor.copy`) and by `executemany` on SQLite, in batches that each
commit, with primary keys assigned here (the sequences are moved on at the end). Staff, teams and channels come
from the demo loader, so the demo logins work on the generated data.
"""

from __future__ import annotations

import contextlib
import json
import math
import queue
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import DatabaseError, connection, connections, models, transaction
from django.utils import timezone, translation

from complaints.models import (
    Category,
    Channel,
    ChannelKind,
    Complaint,
    ComplaintEvent,
    ComplaintGroupObjectPermission,
    District,
    FieldReport,
    FieldResult,
    Reporter,
    SlaBreach,
    StaffNotification,
    StepDay,
    StepSpan,
    Team,
)
from complaints.models.complaint import TRACKING_ALPHABET, TRACKING_GROUP
from complaints.models.taxonomy import ComplaintKind
from complaints.sla import step_window
from complaints.step_spans import TimelineEvent, bucket_of, roll_up_step_days, spans_of
from complaints.workflow import (
    OWNER_OF,
    STEP_OF,
    TEAM_HOLDS,
    Outcome,
    Program,
    ReturnReason,
    Status,
    TeamHold,
    outcome_after_field,
    owner_for,
)
from roles.grants import TEAM_PERMISSION_CODENAMES
from roles.roles import SUPERIOR, Role
from roles.setup import SYSTEM_USERNAME, system_user

DEFAULT_TOTAL = 100_000
DEFAULT_YEARS = 3
BATCH = 5_000
# From this many complaints on (and at least as many as there are), plain indexes are dropped and rebuilt after.
BULK_INDEX_THRESHOLD = 50_000
S = Status

# The open groups: every open status, and dispatch twice (waiting for the Kabid, and with a team assigned).
OPEN_GROUPS = (
    "submitted", "screening", "verification", "field_check", "dispatch", "dispatch_assigned", "reporting",
    "head_review", "notification",
)
# How complaints reach the desk (share of all complaints).
CHANNEL_MIX = (
    (ChannelKind.WHATSAPP, 0.45), (ChannelKind.WALK_IN, 0.25), (ChannelKind.TELEGRAM, 0.10),
    (ChannelKind.SP4N_LAPOR, 0.08), (ChannelKind.WEB, 0.07), (ChannelKind.API, 0.05),
)
INFORMATION_SHARE = 0.08
ANONYMOUS_SHARE = 0.12
CONFIDENTIAL_SHARE = 0.08
LATE_STEP_SHARE = 0.02  # a finished step that took longer than its SOP time
OPEN_OVERDUE_SHARE = 0.4  # an open complaint already past the due time of its current step

PROBLEMS = [
    "Sekelompok pemuda mabuk membuat keributan",
    "Pedagang kaki lima berjualan di bahu jalan dan mengganggu lalu lintas",
    "Balap liar setiap malam Minggu",
    "Spanduk dan reklame dipasang di pohon dan tiang listrik tanpa izin",
    "Tempat hiburan buka melewati jam operasional dan sangat bising",
    "Warga membuang sampah di pinggir sungai",
    "Orang dengan gangguan jiwa berkeliaran dan meresahkan warga",
    "Bangunan didirikan di sempadan jalan tanpa izin",
    "Penjualan minuman beralkohol tanpa izin",
    "Perkelahian antarpemuda",
    "Parkir liar menutup akses jalan",
    "Anak-anak jalanan mengamen di persimpangan",
]
PLACES = [
    "di depan pasar", "dekat masjid", "di samping sekolah", "di bawah jembatan", "di terminal", "di lapangan",
    "di depan kantor kecamatan", "di simpang empat", "dekat pelabuhan sungai", "di taman kota", "di jalan poros",
]
TIMES = ["sejak malam", "setiap sore", "pagi tadi", "hampir setiap hari", "sejak seminggu ini", "tadi siang"]
QUESTIONS = [
    "Apa saja tugas dan fungsi Satpol PP?", "Bagaimana cara melapor pelanggaran Perda?",
    "Apakah identitas pelapor dirahasiakan?", "Apa program TRECKK di kecamatan?",
]
NAMES = [
    "Siti Rahmah", "Ahmad Fauzi", "Rusmini", "M. Yusuf", "Nurhayati", "Rahmadi", "Fitriani", "Syahrani", "Hj. Aisyah",
    "Junaidi", "Mariani", "Budi Santoso", "Normila", "Hairil Anwar", "Saudah", "Abdul Rasyid",
]
AGENCIES = ["Polres Balangan", "Dinas Perhubungan", "Dinas Lingkungan Hidup", "Dinas Sosial", "DPMPTSP"]
FIELD_RESULTS = [
    (FieldResult.WARNED, 0.45), (FieldResult.RESOLVED, 0.25), (FieldResult.ENFORCED, 0.15),
    (FieldResult.HANDED_OVER, 0.05), (FieldResult.NOT_FOUND, 0.10),
]


_JSON: dict[str, str] = {}


def _dumps(payload: dict) -> str:
    """json.dumps, remembered: most payloads repeat (accept flags, grants of the same team, results)."""
    key = repr(payload)
    text = _JSON.get(key)
    if text is None:
        text = json.dumps(payload)
        if len(_JSON) < 20_000:
            _JSON[key] = text
    return text


def _pick(rng: random.Random, items):
    """rng.choice without its rejection sampling: several times faster, and evenly spread enough for test data."""
    return items[int(rng.random() * len(items))]


def _choice_weighted(rng: random.Random, pairs) -> object:
    value = rng.random()
    for item, share in pairs:
        value -= share
        if value < 0:
            return item
    return pairs[-1][0]


@dataclass
class TeamInfo:
    id: int
    slug: str
    group_id: int
    district_id: int | None
    members: list[int]


@dataclass
class Context:
    """Everything the rows refer to, read once before generating."""

    users: dict[Role, list[int]]
    system_user_id: int
    teams: dict[int, TeamInfo]
    post_of_district: dict[int, list[int]]  # district → active posted teams (headquarters when none)
    hq_teams: list[int]
    channels: dict[str, int]
    categories: list[tuple[int, str]]  # (id, kind), complaints
    info_categories: list[tuple[int, str]]
    districts: list[tuple[int, float, float]]
    villages: dict[int, list[int]]
    limits: dict[tuple[str, str], float]  # (status, program) → seconds
    permission_ids: tuple[int, ...]
    status_labels: dict[str, str]


def build_context() -> Context:
    """Staff, teams and channels from the demo loader (created when missing), and the reference rows."""
    from complaints.demo import load_demo

    load_demo(complaints_per_status=0)
    system = system_user()
    User = get_user_model()
    users: dict[Role, list[int]] = {}
    for role in Role:
        ids = list(
            User.objects.filter(groups__name=role.group_name, is_active=True).exclude(username=SYSTEM_USERNAME)
            .order_by("pk").values_list("pk", flat=True).distinct()
        )
        users[role] = ids
    teams = {}
    for team in Team.objects.filter(is_active=True).order_by("pk"):
        members = list(team.group.user_set.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
        teams[team.pk] = TeamInfo(team.pk, team.slug, team.group_id, team.district_id, members)
    hq = [t.id for t in teams.values() if t.district_id is None]
    districts = list(District.objects.order_by("pk"))
    post_of_district = {d.pk: [t.id for t in teams.values() if t.district_id == d.pk] or hq for d in districts}
    channels = {}
    for kind, _share in CHANNEL_MIX:
        if kind == ChannelKind.WALK_IN:
            continue
        channel = Channel.objects.filter(kind=kind).order_by("pk").first()
        if channel is None:
            channel = Channel.objects.create(name=f"{ChannelKind(kind).label} (volume)", kind=kind)
        channels[kind] = channel.pk
    categories = list(Category.objects.filter(is_active=True).order_by("pk").values_list("pk", "kind"))
    limits = {}
    for status in STEP_OF:
        for program in Program:
            window = step_window(status, program)
            limits[(str(status), str(program))] = window[1].total_seconds()
    permission_ids = tuple(
        Permission.objects.filter(content_type__app_label="complaints", codename__in=TEAM_PERMISSION_CODENAMES)
        .order_by("codename").values_list("pk", flat=True)
    )
    with translation.override("id"):
        labels = {str(s): str(s.label) for s in Status}
    missing = [role for role in Role if not users[role]]
    if missing or not teams:
        raise RuntimeError(f"Volume data needs staff in every role and TRC teams; missing: {missing or 'teams'}")
    return Context(
        users=users, system_user_id=system.pk, teams=teams, post_of_district=post_of_district, hq_teams=hq,
        channels=channels,
        categories=[c for c in categories if c[1] != ComplaintKind.INFORMATION],
        info_categories=[c for c in categories if c[1] == ComplaintKind.INFORMATION],
        districts=[(d.pk, float(d.latitude or -2.33), float(d.longitude or 115.47)) for d in districts],
        villages={
            d.pk: list(d.villages.order_by("pk").values_list("pk", flat=True)) for d in districts
        },
        limits=limits, permission_ids=permission_ids, status_labels=labels,
    )


# --- the rows -----------------------------------------------------------------------------------------------------

# Columns the generator fills, per model, by attribute name; any other column gets the field's default.
COMPLAINT_COLUMNS = (
    "id", "code", "kind", "category_id", "description", "district_id", "village_id", "address", "latitude",
    "longitude", "incident_at", "channel_id", "channel_kind", "external_ref", "program", "reporter_id", "is_anonymous",
    "is_confidential", "status", "outcome", "step_started_at", "due_at", "forwarded_at", "closed_at", "draft_report",
    "return_reason", "referred_to", "answer", "duplicate_of_id", "assigned_team_id", "expected_arrival_at",
    "arrived_at", "field_unable", "created_by_id", "created_at", "updated_at", "version",
)
REPORTER_COLUMNS = ("id", "name", "phone", "nik", "address", "allow_field_contact", "created_at")
EVENT_COLUMNS = (
    "id", "complaint_id", "actor_id", "actor_role", "channel_id", "action", "from_status", "to_status", "note",
    "payload", "created_at",
)
FIELD_REPORT_COLUMNS = ("id", "complaint_id", "team_id", "author_id", "findings", "action_taken", "result", "created_at")
GRANT_COLUMNS = ("id", "group_id", "permission_id", "content_object_id")
BREACH_COLUMNS = ("id", "complaint_id", "status", "due_at", "detected_at")
NOTIFICATION_COLUMNS = (
    "id", "recipient_id", "complaint_id", "breach_id", "text", "is_escalation", "created_at", "read_at",
)
SPAN_COLUMNS = (
    "left_by_id", "complaint_id", "status", "program", "is_information", "district_id", "category_id", "channel_kind",
    "entered_at", "left_at", "seconds", "bucket", "within",
)
TABLES: tuple[tuple[type[models.Model], tuple[str, ...]], ...] = (
    (Reporter, REPORTER_COLUMNS),
    (Complaint, COMPLAINT_COLUMNS),
    (ComplaintEvent, EVENT_COLUMNS),
    (StepSpan, SPAN_COLUMNS),
    (FieldReport, FIELD_REPORT_COLUMNS),
    (ComplaintGroupObjectPermission, GRANT_COLUMNS),
    (SlaBreach, BREACH_COLUMNS),
    (StaffNotification, NOTIFICATION_COLUMNS),
)


def _dt(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


@dataclass
class Ids:
    """The next primary key of every table; assigned here so rows can point at each other before they are written."""

    next: dict[type[models.Model], int] = field(default_factory=dict)

    @classmethod
    def after_existing(cls) -> Ids:
        ids = cls()
        for model, _columns in TABLES:
            highest = model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0
            ids.next[model] = highest + 1
        return ids

    def take(self, model: type[models.Model]) -> int:
        value = self.next[model]
        self.next[model] = value + 1
        return value


@dataclass
class Batch:
    rows: dict[type[models.Model], list[tuple]] = field(default_factory=dict)

    def add(self, model: type[models.Model], row: tuple) -> None:
        self.rows.setdefault(model, []).append(row)

    def count(self, model: type[models.Model]) -> int:
        return len(self.rows.get(model, ()))


class Generator:
    """Builds each complaint's rows along the SOP path it took; deterministic for a seed.

    Times are floats (seconds since the epoch) until the writer turns them into datetimes.
    """

    def __init__(self, context: Context, ids: Ids, rng: random.Random, now: float) -> None:
        self.c = context
        self.ids = ids
        self.rng = rng
        self.now = now
        self.codes: set[str] = set()
        self.recent_closed: list[tuple[int, str]] = []

    def code(self) -> str:
        """A tracking code in the model's format, drawn as one number (one draw instead of ten)."""
        base = len(TRACKING_ALPHABET)
        while True:
            number = self.rng.randrange(base ** (2 * TRACKING_GROUP))
            chars = []
            for _ in range(2 * TRACKING_GROUP):
                number, digit = divmod(number, base)
                chars.append(TRACKING_ALPHABET[digit])
            code = "".join(chars[:TRACKING_GROUP]) + "-" + "".join(chars[TRACKING_GROUP:])
            if code not in self.codes:
                self.codes.add(code)
                return code

    def limit(self, status: str, program: str) -> float:
        return self.c.limits[(status, program)]

    def spent(self, status: str, program: str) -> tuple[float, bool]:
        """Seconds a finished step took, and whether that was past its SOP time."""
        limit = self.limit(status, program)
        if self.rng.random() < LATE_STEP_SHARE:
            return limit * self.rng.uniform(1.1, 4.0), True
        return limit * self.rng.uniform(0.1, 0.95), False

    def person(self, role: Role) -> int:
        return _pick(self.rng, self.c.users[role])

    def closed_complaint(self, batch: Batch, created: float) -> None:
        self._complaint(batch, created, None)

    def open_complaint(self, batch: Batch, group: str) -> None:
        """An open complaint standing in `group` now: its earlier steps took their usual time, the current one has
        run part of its time or (some of them) past it. The walk is drawn once from a seed to learn how long the
        earlier steps took, then drawn again from the same seed starting at the right moment."""
        seed = self.rng.getrandbits(64)
        main_rng, saved_ids = self.rng, dict(self.ids.next)
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data
        probe = self._complaint(Batch(), 0.0, group)
        self.codes.discard(probe.code)
        self.ids.next = saved_ids
        limit = self.limit(probe.status, probe.program)
        overdue = main_rng.random() < OPEN_OVERDUE_SHARE
        elapsed = limit + main_rng.uniform(60, 2 * 86400) if overdue else limit * main_rng.uniform(0.05, 0.9)
        self.rng = random.Random(seed)  # noqa: S311
        self._complaint(batch, self.now - elapsed - probe.entered, group)
        self.rng = main_rng

    def _complaint(self, batch: Batch, created: float, target: str | None) -> _State:
        """One complaint created at `created`: closed along a random path (target None), or open in `target`."""
        rng = self.rng
        ctx = self.c
        kind = _choice_weighted(rng, CHANNEL_MIX)
        program = Program.TRECKK if kind == ChannelKind.WALK_IN else Program.LALISA
        information = target is None and rng.random() < INFORMATION_SHARE
        category_id, complaint_kind = _pick(rng, ctx.info_categories if information else ctx.categories)
        district_id, lat, lon = _pick(rng, ctx.districts)
        villages = ctx.villages.get(district_id) or [None]
        anonymous = rng.random() < ANONYMOUS_SHARE
        confidential = not anonymous and rng.random() < CONFIDENTIAL_SHARE
        complaint_id = self.ids.take(Complaint)
        code = self.code()
        place = _pick(rng, PLACES)
        if information:
            description = f"{_pick(rng, QUESTIONS)} (pertanyaan no. {complaint_id})"
        else:
            description = f"{_pick(rng, PROBLEMS)} {place} {_pick(rng, TIMES)}. Laporan warga no. {complaint_id}."
        reporter_id = None
        if not anonymous:
            reporter_id = self.ids.take(Reporter)
            batch.add(Reporter, (
                reporter_id, _pick(rng, NAMES), f"08{11 + int(rng.random() * 49)}{10_000_000 + int(rng.random() * 89_999_999)}",
                f"6311{10**11 + int(rng.random() * 9 * 10**11)}" if rng.random() < 0.4 else "",
                f"RT {1 + int(rng.random() * 20)}, {place}" if rng.random() < 0.5 else "", rng.random() < 0.4, created,
            ))
        channel_id = ctx.channels.get(kind)
        if channel_id is not None:
            submit_actor, submit_role, created_by = None, "", None
        elif rng.random() < 0.5 or not ctx.post_of_district[district_id]:
            submit_actor, submit_role = self.person(Role.OPERATOR), Role.OPERATOR
            created_by = submit_actor
        else:
            post = ctx.teams[_pick(rng, ctx.post_of_district[district_id])]
            submit_actor = _pick(rng, post.members) if post.members else self.person(Role.OPERATOR)
            submit_role = Role.TRC if post.members else Role.OPERATOR
            created_by = submit_actor
        state = _State(
            status=S.SUBMITTED, at=created, entered=created, code=code, program=str(program), district_id=district_id,
            complaint_id=complaint_id,
        )
        state.event("submit", submit_actor, submit_role, S.SUBMITTED, channel=channel_id,
                    payload={"channel_kind": str(kind), "anonymous": anonymous, "confidential": confidential})
        self._walk(batch, state, target, information, anonymous, confidential)

        due_at = None
        if state.status != S.CLOSED:
            due_at = state.entered + self.limit(state.status, program)
            for team in self._owning_teams(state):
                for permission_id in ctx.permission_ids:
                    batch.add(ComplaintGroupObjectPermission, (
                        self.ids.take(ComplaintGroupObjectPermission), team.group_id, permission_id, complaint_id,
                    ))
            detected = due_at + rng.uniform(5, 60)
            if detected < self.now:
                # The sweep runs every minute: an open step past its time already has its breach, notices unread.
                self._breach(batch, state, due_at, detected, read=False)
        latitude = longitude = None
        if rng.random() < 0.7:
            latitude = f"{lat + rng.uniform(-0.03, 0.03):.6f}"
            longitude = f"{lon + rng.uniform(-0.03, 0.03):.6f}"
        batch.add(Complaint, (
            complaint_id, code, complaint_kind, category_id, description, district_id, _pick(rng, villages),
            f"RT {1 + int(rng.random() * 20)}, {place}", latitude, longitude,
            created - rng.uniform(600, 6 * 3600) if rng.random() < 0.5 else None,
            channel_id, str(kind), f"vol-{complaint_id}" if channel_id else "", str(program), reporter_id, anonymous,
            confidential, str(state.status), state.outcome, state.entered, due_at, state.forwarded,
            state.at if state.status == S.CLOSED else None,
            state.draft, state.return_reason, state.referred_to, state.answer, state.duplicate_of,
            state.team.id if state.team else None, state.expected_arrival, state.arrived, state.field_unable,
            created_by, created, state.at, 1 + state.transitions,
        ))
        # Event ids follow time, as they would have been written.
        state.events.sort(key=lambda e: e[-1])
        timeline = []
        for row in state.events:
            event_id = self.ids.take(ComplaintEvent)
            batch.add(ComplaintEvent, (event_id, complaint_id, *row))
            timeline.append(TimelineEvent(event_id, row[4], row[5], row[-1]))
        # The steps' durations as the services record them when a step ends (the same rule, complaints.step_spans).
        is_information = complaint_kind == ComplaintKind.INFORMATION
        for span in spans_of(timeline):
            seconds = span.left_at - span.entered_at
            batch.add(StepSpan, (
                span.left_by, complaint_id, span.status, str(program), is_information, district_id, category_id,
                str(kind), span.entered_at, span.left_at, seconds, bucket_of(seconds),
                seconds <= self.limit(span.status, str(program)),
            ))
        if state.status == S.CLOSED and target is None:
            self.recent_closed.append((complaint_id, code))
            if len(self.recent_closed) > 500:
                del self.recent_closed[:250]
        return state

    def _owning_teams(self, state: _State) -> list[TeamInfo]:
        """The teams `roles.grants.teams_owning` names for this state."""
        hold = TEAM_HOLDS.get(state.status)
        if hold == TeamHold.POST:
            return [self.c.teams[t] for t in self.c.post_of_district[state.district_id]]
        if hold == TeamHold.ASSIGNED and state.team is not None:
            return [state.team]
        return []

    def _breach(self, batch: Batch, state: _State, due_at: float, detected: float, *, read: bool) -> None:
        """What the SLA sweep writes for a step past its time: the breach, an event, the owner's and superior's notices."""
        breach_id = self.ids.take(SlaBreach)
        batch.add(SlaBreach, (breach_id, state.complaint_id, str(state.status), due_at, detected))
        state.event("sla_breach", None, "", state.status, at=detected,
                    payload={"step": STEP_OF[state.status], "due_at": _dt(due_at).isoformat()})
        owner = owner_for(state.status, state.team is not None)
        recipients: dict[int, bool] = dict.fromkeys(self._people(owner, state), False)
        superior = SUPERIOR.get(owner)
        if superior is not None:
            for user_id in self._people(superior, state):
                recipients.setdefault(user_id, True)
        text = f"{state.code}: {self.c.status_labels[str(state.status)]} lewat tenggat"[:300]
        for user_id, escalation in recipients.items():
            read_at = detected + self.rng.uniform(60, 4 * 3600) if read else None
            batch.add(StaffNotification, (
                self.ids.take(StaffNotification), user_id, state.complaint_id, breach_id, text, escalation, detected,
                read_at,
            ))

    def _people(self, role: Role, state: _State) -> list[int]:
        if role == Role.TRC:
            return sorted({m for team in self._owning_teams(state) for m in team.members})
        return self.c.users[role]

    def _walk(self, batch: Batch, state: _State, target: str | None, information: bool, anonymous: bool,
              confidential: bool) -> None:
        """Move the state along the SOP, writing each action's event, until closed or standing at `target`."""
        rng = self.rng
        ctx = self.c

        def finish_step() -> float:
            """The current step's time passes; a late step is recorded the way the sweep would have. Returns its end."""
            seconds, late = self.spent(state.status, state.program)
            if late:
                limit = self.limit(state.status, state.program)
                due = state.entered + limit
                # The sweep saw it within its minute, and before the step ended.
                self._breach(batch, state, due, due + rng.uniform(1, min(60, (seconds - limit) * 0.9)), read=True)
            return state.entered + seconds

        def move(action: str, role: Role, to: str, at: float, *, actor: int | None = None, note: str = "",
                 payload: dict | None = None, team: TeamInfo | bool | None = False) -> None:
            """One action at time `at`, as perform_action records it (with the grant changes it caused)."""
            state.at = at
            old_status = state.status
            if old_status in TEAM_HOLDS or to in TEAM_HOLDS:
                before = self._owning_teams(state)
                state.status = to
                if team is not False:
                    state.team = team
                after = self._owning_teams(state)
                state.status = old_status
                granted = sorted({t.group_id for t in after} - {t.group_id for t in before})
                revoked = sorted({t.group_id for t in before} - {t.group_id for t in after})
                if granted or revoked:
                    payload = {**(payload or {}), "grants": {"granted": granted, "revoked": revoked}}
            state.event(action, actor or self.person(role), role, to, note=note, payload=payload)
            state.status = to
            state.transitions += 1
            if to != old_status:
                state.entered = at
                if to == S.VERIFICATION and state.forwarded is None:
                    state.forwarded = at

        def close(action: str, role: Role, outcome: str, at: float, *, payload: dict | None = None) -> None:
            state.outcome = outcome
            move(action, role, S.CLOSED, at, payload=payload)

        def give_back(at: float) -> None:
            reason = _pick(rng, list(ReturnReason))
            state.return_reason = str(reason)
            owner = OWNER_OF[state.status]
            if reason == ReturnReason.NOT_AUTHORITY:
                state.referred_to = _pick(rng, AGENCIES)
                close("return", owner, Outcome.REFERRED, at, payload={"reason": str(reason), "agency": state.referred_to})
            else:
                close("return", owner, Outcome.RETURNED, at, payload={"reason": str(reason), "agency": ""})

        # 1: the Operator accepts
        if target == "submitted":
            return
        accepted = {"anonymous": True, "confidential": confidential} if anonymous else {
            "anonymous": False, "confidential": confidential, "reporter_recorded": True,
        }
        move("accept", Role.OPERATOR, S.SCREENING, finish_step(), payload=accepted)
        # 2: screening
        if target == "screening":
            return
        end = finish_step()
        if information:
            if rng.random() < 0.9:
                state.answer = "Terima kasih atas pertanyaan Anda. Informasi lengkap tersedia di kantor Satpol PP."
                close("answer", Role.OPERATOR, Outcome.ANSWERED, end)
            else:
                give_back(end)
            return
        if target is None:
            roll = rng.random()
            if roll < 0.08:
                give_back(end)
                return
            if roll < 0.12 and self.recent_closed:
                original_id, original_code = _pick(rng, self.recent_closed)
                state.duplicate_of = original_id
                close("mark_duplicate", Role.OPERATOR, Outcome.DUPLICATE, end, payload={"duplicate_of": original_code})
                return
        move("forward", Role.OPERATOR, S.VERIFICATION, end)
        # 3: verification, 4: field check; a refuted check goes back to verification once
        refuted = False
        while True:
            if target == "verification":
                return
            end = finish_step()
            if target is None and not refuted and rng.random() < 0.04:
                give_back(end)
                return
            state.draft = "Konsep laporan: mohon pos kecamatan memastikan fakta di lokasi."
            move("submit_draft", Role.KASI, S.FIELD_CHECK, end)
            if target == "field_check":
                return
            end = finish_step()
            posts = [ctx.teams[t] for t in ctx.post_of_district[state.district_id]]
            checkers = [m for team in posts for m in team.members]
            checker = _pick(rng, checkers) if checkers else None
            if target is None and not refuted and rng.random() < 0.05:
                refuted = True
                move("refute", Role.TRC, S.VERIFICATION, end, actor=checker, note="Fakta di lokasi tidak sesuai uraian.")
                continue
            move("confirm", Role.TRC, S.DISPATCH, end, actor=checker, note="Fakta sesuai laporan.")
            break
        # 5: dispatch. The step's time covers the Kabid's assignment and the team's handling.
        if target == "dispatch":
            return
        start = state.entered
        # An open assigned case is still in this step now: only the Kabid's part of its time has passed.
        kabid_part = self.limit(state.status, state.program) * rng.uniform(0.1, 0.4)
        end = start + kabid_part if target == "dispatch_assigned" else finish_step()
        share = end - start
        use_hq = bool(ctx.hq_teams) and rng.random() < 0.15
        team = ctx.teams[_pick(rng, ctx.hq_teams if use_hq else ctx.post_of_district[state.district_id])]
        assigned_at = start + share * rng.uniform(0.05, 0.25)
        expected = assigned_at + rng.uniform(0.5, 2) * 3600 if rng.random() < 0.6 else None
        state.expected_arrival = expected
        move("assign", Role.KABID, S.DISPATCH, assigned_at, team=team, payload={
            "team": team.slug, "previous_team": None, "expected_arrival": _dt(expected).isoformat() if expected else None,
        })
        if target is None and rng.random() < 0.03:
            previous = team
            team = ctx.teams[_pick(rng, list(ctx.teams))]
            if team.id != previous.id:
                state.expected_arrival = None
                move("reassign", Role.KABID, S.DISPATCH, start + share * 0.35, team=team, payload={
                    "team": team.slug, "previous_team": previous.slug, "expected_arrival": None,
                })
        if target == "dispatch_assigned":
            return
        members = state.team.members or self.c.users[Role.TRC]
        member = _pick(rng, members)
        if rng.random() < 0.5:
            state.arrived = start + share * rng.uniform(0.5, 0.8)
            move("arrive", Role.TRC, S.DISPATCH, state.arrived, actor=member)
        if rng.random() < 0.08:
            state.field_unable = True
            move("unable", Role.TRC, S.REPORTING, end, actor=member, note="Laporan tidak dapat dibuktikan di lokasi.")
        else:
            move("handle", Role.TRC, S.REPORTING, end, actor=member, note="Ditangani di tempat.")
        # 6: reporting
        if target == "reporting":
            return
        end = finish_step()
        result = FieldResult.NOT_FOUND if state.field_unable else _choice_weighted(rng, FIELD_RESULTS)
        batch.add(FieldReport, (
            self.ids.take(FieldReport), state.complaint_id, state.team.id, member,
            "Tidak ditemukan pelanggaran di lokasi." if state.field_unable
            else "Petugas tiba di lokasi dan menemukan kondisi sesuai laporan.",
            "Pembinaan dan teguran kepada pihak terkait.", str(result), end,
        ))
        move("report", Role.TRC, S.HEAD_REVIEW, end, actor=member, payload={"result": str(result)})
        # 7: head review (the Kabid sometimes adds a note first)
        if target == "head_review":
            return
        start = state.entered
        end = finish_step()
        if rng.random() < 0.2:
            move("endorse", Role.KABID, S.HEAD_REVIEW, start + (end - start) * 0.5, note="Mohon disetujui.")
        move("acknowledge", Role.KEPALA, S.NOTIFICATION, end)
        # 8: notification
        if target == "notification":
            return
        end = finish_step()
        state.outcome = outcome_after_field(state.field_unable)
        move("informed", Role.OPERATOR, S.CLOSED, end, payload={"outcome": str(state.outcome)},
             note="Pelapor dihubungi lewat telepon.")


@dataclass
class _State:
    """A complaint on its way through the SOP while its rows are drawn."""

    status: str
    at: float  # the clock: when the last action happened
    entered: float  # when the current step began
    code: str
    program: str
    district_id: int
    complaint_id: int
    transitions: int = 0
    outcome: str = ""
    forwarded: float | None = None
    team: TeamInfo | None = None
    expected_arrival: float | None = None
    arrived: float | None = None
    field_unable: bool = False
    draft: str = ""
    return_reason: str = ""
    referred_to: str = ""
    answer: str = ""
    duplicate_of: int | None = None
    events: list[tuple] = field(default_factory=list)

    def event(self, action: str, actor: int | None, role: str, to: str, *, note: str = "", payload: dict | None = None,
              channel: int | None = None, at: float | None = None) -> None:
        """An event row without its ids (given in time order later); from_status is the state's status now."""
        self.events.append((
            actor, str(role), channel, action, "" if action == "submit" else str(self.status), str(to), note,
            _dumps(payload) if payload else "{}", self.at if at is None else at,
        ))


# --- writing ------------------------------------------------------------------------------------------------------


class Writer:
    """Writes a batch's rows table by table: COPY on PostgreSQL, executemany elsewhere; one transaction per batch."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.dropped: list[str] = []  # definitions of indexes dropped for a large load, to build again
        self.tables = []
        for model, provided in TABLES:
            by_attname = {f.attname: f for f in model._meta.concrete_fields}
            unknown = [a for a in provided if a not in by_attname]
            if unknown:
                raise RuntimeError(f"{model.__name__} has no column(s) {unknown}")
            rest = [f for a, f in by_attname.items() if a not in provided]
            for extra in rest:
                if not extra.has_default() and not extra.null and not getattr(extra, "auto_now", False) \
                        and not getattr(extra, "auto_now_add", False):
                    raise RuntimeError(f"The volume generator does not fill {model.__name__}.{extra.attname}")
            fill = tuple(self._default(f) for f in rest)
            fields = [by_attname[a] for a in provided] + rest
            columns = [connection.ops.quote_name(f.column) for f in fields]
            datetime_at = [i for i, f in enumerate(fields) if isinstance(f, models.DateTimeField)]
            self.tables.append((model, model._meta.db_table, columns, fill, datetime_at))

    @staticmethod
    def _default(f: models.Field) -> object:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            return timezone.now().timestamp()
        value = f.get_default()
        if isinstance(f, models.JSONField):
            return json.dumps(value)
        if isinstance(value, datetime):
            return value.timestamp()
        return value

    def write(self, batch: Batch) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            if self.postgres:
                _skip_fk_triggers(cursor)
            for model, table, columns, fill, datetime_at in self.tables:
                rows = batch.rows.get(model)
                if not rows:
                    continue
                rows = [self._datetimes(row + fill, datetime_at) for row in rows]
                if self.postgres:
                    self._copy(cursor, table, columns, rows)
                else:
                    values = ", ".join(["%s"] * len(columns))
                    insert = f"INSERT INTO {connection.ops.quote_name(table)} ({', '.join(columns)}) VALUES ({values})"  # noqa: S608
                    cursor.executemany(insert, rows)

    def _datetimes(self, row: tuple, positions: list[int]) -> list:
        values = list(row)
        for i in positions:
            seconds = values[i]
            if seconds is not None:
                moment = datetime.fromtimestamp(seconds, UTC)
                # SQLite keeps datetimes as naive UTC text, which is what Django's SQLite backend reads and compares.
                values[i] = moment if self.postgres else moment.replace(tzinfo=None).isoformat(" ")
        return values

    @staticmethod
    def _copy(cursor, table: str, columns: list[str], rows: list[list]) -> None:
        sql = f"COPY {connection.ops.quote_name(table)} ({', '.join(columns)}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)

    def drop_secondary_indexes(self) -> None:
        """For a load larger than what is there: drop the plain (non-unique) indexes now and build them once at the
        end, which is several times faster than updating them row by row. Unique ones stay: they guard the data."""
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            for _model, table, *_rest in self.tables:
                cursor.execute(
                    "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                    "WHERE x.indrelid = %s::regclass AND NOT x.indisunique AND NOT x.indisprimary",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    self.dropped.append(definition)
                    cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")

    def restore_indexes(self) -> None:
        if not self.dropped:
            return
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
            while self.dropped:
                cursor.execute(self.dropped[0])
                self.dropped.pop(0)

    def finish(self) -> None:
        """Move each table's id sequence past the ids assigned here (SQLite's AUTOINCREMENT follows by itself)."""
        self.restore_indexes()
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            for model, table, _columns, _fill, _dt_at in self.tables:
                pk = model._meta.pk.column
                highest = f"SELECT MAX({connection.ops.quote_name(pk)}) FROM {connection.ops.quote_name(table)}"  # noqa: S608
                cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(({highest}), 1))", [table, pk])
            # After a bulk load, VACUUM sets the visibility map (index-only scans, e.g. the queue counts, stop visiting
            # the heap) and ANALYZE the statistics; inside a transaction (tests) only ANALYZE can run.
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            for _model, table, *_rest in self.tables:
                cursor.execute(f"{command} {connection.ops.quote_name(table)}")


def _skip_fk_triggers(cursor) -> None:
    """Foreign keys are checked by triggers row by row; every id here points at a row just written or read, so a
    superuser skips them for the batch (SET LOCAL ends with the transaction). Without the right, they run."""
    cursor.execute("SAVEPOINT volume_replica")
    try:
        cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:  # not a superuser: the checks stay on
        cursor.execute("ROLLBACK TO SAVEPOINT volume_replica")
    else:
        cursor.execute("RELEASE SAVEPOINT volume_replica")


# --- the run ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    seconds: float
    rows: int


@dataclass(frozen=True)
class Summary:
    complaints: int
    open: int
    rows: dict[str, int]
    seconds: float


def open_per_step(total: int) -> int:
    """A few thousand open in every step at a million; proportionally fewer for smaller runs."""
    return max(1, min(3_000, total // 300))


def created_times(rng: random.Random, count: int, start: float, end: float) -> list[float]:
    """Sorted creation times; the density grows towards the present (a service people learn to use)."""
    span = end - start
    return sorted(start + span * math.sqrt(rng.random()) for _ in range(count))


class BackgroundWriter:
    """Writes batches on its own thread and database connection while the caller draws the next ones.

    Drawing rows is Python's work and COPY is mostly the server's (the client waits on the socket, without the GIL),
    so on two cores the two overlap instead of taking turns: about a third off a large load. Batches go in order,
    each in its own transaction, at most two waiting (memory stays at three batches). After an error the thread
    keeps taking batches without writing them, so the caller never blocks, and `put` or `close` raise the error.
    Only for a database the caller is not in a transaction on: a test's transaction is invisible to another
    connection (and an in-memory SQLite database is another database on another connection).
    """

    def __init__(self, writer: Writer) -> None:
        self.writer = writer
        self.batches: queue.Queue[Batch | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="volume-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            while (batch := self.batches.get()) is not None:
                if self.error is None:
                    try:
                        self.writer.write(batch)
                    except BaseException as error:  # handed to the caller's thread by put/close
                        self.error = error
        finally:
            connections.close_all()  # this thread's own connection

    def put(self, batch: Batch) -> None:
        if self.error is not None:
            raise self.error
        self.batches.put(batch)

    def close(self) -> None:
        """Wait until every batch given is written; raise the thread's error if there was one."""
        self.batches.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


def generate(
    total: int = DEFAULT_TOTAL, *, years: float = DEFAULT_YEARS, seed: int | None = None, batch_size: int = BATCH,
    progress: Callable[[Progress], None] | None = None, now: datetime | None = None, open_each: int | None = None,
) -> Summary:
    """Add `total` complaints (with everything they bring) to the database."""
    started = time.monotonic()
    context = build_context()
    ids = Ids.after_existing()
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not a secret; the codes are not meant to be secret here
    clock = (now or timezone.now()).timestamp()
    generator = Generator(context, ids, rng, clock)
    per_step = open_per_step(total) if open_each is None else open_each
    per_step = min(per_step, total // len(OPEN_GROUPS))
    open_count = per_step * len(OPEN_GROUPS)
    closed_count = total - open_count
    # Closed ones end at least two days ago; open ones are recent, and stand at their step now.
    created = created_times(rng, closed_count, clock - years * 365.25 * 86400, clock - 2 * 86400)
    open_groups = [group for group in OPEN_GROUPS for _ in range(per_step)]
    rng.shuffle(open_groups)
    writer = Writer()
    # The new spans fall on past days: their roll-ups are made again at the end.
    StepDay.objects.all().delete()
    existing = Complaint.objects.count()
    if existing:
        # Codes are random; the ones already in the table must not come up again.
        generator.codes.update(Complaint.objects.values_list("code", flat=True).iterator(chunk_size=20_000))
    if total >= max(BULK_INDEX_THRESHOLD, existing):
        writer.drop_secondary_indexes()
    done = 0
    rows_total: dict[str, int] = {}
    batch = Batch()
    background = BackgroundWriter(writer) if writer.postgres and not connection.in_atomic_block else None

    def flush() -> None:
        nonlocal batch
        if background is not None:
            background.put(batch)
        else:
            writer.write(batch)
        for model, rows in batch.rows.items():
            rows_total[model.__name__] = rows_total.get(model.__name__, 0) + len(rows)
        batch = Batch()
        if progress is not None:
            progress(Progress(done, total, time.monotonic() - started, sum(rows_total.values())))

    try:
        for moment in created:
            generator.closed_complaint(batch, moment)
            done += 1
            if done % batch_size == 0:
                flush()
        for group in open_groups:
            generator.open_complaint(batch, group)
            done += 1
            if done % batch_size == 0:
                flush()
        if batch.rows:
            flush()
        if background is not None:
            background.close()
            background = None
    finally:
        if background is not None:  # an error on this side: let the writer finish what it was given, then stop
            with contextlib.suppress(BaseException):
                background.close()
        # Also after an error or Ctrl-C: the indexes dropped for speed come back, over what was committed.
        writer.finish()
        roll_up_step_days()
    return Summary(total, open_count, rows_total, time.monotonic() - started)


"""The one permission policy: who sees which complaints, who may take which action, who sees the reporter.

The API, the portal and the services all ask here; no view decides on its own.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet
from django.utils.translation import gettext as _

from complaints.errors import ActionNotAllowed, InvalidState, StaleVersion, WorkflowError
from complaints.models import AttachmentKind, Complaint, ComplaintGroupObjectPermission, ComplaintUserObjectPermission
from complaints.workflow import Transition, find_transition, roles_for_action, transitions_from
from roles.principals import acting_role, is_channel, user_roles, user_team_ids
from roles.roles import Role

User = get_user_model()
SEES_EVERYTHING = frozenset({Role.OPERATOR, Role.KEPALA})
SEES_FROM_VERIFICATION = frozenset({Role.KASI, Role.KABID})


def visible_complaints(user, queryset: QuerySet[Complaint] | None = None) -> QuerySet[Complaint]:
    """Complaints the user may see (DESIGN.md section 3), as a lazy queryset."""
    queryset = Complaint.objects.all() if queryset is None else queryset
    if is_channel(user):
        return queryset.filter(channel=user.channel)
    roles = user_roles(user)
    if roles & SEES_EVERYTHING:
        return queryset
    condition = Q(pk__in=[])
    if roles & SEES_FROM_VERIFICATION:
        condition |= Q(forwarded_at__isnull=False)
    if Role.TRC in roles:
        condition |= Q(GrantedRows(user.pk, "view_complaint"))
    return queryset.filter(condition)


class GrantedRows(Func):
    """`pk` among the ids of the complaints on which the user holds `codename`, directly or through one of their
    groups (a team); `complaint_id` narrows it to one row. Reads django-guardian's direct foreign-key tables with two
    small index scans; guardian's get_objects_for_user gives the same rows (tests/performance/test_row_filter.py), but
    its query also semi-joins the whole complaint table, which costs at a million rows.

    The ids' query is written out as SQL: the same query built from querysets (a union of two filtered querysets with
    the permission and the user's groups as nested subqueries) took 3 ms to build and 3 more to compile, on every TRC
    list, case page and navigation count. On PostgreSQL the ids are read once (`pk = ANY(ARRAY(...))`, an InitPlan)
    and the rows fetched by primary key; see complaints.expressions.PkAmong for why not `IN`.
    """

    output_field = BooleanField()

    def __init__(self, user_id: int | None, codename: str, complaint_id: int | None = None) -> None:
        super().__init__(F("pk"))
        self.user_id, self.codename, self.complaint_id = user_id, codename, complaint_id

    def ids_sql(self, connection) -> tuple[str, list]:
        quote = connection.ops.quote_name
        # The permission's id as a one-row subquery (computed once per query), so each table is read through its
        # (group or user, permission, object) unique index rather than joined to the permission tables row by row.
        # Only identifiers go into the text (from the models' meta, quoted); every value is a parameter.
        permission = (
            f"SELECT {quote('p')}.{quote('id')} FROM {quote(Permission._meta.db_table)} {quote('p')} "  # noqa: S608
            f"INNER JOIN {quote(ContentType._meta.db_table)} {quote('ct')} "
            f"ON ({quote('p')}.{quote('content_type_id')} = {quote('ct')}.{quote('id')}) "
            f"WHERE {quote('ct')}.{quote('app_label')} = %s AND {quote('p')}.{quote('codename')} = %s LIMIT 1"
        )
        memberships = User.groups.through._meta
        groups = (
            f"SELECT {quote(memberships.get_field('group').column)} FROM {quote(memberships.db_table)} "  # noqa: S608
            f"WHERE {quote(memberships.get_field('user').column)} = %s"
        )
        parts, params = [], []
        for model, holder, holder_sql in (
            (ComplaintGroupObjectPermission, "group", f"IN ({groups})"),
            (ComplaintUserObjectPermission, "user", "= %s"),
        ):
            meta = model._meta
            row = quote(meta.get_field("content_object").column)
            sql = (
                f"SELECT {row} FROM {quote(meta.db_table)} WHERE {quote(meta.get_field('permission').column)} = "  # noqa: S608
                f"({permission}) AND {quote(meta.get_field(holder).column)} {holder_sql}"
            )
            params += [Complaint._meta.app_label, self.codename, self.user_id]
            if self.complaint_id is not None:
                sql += f" AND {row} = %s"
                params.append(self.complaint_id)
            parts.append(sql)
        return " UNION ALL ".join(parts), params

    def as_sql(self, compiler, connection, **extra_context):
        (pk, pk_params), = (compiler.compile(e) for e in self.get_source_expressions())
        ids, params = self.ids_sql(connection)
        return f"{pk} IN ({ids})", (*pk_params, *params)

    def as_postgresql(self, compiler, connection, **extra_context):
        (pk, pk_params), = (compiler.compile(e) for e in self.get_source_expressions())
        ids, params = self.ids_sql(connection)
        return f"{pk} = ANY(ARRAY({ids}))", (*pk_params, *params)


def sees_case_internals(user) -> bool:
    """Whether the user reads a case as staff do (its record: drafts, field reports, the event log with notes and
    staff, teams, every attachment). A channel never does: it reads its own complaints only through the channel view
    (DESIGN.md section 3, last row, and section 4), which channels/complaint_view.py builds from the decisions here."""
    return not is_channel(user)


def attachment_condition(user) -> Q:
    """Which attachments of a complaint it may see the user may open. Staff: all of them. A channel: the reporter's
    evidence that came in through a channel (stored with no staff uploader: intake, LAPOR's files, its own uploads),
    never what staff added and never field photos, which keep their GPS position. A staff uploader cannot lose his
    name on a file: his `attach` event protects the user row from deletion."""
    if is_channel(user):
        return Q(kind=AttachmentKind.EVIDENCE, uploaded_by__isnull=True)
    return Q()


def can_view(user, complaint: Complaint) -> bool:
    return visible_complaints(user, Complaint.objects.filter(pk=complaint.pk)).exists()


_ROW_GRANTS_CACHE = "_treckk_row_grants"


def _row_granted(user, complaint: Complaint) -> bool:
    """Whether the user (or one of their groups, i.e. their team) holds `change` on this row.

    Asked once per transition while drawing a case page; the answer is kept on the user object for the request,
    per (row, version), so an action (which bumps the version and may move grants) is never answered from before it.
    """
    if not user.is_active:
        return False
    if user.is_superuser:
        return True  # as user.has_perm answers for an active superuser
    cache = user.__dict__.setdefault(_ROW_GRANTS_CACHE, {})
    key = (complaint.pk, complaint.version)
    if key not in cache:
        ids, params = GrantedRows(user.pk, "change_complaint", complaint.pk).ids_sql(connection)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT EXISTS({ids})", params)
            cache[key] = bool(cursor.fetchone()[0])
    return cache[key]


def check_action(user, complaint: Complaint, action: str, expected_version: int | None = None) -> Transition:
    """The transition the user may take now, or the reason they may not (403/409/412).

    Visibility (404) is the caller's first check: a row the user cannot see does not exist for them.
    """
    action_roles = roles_for_action(action)
    if not action_roles & user_roles(user):
        raise ActionNotAllowed(_("Peran Anda tidak dapat melakukan tindakan ini."))
    if expected_version is not None and expected_version != complaint.version:
        raise StaleVersion(
            _("Aduan ini sudah diubah oleh orang lain (versi %(current)s, Anda membuka versi %(yours)s). Muat ulang.")
            % {"current": complaint.version, "yours": expected_version}
        )
    transition = find_transition(action, complaint.status)
    if transition is None:
        raise InvalidState(
            _("Tindakan ini tidak tersedia pada status '%(status)s'.") % {"status": complaint.get_status_display()}
        )
    refusal = _refusal(user, complaint, transition)
    if refusal is not None:
        raise refusal
    return transition


def _refusal(user, complaint: Complaint, transition: Transition) -> WorkflowError | None:
    """Why this user may not take this transition (which exists in the complaint's state), or None."""
    if acting_role(user, transition.roles) is None:
        return ActionNotAllowed(_("Pada langkah ini tindakan tersebut milik peran lain."))
    if transition.guard is not None and not transition.guard(complaint):
        return InvalidState(str(transition.guard_message))
    if transition.needs_row_grant and not _row_granted(user, complaint):
        return ActionNotAllowed(_("Aduan ini bukan tugas tim Anda."))
    return None


def available_transitions(user, complaint: Complaint) -> list[Transition]:
    """Exactly the actions this user may take on this complaint now (for action panels and the API)."""
    return [t for t in transitions_from(complaint.status) if _refusal(user, complaint, t) is None]


def may_create_complaints(user) -> bool:
    """Operators record complaints from any channel, TRC posts record walk-ins; channels submit their own."""
    return is_channel(user) or bool(user_roles(user) & {Role.OPERATOR, Role.TRC})


def may_rate_for_reporter(user, complaint: Complaint) -> bool:
    """Besides the reporter's own signed link (public.links), only the channel the reporter used may pass on their
    rating of the handling, with its key and for its own complaint. Staff never rate: the rating judges them, and
    a tracking code alone (printed on receipts, read out over the phone) proves nothing about who holds it."""
    return is_channel(user) and complaint.channel_id is not None and complaint.channel_id == user.channel.pk


def may_manage_webhooks(user) -> bool:
    """A channel lists, tests, rotates and deletes its own webhook endpoints; staff have the admin for that."""
    return is_channel(user)


def may_dispatch(user) -> bool:
    """The Kabid assigns field teams (SOP step 5) and so sees the dispatch board."""
    return Role.KABID in user_roles(user)


def may_view_dashboard(user) -> bool:
    """The leaders (Kabid, Kepala) see the dashboard's figures. They are aggregates over every complaint, with no
    case or reporter data, so the Kabid's figures include steps 1-2 that his case list does not show."""
    return bool(user_roles(user) & {Role.KABID, Role.KEPALA})


def may_use_inbox(user) -> bool:
    """Operators work the channel inbox and its failed messages; the Kepala, who sees everything, may too."""
    return bool(user_roles(user) & {Role.OPERATOR, Role.KEPALA})


def may_edit_knowledge(user) -> bool:
    """The Operator answers information requests from the knowledge base and keeps it current; the Kepala, who
    answers for what the unit tells the public, may edit it too. Nobody else opens it."""
    return bool(user_roles(user) & {Role.OPERATOR, Role.KEPALA})


def may_work_lapor(user) -> bool:
    """SP4N-LAPOR!'s account is the Operator desk's: recording a LAPOR tracking id on a case, the list of follow-ups to
    post into LAPOR's admin and marking them posted. The Kepala, who sees everything and answers for what the unit
    tells the public, may too (as with the inbox)."""
    return bool(user_roles(user) & {Role.OPERATOR, Role.KEPALA})


def may_enter_lapor_reports(user) -> bool:
    """Entering a LAPOR report as a new case is recording a complaint: the Operator's (SOP step 1), not the Kepala's."""
    return Role.OPERATOR in user_roles(user)


def may_view_receipt(user, complaint: Complaint) -> bool:
    """Whoever recorded a walk-in prints its receipt, even a TRC post that cannot open the case itself."""
    return complaint.created_by_id == getattr(user, "pk", None) or can_view(user, complaint)


class ReporterAccess(StrEnum):
    FULL = "full"  # name, phone, NIK, address
    CONTACT = "contact"  # only a phone number for field contact, with the reporter's consent
    MASKED = "masked"  # nothing that identifies the reporter
    SENT = "sent"  # a channel: the reporter fields it sent itself, nothing staff recorded
    ANONYMOUS = "anonymous"  # no reporter data is held (anonymous, or not recorded yet)


def reporter_access(user, complaint: Complaint) -> ReporterAccess:
    """What of the reporter this user may see on this complaint (DESIGN.md section 3)."""
    if complaint.reporter_id is None:
        return ReporterAccess.ANONYMOUS
    if is_channel(user):
        # What it sent, which it holds anyway; not once confidential (then only the Operator and the Kepala see it).
        if complaint.is_confidential or complaint.channel_id != user.channel.pk:
            return ReporterAccess.MASKED
        return ReporterAccess.SENT
    roles = user_roles(user)
    if roles & SEES_EVERYTHING:
        return ReporterAccess.FULL
    if complaint.is_confidential:
        return ReporterAccess.MASKED
    if Role.KASI in roles:
        return ReporterAccess.FULL
    if Role.TRC in roles and complaint.reporter.allow_field_contact:
        return ReporterAccess.CONTACT
    return ReporterAccess.MASKED


def unmasked_reporter_rows(user, queryset: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """The rows of `queryset` whose reporter's name or phone this user sees: `reporter_access` as one SQL filter, for
    the audit of an export (a million rows are counted, not masked one by one). The same rules as above, written a
    second time; tests/security/test_reporter_read_audit.py holds the two to the same answers for every role."""
    named = Q(reporter__isnull=False) & (~Q(reporter__name="") | ~Q(reporter__phone=""))
    if is_channel(user):
        return queryset.filter(named, is_confidential=False, channel=user.channel)
    roles = user_roles(user)
    if roles & SEES_EVERYTHING:
        return queryset.filter(named)
    if Role.KASI in roles:
        return queryset.filter(named, is_confidential=False)
    if Role.TRC in roles:
        return queryset.filter(is_confidential=False, reporter__allow_field_contact=True).exclude(reporter__phone="")
    return queryset.none()


def sees_every_reporter(user) -> bool:
    """Operator and Kepala see every reporter, confidential ones included, and so every sender of a conversation
    that became a complaint (the sender is its reporter). Anyone else, the admin's administrators included, sees a
    linked conversation's sender masked (roles/masking.py, sender_view)."""
    return bool(user_roles(user) & SEES_EVERYTHING)


class DutyAccess(IntEnum):
    """How far a user reaches into a TRC post's duty roster or field log (ordered: WRITE includes READ)."""

    NONE = 0
    READ = 1
    WRITE = 2


# The Kabid's post leaders ("ketua pos"): TRC members the administrator gives this permission may keep their own
# post's roster. Ordinary members may not: the guide has TRC act on the Kabid's orders, and a roster anyone on it
# could edit would let a member take himself off the night shift.
POST_LEADER_PERMISSION = "duty.manage_post_roster"


def _own_post(user, team_id: int | None) -> bool:
    """Whether the user is a TRC member of post `team_id` (None: of any active post)."""
    posts = user_team_ids(user)
    return bool(posts) if team_id is None else team_id in posts


def roster_access(user, team_id: int | None = None) -> DutyAccess:
    """The duty roster of post `team_id` (None: the most the user has on any post, for the navigation).

    The Kabid keeps every post's roster; a post leader keeps his own. Other TRC members read their own post's.
    The Kepala, and the Operator and Kasi who must know whom to call at a post, read every post's.
    """
    roles = user_roles(user)
    if Role.KABID in roles:
        return DutyAccess.WRITE
    if _own_post(user, team_id):
        return DutyAccess.WRITE if user.has_perm(POST_LEADER_PERMISSION) else DutyAccess.READ
    if roles & {Role.KEPALA, Role.OPERATOR, Role.KASI}:
        return DutyAccess.READ
    return DutyAccess.NONE


def may_open_roster(user) -> bool:
    """Whether the user reads some post's roster (`roster_access(user) >= READ`), for the navigation. The same rules
    without the post-leader permission, which only decides READ or WRITE: asking for it loads every permission of the
    user and of their groups, two queries on every portal page a TRC member opens."""
    roles = user_roles(user)
    return Role.KABID in roles or _own_post(user, None) or bool(roles & {Role.KEPALA, Role.OPERATOR, Role.KASI})


def field_log_access(user, team_id: int | None = None) -> DutyAccess:
    """The field log ("buku kegiatan lapangan") of post `team_id` (None: on any post).

    A post's TRC members write their own post's log (and read it); the Kabid and the Kepala read every post's.
    Entries are append-only: writing means adding entries and correction notes, never changing one.
    """
    roles = user_roles(user)
    if _own_post(user, team_id):
        return DutyAccess.WRITE
    if roles & {Role.KABID, Role.KEPALA}:
        return DutyAccess.READ
    return DutyAccess.NONE

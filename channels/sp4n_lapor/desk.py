"""The Operator's SP4N-LAPOR! work in the portal, in either mode (docs/integrations/sp4n-lapor.md, "Manual mode").

- record_tracking_id: a case that came by another channel (or was typed in before) is LAPOR's report too;
- enter_report: a report LAPOR dispositioned to the unit, entered by hand as a complaint on the LAPOR channel kind;
- mark_posted: the Operator pasted a follow-up into LAPOR's admin (manual mode): who and when, once.

Every path writes the same LaporReport fields and deadlines as the pull does (mapping.follow_up_due), and the pushes
that follow go through the adapter of the mode (pushes.py). The holiday calendar's changes move the deadlines not
met yet (recount_deadlines).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from channels.sp4n_lapor.client import FINAL, Disposition, Push
from channels.sp4n_lapor.mapping import KINDS_FOR_TYPE, description_for, follow_up_due
from channels.sp4n_lapor.models import LaporFollowUp, LaporReport, LaporReportType
from channels.sp4n_lapor.pushes import catch_up
from channels.sp4n_lapor.transport import record_push
from complaints.errors import ActionNotAllowed, InputError, WorkflowError
from complaints.models import Category, ChannelKind, Complaint, ComplaintKind, District, Holiday
from complaints.services.events import record_event
from complaints.services.intake import ComplaintInput, ReporterInput, submit_complaint
from complaints.services.transitions import perform_action
from complaints.workflow import Field, Outcome, Status
from roles.policy import may_enter_lapor_reports, may_work_lapor
from roles.principals import acting_role, user_roles
from roles.roles import Role
from roles.setup import system_user

# LAPOR's tracking ids are numbers (its pages show them as "#1916449"); what the Operator pastes may carry the "#".
TRACKING_ID = re.compile(r"[0-9]{4,20}")
LAPOR_ROLES = frozenset({Role.OPERATOR, Role.KEPALA})


def clean_tracking_id(value: str) -> str:
    """The tracking id's digits ("#1916449 " -> "1916449"), or InputError."""
    cleaned = (value or "").strip().removeprefix("#").strip()
    if not TRACKING_ID.fullmatch(cleaned):
        raise InputError({"tracking_id": [_("ID pelacakan LAPOR berupa angka saja (4–20 digit), mis. 1916449.")]})
    return cleaned


def _checked_disposed_at(disposed_at: datetime) -> datetime:
    if disposed_at > timezone.now():
        raise InputError({"disposed_at": [_("Waktu disposisi LAPOR tidak boleh di masa depan.")]})
    return disposed_at


def _taken(tracking_id: str) -> InputError:
    other = LaporReport.objects.filter(tracking_id=tracking_id).select_related("complaint").first()
    code = other.complaint.code if other is not None else "?"
    return InputError({"tracking_id": [_("ID LAPOR %(id)s sudah tercatat pada aduan %(code)s.") % {"id": tracking_id, "code": code}]})


def _linked_event(complaint: Complaint, report: LaporReport, user) -> None:
    record_event(
        complaint, actor=user, role=acting_role(user, LAPOR_ROLES) or "", action="lapor_linked", from_status=complaint.status,
        payload={"tracking_id": report.tracking_id, "disposed_at": report.disposed_at.isoformat(),
                 "follow_up_due_at": report.follow_up_due_at.isoformat()},
    )


def record_tracking_id(*, user, complaint: Complaint, tracking_id: str, disposed_at: datetime) -> LaporReport:
    """The case is LAPOR's report `tracking_id`, dispositioned to the unit at `disposed_at` (LAPOR's deadline counts
    from then). One LAPOR id per case and one case per LAPOR id. LAPOR's reporter is brought up to date at once
    (pushes.catch_up), through the mode's adapter."""
    if not may_work_lapor(user):
        raise ActionNotAllowed(_("Peran Anda tidak dapat mencatat ID LAPOR."))
    tracking_id = clean_tracking_id(tracking_id)
    _checked_disposed_at(disposed_at)
    try:
        with transaction.atomic():
            complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
            existing = LaporReport.objects.filter(complaint=complaint).first()
            if existing is not None:
                raise InputError({"tracking_id": [_("Aduan ini sudah tercatat dengan ID LAPOR %(id)s.") % {"id": existing.tracking_id}]})
            if LaporReport.objects.filter(tracking_id=tracking_id).exists():
                raise _taken(tracking_id)
            information = complaint.kind == ComplaintKind.INFORMATION
            report = LaporReport.objects.create(
                complaint=complaint, tracking_id=tracking_id,
                report_type=LaporReportType.INFORMATION if information else LaporReportType.COMPLAINT,
                is_anonymous=complaint.is_anonymous, is_secret=complaint.is_confidential,
                disposed_at=disposed_at, follow_up_due_at=follow_up_due(disposed_at),
            )
            _linked_event(complaint, report, user)
            catch_up(report, complaint, user=user)
    except IntegrityError:
        # A concurrent request recorded the same id (or this case's) first.
        raise _taken(tracking_id) from None
    return report


@dataclass
class ManualReport:
    """A LAPOR report as the Operator reads it in LAPOR's admin."""

    tracking_id: str
    report_type: str
    content: str
    category: Category
    district: District
    disposed_at: datetime
    title: str = ""
    address: str = ""
    is_anonymous: bool = False
    is_secret: bool = False
    reporter_name: str = ""
    reporter_phone: str = ""


def enter_report(*, user, data: ManualReport) -> Complaint:
    """A complaint from a LAPOR report entered by hand: on the LAPOR channel kind, with LAPOR's tracking id as its
    external reference and the same LaporReport as the pull writes. It starts in `submitted`, like a pulled one."""
    if not may_enter_lapor_reports(user):
        raise ActionNotAllowed(_("Peran Anda tidak dapat mencatat laporan LAPOR."))
    tracking_id = clean_tracking_id(data.tracking_id)
    _checked_disposed_at(data.disposed_at)
    if data.category.kind not in KINDS_FOR_TYPE.get(data.report_type, ()):
        raise InputError({"category": [_("Kategori ini tidak cocok dengan jenis laporan LAPOR yang dipilih.")]})
    if LaporReport.objects.filter(tracking_id=tracking_id).exists():
        raise _taken(tracking_id)
    item = Disposition(
        tracking_id=tracking_id, title=data.title.strip(), content=data.content.strip(), category="",
        report_type=data.report_type, is_anonymous=data.is_anonymous, is_secret=data.is_secret,
        reporter_name=data.reporter_name, reporter_phone=data.reporter_phone, address=data.address, kecamatan=data.district.name,
        latitude=None, longitude=None, incident_at=None, submitted_at=None, disposed_at=data.disposed_at,
    )
    reporter = ReporterInput() if data.is_anonymous else ReporterInput(name=data.reporter_name, phone=data.reporter_phone)
    try:
        with transaction.atomic():
            complaint = submit_complaint(user=user, data=ComplaintInput(
                category=data.category, description=description_for(item), district=data.district, address=data.address,
                anonymous=data.is_anonymous, confidential=data.is_secret, reporter=reporter,
                channel_kind=ChannelKind.SP4N_LAPOR, external_ref=tracking_id,
            )).complaint
            report = LaporReport.objects.create(
                complaint=complaint, tracking_id=tracking_id, report_type=data.report_type, is_anonymous=data.is_anonymous,
                is_secret=data.is_secret, title=item.title, lapor_kecamatan=data.district.name,
                disposed_at=data.disposed_at, follow_up_due_at=follow_up_due(data.disposed_at),
            )
            _linked_event(complaint, report, user)
    except IntegrityError:
        raise _taken(tracking_id) from None
    return complaint


@dataclass(frozen=True)
class Posted:
    follow_up: LaporFollowUp
    now: bool  # False: someone had already recorded it (the row says who and when)


def mark_posted(*, user, follow_up_id: int) -> Posted:
    """The Operator posted this follow-up in LAPOR's admin: recorded once, with who and when, and LAPOR's side of the
    case updated as when the API accepts a push (transport.record_push). A final status that tells the reporter the
    outcome ends SOP step 8 (`informed`), as a delivered one does in the API mode (channels.services)."""
    if not may_work_lapor(user):
        raise ActionNotAllowed(_("Peran Anda tidak dapat mencatat tindak lanjut LAPOR."))
    with transaction.atomic():
        row = LaporFollowUp.objects.select_for_update().select_related("report__complaint").get(pk=follow_up_id)
        if row.posted_at is not None:
            return Posted(_with_poster(row), now=False)
        row.posted_at, row.posted_by = timezone.now(), user
        row.save(update_fields=["posted_at", "posted_by"])
        push = Push.from_payload(row.payload)
        record_push(push, at=row.posted_at)
        complaint = row.report.complaint
        record_event(
            complaint, actor=user, role=acting_role(user, LAPOR_ROLES) or "", action="lapor_posted", from_status=complaint.status,
            payload={"tracking_id": row.report.tracking_id, "kind": row.kind, "follow_up": row.pk},
        )
        if row.kind == FINAL and push.result not in (Outcome.RETURNED, Outcome.REFERRED):
            _reporter_told(complaint, user)
    return Posted(row, now=True)


def _with_poster(row: LaporFollowUp) -> LaporFollowUp:
    return LaporFollowUp.objects.select_related("report__complaint", "posted_by").get(pk=row.pk)


def _reporter_told(complaint: Complaint, user) -> None:
    if complaint.status != Status.NOTIFICATION:
        return
    # The Operator records it as themselves; anyone else who posts (the Kepala) through the system account, as a
    # delivery the system observed.
    actor = user if Role.OPERATOR in user_roles(user) else system_user()
    name = user.get_full_name() or user.get_username()
    note = _("Hasil penanganan diposting ke SP4N-LAPOR! oleh %(name)s.") % {"name": name}
    # Someone may have marked it informed meanwhile; then there is nothing left to record.
    with contextlib.suppress(WorkflowError):
        perform_action(user=actor, complaint_id=complaint.pk, action="informed", data={Field.NOTE: note})


def posting_hint(row: LaporFollowUp) -> str:
    """What to choose in LAPOR's admin beside the text: the status the API mode would send (client.FINAL_STATUS)."""
    push = Push.from_payload(row.payload)
    if push.kind != FINAL:
        return _("status di LAPOR: diproses")
    if push.result == Outcome.REFERRED:
        return _("status di LAPOR: bukan wewenang; instansi yang berwenang: %(agency)s") % {"agency": push.agency or "-"}
    label = Outcome(push.result).label if push.result in Outcome.values else push.result
    hint = _("status di LAPOR: selesai (%(result)s)") % {"result": label}
    if push.reason:
        hint += "; " + _("alasan: %(reason)s") % {"reason": push.reason}
    return hint


def recount_deadlines() -> int:
    """LAPOR's follow-up deadlines not met yet, counted again with the holiday calendar as it is now (and the rows on
    the Operator's list that carry them). The number of reports whose deadline moved."""
    moved = 0
    for report in LaporReport.objects.filter(followed_up_at__isnull=True).only("pk", "disposed_at", "follow_up_due_at"):
        due = follow_up_due(report.disposed_at)
        if due != report.follow_up_due_at:
            LaporFollowUp.objects.filter(report=report, posted_at__isnull=True, due_at=report.follow_up_due_at).update(due_at=due)
            LaporReport.objects.filter(pk=report.pk).update(follow_up_due_at=due)
            moved += 1
    return moved


@receiver([post_save, post_delete], sender=Holiday, dispatch_uid="sp4n-lapor-holidays")
def on_holiday_changed(sender, **kwargs) -> None:
    recount_deadlines()

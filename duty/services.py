"""The only writers of the duty roster and the field log. Each checks the policy, validates, and writes in one
transaction; bad input raises InputError (field -> messages) and nothing is half-written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from complaints.errors import ActionNotAllowed, InputError
from complaints.models import Complaint, District, Team, Village
from complaints.services.attachments import check_file_count, checked_content_type
from duty.models import (
    DutyType,
    FieldLogCorrection,
    FieldLogEntry,
    FieldLogKind,
    FieldLogPhoto,
    RosterEntry,
    Shift,
)
from roles.policy import DutyAccess, field_log_access, roster_access, visible_complaints

# A log entry is written after the fact; a few minutes of clock skew between a phone and the server are fine.
FUTURE_TOLERANCE = timedelta(minutes=10)
# Longer activities (a three-day festival) are written one entry per day, so each day's log reads on its own.
MAX_ACTIVITY = timedelta(hours=24)


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()


def _member_of(team: Team, user) -> bool:
    return team.group.user_set.filter(pk=user.pk, is_active=True).exists()


def _require(access: DutyAccess, message: str) -> None:
    if access < DutyAccess.WRITE:
        raise ActionNotAllowed(message)


# --- roster -------------------------------------------------------------------------------------------------


def add_roster_entry(
    *, user, team: Team, member, day: date, shift: Shift, duty_type: str, note: str = "",
) -> RosterEntry:
    """Put `member` on duty at `team` on `day`, `shift`. One shift per member per date, at any post."""
    _require(roster_access(user, team.pk), _("Anda tidak dapat mengubah jadwal piket pos ini."))
    errors: dict[str, list[str]] = {}
    if not _member_of(team, member):
        errors["member"] = [_("%(name)s bukan anggota %(team)s.") % {"name": display_name(member), "team": team.name}]
    if not shift.is_active:
        errors["shift"] = [_("Shift ini tidak aktif lagi.")]
    if duty_type not in DutyType.values:
        errors["duty_type"] = [_("Jenis tugas tidak dikenal.")]
    if errors:
        raise InputError(errors)
    clash = RosterEntry.objects.filter(member=member, date=day, shift=shift).select_related("team").first()
    if clash is not None:
        raise InputError({"member": [_double_booked(member, day, shift, clash.team)]})
    try:
        with transaction.atomic():
            return RosterEntry.objects.create(
                team=team, member=member, date=day, shift=shift, duty_type=duty_type, note=note.strip()[:200],
                created_by=user,
            )
    except IntegrityError:
        # Someone rostered the same member in the same moment: the constraint decides, the message stays the same.
        raise InputError({"member": [_double_booked(member, day, shift, None)]}) from None


def _double_booked(member, day: date, shift: Shift, team: Team | None) -> str:
    values = {"name": display_name(member), "day": formats.date_format(day, "l, j F Y"), "shift": shift.name}
    if team is None:
        return _("%(name)s sudah dijadwalkan pada %(day)s, shift %(shift)s.") % values
    return _("%(name)s sudah dijadwalkan pada %(day)s, shift %(shift)s, di %(team)s.") % {**values, "team": team.name}


def remove_roster_entry(*, user, entry: RosterEntry) -> None:
    _require(roster_access(user, entry.team_id), _("Anda tidak dapat mengubah jadwal piket pos ini."))
    entry.delete()


@dataclass(frozen=True)
class CopyResult:
    copied: int
    skipped: list[str] = field(default_factory=list)  # why each entry of last week was left out


def copy_previous_week(*, user, team: Team, monday: date) -> CopyResult:
    """Repeat last week's roster of `team` in the week starting `monday`: the usual way a post's roster is made.

    Entries that would double-book a member, or name someone who left the post, are skipped and reported.
    """
    _require(roster_access(user, team.pk), _("Anda tidak dapat mengubah jadwal piket pos ini."))
    previous = (
        RosterEntry.objects.filter(team=team, date__gte=monday - timedelta(days=7), date__lt=monday, shift__is_active=True)
        .select_related("member", "shift")
        .order_by("date", "shift__order", "pk")
    )
    members = set(team.group.user_set.filter(is_active=True).values_list("pk", flat=True))
    copied, skipped = 0, []
    with transaction.atomic():
        for old in previous:
            day = old.date + timedelta(days=7)
            if old.member_id not in members:
                skipped.append(_("%(name)s bukan anggota pos lagi.") % {"name": display_name(old.member)})
                continue
            if RosterEntry.objects.filter(member_id=old.member_id, date=day, shift=old.shift).exists():
                skipped.append(_double_booked(old.member, day, old.shift, None))
                continue
            RosterEntry.objects.create(
                team=team, member=old.member, date=day, shift=old.shift, duty_type=old.duty_type, note=old.note,
                created_by=user,
            )
            copied += 1
    return CopyResult(copied, skipped)


# --- field log ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldLogInput:
    team: Team
    kind: str
    started_at: datetime
    ended_at: datetime
    district: District
    summary: str
    participants: Sequence = ()
    village: Village | None = None
    place: str = ""
    actions_taken: str = ""
    complaint_code: str = ""


def record_field_log(*, user, data: FieldLogInput, uploads: Sequence[UploadedFile] = (), now: datetime | None = None) -> FieldLogEntry:
    """Add an entry to a post's field log (with its photos), written by a member of that post."""
    _require(field_log_access(user, data.team.pk), _("Anda hanya dapat mencatat kegiatan pos Anda sendiri."))
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if data.kind not in FieldLogKind.values:
        errors["kind"] = [_("Jenis kegiatan tidak dikenal.")]
    if data.ended_at <= data.started_at:
        errors["ended_at"] = [_("Waktu selesai harus sesudah waktu mulai.")]
    elif data.ended_at - data.started_at > MAX_ACTIVITY:
        errors["ended_at"] = [_("Satu catatan paling lama 24 jam; catat kegiatan yang lebih lama per hari.")]
    if data.ended_at > now + FUTURE_TOLERANCE:
        errors.setdefault("ended_at", []).append(_("Waktu selesai belum terjadi; catat kegiatan sesudah selesai."))
    if data.village is not None and data.village.district_id != data.district.pk:
        errors["village"] = [_("Desa/kelurahan ini tidak berada di kecamatan yang dipilih.")]
    if not data.summary.strip():
        errors["summary"] = [_("Tulis uraian kegiatan.")]
    participant_problems = _participant_problems(data.team, data.participants)
    if participant_problems:
        errors["participants"] = participant_problems
    complaint = None
    code = data.complaint_code.strip().upper()
    if code:
        complaint = visible_complaints(user, Complaint.objects.filter(code=code)).first()
        if complaint is None:
            errors["complaint_code"] = [
                _("Aduan dengan kode %(code)s tidak ditemukan atau tidak dapat Anda lihat.") % {"code": code}
            ]
    try:
        check_file_count(uploads)
    except InputError as error:
        errors["photos"] = error.errors["file"]
    if errors:
        raise InputError(errors)
    # Every file is checked before anything is written: all or nothing (a 413 for a file that is too large).
    checked = [(upload, checked_content_type(upload)) for upload in uploads]
    with transaction.atomic():
        entry = FieldLogEntry.objects.create(
            team=data.team, kind=data.kind, started_at=data.started_at, ended_at=data.ended_at, district=data.district,
            village=data.village, place=data.place.strip(), summary=data.summary.strip(),
            actions_taken=data.actions_taken.strip(), complaint=complaint, recorded_by=user, created_at=now,
        )
        entry.participants.set(data.participants)
        for upload, content_type in checked:
            photo = FieldLogPhoto(
                entry=entry, content_type=content_type, size=upload.size, original_name=(upload.name or "")[:200],
                uploaded_by=user, created_at=now,
            )
            photo.file.save("upload", upload, save=False)
            photo.save()
    return entry


def _participant_problems(team: Team, participants: Sequence) -> list[str]:
    if not participants:
        return [_("Pilih sedikitnya satu petugas yang ikut.")]
    User = get_user_model()
    members = set(team.group.user_set.filter(is_active=True).values_list("pk", flat=True))
    outsiders = [user for user in participants if user.pk not in members]
    if not outsiders:
        return []
    names = ", ".join(display_name(user) for user in User.objects.filter(pk__in=[u.pk for u in outsiders]))
    return [_("Bukan anggota %(team)s: %(names)s.") % {"team": team.name, "names": names}]


def add_log_correction(*, user, entry: FieldLogEntry, text: str) -> FieldLogCorrection:
    """A correction note on an entry: the entry itself is never changed, so what was first written stays readable."""
    _require(field_log_access(user, entry.team_id), _("Hanya anggota pos ini yang dapat menambah koreksi."))
    text = text.strip()
    if not text:
        raise InputError({"text": [_("Tulis koreksinya.")]})
    return FieldLogCorrection.objects.create(entry=entry, text=text, author=user)

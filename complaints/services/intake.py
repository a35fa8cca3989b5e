"""Creating complaints: from a staff member (walk-in, a channel read by hand) or an authenticated channel."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.errors import ActionNotAllowed, IdempotencyKeyReused, InputError
from complaints.models import AttachmentKind, Category, Channel, ChannelKind, Complaint, District, Reporter, Village
from complaints.models.channel import program_for_kind
from complaints.services.attachments import check_file_count, checked_content_type, store_attachments
from complaints.services.events import record_event
from complaints.services.transitions import enter_status
from complaints.signals import complaint_submitted
from complaints.workflow import Status
from roles.masking import IDENTIFYING_FIELDS, SENT_FIELDS_KEY
from roles.policy import may_create_complaints
from roles.principals import acting_role, is_channel
from roles.roles import Role


@dataclass
class ReporterInput:
    name: str = ""
    phone: str = ""
    nik: str = ""
    address: str = ""
    allow_field_contact: bool = False

    def is_empty(self) -> bool:
        return not (self.name or self.phone or self.nik or self.address)


@dataclass
class ComplaintInput:
    category: Category
    description: str
    district: District
    village: Village | None = None
    address: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    incident_at: datetime | None = None
    anonymous: bool = False
    confidential: bool = False
    reporter: ReporterInput = field(default_factory=ReporterInput)
    channel_kind: str = ChannelKind.WALK_IN
    external_ref: str = ""
    # The request body's fingerprint (api/idempotency.py), when a channel's request may be retried under its key.
    fingerprint: str = ""


@dataclass(frozen=True)
class IntakeResult:
    complaint: Complaint
    created: bool


def submit_complaint(*, user, data: ComplaintInput, uploads: Sequence[UploadedFile] = ()) -> IntakeResult:
    """Record a new complaint in `submitted`, with the reporter's evidence files.

    Idempotent per (channel, external_ref): the same key again answers with the complaint it made, unless the
    request's fingerprint differs from the first one's (IdempotencyKeyReused, 422). Every file is checked before
    anything is written.
    """
    if not may_create_complaints(user):
        raise ActionNotAllowed(_("Peran Anda tidak dapat mencatat aduan."))
    _validate(data)
    check_file_count(uploads)
    for upload in uploads:
        checked_content_type(upload)
    channel: Channel | None = user.channel if is_channel(user) else None
    channel_kind = channel.kind if channel else data.channel_kind
    if channel and data.external_ref:
        existing = Complaint.objects.filter(channel=channel, external_ref=data.external_ref).first()
        if existing is not None:
            return _replayed(existing, data)
    try:
        with transaction.atomic():
            complaint = _create(user, channel, channel_kind, data)
            if uploads:  # (without files, its own atomic block would cost a savepoint for nothing)
                store_attachments(user=user, complaint=complaint, uploads=uploads, kind=AttachmentKind.EVIDENCE)
            complaint_submitted.send(sender=Complaint, complaint=complaint, user=user)
    except IntegrityError:
        # A concurrent retry of the same message won the race: answer with its complaint.
        existing = Complaint.objects.filter(channel=channel, external_ref=data.external_ref).first()
        if channel is None or not data.external_ref or existing is None:
            raise
        return _replayed(existing, data)
    return IntakeResult(complaint, created=True)


def _replayed(existing: Complaint, data: ComplaintInput) -> IntakeResult:
    """The key was seen: a retry gets the first complaint; another request under the same key stores nothing."""
    if data.fingerprint and existing.intake_fingerprint and data.fingerprint != existing.intake_fingerprint:
        raise IdempotencyKeyReused()
    return IntakeResult(existing, created=False)


def _validate(data: ComplaintInput) -> None:
    errors: dict[str, list[str]] = {}
    if not data.category.is_active:
        errors["category"] = [_("Kategori ini tidak aktif.")]
    if data.village is not None and data.village.district_id != data.district.pk:
        errors["village"] = [_("Desa tidak berada di kecamatan yang dipilih.")]
    if (data.latitude is None) != (data.longitude is None):
        errors["latitude"] = [_("Isi lintang dan bujur bersama-sama.")]
    if data.anonymous and not data.reporter.is_empty():
        errors["anonymous"] = [_("Aduan anonim tidak boleh berisi data pelapor.")]
    if not data.description.strip():
        errors["description"] = [_("Uraian aduan wajib diisi.")]
    if errors:
        raise InputError(errors)


def _create(user, channel: Channel | None, channel_kind: str, data: ComplaintInput) -> Complaint:
    now = timezone.now()
    reporter = None
    if not data.anonymous and not data.reporter.is_empty():
        reporter = Reporter.objects.create(**vars(data.reporter))
    complaint = Complaint(
        kind=data.category.kind, category=data.category, description=data.description.strip(),
        district=data.district, village=data.village, address=data.address,
        latitude=data.latitude, longitude=data.longitude, incident_at=data.incident_at,
        channel=channel, channel_kind=channel_kind, external_ref=data.external_ref,
        intake_fingerprint=data.fingerprint if channel and data.external_ref else "",
        program=program_for_kind(channel_kind), reporter=reporter, is_anonymous=data.anonymous,
        is_confidential=data.confidential, created_by=None if channel else user, created_at=now,
    )
    enter_status(complaint, Status.SUBMITTED, now)
    complaint.save()
    role = "" if channel else (acting_role(user, frozenset({Role.OPERATOR, Role.TRC})) or "")
    payload = {"channel_kind": channel_kind, "anonymous": data.anonymous, "confidential": data.confidential}
    if reporter is not None:
        # Which fields came in, never their values: a channel is later shown only these (roles.masking).
        payload[SENT_FIELDS_KEY] = [name for name in IDENTIFYING_FIELDS if getattr(reporter, name)]
    record_event(complaint, actor=user, role=role, action="submit", from_status="", at=now, payload=payload)
    return complaint

"""Attachments: type checked by content (not by name), size limited, stored under a random name."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from complaints.errors import ActionNotAllowed, InputError
from complaints.models import Attachment, AttachmentKind, Complaint
from complaints.services.events import record_event
from complaints.workflow import Status
from roles.policy import SEES_EVERYTHING
from roles.principals import acting_role, is_channel, user_roles
from roles.roles import Role

IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
ALLOWED_DESCRIPTION = "JPEG, PNG, WebP, PDF"


class FileTooLarge(InputError):
    status = 413
    code = "file_too_large"


def sniff_content_type(upload: UploadedFile) -> str | None:
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return "application/pdf"
    try:
        with Image.open(upload) as image:
            image.verify()
            detected = IMAGE_TYPES.get(image.format or "")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        detected = None
    upload.seek(0)
    return detected


def attachment_kind_for(user, complaint: Complaint) -> str:
    """Field teams add field photos while they own the case; intake roles add the reporter's evidence."""
    roles = user_roles(user)
    if Role.TRC in roles and complaint.status in (Status.FIELD_CHECK, Status.DISPATCH, Status.REPORTING):
        return AttachmentKind.FIELD_PHOTO
    if is_channel(user) or roles & SEES_EVERYTHING:
        return AttachmentKind.EVIDENCE
    raise ActionNotAllowed(_("Peran Anda tidak dapat menambah lampiran pada aduan ini sekarang."))


def checked_content_type(upload: UploadedFile) -> str:
    """The upload's real type, or the InputError (413 when too large) that refuses it."""
    limit = settings.TRECKK_MAX_ATTACHMENT_BYTES
    if upload.size > limit:
        message = _("Berkas %(name)s terlalu besar (maksimal %(mb)s MB).")
        raise FileTooLarge({"file": [message % {"name": upload.name or "", "mb": limit // (1024 * 1024)}]})
    content_type = sniff_content_type(upload)
    if content_type is None:
        message = _("Jenis berkas %(name)s tidak didukung. Gunakan %(types)s.")
        raise InputError({"file": [message % {"name": upload.name or "", "types": ALLOWED_DESCRIPTION}]})
    return content_type


def store_attachments(*, user, complaint: Complaint, uploads: Sequence[UploadedFile], kind: str) -> list[Attachment]:
    """Check every file first, then store all of them in one transaction: all or none."""
    checked = [(upload, checked_content_type(upload)) for upload in uploads]
    stored = []
    with transaction.atomic():
        for upload, content_type in checked:
            attachment = Attachment(
                complaint=complaint, kind=kind, content_type=content_type, size=upload.size,
                original_name=(upload.name or "")[:200], uploaded_by=None if is_channel(user) else user,
            )
            attachment.file.save("upload", upload, save=False)
            attachment.save()
            record_event(
                complaint, actor=user, role=acting_role(user, frozenset(Role)) or "", action="attach",
                from_status=complaint.status, payload={"attachment": attachment.pk, "kind": kind},
            )
            stored.append(attachment)
    return stored


def add_attachments(*, user, complaint: Complaint, uploads: Sequence[UploadedFile]) -> list[Attachment]:
    if complaint.status == Status.CLOSED:
        raise ActionNotAllowed(_("Aduan sudah selesai; lampiran tidak dapat ditambah."))
    if not uploads:
        raise InputError({"file": [_("Pilih sedikitnya satu berkas.")]})
    kind = attachment_kind_for(user, complaint)
    return store_attachments(user=user, complaint=complaint, uploads=uploads, kind=kind)


def add_attachment(*, user, complaint: Complaint, upload: UploadedFile) -> Attachment:
    return add_attachments(user=user, complaint=complaint, uploads=[upload])[0]

"""Attachments: type checked by content (not by name), size limited, images re-encoded without their metadata,
stored under a random name.

Every photo is decoded and written again by Pillow (`clean_image`): what leaves is the picture, turned upright by
its EXIF orientation, and nothing else (no EXIF, XMP, comments, or bytes appended after the image, where a file
can hide another file). Reporter evidence loses all its metadata: a phone writes the GPS position of where the
photo was taken, often the reporter's home, and field teams open the evidence; the complaint has its own location
fields for where the incident is. A field team's own photos (`FIELD_PHOTO`) keep their GPS position and the time
taken: they are the team's proof of being on the scene, shown to their superiors, and locate no citizen.
PDFs are kept as they are (checked for a PDF header and trailer): rewriting them is beyond Pillow.

Decoding stays within TRECKK_IMAGE_MAX_DECODED_BYTES (common/images.py): an image whose decoded size is over it
is refused from its header, before any pixel is read, and a large JPEG is decoded (and kept) at a reduced scale. No
request brings more than TRECKK_MAX_FILES_PER_REQUEST files (`check_file_count`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence

from django.conf import settings
from django.core.files.base import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps

from common import images
from complaints.errors import ActionNotAllowed, InputError
from complaints.models import Attachment, AttachmentKind, Complaint
from complaints.services.events import record_event
from complaints.workflow import TEAM_HOLDS, Status
from roles.policy import SEES_EVERYTHING
from roles.principals import acting_role, is_channel, user_roles
from roles.roles import Role

IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
ALLOWED_DESCRIPTION = "JPEG, PNG, WebP, PDF"
# A PDF reader looks for the end-of-file marker within the last kilobyte; a file without one is no PDF.
PDF_TRAILER_WINDOW = 1024
# Pillow's decoders refuse some files only while decoding.
IMAGE_ERRORS = (images.NotAnImage, *images.DECODE_ERRORS)
# What a field photo keeps: where and when it was taken.
GPS_IFD = ExifTags.IFD.GPSInfo
EXIF_IFD = ExifTags.IFD.Exif
KEPT_EXIF_TAGS = (ExifTags.Base.DateTimeOriginal, ExifTags.Base.OffsetTimeOriginal)
JPEG_QUALITY = 90


class FileTooLarge(InputError):
    status = 413
    code = "file_too_large"


class ImageTooLargeError(InputError):
    """An image whose decoding would not fit the memory budget: 400 `invalid_input` on `file`, like any bad file."""


def image_too_large(name: str, error: images.ImageTooLarge) -> ImageTooLargeError:
    if isinstance(error, images.TooManyPixels):
        message = _("Gambar %(name)s terlalu besar (maksimal %(mp)s megapiksel).") % {
            "name": name, "mp": settings.TRECKK_MAX_IMAGE_PIXELS // 1_000_000,
        }
    elif error.size:
        message = _(
            "Gambar %(name)s terlalu besar untuk diolah (%(width)s × %(height)s piksel). Kirim foto dengan resolusi lebih kecil."
        ) % {"name": name, "width": error.size[0], "height": error.size[1]}
    else:
        message = _("Gambar %(name)s terlalu besar untuk diolah. Kirim foto dengan resolusi lebih kecil.") % {"name": name}
    return ImageTooLargeError({"file": [message]})


def check_file_count(uploads: Sequence, *, limit: int | None = None) -> None:
    """At most TRECKK_MAX_FILES_PER_REQUEST files (or `limit`) in one request: each is decoded in turn."""
    limit = settings.TRECKK_MAX_FILES_PER_REQUEST if limit is None else limit
    if len(uploads) > limit:
        raise InputError({"file": [_("Paling banyak %(max)s berkas.") % {"max": limit}]})


def _is_pdf(upload: UploadedFile) -> bool:
    upload.seek(0)
    head = upload.read(5)
    upload.seek(max(0, (upload.size or 0) - PDF_TRAILER_WINDOW))
    tail = upload.read()
    upload.seek(0)
    return head == b"%PDF-" and b"%%EOF" in tail


def sniff_content_type(upload: UploadedFile) -> str | None:
    """The upload's real type, or None when it is none we take. An image is read as far as its header (and a PNG's
    checksums), never decoded; images.ImageTooLarge when decoding it would not fit the budget at any scale."""
    if _is_pdf(upload):
        return "application/pdf"
    try:
        with images.open_header(upload) as image:
            images.decoding_scale(image, copies=2 if images.may_need_turning(image) else 1)
            image.verify()
            detected = IMAGE_TYPES.get(image.format or "")
    except IMAGE_ERRORS:
        detected = None
    finally:
        upload.seek(0)
    return detected


def _kept_exif(source: Image.Image) -> Image.Exif:
    """A new EXIF block with only the GPS position and the time taken of `source`."""
    original = source.getexif()
    kept = Image.Exif()
    gps = dict(original.get_ifd(GPS_IFD))
    if gps:
        kept.get_ifd(GPS_IFD).update(gps)
    taken = {tag: value for tag, value in original.get_ifd(EXIF_IFD).items() if tag in KEPT_EXIF_TAGS}
    if taken:
        kept.get_ifd(EXIF_IFD).update(taken)
    return kept


def clean_image(upload: UploadedFile, *, keep_location: bool = False) -> File:
    """The image decoded and encoded again in its own format, upright, with no metadata but (for field photos)
    its GPS position and time taken. Refuses (InputError) what does not decode or does not fit the decoding budget;
    a JPEG too large to decode whole is decoded, and kept, at 1/2, 1/4 or 1/8 of its size."""
    name = upload.name or ""
    upload.seek(0)
    # Spooled to disk beyond FILE_UPLOAD_MAX_MEMORY_SIZE, as Django spools uploads: a re-encoded PNG can be larger
    # than the upload, and a request holds all its files until they are stored together (then closed by the caller).
    output = tempfile.SpooledTemporaryFile(  # noqa: SIM115
        max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, dir=settings.FILE_UPLOAD_TEMP_DIR,
    )
    try:
        with images.open_header(upload) as image:
            turning = images.may_need_turning(image)
            images.prepare_decoding(image, copies=2 if turning else 1)
            image.load()  # only the first frame of an animated image
            image_format = image.format or "PNG"
            upright = image.getexif().get(ExifTags.Base.Orientation, 1) in (None, 1)
            if not upright and not turning:
                images.turning_fits(image)  # a PNG whose orientation came after its pixels
            exif = _kept_exif(image) if keep_location else Image.Exif()
            icc_profile = image.info.get("icc_profile")
            transparency = image.info.get("transparency")
            target = image if upright else ImageOps.exif_transpose(image)
            # Only what the encoder needs comes along: no comment, XMP or text chunk of the original.
            target.info = {} if transparency is None else {"transparency": transparency}
            options: dict = {"exif": exif.tobytes() if exif.get_ifd(GPS_IFD) or exif.get_ifd(EXIF_IFD) else b""}
            if icc_profile:
                options["icc_profile"] = icc_profile
            if image_format == "JPEG":
                # Unrotated, the original's quantization keeps its quality and size as they were.
                options.update({"quality": "keep", "subsampling": "keep"} if upright else {"quality": JPEG_QUALITY})
            elif image_format == "WEBP":
                options["quality"] = JPEG_QUALITY
            target.save(output, format=image_format, **options)
    except images.ImageTooLarge as error:
        output.close()
        raise image_too_large(name, error) from None
    except IMAGE_ERRORS:
        output.close()
        message = _("Jenis berkas %(name)s tidak didukung. Gunakan %(types)s.")
        raise InputError({"file": [message % {"name": name, "types": ALLOWED_DESCRIPTION}]}) from None
    finally:
        upload.seek(0)
    cleaned = File(output, name="upload")
    cleaned.size = output.tell()
    output.seek(0)
    return cleaned


def attachment_kind_for(user, complaint: Complaint) -> str:
    """Field teams add field photos while they own the case; intake roles add the reporter's evidence."""
    roles = user_roles(user)
    if Role.TRC in roles and complaint.status in TEAM_HOLDS:
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
    try:
        content_type = sniff_content_type(upload)
    except images.ImageTooLarge as error:
        raise image_too_large(upload.name or "", error) from None
    if content_type is None:
        message = _("Jenis berkas %(name)s tidak didukung. Gunakan %(types)s.")
        raise InputError({"file": [message % {"name": upload.name or "", "types": ALLOWED_DESCRIPTION}]})
    return content_type


def stored_content(upload: UploadedFile, content_type: str, *, keep_location: bool) -> UploadedFile | File:
    """What is written to storage: an image re-encoded without its metadata (clean_image), a PDF as it came."""
    if content_type in IMAGE_TYPES.values():
        return clean_image(upload, keep_location=keep_location)
    return upload


def store_attachments(*, user, complaint: Complaint, uploads: Sequence[UploadedFile], kind: str) -> list[Attachment]:
    """Check every file (all headers first: nothing is decoded when one is refused), clean each, then store all
    of them in one transaction: all or none."""
    check_file_count(uploads)
    keep_location = kind == AttachmentKind.FIELD_PHOTO
    types = [checked_content_type(upload) for upload in uploads]
    checked = []
    try:
        for upload, content_type in zip(uploads, types, strict=True):
            checked.append((upload, content_type, stored_content(upload, content_type, keep_location=keep_location)))
        stored = []
        with transaction.atomic():
            for upload, content_type, content in checked:
                attachment = Attachment(
                    complaint=complaint, kind=kind, content_type=content_type, size=content.size,
                    original_name=(upload.name or "")[:200], uploaded_by=None if is_channel(user) else user,
                )
                # The stored name is attachment_path's random one, whatever the uploader called the file.
                attachment.file.save("upload", content, save=False)
                attachment.save()
                record_event(
                    complaint, actor=user, role=acting_role(user, frozenset(Role)) or "", action="attach",
                    from_status=complaint.status, payload={"attachment": attachment.pk, "kind": kind},
                )
                stored.append(attachment)
    finally:
        for upload, _type, content in checked:
            if content is not upload:
                content.close()  # the re-encoded copies (temporary files)
    return stored


def add_attachments(*, user, complaint: Complaint, uploads: Sequence[UploadedFile]) -> list[Attachment]:
    if complaint.status == Status.CLOSED:
        raise ActionNotAllowed(_("Aduan sudah selesai; lampiran tidak dapat ditambah."))
    if not uploads:
        raise InputError({"file": [_("Pilih sedikitnya satu berkas.")]})
    check_file_count(uploads)
    kind = attachment_kind_for(user, complaint)
    return store_attachments(user=user, complaint=complaint, uploads=uploads, kind=kind)


def add_attachment(*, user, complaint: Complaint, upload: UploadedFile) -> Attachment:
    return add_attachments(user=user, complaint=complaint, uploads=[upload])[0]

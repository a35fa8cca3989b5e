"""Previews of stored images for the portal and the duty log: a small JPEG, so a phone in the field does not download a 10 MB
photo to show one. Case attachments, field-log photos and inbox media all go through here.

A preview is drawn once, on its first view, and kept in the same storage under thumbnails/ (the original's name
plus .jpg); every later view reads that file. Files stored before previews were kept get theirs on their first
view the same way. The views check who may see the original before calling here, so a kept preview is served under
the same rule. Drawing one decodes the original within the image budget (common/images.py), a JPEG at a reduced
scale; an original that does not fit the budget (a file kept before it existed) has no preview.
"""

from __future__ import annotations

from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from PIL import ImageOps

from common import images

THUMBNAIL_SIZE = (320, 320)
# A JPEG is decoded at the largest reduction that still gives twice the preview's size (Pillow's thumbnail()
# reducing gap), which keeps the resized preview sharp.
DECODE_AT_LEAST = (2 * THUMBNAIL_SIZE[0], 2 * THUMBNAIL_SIZE[1])
THUMBNAIL_PREFIX = "thumbnails/"


def thumbnail_name(name: str) -> str:
    """Where the preview of the stored file `name` is kept."""
    return f"{THUMBNAIL_PREFIX}{name}.jpg"


def jpeg_thumbnail_response(storage: Storage, name: str, content_type: str) -> HttpResponse:
    """The 200 image/jpeg preview of the stored file `name`, cached privately for a day.

    Http404 when `content_type` is not an image's, or when the file cannot be opened, decoded, or decoded within
    the budget.
    """
    if not content_type.startswith("image/"):
        raise Http404(_("Lampiran ini bukan gambar."))
    response = HttpResponse(kept_thumbnail(storage, name), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response


def kept_thumbnail(storage: Storage, name: str) -> bytes:
    kept = thumbnail_name(name)
    if storage.exists(kept):
        with storage.open(kept, "rb") as stored:
            return stored.read()
    preview = draw_thumbnail(storage, name)
    saved = storage.save(kept, ContentFile(preview))
    if saved != kept:
        storage.delete(saved)  # another view kept the same preview meanwhile: one copy is enough
    return preview


def draw_thumbnail(storage: Storage, name: str) -> bytes:
    try:
        with storage.open(name, "rb") as stored, images.open_header(stored) as image:
            images.prepare_decoding(image, at_least=DECODE_AT_LEAST)
            image.thumbnail(THUMBNAIL_SIZE)  # decodes, then shrinks in place
            # Turned upright once small: turning the full-size picture would hold a second copy of it.
            preview = ImageOps.exif_transpose(image).convert("RGB")
            buffer = BytesIO()
            preview.save(buffer, "JPEG", quality=80)
    except (images.NotAnImage, images.ImageTooLarge, *images.DECODE_ERRORS):
        raise Http404(_("Gambar tidak dapat dibaca.")) from None
    return buffer.getvalue()

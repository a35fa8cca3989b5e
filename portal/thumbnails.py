"""Previews of stored images for the portal: a small JPEG, so a phone in the field does not download a 10 MB
photo to show one. Case attachments and inbox media both go through here."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from typing import IO

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

THUMBNAIL_SIZE = (320, 320)


def jpeg_thumbnail_response(open_file: Callable[[], IO[bytes]], content_type: str) -> HttpResponse:
    """The 200 image/jpeg preview of the file `open_file` opens (binary), cached privately for a day.

    Http404 when `content_type` is not an image's, or when the file cannot be opened or decoded.
    """
    if not content_type.startswith("image/"):
        raise Http404(_("Lampiran ini bukan gambar."))
    try:
        with open_file() as stored, Image.open(stored) as image:
            preview = ImageOps.exif_transpose(image).convert("RGB")
            preview.thumbnail(THUMBNAIL_SIZE)
            buffer = BytesIO()
            preview.save(buffer, "JPEG", quality=80)
    except (UnidentifiedImageError, OSError):
        raise Http404(_("Gambar tidak dapat dibaca.")) from None
    response = HttpResponse(buffer.getvalue(), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response

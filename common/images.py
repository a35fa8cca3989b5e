"""Decoding a citizen's image within a memory budget: the one place that decides whether, and at which scale, Pillow
may decode an image. Upload checks and re-encoding (complaints/services/attachments.py), previews
(common/thumbnails.py) and messaging media (channels/media_store.py) all open images through here.

A PNG of 400 KB can hold a 7070 x 7070 canvas of 16-bit RGBA: 200 MB once decoded, more than a worker has to spare.
So before any pixel is read, from the header alone (Image.open reads no more), the memory a decode takes is
estimated and compared with TRECKK_IMAGE_MAX_DECODED_BYTES:

- the pixels as Pillow holds them: width x height x `bytes_per_pixel(mode)` (4 for RGB, which Pillow pads to 32
  bits; 1 for L and P; 2 for 16-bit grey), once more when the photo has to be turned upright (a second image);
- a progressive JPEG's DCT coefficients, which libjpeg keeps for the whole image (2 bytes a sample, full size even
  when decoding at a reduced scale);
- a WebP's decoder canvases and encoder picture (libwebp's animation decoder keeps two RGBA canvases, Pillow copies
  the frame out, and re-encoding builds one more picture).

A JPEG that does not fit at full size is decoded at 1/2, 1/4 or 1/8 of its size instead (libjpeg's DCT scaling,
`Image.draft`): a 48 MP phone photo is kept at 12 MP rather than refused. Other formats have no such scaling and are
refused. Only the first frame of an animated PNG or WebP is ever decoded. Pillow's own decompression-bomb guard
(Image.MAX_IMAGE_PIXELS) is a refusal like ours, never an error page.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from django.conf import settings
from PIL import ExifTags, Image, PngImagePlugin, UnidentifiedImageError

# What is accepted as an image; Image.open tries no other decoder (less code facing untrusted bytes).
FORMATS = ("JPEG", "PNG", "WEBP")
# The reduced scales libjpeg decodes at directly, smallest reduction first.
JPEG_SCALES = (1, 2, 4, 8)
# libwebp's animation decoder (Pillow's only WebP reader) holds two RGBA canvases (8 bytes a pixel) while the image
# is open, Pillow copies the frame out of it before its own image (4), and writing a WebP again builds libwebp's own
# picture (up to 6): 18 bytes a pixel besides the image (measured: 16 to decode, 18 to 21 to decode and re-encode).
WEBP_CODEC_BYTES_PER_PIXEL = 18
JPEG_COEFFICIENT_BYTES = 2  # libjpeg's JCOEF
JPEG_BLOCK = 8
# A PNG's text chunks are decompressed while its header is read; Pillow allows 64 MB of them. We drop them anyway.
PngImagePlugin.MAX_TEXT_MEMORY = 4 * PngImagePlugin.MAX_TEXT_CHUNK
# Errors Pillow raises for bytes that are not an image it can read, when opening and when decoding.
DECODE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError)


class NotAnImage(Exception):
    """The bytes are not a JPEG, PNG or WebP image Pillow can read."""


class ImageTooLarge(Exception):
    """Decoding the image would take more memory than the budget allows, at any scale. `size` is (width, height)
    when the header was read (Pillow's own guard refuses before that)."""

    def __init__(self, size: tuple[int, int] | None, needed: int | None = None) -> None:
        self.size = size
        self.needed = needed
        described = f"{size[0]} x {size[1]} pixels" if size else "too many pixels"
        super().__init__(f"image too large to decode: {described}" + (f", {needed} bytes" if needed else ""))


class TooManyPixels(ImageTooLarge):
    """More pixels than TRECKK_MAX_IMAGE_PIXELS, whatever the memory."""


def budget() -> int:
    return int(settings.TRECKK_IMAGE_MAX_DECODED_BYTES)


def bytes_per_pixel(mode: str) -> int:
    """What one pixel of `mode` takes in Pillow's memory (Storage.c): 1 for the one-byte modes, including '1' (a
    byte a pixel, not a bit), 2 for 16-bit integers, and 4 for the rest (RGB is padded to 4 bytes)."""
    if mode in ("1", "L", "P"):
        return 1
    if mode.startswith("I;16"):
        return 2
    return 4


def _jpeg_coefficient_bytes(image: Image.Image) -> int:
    """The DCT coefficients libjpeg keeps for a progressive (multi-scan) JPEG: every component's blocks, padded to
    whole MCUs, 64 coefficients of 2 bytes each. A baseline JPEG is decoded a few lines at a time and keeps none."""
    if not (image.info.get("progressive") or image.info.get("progression")):
        return 0
    layers = getattr(image, "layer", None) or [(0, 1, 1, 0)] * len(image.getbands())
    h_max = max(h for _, h, _, _ in layers) or 1
    v_max = max(v for _, _, v, _ in layers) or 1
    width, height = image.size
    total = 0
    for _, h, v, _ in layers:
        h, v = max(h, 1), max(v, 1)
        blocks_wide = math.ceil(math.ceil(width * h / h_max) / JPEG_BLOCK)
        blocks_high = math.ceil(math.ceil(height * v / v_max) / JPEG_BLOCK)
        total += (math.ceil(blocks_wide / h) * h) * (math.ceil(blocks_high / v) * v)
    return total * JPEG_BLOCK * JPEG_BLOCK * JPEG_COEFFICIENT_BYTES


def decoded_bytes(image: Image.Image, *, scale: int = 1, copies: int = 1) -> int:
    """The memory that decoding `image` (opened, not loaded) at 1/`scale` takes, with `copies` images of that size."""
    width, height = math.ceil(image.width / scale), math.ceil(image.height / scale)
    pixels = width * height
    total = pixels * bytes_per_pixel(image.mode) * copies
    if image.format == "JPEG":
        total += _jpeg_coefficient_bytes(image)
    elif image.format == "WEBP":
        total += pixels * WEBP_CODEC_BYTES_PER_PIXEL
    return total


def check_pixels(image: Image.Image) -> None:
    """TRECKK_MAX_IMAGE_PIXELS: a canvas this large is refused whatever its format (a 200 MP camera, or a bomb)."""
    if image.width * image.height > settings.TRECKK_MAX_IMAGE_PIXELS:
        raise TooManyPixels(image.size)


@contextmanager
def open_header(fp: IO[bytes]) -> Iterator[Image.Image]:
    """The image with only its header read. NotAnImage for anything else than a JPEG, PNG or WebP; ImageTooLarge
    when Pillow's own guard refuses the size (DecompressionBombError, or its warning, which counts as one here)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(fp, formats=FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageTooLarge(None) from None
    except DECODE_ERRORS:
        raise NotAnImage() from None
    with image:
        yield image


def may_need_turning(image: Image.Image) -> bool:
    """Whether the EXIF orientation asks for the picture to be turned (a second image in memory), read without
    decoding: a JPEG's or WebP's EXIF is in its header; a PNG's eXIf chunk, when it is not before the pixels, is
    read only with them, and is then checked again after decoding (`turning_fits`)."""
    if image.format == "PNG" and "exif" not in image.info:
        return False
    return image.getexif().get(ExifTags.Base.Orientation, 1) not in (None, 1)


def decoding_scale(image: Image.Image, *, copies: int = 1, at_least: tuple[int, int] | None = None) -> int:
    """The scale (1, or 2, 4, 8 for a JPEG) at which `image` decodes within the budget; ImageTooLarge if none.

    `at_least`: the smallest size the caller needs (a preview): a JPEG is then decoded at the largest reduction
    that still gives that many pixels, as Image.draft would choose it."""
    check_pixels(image)
    scales = JPEG_SCALES if image.format == "JPEG" else (1,)
    if at_least is not None:
        enough = [s for s in scales if image.width // s >= at_least[0] and image.height // s >= at_least[1]]
        scales = tuple(s for s in scales if s >= max(enough, default=1))
    limit = budget()
    for scale in scales:
        if decoded_bytes(image, scale=scale, copies=copies) <= limit:
            return scale
    raise ImageTooLarge(image.size, decoded_bytes(image, scale=scales[-1], copies=copies))


def prepare_decoding(image: Image.Image, *, copies: int = 1, at_least: tuple[int, int] | None = None) -> None:
    """Make the next `image.load()` stay within the budget: reduce a JPEG's decoding scale when needed (draft), or
    raise ImageTooLarge. Call it on a freshly opened image, before anything reads its pixels."""
    scale = decoding_scale(image, copies=copies, at_least=at_least)
    if scale == 1:
        return
    expected = (math.ceil(image.width / scale), math.ceil(image.height / scale))
    image.draft(None, (max(1, image.width // scale), max(1, image.height // scale)))
    if image.size != expected:  # a JPEG libjpeg cannot scale (draft refused): decoding it whole would not fit
        raise ImageTooLarge(image.size)


def turning_fits(image: Image.Image) -> None:
    """After decoding a PNG whose orientation was only known then: turning it upright needs a second image."""
    if decoded_bytes(image, copies=2) > budget():
        raise ImageTooLarge(image.size, decoded_bytes(image, copies=2))

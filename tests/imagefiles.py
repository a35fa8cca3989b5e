"""Image files for the upload tests: an ordinary photo, and an image bomb that is small on disk but huge decoded."""

from __future__ import annotations

import io
import struct
import zlib
from functools import cache

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

# The review's file: 7070 x 7070 pixels of 16-bit RGBA, 389 KB as a PNG, 200 MB once Pillow has decoded it.
BOMB_SIDE = 7070


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@cache
def bomb_png_bytes(width: int = BOMB_SIDE, height: int = BOMB_SIDE) -> bytes:
    """A valid PNG (bit depth 16, colour type 6: RGBA) of one transparent colour, written chunk by chunk.

    Pillow cannot write 16-bit RGBA, and building the canvas in memory would cost the 200 MB the test is about."""
    header = struct.pack(">IIBBBBB", width, height, 16, 6, 0, 0, 0)
    row = b"\x00" + bytes(8 * width)  # filter type 0, then 8 bytes a pixel
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


def bomb_png(name: str = "bom.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, bomb_png_bytes(), content_type="image/png")


def photo_bytes(size: tuple[int, int] = (64, 48), image_format: str = "JPEG", color=(20, 120, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, image_format)
    return buffer.getvalue()


def photo(name: str = "foto.jpg", size: tuple[int, int] = (64, 48), image_format: str = "JPEG") -> SimpleUploadedFile:
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}[image_format]
    return SimpleUploadedFile(name, photo_bytes(size, image_format), content_type=content_type)

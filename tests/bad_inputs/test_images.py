"""Photos are re-encoded without their metadata: a reporter's evidence keeps no EXIF at all (its GPS position would
locate the reporter for every field team that opens it), a field team's own photo keeps only where and when it
was taken. Either way the picture is turned upright, and the stored name is random, whatever the upload was called."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import ExifTags, Image

from complaints.models import Attachment, AttachmentKind, Complaint
from roles.roles import Role

pytestmark = pytest.mark.django_db

GPS = {
    ExifTags.GPS.GPSLatitudeRef: "S", ExifTags.GPS.GPSLatitude: (2.0, 19.0, 55.5),
    ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (115.0, 28.0, 1.0),
}
TAKEN = "2026:11:20 21:04:00"
CAMERA = "KameraRahasia-SN123456"
COMMENT = b"komentar-rahasia"


def phone_photo(fmt: str) -> bytes:
    """A 40x20 photo, left quarter blue, taken sideways (EXIF orientation 6), with GPS, camera and time taken."""
    image = Image.new("RGB", (40, 20), (200, 10, 10))
    image.paste((0, 0, 255), (0, 0, 10, 20))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = CAMERA
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(GPS)
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = TAKEN
    buffer = io.BytesIO()
    options = {"exif": exif}
    if fmt == "JPEG":
        options["comment"] = COMMENT
    image.save(buffer, fmt, **options)
    # Whatever follows the image's end is kept by a naive store: a second file could hide there.
    return buffer.getvalue() + b"PK\x03\x04 zip-tersembunyi"


def upload(client: Client, complaint: Complaint, content: bytes, name: str):
    return client.post(f"/api/v1/complaints/{complaint.code}/attachments/",
                       {"file": SimpleUploadedFile(name, content, content_type="image/jpeg")})


def stored(attachment_id: int) -> tuple[Attachment, bytes]:
    attachment = Attachment.objects.get(pk=attachment_id)
    with attachment.file.open("rb") as handle:
        return attachment, handle.read()


def as_client(world, who) -> Client:
    client = Client()
    client.force_login(world["users"][who])
    return client


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_reporter_evidence_loses_every_bit_of_metadata(world, fmt):
    complaint = world["complaints"]["screening"]
    original = phone_photo(fmt)
    assert CAMERA.encode() in original

    response = upload(as_client(world, Role.OPERATOR), complaint, original, "IMG_2041.jpg")

    assert response.status_code == 201, response.content
    attachment, content = stored(response.json()["id"])
    assert attachment.kind == AttachmentKind.EVIDENCE
    image = Image.open(io.BytesIO(content))
    assert image.format == fmt
    assert image.getexif() == {} or not dict(image.getexif())
    for secret in (CAMERA.encode(), COMMENT, b"zip-tersembunyi", b"GPS"):
        assert secret not in content
    # Upright: the sideways 40x20 photo is 20x40, its blue left edge now on top.
    assert image.size == (20, 40)
    top, bottom = image.convert("RGB").getpixel((10, 2)), image.convert("RGB").getpixel((10, 38))
    assert top[2] > 200 and bottom[0] > 150
    assert attachment.size == len(content)
    # What staff download is the cleaned file.
    download = as_client(world, Role.OPERATOR).get(f"/cases/{complaint.code}/attachments/{attachment.pk}/")
    assert b"".join(download.streaming_content) == content


def test_a_field_photo_keeps_where_and_when_it_was_taken(world, complaint_in):
    complaint = complaint_in("dispatch_assigned")

    response = upload(as_client(world, Role.TRC), complaint, phone_photo("JPEG"), "lapangan.jpg")

    assert response.status_code == 201, response.content
    attachment, content = stored(response.json()["id"])
    assert attachment.kind == AttachmentKind.FIELD_PHOTO
    exif = Image.open(io.BytesIO(content)).getexif()
    assert dict(exif.get_ifd(ExifTags.IFD.GPSInfo)) == GPS
    assert exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] == TAKEN
    assert ExifTags.Base.Make not in exif and ExifTags.Base.Orientation not in exif
    assert CAMERA.encode() not in content and COMMENT not in content and b"zip-tersembunyi" not in content


def test_web_form_photos_lose_their_gps(world, settings, client):
    from complaints.models import Category, District
    from public import antispam

    settings.TRECKK_FORM_MIN_SECONDS = 0
    data = {
        "category": Category.objects.get(slug="keributan").pk, "description": "Balap liar, foto terlampir.",
        "district": District.objects.get(slug="paringin").pk, "identity": "anonymous", "consent": "on",
        "started": antispam.new_stamp(), "website": "",
        "photos": [SimpleUploadedFile("rumah-saya.jpg", phone_photo("JPEG"), content_type="image/jpeg")],
    }

    response = client.post("/lapor/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    _attachment, content = stored(Attachment.objects.get(original_name="rumah-saya.jpg").pk)
    assert not dict(Image.open(io.BytesIO(content)).getexif())
    assert b"GPS" not in content and CAMERA.encode() not in content


@pytest.mark.parametrize("name", ["../../../../etc/cron.d/x.jpg", "..\\..\\boot.ini.png", "foto\x00.php.jpg", "a" * 300 + ".jpg"])
def test_the_stored_name_never_comes_from_the_upload(world, name):
    complaint = world["complaints"]["screening"]

    response = upload(as_client(world, Role.OPERATOR), complaint, phone_photo("PNG"), name)

    assert response.status_code == 201, response.content
    attachment, _content = stored(response.json()["id"])
    assert re.fullmatch(rf"attachments/{complaint.pk}/[0-9a-f]{{32}}\.png", attachment.file.name)
    assert ".." not in attachment.file.name

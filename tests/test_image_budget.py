"""Image decoding within a memory budget (issue 14, item 4): a small file that decodes to hundreds of MB is refused
from its header on every upload path, big phone JPEGs are decoded at a reduced scale, a preview is drawn once and
kept, and no request takes more files than TRECKK_MAX_FILES_PER_REQUEST.

"Not decoded" is asserted by making Pillow's decoder fail (`no_decoding`), never by timing or measuring memory."""

from __future__ import annotations

import io
import logging
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageFile

from channels import media_store
from channels.models import InboundMessage
from channels.services import NormalizedMessage, receive_message
from common import images
from common.thumbnails import thumbnail_name
from complaints.errors import InputError
from complaints.models import Attachment, Channel, ChannelKind
from complaints.services.attachments import clean_image
from duty.models import FieldLogEntry, FieldLogPhoto
from duty.services import FieldLogInput, record_field_log
from roles.roles import Role
from tests.imagefiles import BOMB_SIDE, bomb_png, bomb_png_bytes, photo, photo_bytes

pytestmark = pytest.mark.django_db

TOO_LARGE = "terlalu besar untuk diolah"


def forbid_decoding(monkeypatch) -> None:
    """Any attempt to decode pixels from here on fails the test: refusals must come from the header alone."""

    def refuse(self, *args, **kwargs):
        raise AssertionError(f"decoded {self.format} {self.size}")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)
    monkeypatch.setattr(Image.Image, "load", refuse)


@pytest.fixture
def no_decoding(monkeypatch):
    forbid_decoding(monkeypatch)


@pytest.fixture
def decodes(monkeypatch) -> list[tuple]:
    """The (format, size) of every image whose pixels Pillow decodes from here on."""
    seen: list[tuple] = []
    load = ImageFile.ImageFile.load

    def counting(self, *args, **kwargs):
        if self.tile:  # a first load decodes; later calls only hand back the pixels
            seen.append((self.format, self.size))
        return load(self, *args, **kwargs)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting)
    return seen


# What a decode costs, from the header --------------------------------------------------------------------------


def test_the_budget_counts_pillows_bytes_per_pixel():
    with images.open_header(io.BytesIO(bomb_png_bytes())) as image:
        # 16-bit RGBA on disk becomes 8-bit RGBA in memory: 4 bytes a pixel, 200 MB for this canvas.
        assert image.mode == "RGBA" and images.decoded_bytes(image) == BOMB_SIDE * BOMB_SIDE * 4
    assert [images.bytes_per_pixel(mode) for mode in ("1", "L", "P", "I;16", "I;16B", "LA", "RGB", "RGBA", "I", "F", "CMYK")] == [
        1, 1, 1, 2, 2, 4, 4, 4, 4, 4, 4,
    ]


def test_a_progressive_jpeg_counts_its_coefficients_and_a_webp_its_decoder():
    plain, progressive, webp = io.BytesIO(), io.BytesIO(), io.BytesIO()
    Image.new("RGB", (800, 640)).save(plain, "JPEG")
    Image.new("RGB", (800, 640)).save(progressive, "JPEG", progressive=True)  # 4:2:0: 1.5 samples of 2 bytes a pixel
    Image.new("RGB", (800, 640)).save(webp, "WEBP")
    pixels = 800 * 640
    with images.open_header(plain) as image:
        assert images.decoded_bytes(image) == pixels * 4
        assert images.decoded_bytes(image, scale=2) == pixels  # a quarter of the pixels at half the scale
    with images.open_header(progressive) as image:
        assert images.decoded_bytes(image) == pixels * 4 + pixels * 3
        assert images.decoded_bytes(image, scale=2) == pixels + pixels * 3  # the coefficients stay full size
    with images.open_header(webp) as image:
        assert images.decoded_bytes(image) == pixels * (4 + 18)


# The bomb on every upload path ---------------------------------------------------------------------------------


def test_the_api_refuses_the_bomb_from_its_header(complaint_in, api_as, no_decoding):
    complaint = complaint_in("screening")
    response = api_as(Role.OPERATOR).post(
        f"/api/v1/complaints/{complaint.code}/attachments/", {"file": bomb_png()}, format="multipart",
    )
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "invalid_input"
    assert TOO_LARGE in body["errors"]["file"][0] and "7070 × 7070" in body["errors"]["file"][0]
    assert not Attachment.objects.exists()


def test_the_case_photo_form_refuses_the_bomb(complaint_in, portal_as, no_decoding):
    complaint = complaint_in("dispatch_assigned")
    response = portal_as(Role.TRC).post(f"/cases/{complaint.code}/photos/", {"file": [bomb_png()]})
    assert response.status_code == 400
    assert f"Gambar bom.png {TOO_LARGE}" in response.content.decode()
    assert not Attachment.objects.exists()


def test_the_walk_in_form_refuses_the_bomb(portal_as, category, paringin, no_decoding):
    data = {
        "category": category.pk, "description": "Keributan di pasar.", "district": paringin.pk, "reporter_name": "Ani",
        "photos": [bomb_png()],
    }
    response = portal_as(Role.OPERATOR).post("/intake/", data)
    assert response.status_code == 422
    assert TOO_LARGE in response.content.decode()
    assert not Attachment.objects.exists()


def test_the_field_log_refuses_the_bomb(users, team_paringin, no_decoding):
    entry = FieldLogInput(
        team=team_paringin, kind="patroli", started_at=timezone.now() - timedelta(hours=3),
        ended_at=timezone.now() - timedelta(hours=1), district=team_paringin.district, summary="Patroli.",
        participants=[users[Role.TRC]],
    )
    with pytest.raises(InputError) as refused:
        record_field_log(user=users[Role.TRC], data=entry, uploads=[bomb_png()])
    assert TOO_LARGE in refused.value.summary()
    assert not FieldLogEntry.objects.exists() and not FieldLogPhoto.objects.exists()


def _media_message(channel: Channel) -> InboundMessage:
    incoming = NormalizedMessage(
        external_id="wamid.bom", sender_id="6281200000001", sender_name="", sender_phone="", text="",
        sent_at=timezone.now(), media=[{"id": "m1", "content_type": "image/png"}],
    )
    return receive_message(channel, incoming).message


def test_a_messaging_channels_bomb_is_not_kept(no_decoding, settings):
    message = _media_message(Channel.objects.create(name="WhatsApp uji", kind=ChannelKind.WHATSAPP))
    log = media_store.LogAs("WhatsApp", logging.getLogger("tests"))

    result = media_store.store_image(message.pk, "m1", bomb_png_bytes(), "image/png", log=log)

    assert result == "too_large"
    item = InboundMessage.objects.get(pk=message.pk).media[0]
    assert item["error"] == "too_large" and "7070 x 7070" in item["error_detail"] and "path" not in item
    assert not (settings.MEDIA_ROOT / "channel-media").exists()


def test_pillows_own_bomb_guard_is_a_clear_refusal_not_a_500(complaint_in, api_as, monkeypatch):
    # Beyond twice Image.MAX_IMAGE_PIXELS Pillow refuses to open the file at all (DecompressionBombError).
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    complaint = complaint_in("screening")
    upload = SimpleUploadedFile("besar.png", photo_bytes((100, 100), "PNG"), content_type="image/png")
    response = api_as(Role.OPERATOR).post(f"/api/v1/complaints/{complaint.code}/attachments/", {"file": upload}, format="multipart")
    assert response.status_code == 400, response.content
    assert TOO_LARGE in response.json()["errors"]["file"][0]


# Photos that fit ------------------------------------------------------------------------------------------------


def test_an_ordinary_photo_is_decoded_once_at_full_size(complaint_in, api_as, decodes):
    complaint = complaint_in("screening")
    response = api_as(Role.OPERATOR).post(
        f"/api/v1/complaints/{complaint.code}/attachments/", {"file": photo(size=(1600, 1200))}, format="multipart",
    )
    assert response.status_code == 201, response.content
    assert decodes == [("JPEG", (1600, 1200))]
    assert Image.open(Attachment.objects.get().file).size == (1600, 1200)


def test_a_jpeg_too_large_at_full_size_is_decoded_at_a_reduced_scale(settings, decodes):
    # The budget of a 48 MP phone photo, scaled down: 1600 x 1200 x 4 bytes does not fit, half of each side does.
    settings.TRECKK_IMAGE_MAX_DECODED_BYTES = 1600 * 1200 * 4 - 1
    cleaned = clean_image(photo(size=(1600, 1200)))
    assert decodes == [("JPEG", (800, 600))]
    assert Image.open(cleaned).size == (800, 600)


def test_a_png_too_large_for_the_budget_is_refused(settings, monkeypatch):
    settings.TRECKK_IMAGE_MAX_DECODED_BYTES = 1600 * 1200 * 4 - 1  # a PNG has no reduced-scale decoding
    upload = SimpleUploadedFile("layar.png", photo_bytes((1600, 1200), "PNG"))
    forbid_decoding(monkeypatch)
    with pytest.raises(InputError) as refused:
        clean_image(upload)
    assert "Gambar layar.png terlalu besar untuk diolah (1600 × 1200 piksel)" in refused.value.summary()


def test_an_animated_image_keeps_its_first_frame_only(decodes):
    frames = [Image.new("RGB", (40, 30), color) for color in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "PNG", save_all=True, append_images=frames[1:])
    cleaned = clean_image(SimpleUploadedFile("anim.png", buffer.getvalue()))
    assert len(decodes) == 1
    assert getattr(Image.open(cleaned), "n_frames", 1) == 1


# Previews: drawn once, kept ---------------------------------------------------------------------------------------


def test_a_case_photos_preview_is_drawn_once_and_kept(complaint_in, portal_as, decodes):
    complaint = complaint_in("dispatch_assigned")
    client = portal_as(Role.TRC)
    assert client.post(f"/cases/{complaint.code}/photos/", {"file": [photo(size=(2000, 1500))]}).status_code == 302
    attachment = Attachment.objects.get()
    decodes.clear()
    url = f"/cases/{complaint.code}/attachments/{attachment.pk}/thumbnail/"

    first, second = client.get(url), portal_as(Role.OPERATOR).get(url)

    assert first.status_code == second.status_code == 200 and first.content == second.content
    assert first["Content-Type"] == "image/jpeg" and max(Image.open(io.BytesIO(first.content)).size) <= 320
    assert len(decodes) == 1  # the second view read the kept file
    assert decodes == [("JPEG", (1000, 750))]  # a JPEG is decoded at a reduced scale for its preview
    assert default_storage.exists(thumbnail_name(attachment.file.name))
    # The permission check still comes first: another post's member gets nothing, kept preview or not.
    assert portal_as("trc_halong").get(url).status_code == 404


def test_a_field_log_photo_without_a_kept_preview_gets_one_on_its_first_view(users, team_paringin, portal_as, decodes):
    entry = record_field_log(
        user=users[Role.TRC], uploads=[photo("lapangan.jpg", size=(800, 600))],
        data=FieldLogInput(
            team=team_paringin, kind="patroli", started_at=timezone.now() - timedelta(hours=3),
            ended_at=timezone.now() - timedelta(hours=1), district=team_paringin.district, summary="Patroli.",
            participants=[users[Role.TRC]],
        ),
    )
    photo_row = entry.photos.get()
    url = f"/duty/log/{entry.pk}/photos/{photo_row.pk}/thumbnail/"
    client = portal_as(Role.KEPALA)
    assert client.get(url).status_code == client.get(url).status_code == 200
    assert len(decodes) == 1


def test_an_inbox_photos_preview_is_kept_and_a_stored_bomb_gets_none(portal_as, decodes, monkeypatch):
    channel = Channel.objects.create(name="WhatsApp uji", kind=ChannelKind.WHATSAPP)
    message = _media_message(channel)
    good = default_storage.save("channel-media/uji.png", ContentFile(photo_bytes((640, 480), "PNG")))
    # A file kept before the budget existed: its preview must not decode it.
    bomb = default_storage.save("channel-media/bom.png", ContentFile(bomb_png_bytes()))
    message.media = [{"id": "m1", "content_type": "image/png", "path": good}, {"id": "m2", "content_type": "image/png", "path": bomb}]
    message.save(update_fields=["media"])
    client = portal_as(Role.OPERATOR)
    base = f"/inbox/{message.conversation_id}/messages/{message.pk}/media"

    assert client.get(f"{base}/0/thumbnail/").status_code == client.get(f"{base}/0/thumbnail/").status_code == 200
    assert client.get(f"{base}/1/thumbnail/").status_code == 404

    assert decodes == [("PNG", (640, 480))]


# Files per request ----------------------------------------------------------------------------------------------


def test_the_case_photo_form_takes_at_most_the_cap(complaint_in, portal_as, settings):
    complaint = complaint_in("dispatch_assigned")
    response = portal_as(Role.TRC).post(f"/cases/{complaint.code}/photos/", {"file": [photo(f"{n}.jpg") for n in range(6)]})
    assert response.status_code == 400
    assert "Paling banyak 5 berkas." in response.content.decode()
    assert not Attachment.objects.exists()
    assert not (settings.MEDIA_ROOT / "attachments").exists()


def test_the_api_takes_one_file_per_upload(complaint_in, api_as):
    complaint = complaint_in("screening")
    response = api_as(Role.OPERATOR).post(
        f"/api/v1/complaints/{complaint.code}/attachments/", {"file": [photo("a.jpg"), photo("b.jpg")]}, format="multipart",
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"]["file"] == ["Paling banyak 1 berkas."]
    assert not Attachment.objects.exists()


def test_the_cap_is_the_setting_on_every_form(complaint_in, portal_as, users, team_paringin, settings):
    settings.TRECKK_MAX_FILES_PER_REQUEST = 2
    three = [photo(f"{n}.jpg") for n in range(3)]
    complaint = complaint_in("dispatch_assigned")
    assert "Paling banyak 2 berkas." in portal_as(Role.TRC).post(f"/cases/{complaint.code}/photos/", {"file": three}).content.decode()
    log = {
        "kind": "patroli", "started_at": "2026-11-20T08:00", "ended_at": "2026-11-20T10:00",
        "district": team_paringin.district.pk, "summary": "Patroli.", "participants": [users[Role.TRC].pk],
        "photos": [photo(f"{n}.jpg") for n in range(3)],
    }
    response = portal_as(Role.TRC).post("/duty/log/new/", log)
    assert response.status_code == 422 and "Paling banyak 2 berkas." in response.content.decode()
    assert not Attachment.objects.exists() and not FieldLogEntry.objects.exists()


def test_the_walk_in_service_refuses_more_files_than_the_cap(users, category, paringin, settings):
    from complaints.services.intake import ComplaintInput, ReporterInput, submit_complaint

    settings.TRECKK_MAX_FILES_PER_REQUEST = 1
    data = ComplaintInput(category=category, description="Uraian.", district=paringin, reporter=ReporterInput(name="Ani"))
    with pytest.raises(InputError) as refused:
        submit_complaint(user=users[Role.OPERATOR], data=data, uploads=[photo("a.jpg"), photo("b.jpg")])
    assert refused.value.errors == {"file": ["Paling banyak 1 berkas."]}


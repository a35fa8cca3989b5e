"""The public web form: a complaint from a citizen without WhatsApp or Telegram, and everything it refuses."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ImageFile

from complaints.models import Attachment, Channel, ChannelKind, Complaint, ComplaintEvent, Reporter, Village
from complaints.workflow import Status
from public import antispam
from public.links import code_from_receipt_token
from tests.imagefiles import bomb_png
from tests.public.conftest import png

pytestmark = pytest.mark.django_db


@pytest.fixture
def village(paringin):
    return Village.objects.create(district=paringin, name="Balang")


@pytest.fixture
def form(category, paringin, village):
    """A filled-in form as a person sends it, ten seconds after the page was served."""

    def build(**overrides):
        data = {
            "category": category.pk, "description": "Balap liar tiap malam di jalan poros.", "district": paringin.pk,
            "village": village.pk, "address": "Depan SDN 1", "latitude": "", "longitude": "", "incident_at": "",
            "identity": "confidential", "reporter_name": "Rusmini", "reporter_phone": "081234500011",
            "consent": "on", antispam.HONEYPOT_FIELD: "", antispam.STAMP_FIELD: antispam.new_stamp(time.time() - 10),
        }
        data.update(overrides)
        return {key: value for key, value in data.items() if value is not None}

    return build


def nothing_stored(media_root: Path) -> bool:
    files = [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []
    return not Complaint.objects.exists() and not Reporter.objects.exists() and not Attachment.objects.exists() and not files


def test_the_form_page_works_without_javascript(client, paringin, village):
    page = client.get("/lapor/").content.decode()
    assert 'name="consent"' in page and f'name="{antispam.HONEYPOT_FIELD}"' in page
    # every village is there, grouped by kecamatan, for browsers that do not run htmx
    assert f'<optgroup label="{paringin.name}">' in page and f'value="{village.pk}"' in page


def test_a_citizen_files_a_report_and_gets_a_tracking_code(client, form, settings):
    settings.TRECKK_PUBLIC_URL = "https://aduan.balangankab.go.id"
    response = client.post("/lapor/", {**form(latitude="-2.330000", longitude="115.467000"), "photos": [png("a.png"), png("b.png")]})
    assert response.status_code == 302
    complaint = Complaint.objects.select_related("channel", "reporter").get()
    assert code_from_receipt_token(response["Location"].split("/")[-2]) == complaint.code
    assert complaint.status == Status.SUBMITTED and complaint.channel_kind == ChannelKind.WEB
    assert complaint.channel.kind == ChannelKind.WEB and complaint.channel.is_active
    assert complaint.created_by is None  # the web channel filed it, no staff member
    assert complaint.is_confidential and not complaint.is_anonymous
    assert (complaint.reporter.name, complaint.reporter.phone) == ("Rusmini", "081234500011")
    assert str(complaint.latitude) == "-2.330000" and complaint.village.name == "Balang"
    assert complaint.attachments.count() == 2
    submit = ComplaintEvent.objects.get(complaint=complaint, action="submit")
    assert submit.actor is None and submit.channel == complaint.channel
    receipt = client.get(response["Location"])
    assert receipt.status_code == 200
    page = receipt.content.decode()
    assert complaint.code in page and f"https://aduan.balangankab.go.id/lacak/{complaint.code}/" in page
    assert "Rusmini" not in page and "081234500011" not in page


def test_a_second_report_uses_the_same_web_channel(client, form):
    client.post("/lapor/", form())
    client.post("/lapor/", form(description="Lagi."))
    assert Complaint.objects.count() == 2
    assert Channel.objects.filter(kind=ChannelKind.WEB).count() == 1


def test_anonymous_keeps_no_identity_even_when_typed(client, form):
    response = client.post("/lapor/", form(identity="anonymous", allow_field_contact="on"))
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.is_anonymous and complaint.reporter is None and not Reporter.objects.exists()


def test_named_reporter_may_allow_field_contact(client, form):
    client.post("/lapor/", form(identity="named", allow_field_contact="on"))
    complaint = Complaint.objects.select_related("reporter").get()
    assert not complaint.is_confidential and complaint.reporter.allow_field_contact


def test_the_receipt_link_is_only_for_the_one_who_sent_it(client, form):
    assert client.get("/lapor/terkirim/ABCDE-FGHJK.forged.signature/").status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"consent": None}, "consent", "Centang persetujuan penggunaan data"),
        ({"description": "  "}, "description", "Bidang ini harus diisi."),
        ({"district": "9999"}, "district", "Masukkan pilihan yang valid."),
        ({"district": ""}, "district", "Bidang ini harus diisi."),
        ({"village": "9999"}, "village", "Masukkan pilihan yang valid."),
        ({"reporter_name": ""}, "reporter_name", "Isi nama dan nomor telepon Anda, atau pilih anonim."),
        ({"reporter_phone": "abc"}, "reporter_phone", "Nomor telepon tidak valid."),
        ({"latitude": "-2.3"}, "latitude", "Isi lintang dan bujur bersama-sama."),
        ({"identity": "everyone"}, "identity", "Masukkan pilihan yang valid."),
        ({"incident_at": "2099-01-01T10:00"}, "incident_at", "Waktu kejadian tidak boleh di masa depan."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_stored(client, form, settings, overrides, field, message):
    response = client.post("/lapor/", form(**overrides))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    assert nothing_stored(Path(settings.MEDIA_ROOT))


def test_a_village_of_another_kecamatan_is_refused(client, form, halong, settings):
    elsewhere = Village.objects.create(district=halong, name="Binjai Punggal")
    response = client.post("/lapor/", form(village=elsewhere.pk))
    assert response.status_code == 422
    assert "Desa tidak berada di kecamatan yang dipilih." in response.content.decode()
    assert nothing_stored(Path(settings.MEDIA_ROOT))


def test_a_bad_photo_leaves_nothing_behind(client, form, settings):
    fake = SimpleUploadedFile("foto.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    response = client.post("/lapor/", {**form(), "photos": [png("baik.png"), fake]})
    assert response.status_code == 422
    assert "Jenis berkas foto.jpg tidak didukung" in response.content.decode()
    assert "pilih lagi sebelum mengirim" in response.content.decode()
    assert nothing_stored(Path(settings.MEDIA_ROOT))


def test_a_photo_too_large_is_413(client, form, settings):
    settings.TRECKK_MAX_ATTACHMENT_BYTES = 1024
    response = client.post("/lapor/", {**form(), "photos": [png("besar.png", size=(400, 400))]})
    assert response.status_code == 413
    assert "terlalu besar" in response.content.decode()
    assert nothing_stored(Path(settings.MEDIA_ROOT))


def test_too_many_photos_are_refused(client, form, settings):
    response = client.post("/lapor/", {**form(), "photos": [png(f"{n}.png") for n in range(6)]})
    assert response.status_code == 422 and "Paling banyak 5 berkas." in response.content.decode()
    assert nothing_stored(Path(settings.MEDIA_ROOT))


def test_an_image_bomb_is_refused_from_its_header(client, form, settings, monkeypatch):
    # 389 KB on disk, 7070 x 7070 x 16-bit RGBA: 200 MB once decoded. Decoding it at all fails this test.
    def refuse(self, *args, **kwargs):
        raise AssertionError("decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)
    response = client.post("/lapor/", {**form(), "photos": [png("baik.png"), bomb_png()]})
    assert response.status_code == 422
    assert "Gambar bom.png terlalu besar untuk diolah (7070 × 7070 piksel)" in response.content.decode()
    assert nothing_stored(Path(settings.MEDIA_ROOT))


def test_the_number_of_photos_follows_the_setting(client, form, settings):
    settings.TRECKK_MAX_FILES_PER_REQUEST = 2
    response = client.post("/lapor/", {**form(), "photos": [png(f"{n}.png") for n in range(3)]})
    assert response.status_code == 422 and "Paling banyak 2 berkas." in response.content.decode()
    assert nothing_stored(Path(settings.MEDIA_ROOT))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (lambda: {antispam.HONEYPOT_FIELD: "http://spam.example"}, "Formulir tidak dapat diproses."),
        (lambda: {antispam.STAMP_FIELD: antispam.new_stamp()}, "Formulir terkirim terlalu cepat."),
        (lambda: {antispam.STAMP_FIELD: antispam.new_stamp(time.time() - 2 * 86400)}, "sudah terlalu lama dibuka"),
        (lambda: {antispam.STAMP_FIELD: "1700000000:forged"}, "Formulir tidak dapat diproses."),
        (lambda: {antispam.STAMP_FIELD: None}, "Formulir tidak dapat diproses."),
    ],
    ids=["honeypot", "too fast", "expired", "forged stamp", "no stamp"],
)
def test_what_looks_automated_is_refused_and_nothing_stored(client, form, settings, overrides, message):
    response = client.post("/lapor/", {**form(**overrides()), "photos": [png()]})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "Rusmini" in page  # what was typed is kept for a person to send again
    assert nothing_stored(Path(settings.MEDIA_ROOT))


def test_a_person_told_too_fast_can_send_again(client, form):
    first = client.post("/lapor/", form(**{antispam.STAMP_FIELD: antispam.new_stamp()}))
    assert first.status_code == 400
    stamp = first.context["stamp"]
    assert client.post("/lapor/", form(**{antispam.STAMP_FIELD: stamp})).status_code == 400  # still too soon
    later = antispam.check({antispam.STAMP_FIELD: stamp}, now=time.time() + 5)
    assert later is None


def test_submissions_are_rate_limited_per_address(client, form, settings):
    settings.TRECKK_RATE_LIMITS = {**settings.TRECKK_RATE_LIMITS, "report": "2/h"}
    assert client.post("/lapor/", form()).status_code == 302
    assert client.post("/lapor/", form(consent=None)).status_code == 422  # refused ones count too
    third = client.post("/lapor/", form())
    assert third.status_code == 429 and int(third["Retry-After"]) > 0
    assert "Terlalu banyak permintaan" in third.content.decode()
    assert Complaint.objects.count() == 1
    assert client.get("/lapor/").status_code == 200  # reading the form is not limited


def test_a_deactivated_web_channel_closes_the_form(client, form, settings):
    Channel.objects.create(name="Formulir web", kind=ChannelKind.WEB, is_active=False)
    assert "sedang ditutup" in client.get("/lapor/").content.decode()
    response = client.post("/lapor/", form())
    assert response.status_code == 503
    assert nothing_stored(Path(settings.MEDIA_ROOT))
    assert Channel.objects.filter(kind=ChannelKind.WEB).count() == 1


def test_the_village_list_follows_the_kecamatan(client, paringin, halong, village):
    Village.objects.create(district=halong, name="Binjai Punggal")
    options = client.get("/lapor/desa/", {"district": paringin.pk}).content.decode()
    assert "Balang" in options and "Binjai Punggal" not in options
    assert client.get("/lapor/desa/", {"district": "x"}).content.decode().count("<option") == 1

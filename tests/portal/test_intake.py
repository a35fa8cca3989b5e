"""Walk-in intake at a kecamatan office: the form, its errors, photos, and the printable receipt."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from complaints.models import Attachment, ChannelKind, Complaint, Reporter, Village
from complaints.workflow import Program, Status
from roles.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def form_data(category, paringin):
    return {
        "category": category.pk, "description": "Pedagang menutup trotoar di depan pasar.", "district": paringin.pk,
        "address": "Jl. Pasar Baru", "reporter_name": "Rahmat", "reporter_phone": "081234567890",
    }


def _png(name="bukti.png") -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.mark.parametrize("who", [Role.OPERATOR, Role.TRC])
def test_walk_in_creates_a_treckk_complaint_and_shows_the_receipt(portal_as, form_data, users, who):
    client = portal_as(who)
    response = client.post("/intake/", {**form_data, "photos": [_png(), _png("kedua.png")]})
    assert response.status_code == 302, response.content.decode()[:2000]
    complaint = Complaint.objects.get()
    assert response["Location"] == f"/cases/{complaint.code}/receipt/"
    assert (complaint.status, complaint.program, complaint.channel_kind) == (Status.SUBMITTED, Program.TRECKK, ChannelKind.WALK_IN)
    assert complaint.created_by == users[who]
    assert complaint.reporter.name == "Rahmat"
    assert Attachment.objects.filter(complaint=complaint, kind="evidence").count() == 2
    receipt = client.get(response["Location"])
    page = receipt.content.decode()
    assert receipt.status_code == 200
    assert complaint.code in page and "TANDA TERIMA ADUAN" in page


def test_receipt_masks_the_reporter_for_a_trc_post(portal_as, form_data):
    client = portal_as(Role.TRC)
    location = client.post("/intake/", form_data)["Location"]
    assert "Rahmat" not in client.get(location).content.decode()


def test_receipt_of_someone_elses_walk_in_is_hidden_from_trc(portal_as, form_data):
    location = portal_as(Role.TRC).post("/intake/", form_data)["Location"]
    assert portal_as("trc_halong").get(location).status_code == 404
    assert portal_as(Role.OPERATOR).get(location).status_code == 200


def test_trc_post_cannot_open_the_case_it_recorded_until_its_step(portal_as, form_data):
    client = portal_as(Role.TRC)
    client.post("/intake/", form_data)
    assert client.get(f"/cases/{Complaint.objects.get().code}/").status_code == 404


def test_post_form_starts_at_the_posts_own_kecamatan(portal_as, paringin):
    page = portal_as(Role.TRC).get("/intake/").content.decode()
    assert f'<option value="{paringin.pk}" selected>' in page


@pytest.mark.parametrize("who", [Role.KASI, Role.KABID, Role.KEPALA, "nobody"])
def test_other_roles_may_not_record_walk_ins(portal_as, form_data, who):
    response = portal_as(who).post("/intake/", form_data)
    assert response.status_code == 403
    assert not Complaint.objects.exists()


BAD_INPUTS = [
    ({"description": ""}, "description", "Bidang ini harus diisi."),
    ({"category": "999999"}, "category", "Masukkan pilihan yang valid"),
    ({"anonymous": "on"}, "anonymous", "Aduan anonim tidak boleh berisi data pelapor."),
    ({"reporter_name": "", "reporter_phone": ""}, "reporter_name", "Isi nama atau telepon pelapor, atau centang anonim."),
    ({"reporter_phone": "12ab"}, "reporter_phone", ""),
    ({"reporter_nik": "123"}, "reporter_nik", ""),
    ({"latitude": "-2.3"}, "latitude", "Isi lintang dan bujur bersama-sama"),
    ({"latitude": "95", "longitude": "115"}, "latitude", "lebih kecil dari atau sama dengan 90"),
    ({"description": "x" * 4001}, "description", "paling banyak 4000 karakter"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_INPUTS)
def test_bad_input_is_refused_with_the_field_marked(portal_as, form_data, change, field, message):
    response = portal_as(Role.OPERATOR).post("/intake/", {**form_data, **change})
    page = response.content.decode()
    assert response.status_code == 422
    assert re.search(rf'<div class="field invalid[^"]*">\s*(<input[^>]*>\s*)?<label for="id_{field}">', page)
    assert message in page
    assert not Complaint.objects.exists() and not Reporter.objects.exists()


def test_village_of_another_kecamatan_is_refused(portal_as, form_data, halong):
    elsewhere = Village.objects.create(district=halong, name="Desa Lain")
    response = portal_as(Role.OPERATOR).post("/intake/", {**form_data, "village": elsewhere.pk})
    assert response.status_code == 422
    assert not Complaint.objects.exists()


def test_a_fake_photo_saves_nothing(portal_as, form_data):
    fake = SimpleUploadedFile("foto.jpg", b"#!/bin/sh\necho hi\n", content_type="image/jpeg")
    response = portal_as(Role.OPERATOR).post("/intake/", {**form_data, "photos": [_png(), fake]})
    assert response.status_code == 422
    assert "Jenis berkas foto.jpg tidak didukung." in response.content.decode()
    assert not Complaint.objects.exists() and not Attachment.objects.exists() and not Reporter.objects.exists()


def test_too_large_photo_is_413(portal_as, form_data, settings):
    settings.TRECKK_MAX_ATTACHMENT_BYTES = 100
    response = portal_as(Role.OPERATOR).post("/intake/", {**form_data, "photos": [_png()]})
    assert response.status_code == 413
    assert "terlalu besar" in response.content.decode()
    assert not Complaint.objects.exists()


def test_at_most_five_files(portal_as, form_data):
    response = portal_as(Role.OPERATOR).post("/intake/", {**form_data, "photos": [_png(f"{i}.png") for i in range(6)]})
    assert response.status_code == 422
    assert "Paling banyak 5 berkas." in response.content.decode()


def test_village_options_follow_the_kecamatan(portal_as, paringin, halong):
    Village.objects.create(district=paringin, name="Desa Satu")
    Village.objects.create(district=halong, name="Desa Dua")
    page = portal_as(Role.OPERATOR).get("/intake/villages/", {"district": paringin.pk}).content.decode()
    assert "Desa Satu" in page and "Desa Dua" not in page
    assert portal_as(Role.OPERATOR).get("/intake/villages/", {"district": "x"}).content.decode().count("<option") == 1

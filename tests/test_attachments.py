"""Attachments: type by content, size limit, kind by role and step, download only for who may see the case."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from complaints.models import Attachment, AttachmentKind
from roles.roles import Role

pytestmark = pytest.mark.django_db


def png_bytes(size=(8, 8), color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(client, complaint, name: str, content: bytes, content_type: str = "application/octet-stream"):
    return client.post(
        f"/api/v1/complaints/{complaint.code}/attachments/",
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
        format="multipart",
    )


def state(complaint) -> tuple:
    return Attachment.objects.filter(complaint=complaint).count(), complaint.events.count()


def test_operator_uploads_png_as_evidence(complaint_in, api_as):
    complaint = complaint_in("screening")
    content = png_bytes()
    attachments, events = state(complaint)

    response = upload(api_as(Role.OPERATOR), complaint, "bukti.png", content, "image/png")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == AttachmentKind.EVIDENCE
    assert body["content_type"] == "image/png"
    assert body["size"] == len(content)
    assert body["original_name"] == "bukti.png"
    assert state(complaint) == (attachments + 1, events + 1)
    assert complaint.events.order_by("-id").first().action == "attach"


def test_content_type_comes_from_content_not_name(complaint_in, api_as):
    complaint = complaint_in("screening")
    # A PNG named .jpg and declared as JPEG is still stored as PNG.
    response = upload(api_as(Role.OPERATOR), complaint, "foto.jpg", png_bytes(), "image/jpeg")
    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == "image/png"


def test_pdf_is_accepted(complaint_in, api_as):
    complaint = complaint_in("screening")
    response = upload(api_as(Role.OPERATOR), complaint, "surat.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == "application/pdf"


@pytest.mark.parametrize(
    "content", [b"ini bukan gambar, hanya teks biasa\n", b"\x89PNG\r\n\x1a\n" + b"rusak" * 10, b"<svg></svg>"]
)
def test_non_image_renamed_jpg_is_400(complaint_in, api_as, content):
    complaint = complaint_in("screening")
    before = state(complaint)

    response = upload(api_as(Role.OPERATOR), complaint, "foto.jpg", content, "image/jpeg")

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid_input"
    assert "file" in body["errors"]
    assert state(complaint) == before


def test_file_over_limit_is_413(complaint_in, api_as, settings):
    complaint = complaint_in("screening")
    content = png_bytes(size=(64, 64))
    settings.TRECKK_MAX_ATTACHMENT_BYTES = len(content) - 1
    before = state(complaint)

    response = upload(api_as(Role.OPERATOR), complaint, "besar.png", content, "image/png")

    assert response.status_code == 413, response.content
    assert response.json()["code"] == "file_too_large"
    assert "file" in response.json()["errors"]
    assert state(complaint) == before


def test_file_at_limit_is_accepted(complaint_in, api_as, settings):
    complaint = complaint_in("screening")
    content = png_bytes(size=(64, 64))
    settings.TRECKK_MAX_ATTACHMENT_BYTES = len(content)

    response = upload(api_as(Role.OPERATOR), complaint, "pas.png", content, "image/png")

    assert response.status_code == 201, response.content


def test_missing_file_is_400(complaint_in, api_as):
    complaint = complaint_in("screening")
    response = api_as(Role.OPERATOR).post(
        f"/api/v1/complaints/{complaint.code}/attachments/", {}, format="multipart"
    )
    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_assigned_trc_uploads_field_photo(complaint_in, api_as):
    complaint = complaint_in("dispatch_assigned")

    response = upload(api_as(Role.TRC), complaint, "lapangan.png", png_bytes(), "image/png")

    assert response.status_code == 201, response.content
    assert response.json()["kind"] == AttachmentKind.FIELD_PHOTO
    assert Attachment.objects.get(pk=response.json()["id"]).uploaded_by.username == "trc_paringin"


def test_other_team_cannot_upload(complaint_in, api_as):
    complaint = complaint_in("dispatch_assigned")
    before = state(complaint)

    response = upload(api_as("trc_halong"), complaint, "lapangan.png", png_bytes(), "image/png")

    assert response.status_code == 404, response.content
    assert state(complaint) == before


def test_kasi_upload_is_403(complaint_in, api_as):
    complaint = complaint_in("verification")
    before = state(complaint)

    response = upload(api_as(Role.KASI), complaint, "bukti.png", png_bytes(), "image/png")

    assert response.status_code == 403, response.content
    assert response.json()["code"] == "not_allowed"
    assert state(complaint) == before


def test_closed_complaint_takes_no_attachment(complaint_in, api_as):
    complaint = complaint_in("closed")
    before = state(complaint)

    response = upload(api_as(Role.OPERATOR), complaint, "bukti.png", png_bytes(), "image/png")

    assert response.status_code == 403, response.content
    assert state(complaint) == before


def test_download_for_viewer_and_404_for_other_team(complaint_in, api_as):
    complaint = complaint_in("dispatch_assigned")
    content = png_bytes(color=(1, 2, 3))
    created = upload(api_as(Role.OPERATOR), complaint, "bukti.png", content, "image/png").json()
    url = f"/api/v1/complaints/{complaint.code}/attachments/{created['id']}/"
    assert created["url"].endswith(url)

    for who in (Role.OPERATOR, Role.KABID, Role.TRC):
        response = api_as(who).get(url)
        assert response.status_code == 200, who
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content) == content

    other = api_as("trc_halong").get(url)
    assert other.status_code == 404
    assert other.json()["code"] == "not_found"
    assert api_as("trc_halong").get(f"/api/v1/complaints/{complaint.code}/attachments/").status_code == 404


def test_download_of_attachment_from_another_complaint_is_404(complaint_in, api_as):
    first = complaint_in("screening")
    second = complaint_in("screening")
    created = upload(api_as(Role.OPERATOR), first, "bukti.png", png_bytes(), "image/png").json()

    response = api_as(Role.OPERATOR).get(f"/api/v1/complaints/{second.code}/attachments/{created['id']}/")

    assert response.status_code == 404


def test_unauthenticated_download_is_401(complaint_in, api_as, api):
    complaint = complaint_in("screening")
    created = upload(api_as(Role.OPERATOR), complaint, "bukti.png", png_bytes(), "image/png").json()

    response = api.get(f"/api/v1/complaints/{complaint.code}/attachments/{created['id']}/")

    assert response.status_code == 401


def test_channel_uploads_evidence_to_its_complaint(channel, api):
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {channel.raw_key}")
    code = api.post(
        "/api/v1/complaints/",
        {"category": "keributan", "district": "paringin", "description": "Dari WA", "anonymous": True},
        format="json",
    ).json()["code"]

    response = upload(api, SimpleNamespace(code=code), "wa.png", png_bytes(), "image/png")

    assert response.status_code == 201, response.content
    assert response.json()["kind"] == AttachmentKind.EVIDENCE
    assert Attachment.objects.get().uploaded_by is None

"""A LAPOR report's files become the complaint's evidence, fetched by the worker from allowed hosts only."""

from __future__ import annotations

import io

import pytest
from django_tasks_db.models import DBTaskResult
from PIL import Image

from channels.sp4n_lapor.attachments import fetch_attachments
from channels.sp4n_lapor.models import LaporReport
from channels.sp4n_lapor.services import pull
from complaints.models import AttachmentKind, ComplaintEvent
from tests.channels.sp4n_lapor.fake_lapor import TOKEN, item

pytestmark = pytest.mark.django_db
TASK = "channels.sp4n_lapor.tasks.fetch_lapor_attachments"


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "JPEG")
    return buffer.getvalue()


def _imported(lapor, *links: str) -> LaporReport:
    lapor.feed.append(item("LAPOR-F", attachments=[{"url": link, "filename": link.rsplit("/", 1)[-1]} for link in links]))
    assert pull().status == "ok"
    return LaporReport.objects.select_related("complaint").get(tracking_id="LAPOR-F")


def test_files_are_queued_with_the_import_and_stored_as_evidence(lapor):
    lapor.files["/files/foto.jpg"] = (_jpeg(), "image/jpeg")
    report = _imported(lapor, f"{lapor.origin}/files/foto.jpg")
    assert DBTaskResult.objects.filter(task_path=TASK, args_kwargs__args=[report.pk]).count() == 1

    assert fetch_attachments(report.pk) == {"stored": 1, "retry": 0, "failed": 0}
    (attachment,) = report.complaint.attachments.all()
    assert (attachment.kind, attachment.content_type, attachment.original_name) == (AttachmentKind.EVIDENCE, "image/jpeg", "foto.jpg")
    assert ComplaintEvent.objects.filter(complaint=report.complaint, action="attach").count() == 1
    report.refresh_from_db()
    assert report.attachments[0]["attachment_id"] == attachment.pk
    # LAPOR's token went to LAPOR's own host.
    download = next(r for r in lapor.requests if r.path == "/files/foto.jpg")
    assert download.headers["authorization"] == f"Bearer {TOKEN}"

    # Running again stores nothing twice.
    assert fetch_attachments(report.pk) == {"stored": 0, "retry": 0, "failed": 0}
    assert report.complaint.attachments.count() == 1


def test_a_report_without_files_queues_nothing(lapor):
    lapor.feed.append(item("LAPOR-N"))
    pull()
    assert not DBTaskResult.objects.filter(task_path=TASK).exists()


def test_other_hosts_are_not_fetched_unless_allowed(lapor, settings):
    report = _imported(lapor, "http://169.254.169.254/latest/meta-data.jpg")
    assert fetch_attachments(report.pk)["failed"] == 1
    report.refresh_from_db()
    assert report.attachments[0]["error"] == "host_not_allowed"
    assert not report.complaint.attachments.exists()


def test_an_allowed_file_host_gets_no_token(lapor, settings):
    lapor.files["/files/foto.jpg"] = (_jpeg(), "image/jpeg")
    # The same server under another name: an allowed file host that is not LAPOR's API host.
    other = lapor.origin.replace("127.0.0.1", "localhost")
    settings.SP4N_LAPOR_ATTACHMENT_HOSTS = [other.split("//", 1)[1]]
    report = _imported(lapor, f"{other}/files/foto.jpg")
    assert fetch_attachments(report.pk)["stored"] == 1
    download = next(r for r in lapor.requests if r.path == "/files/foto.jpg")
    assert "authorization" not in download.headers


def test_what_is_not_a_photo_or_pdf_is_refused(lapor):
    lapor.files["/files/page.jpg"] = (b"<html>login</html>", "image/jpeg")
    report = _imported(lapor, f"{lapor.origin}/files/page.jpg")
    assert fetch_attachments(report.pk)["failed"] == 1
    report.refresh_from_db()
    assert report.attachments[0]["error"] == "unsupported_type"


def test_too_large_is_refused_while_downloading(lapor, settings):
    settings.TRECKK_MAX_ATTACHMENT_BYTES = 100
    lapor.files["/files/big.jpg"] = (_jpeg() + b"0" * 500, "image/jpeg")
    report = _imported(lapor, f"{lapor.origin}/files/big.jpg")
    assert fetch_attachments(report.pk)["failed"] == 1
    report.refresh_from_db()
    assert report.attachments[0]["error"] == "too_large"


def test_a_failing_download_is_tried_again_later_then_given_up(lapor):
    lapor.files["/files/foto.jpg"] = (_jpeg(), "image/jpeg")
    report = _imported(lapor, f"{lapor.origin}/files/foto.jpg")
    DBTaskResult.objects.all().delete()
    lapor.file_statuses.extend([503])
    assert fetch_attachments(report.pk)["retry"] == 1
    retry = DBTaskResult.objects.get(task_path=TASK)
    assert retry.run_after is not None
    report.refresh_from_db()
    assert report.attachments[0]["attempts"] == 1 and "HTTP 503" in report.attachments[0]["error_detail"]

    assert fetch_attachments(report.pk)["stored"] == 1  # LAPOR is back

    lapor.files["/files/gone.jpg"] = (b"", "image/jpeg")
    LaporReport.objects.filter(pk=report.pk).update(attachments=[{"url": f"{lapor.origin}/files/gone.jpg", "attempts": 4}])
    lapor.file_statuses.extend([500])
    assert fetch_attachments(report.pk)["failed"] == 1
    report.refresh_from_db()
    assert report.attachments[0]["error"] == "download_failed"

"""The files of a LAPOR report (photos, PDFs) become the complaint's evidence attachments, fetched by the worker.

The pull stores the links LAPOR listed (LaporReport.attachments) and queues `fetch_lapor_attachments` in the
same transaction; the task downloads each link (bounded by TRECKK_MAX_ATTACHMENT_BYTES, no redirects), checks
the content like any upload (JPEG, PNG, WebP, PDF) and stores it with `store_attachments`. Each link's item
records what happened: `attachment_id`, or `error` (`host_not_allowed`, `too_large`, `unsupported_type`,
`download_failed`) with `error_detail`. A transient failure (timeout, 5xx) is tried again after the outbox's
backoff, up to MAX_ATTEMPTS times.

Only hosts in SP4N_LAPOR_ATTACHMENT_HOSTS (default: LAPOR's own) are fetched, so a link in a report cannot
make the server call anything else; LAPOR's token goes only to LAPOR's own host.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from channels.outbox import backoff
from channels.sp4n_lapor.client import LaporClient
from channels.sp4n_lapor.models import LaporReport
from channels.transports import DeliveryError
from channels.transports.http import TooLarge, download_bounded
from complaints.errors import InputError
from complaints.models import AttachmentKind
from complaints.services.attachments import ImageTooLargeError, checked_content_type, store_attachments
from roles.principals import ChannelPrincipal

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
STORED, RETRY, FAILED = "stored", "retry", "failed"


def allowed_hosts() -> set[str]:
    hosts = set(settings.SP4N_LAPOR_ATTACHMENT_HOSTS)
    own = urlsplit(settings.SP4N_LAPOR_BASE_URL).netloc
    return hosts | {own} if own else hosts


def queue_fetch(report: LaporReport) -> None:
    """In the caller's transaction: the task row commits with the report (django-tasks' database backend)."""
    if report.attachments:
        from channels.sp4n_lapor.tasks import fetch_lapor_attachments

        fetch_lapor_attachments.enqueue(report.pk)


def fetch_attachments(report_id: int) -> dict[str, int]:
    """Fetch every link not yet stored or given up; queue another run when one may work later."""
    report = LaporReport.objects.filter(pk=report_id).first()
    if report is None:
        return {}
    client = LaporClient()
    counts = {STORED: 0, RETRY: 0, FAILED: 0}
    for index, item in enumerate(report.attachments):
        if isinstance(item, dict) and not (item.get("attachment_id") or item.get("error")):
            counts[_fetch(report, index, item, client)] += 1
    if counts[RETRY]:
        from channels.sp4n_lapor.tasks import fetch_lapor_attachments

        attempts = max(int(item.get("attempts") or 0) for item in _items(report_id))
        fetch_lapor_attachments.using(run_after=timezone.now() + backoff(attempts)).enqueue(report_id)
    return counts


def _items(report_id: int) -> list[dict]:
    return [item for item in LaporReport.objects.get(pk=report_id).attachments if isinstance(item, dict)]


def _fetch(report: LaporReport, index: int, item: dict, client: LaporClient) -> str:
    url = str(item.get("url", ""))
    if urlsplit(url).netloc not in allowed_hosts():
        return _give_up(report, index, "host_not_allowed", urlsplit(url).netloc)
    limit = settings.TRECKK_MAX_ATTACHMENT_BYTES
    try:
        content, _declared = download_bounded(url, headers=client.auth_headers_for(url), limit=limit)
    except TooLarge as error:
        return _give_up(report, index, "too_large", f"{error} (limit {limit})")
    except DeliveryError as error:
        attempts = int(item.get("attempts") or 0) + 1
        if not error.transient or attempts >= MAX_ATTEMPTS:
            return _give_up(report, index, "download_failed", str(error), attempts=attempts)
        _update(report.pk, index, {"attempts": attempts, "error_detail": str(error)[:500]})
        return RETRY
    name = (item.get("filename") or urlsplit(url).path.rsplit("/", 1)[-1] or "lampiran")[:200]
    upload = SimpleUploadedFile(name, content)
    try:
        checked_content_type(upload)
    except InputError as error:
        too_large = error.status == 413 or isinstance(error, ImageTooLargeError)
        return _give_up(report, index, "too_large" if too_large else "unsupported_type", error.summary())
    with transaction.atomic():
        locked = LaporReport.objects.select_for_update(of=("self",)).select_related("complaint__channel").get(pk=report.pk)
        current = locked.attachments[index]
        if current.get("attachment_id"):
            return STORED  # another run stored it meanwhile
        (attachment,) = store_attachments(
            user=ChannelPrincipal(locked.complaint.channel), complaint=locked.complaint, uploads=[upload],
            kind=AttachmentKind.EVIDENCE,
        )
        current.update({"attachment_id": attachment.pk, "error_detail": ""})
        locked.save(update_fields=["attachments"])
    return STORED


def _update(report_id: int, index: int, changes: dict) -> None:
    with transaction.atomic():
        locked = LaporReport.objects.select_for_update().get(pk=report_id)
        locked.attachments[index].update(changes)
        locked.save(update_fields=["attachments"])


def _give_up(report: LaporReport, index: int, code: str, detail: str, attempts: int | None = None) -> str:
    logger.warning("LAPOR %s attachment %s not stored: %s (%s)", report.tracking_id, index, code, detail)
    changes = {"error": code, "error_detail": detail[:500]}
    if attempts is not None:
        changes["attempts"] = attempts
    _update(report.pk, index, changes)
    return FAILED

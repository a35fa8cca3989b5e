"""Pulling SP4N-LAPOR!'s disposition feed into complaints on the `sp4n_lapor` channel.

Rules that make the pull safe to repeat (docs/integrations/sp4n-lapor.md, "Pull"):
- a report becomes a complaint through `submit_complaint` with LAPOR's tracking id as `external_ref`; the
  unique (channel, external_ref) constraint and the unique LaporReport.tracking_id make a second import of the
  same report, also by a concurrent pull, return the first complaint;
- each report is imported in its own transaction (complaint + LaporReport), the cursor moves only after a whole
  page is in, so a pull that stops midway (timeout, 5xx, a crash) starts that page again next time;
- a lease on the cursor row keeps two pulls (the periodic task and `manage.py lapor_pull`) from running at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from channels.sp4n_lapor.attachments import queue_fetch
from channels.sp4n_lapor.client import Disposition, LaporClient, LaporError
from channels.sp4n_lapor.mapping import complaint_input, follow_up_due
from channels.sp4n_lapor.models import LaporCursor, LaporReport
from complaints.models import Channel, ChannelKind
from complaints.services.intake import submit_complaint
from roles.principals import ChannelPrincipal

logger = logging.getLogger(__name__)

# A pull holds its lease this long per page; a pull killed midway frees the cursor once it runs out.
LEASE_SECONDS_PER_PAGE = 120


@dataclass
class PullResult:
    status: str = "ok"  # ok | error | busy | disabled | not_configured | manual (adapters.ManualAdapter: nothing to pull)
    pages: int = 0
    created: list[str] = field(default_factory=list)  # our tracking codes
    repeated: int = 0  # items we already had
    rejected: list[str] = field(default_factory=list)
    error: str = ""

    def as_dict(self) -> dict:
        return {
            "status": self.status, "pages": self.pages, "created": len(self.created), "repeated": self.repeated,
            "rejected": len(self.rejected), "error": self.error,
        }


def is_configured() -> bool:
    return bool(settings.SP4N_LAPOR_BASE_URL and settings.SP4N_LAPOR_API_TOKEN)


def lapor_channel() -> Channel:
    """The channel LAPOR's complaints belong to (created on first use; an administrator may deactivate it)."""
    channel, _created = Channel.objects.get_or_create(
        name=settings.SP4N_LAPOR_CHANNEL_NAME, defaults={"kind": ChannelKind.SP4N_LAPOR},
    )
    if channel.kind != ChannelKind.SP4N_LAPOR:
        raise LaporError(f"Channel {channel.name!r} is not an SP4N-LAPOR! channel.", transient=False)
    return channel


def pull(*, client: LaporClient | None = None, max_pages: int | None = None) -> PullResult:
    """Import what LAPOR dispositioned to us since the last pull. Never raises for LAPOR's trouble: the result
    says what happened, and the cursor row keeps the last error for the admin."""
    if not is_configured():
        return PullResult(status="not_configured")
    channel = lapor_channel()
    if not channel.is_active:
        return PullResult(status="disabled")
    state, _created = LaporCursor.objects.get_or_create(channel=channel)
    if not _take_lease(state):
        return PullResult(status="busy")
    state.refresh_from_db(fields=["cursor"])  # as the previous pull left it
    client = client or LaporClient()
    result = PullResult()
    cursor = state.cursor
    try:
        for _page in range(max_pages or settings.SP4N_LAPOR_MAX_PAGES):
            page = client.dispositions(cursor=cursor, limit=settings.SP4N_LAPOR_PAGE_SIZE)
            result.pages += 1
            created_here = 0
            for item in page.items:
                code = import_disposition(channel, item)
                if code:
                    result.created.append(code)
                    created_here += 1
                else:
                    result.repeated += 1
            for reason in page.rejected:
                logger.warning("SP4N-LAPOR! item left out: %s", reason)
            result.rejected.extend(page.rejected)
            # The page is in: only now does the cursor move past it.
            if page.next_cursor:
                cursor = page.next_cursor
            _page_done(state, cursor=cursor, created=created_here)
            if not page.has_more:
                break
    except LaporError as error:
        result.status, result.error = "error", str(error)
        logger.warning("SP4N-LAPOR! pull stopped: %s", error)
    except Exception as error:
        # A bug or a database failure on one item: the page's cursor was not saved, so nothing is skipped.
        result.status, result.error = "error", f"{type(error).__name__}: {error}"
        logger.exception("SP4N-LAPOR! pull failed")
    finally:
        _finish(state, result)
    return result


def _take_lease(state: LaporCursor) -> bool:
    now = timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    until = now + timedelta(seconds=LEASE_SECONDS_PER_PAGE)
    return bool(LaporCursor.objects.filter(free, pk=state.pk).update(lease_until=until, last_run_at=now))


def _page_done(state: LaporCursor, *, cursor: str, created: int) -> None:
    LaporCursor.objects.filter(pk=state.pk).update(
        cursor=cursor, imported_total=F("imported_total") + created,
        lease_until=timezone.now() + timedelta(seconds=LEASE_SECONDS_PER_PAGE),
    )


def _finish(state: LaporCursor, result: PullResult) -> None:
    updates: dict = {"lease_until": None, "last_error": result.error[:2000]}
    if result.status == "ok":
        updates["last_success_at"] = timezone.now()
    LaporCursor.objects.filter(pk=state.pk).update(**updates)


def import_disposition(channel: Channel, item: Disposition) -> str:
    """One LAPOR report as a complaint in `submitted`: our tracking code, or "" when we already had it."""
    if LaporReport.objects.filter(tracking_id=item.tracking_id).exists():
        return ""
    mapped = complaint_input(item)
    disposed_at = item.disposed_at or item.submitted_at or timezone.now()
    try:
        with transaction.atomic():
            intake = submit_complaint(user=ChannelPrincipal(channel), data=mapped.data)
            if not intake.created and LaporReport.objects.filter(complaint=intake.complaint).exists():
                return ""
            report = LaporReport.objects.create(
                complaint=intake.complaint, tracking_id=item.tracking_id, report_type=item.report_type,
                is_anonymous=item.is_anonymous, is_secret=item.is_secret, title=item.title,
                lapor_category=item.category, lapor_kecamatan=item.kecamatan,
                category_matched=mapped.category_matched, district_matched=mapped.placement.matched,
                attachments=item.attachments, submitted_at=item.submitted_at, disposed_at=disposed_at,
                follow_up_due_at=follow_up_due(disposed_at),
            )
            queue_fetch(report)
    except IntegrityError:
        # A concurrent pull imported the same report first; its complaint is the one.
        if LaporReport.objects.filter(tracking_id=item.tracking_id).exists():
            return ""
        raise
    return intake.complaint.code if intake.created else ""

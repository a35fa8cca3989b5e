"""Reads about LAPOR's side of complaints, for the portal and the dashboard (LAPOR's deadline beside the SOP's)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from channels.sp4n_lapor.models import LaporCursor, LaporFollowUp, LaporReport
from complaints.models import Complaint


def lapor_report_for(complaint: Complaint) -> LaporReport | None:
    return LaporReport.objects.filter(complaint=complaint).first()


def overdue_follow_ups(now=None) -> QuerySet[LaporReport]:
    """LAPOR reports past LAPOR's own follow-up deadline with nothing accepted by LAPOR yet, oldest first."""
    now = now or timezone.now()
    return (
        LaporReport.objects.filter(followed_up_at__isnull=True, follow_up_due_at__lt=now)
        .select_related("complaint").order_by("follow_up_due_at")
    )


def due_follow_ups() -> QuerySet[LaporFollowUp]:
    """The follow-ups waiting to be posted into LAPOR's admin (manual mode), the earliest deadline first."""
    return (
        LaporFollowUp.objects.filter(posted_at__isnull=True)
        .select_related("report__complaint").order_by("due_at", "created_at", "id")
    )


def pull_state() -> QuerySet[LaporCursor]:
    """Where each LAPOR channel's pull stands: last run, last success, last error, reports imported."""
    return LaporCursor.objects.select_related("channel").order_by("channel__name")

"""Background work of the SP4N-LAPOR! connector (django-tasks) besides the periodic pull (channels.tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def fetch_lapor_attachments(report_id: int) -> dict:
    from channels.sp4n_lapor.attachments import fetch_attachments

    return fetch_attachments(report_id)

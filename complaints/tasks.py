"""Background tasks of the core: the periodic SLA sweep (django-tasks)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task


@task()
def sla_sweep() -> int:
    from complaints.services.sla_sweep import sweep_breaches

    recorded = sweep_breaches()
    schedule_sla_sweep()
    return recorded


def schedule_sla_sweep() -> None:
    """Keep exactly one SLA sweep waiting, however many workers start."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=f"{__name__}.sla_sweep")
    if not waiting.exists():
        sla_sweep.using(run_after=timezone.now() + timedelta(seconds=settings.TRECKK_SLA_SWEEP_SECONDS)).enqueue()

"""Background tasks of the core: the periodic SLA sweep and the step figures' daily roll-up (django-tasks)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task


@task()
def sla_sweep() -> int:
    from complaints.services.sla_sweep import sweep_breaches
    from complaints.step_spans import roll_up_step_days

    recorded = sweep_breaches()
    schedule_sla_sweep()
    # Yesterday's step figures summed up for the dashboard, once (two small queries when there is nothing to do);
    # after the rescheduling, so that a failure here never stops the sweeps.
    roll_up_step_days()
    return recorded


def schedule_sla_sweep() -> None:
    """Keep exactly one SLA sweep waiting, however many workers start."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=f"{__name__}.sla_sweep")
    if not waiting.exists():
        sla_sweep.using(run_after=timezone.now() + timedelta(seconds=settings.TRECKK_SLA_SWEEP_SECONDS)).enqueue()

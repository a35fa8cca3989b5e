"""Background tasks (django-tasks): the outbox delivery and its periodic sweep, and the periodic SP4N-LAPOR! pull."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task


@task()
def deliver_outbound(message_id: int) -> str:
    from channels.outbox import deliver

    return deliver(message_id)


@task()
def sweep_outbox() -> int:
    """Pick up what a killed worker left behind, then come back after TRECKK_OUTBOX_SWEEP_SECONDS."""
    from channels.outbox import recover_stranded

    recovered = recover_stranded()
    schedule_sweep()
    return recovered


def schedule_sweep() -> None:
    """Keep exactly one sweep waiting, however many workers start."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=f"{__name__}.sweep_outbox")
    if not waiting.exists():
        sweep_outbox.using(run_after=timezone.now() + timedelta(seconds=settings.TRECKK_OUTBOX_SWEEP_SECONDS)).enqueue()


@task()
def lapor_pull() -> dict:
    """Pull SP4N-LAPOR!'s disposition feed, then come back after SP4N_LAPOR_PULL_SECONDS (also after a failure)."""
    from channels.sp4n_lapor.adapters import lapor_adapter

    try:
        return lapor_adapter().pull().as_dict()
    finally:
        schedule_lapor_pull()


def schedule_lapor_pull(*, right_away: bool = False) -> None:
    """Keep exactly one LAPOR pull waiting when the connector is configured for the API, however many workers start
    (in the manual mode there is nothing to pull: the Operator records LAPOR's reports)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from channels.sp4n_lapor.adapters import API, lapor_mode
    from channels.sp4n_lapor.services import is_configured

    if lapor_mode() != API or not is_configured():
        return
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=f"{__name__}.lapor_pull")
    if not waiting.exists():
        delay = 0 if right_away else settings.SP4N_LAPOR_PULL_SECONDS
        lapor_pull.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue()

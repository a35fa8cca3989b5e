"""Start the background worker: recover what a killed worker left, keep the periodic sweeps (outbox, SLA) and the
SP4N-LAPOR! pull alive, run tasks."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from channels.outbox import recover_stranded
from channels.tasks import schedule_lapor_pull, schedule_sweep
from complaints.tasks import schedule_sla_sweep


class Command(BaseCommand):
    help = "Deliver outbound messages and run other background tasks (django-tasks database backend)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--max-tasks", type=int, default=None, help="Stop after this many tasks (for tests and one-off runs).")
        parser.add_argument("--interval", type=float, default=1, help="Seconds to wait when there is nothing to do.")
        parser.add_argument("--batch", action="store_true", help="Run what is due, then exit.")

    def handle(self, *args, max_tasks: int | None, interval: float, batch: bool, **options) -> None:
        recovered = recover_stranded()
        if recovered:
            self.stdout.write(f"Rescheduled {recovered} outbound message(s) left by an earlier worker.")
        schedule_sweep()
        schedule_sla_sweep()
        schedule_lapor_pull(right_away=True)
        worker_options = {"interval": interval, "reload": False, "startup_delay": False}
        if max_tasks is not None:
            worker_options["max_tasks"] = max_tasks
        if batch:
            worker_options["batch"] = True
        call_command("db_worker", **worker_options)

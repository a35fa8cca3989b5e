from django.core.management.base import BaseCommand

from complaints.services.sla_sweep import sweep_breaches


class Command(BaseCommand):
    help = "Record steps past their SOP time and notify their owners and superiors (the worker does this every minute)."

    def handle(self, *args, **options) -> None:
        recorded = sweep_breaches()
        self.stdout.write(f"{recorded} new breach(es) recorded.")

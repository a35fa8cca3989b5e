"""`manage.py rebuild_step_spans [code ...]`: derive the dashboard's step durations again from the event history."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from complaints.models import Complaint
from complaints.step_spans import rebuild_step_spans


class Command(BaseCommand):
    help = (
        "Rebuild the step spans (how long each step took, read by the dashboard) from the complaints' events: of the "
        "complaints with these tracking codes, or of all. The services record spans as steps end, so this is only "
        "needed after events were loaded by other means (a restore of the events table alone, a manual import)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("codes", nargs="*", help="Tracking codes (default: every complaint).")

    def handle(self, *args, codes: list[str], **options) -> None:
        ids = None
        if codes:
            found = dict(Complaint.objects.filter(code__in=[c.upper() for c in codes]).values_list("code", "pk"))
            unknown = sorted({c.upper() for c in codes} - set(found))
            if unknown:
                raise CommandError(f"Unknown tracking code(s): {', '.join(unknown)}. Nothing was rebuilt.")
            ids = list(found.values())
        written = rebuild_step_spans(ids)
        self.stdout.write(self.style.SUCCESS(f"{written:,} step spans written."))

"""Pull SP4N-LAPOR!'s disposition feed now (the worker does it every SP4N_LAPOR_PULL_SECONDS)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from channels.sp4n_lapor.adapters import MANUAL, lapor_adapter


class Command(BaseCommand):
    help = "Import the reports SP4N-LAPOR! dispositioned to this unit since the last pull (safe to repeat)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--max-pages", type=int, default=None, help="Stop after this many pages (default SP4N_LAPOR_MAX_PAGES).")

    def handle(self, *args, max_pages: int | None, **options) -> None:
        result = lapor_adapter().pull(max_pages=max_pages)
        if result.status == MANUAL:
            raise CommandError(
                "SP4N-LAPOR! is not configured for its API: in the manual mode (SP4N_LAPOR_MODE) nothing is pulled and "
                "the Operator records LAPOR's reports at /sp4n-lapor/. To pull, set SP4N_LAPOR_BASE_URL and "
                "SP4N_LAPOR_API_TOKEN."
            )
        if result.status == "not_configured":
            raise CommandError("SP4N-LAPOR! is not configured: set SP4N_LAPOR_BASE_URL and SP4N_LAPOR_API_TOKEN.")
        if result.status == "disabled":
            raise CommandError("The SP4N-LAPOR! channel is deactivated (admin: Kanal).")
        if result.status == "busy":
            raise CommandError("Another pull is running; try again in a moment.")
        self.stdout.write(
            f"{result.pages} page(s): {len(result.created)} new complaint(s), {result.repeated} already imported, "
            f"{len(result.rejected)} left out."
        )
        for code in result.created:
            self.stdout.write(f"  {code}")
        if result.status == "error":
            raise CommandError(f"Stopped early (the next pull resumes where this one stopped): {result.error}")

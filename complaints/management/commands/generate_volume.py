"""`manage.py generate_volume [N]`: add N realistic complaints (default 100,000) for load tests and benchmarks."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from complaints.volume import DEFAULT_TOTAL, DEFAULT_YEARS, OPEN_GROUPS, Progress, generate, open_per_step


class Command(BaseCommand):
    help = (
        "Fill the database with N complaints spread over several years, with their event history, assignments, "
        "field reports, team grants and SLA breaches; a few thousand stay open in every step. Uses COPY on "
        "PostgreSQL. Adds to what is there; staff and teams come from the demo loader."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("total", nargs="?", type=int, default=DEFAULT_TOTAL, help=f"How many (default {DEFAULT_TOTAL:,}).")
        parser.add_argument("--years", type=float, default=DEFAULT_YEARS, help=f"Spread over this many years (default {DEFAULT_YEARS}).")
        parser.add_argument("--seed", type=int, default=None, help="Random seed, for the same data twice.")
        parser.add_argument("--batch", type=int, default=5_000, help="Complaints per committed batch (default 5,000).")
        parser.add_argument(
            "--not-debug", action="store_true",
            help="Run although DEBUG is off. The data is synthetic and the demo logins share a published password: "
            "only for load-test databases.",
        )

    def handle(self, *args, total: int, years: float, seed: int | None, batch: int, not_debug: bool, **options) -> None:
        if total < 1 or years <= 0 or batch < 1:
            raise CommandError("N, --years and --batch must be positive.")
        if not settings.DEBUG and not not_debug:
            raise CommandError(
                "DEBUG is off: this looks like a production database. Synthetic complaints and demo logins do not "
                "belong there; pass --not-debug for a load-test database."
            )
        per_step = open_per_step(total)
        self.stdout.write(
            f"Generating {total:,} complaints over {years:g} years ({per_step:,} open in each of "
            f"{len(OPEN_GROUPS)} steps)..."
        )
        summary = generate(total, years=years, seed=seed, batch_size=batch, progress=self._progress)
        rows = ", ".join(f"{name} {count:,}" for name, count in sorted(summary.rows.items()))
        self.stdout.write(self.style.SUCCESS(f"Done in {summary.seconds:.0f} s: {rows}."))

    def _progress(self, step: Progress) -> None:
        share = step.done / step.total
        left = step.seconds / share - step.seconds if share else 0
        self.stdout.write(
            f"  {step.done:>10,} / {step.total:,} complaints ({share:4.0%})  {step.rows:>12,} rows  "
            f"{step.seconds:6.0f} s  about {left:4.0f} s left"
        )
        self.stdout.flush()

from django.core.management.base import BaseCommand

from roles.setup import ensure_role_groups


class Command(BaseCommand):
    help = "Create the five SOP role groups (Operator, Kasi/Kasubag, Kabid, TRC, Kepala) if they are missing."

    def handle(self, *args, **options) -> None:
        created = ensure_role_groups()
        self.stdout.write(f"Created: {', '.join(created)}" if created else "All role groups already exist.")

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from complaints.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load demo data: teams, one login per role and complaints standing in every SOP status."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--per-status", type=int, default=3, help="Complaints per status (default 3).")

    def handle(self, *args, per_status: int, **options) -> None:
        logins = load_demo(complaints_per_status=per_status)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Logins (password for all: {DEMO_PASSWORD}):"))
        for role, username in logins.items():
            self.stdout.write(f"  {role:<24} {username}")
        # An administrator for /admin/ (channels and their keys, SOP time limits, reference data): demo only.
        admin, created = get_user_model().objects.get_or_create(username="admin", defaults={"is_staff": True, "is_superuser": True})
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save()
        self.stdout.write(f"  {'Administrator (/admin/)':<24} admin")

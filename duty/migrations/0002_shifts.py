"""The three shifts Satpol PP posts run (WITA): pagi, siang/sore and malam, which crosses midnight."""

from datetime import time

from django.db import migrations

SHIFTS = [
    ("pagi", "Pagi", time(7), time(15), 1),
    ("siang", "Siang/sore", time(15), time(23), 2),
    ("malam", "Malam", time(23), time(7), 3),
]


def add_shifts(apps, schema_editor):
    Shift = apps.get_model("duty", "Shift")
    for code, name, starts_at, ends_at, order in SHIFTS:
        Shift.objects.get_or_create(
            code=code, defaults={"name": name, "starts_at": starts_at, "ends_at": ends_at, "order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("duty", "0001_initial")]

    operations = [migrations.RunPython(add_shifts, migrations.RunPython.noop)]

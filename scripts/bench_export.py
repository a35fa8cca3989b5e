"""Benchmark: stream the complaint register as CSV and XLSX for 10,000 and 100,000 complaints, print peak memory.

Not a test: `make bench-export` runs it against a throwaway SQLite file (or DATABASE_URL if set) and prints
figures. Flat memory means the peak barely moves between 10,000 and 100,000 rows.
"""

from __future__ import annotations

import os
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/treckk-bench-export.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from complaints.exports import csv_lines, xlsx_file  # noqa: E402
from complaints.models import Category, Complaint, District, Reporter  # noqa: E402
from roles.roles import Role  # noqa: E402


def fill(total: int) -> None:
    have = Complaint.objects.count()
    category, district, now = Category.objects.first(), District.objects.first(), timezone.now()
    while have < total:
        batch = min(5000, total - have)
        reporters = Reporter.objects.bulk_create([Reporter(name=f"Pelapor {have + i}", phone="081200000000") for i in range(batch)])
        Complaint.objects.bulk_create([
            Complaint(kind=category.kind, category=category, district=district, description=f"Aduan {have + i}",
                      channel_kind="whatsapp", program="lalisa", status="screening", due_at=now, reporter=reporters[i])
            for i in range(batch)
        ])
        have += batch


def measure(label: str, produce) -> None:
    tracemalloc.start()
    started = time.perf_counter()
    size = produce()
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  {label:<5} {size / 1e6:8.1f} MB out   peak Python memory {peak / 1e6:6.1f} MB   {seconds:6.1f} s")


def main() -> None:
    call_command("migrate", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username="bench-operator")
    user.groups.add(*Group.objects.filter(name=Role.OPERATOR.group_name))
    queryset = Complaint.objects.all()
    for total in (10_000, 100_000):
        fill(total)
        print(f"{total:,} complaints")
        measure("CSV", lambda: sum(len(line.encode()) for line in csv_lines(user, queryset)))

        def xlsx() -> int:
            handle = xlsx_file(user, queryset)
            size = handle.seek(0, 2)
            handle.close()
            return size

        measure("XLSX", xlsx)


if __name__ == "__main__":
    main()

"""For tests that need a past timeline (statistics over weeks): rewrite complaint events' times.

The application can never change an event: the model and its queryset refuse, and on PostgreSQL a trigger refuses
(audit/migrations/0002). A test that fabricates history says so explicitly here: a plain QuerySet past the model's
guard, and on PostgreSQL the session in replica mode (ordinary triggers do not fire) for the statements inside the
block only (needs a superuser, as the test database's owner is here).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.db.models import QuerySet

from complaints.models import ComplaintEvent


@contextmanager
def rewritable_events() -> Iterator[QuerySet]:
    on_postgres = connection.vendor == "postgresql"
    if on_postgres:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
    try:
        yield QuerySet(model=ComplaintEvent)
    finally:
        if on_postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")

"""The complaint event log cannot be edited or deleted through any code path: the model and its queryset refuse,
and on PostgreSQL a trigger refuses even raw SQL."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from complaints.models import AppendOnlyError, ComplaintEvent
from complaints.workflow import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(complaint_in):
    complaint = complaint_in(Status.VERIFICATION)
    return list(ComplaintEvent.objects.filter(complaint=complaint).order_by("id"))


def test_orm_refuses_every_change(events):
    event = events[0]
    event.note = "diubah"
    attempts = {
        "save existing": lambda: event.save(),
        "save(update_fields)": lambda: event.save(update_fields=["note"]),
        "delete": lambda: event.delete(),
        "queryset update": lambda: ComplaintEvent.objects.filter(pk=event.pk).update(note="x"),
        "queryset delete": lambda: ComplaintEvent.objects.filter(pk=event.pk).delete(),
        "bulk_update": lambda: ComplaintEvent.objects.bulk_update([event], ["note"]),
        "related manager update": lambda: event.complaint.events.update(note="x"),
        "related manager delete": lambda: event.complaint.events.all().delete(),
        "update_or_create": lambda: ComplaintEvent.objects.update_or_create(pk=event.pk, defaults={"note": "x"}),
    }
    for name, attempt in attempts.items():
        with pytest.raises(AppendOnlyError), transaction.atomic():
            attempt()
        assert ComplaintEvent.objects.get(pk=event.pk).note == "", name
    assert ComplaintEvent.objects.count() == len(events)


def test_new_events_are_still_written(events, complaint_in):
    before = ComplaintEvent.objects.count()
    complaint_in(Status.SCREENING)
    assert ComplaintEvent.objects.count() > before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger is installed on PostgreSQL only")
@pytest.mark.parametrize("table", ["complaints_complaintevent", "audit_auditentry"])
def test_postgresql_trigger_refuses_raw_update_and_delete(events, users, table):
    from audit.models import AuditKind
    from audit.records import record

    record(AuditKind.LOGIN, user=users["nobody"])
    for sql in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):  # noqa: S608 (fixed table names)
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
        assert cursor.fetchone()[0] > 0
    # Inserting still works.
    record(AuditKind.LOGIN, user=users["nobody"])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger is installed on PostgreSQL only")
def test_trigger_is_installed_on_both_tables():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_object_table, event_manipulation FROM information_schema.triggers "
            "WHERE trigger_name IN ('complaint_event_append_only', 'audit_entry_append_only')"
        )
        found = set(cursor.fetchall())
    assert found == {
        ("complaints_complaintevent", "UPDATE"), ("complaints_complaintevent", "DELETE"),
        ("audit_auditentry", "UPDATE"), ("audit_auditentry", "DELETE"),
    }

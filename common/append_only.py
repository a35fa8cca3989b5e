"""Rows written once and never changed or deleted: complaint events, the audit trail, the field log.

The model refuses `save()` of an existing row and `delete()`; AppendOnlyQuerySet also refuses the queryset's bulk
rewrites. On PostgreSQL a trigger refuses UPDATE and DELETE of complaint events and audit entries as well.
"""

from __future__ import annotations

from django.db import models


class AppendOnlyError(Exception):
    """Raised by every code path that would change or delete an append-only row."""


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk rewrites: `update()`, `bulk_update()` and `delete()` on the queryset (the model refuses
    `save()` of an existing row and `delete()`). On PostgreSQL a trigger refuses UPDATE and DELETE as well,
    for SQL that never passes through here (audit app, migration 0002)."""

    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only.")

    def _update(self, values):
        # Model.save() and bulk_update() reach the database through here; insertions never do.
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only.")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only.")

    delete.alters_data = True
    delete.queryset_only = True

    def _raw_delete(self, using):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only.")


class AppendOnly(models.Model):
    """Written once by a service; never changed or deleted (the audit trail of the field log)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AppendOnlyError(f"{type(self).__name__} is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} is append-only.")

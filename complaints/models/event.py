from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.models.channel import Channel
from complaints.models.complaint import Complaint
from complaints.workflow import Status


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


class ComplaintEvent(models.Model):
    """One line of a complaint's history. Written once by a service, never changed or deleted."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor_role = models.CharField(_("peran"), max_length=20, blank=True)
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    action = models.CharField(_("tindakan"), max_length=30)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    note = models.TextField(_("catatan"), blank=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("waktu"), db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["complaint", "created_at"], name="event_timeline_idx")]
        verbose_name = _("riwayat aduan")
        verbose_name_plural = _("riwayat aduan")

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.action}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Complaint events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Complaint events are append-only.")

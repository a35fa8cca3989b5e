from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.append_only import AppendOnlyError, AppendOnlyQuerySet
from complaints.models.channel import Channel
from complaints.models.complaint import Complaint
from complaints.workflow import Status


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

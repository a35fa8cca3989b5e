"""SLA breaches (a step that ran past its time) and the staff notifications they cause."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models.complaint import Complaint
from complaints.workflow import Status


class SlaBreach(models.Model):
    """One step of one complaint that went past its due time; unique, so a sweep run twice records it once."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="breaches")
    status = models.CharField(_("langkah"), max_length=20, choices=Status.choices)
    due_at = models.DateTimeField(_("tenggat"))
    detected_at = models.DateTimeField(_("terdeteksi"), default=timezone.now)

    class Meta:
        ordering = ["-detected_at"]
        verbose_name = _("pelanggaran tenggat")
        verbose_name_plural = _("pelanggaran tenggat")
        constraints = [
            models.UniqueConstraint(fields=["complaint", "status", "due_at"], name="breach_once_per_step_entry"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint} · {self.status} · {self.due_at:%Y-%m-%d %H:%M}"


class StaffNotification(models.Model):
    """Something a staff member should see in the portal: a breach in their step, or one they supervise."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="notifications")
    breach = models.ForeignKey(SlaBreach, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications")
    text = models.CharField(_("isi"), max_length=300)
    is_escalation = models.BooleanField(_("eskalasi"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pemberitahuan staf")
        verbose_name_plural = _("pemberitahuan staf")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "breach"], name="notification_once_per_breach"),
        ]

    def __str__(self) -> str:
        return self.text

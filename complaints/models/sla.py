from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.workflow import Program, Status


class SlaPolicy(models.Model):
    """Time allowed per SOP step and program; seeded from the SOP, editable by an administrator."""

    status = models.CharField(_("langkah"), max_length=20, choices=Status.choices)
    program = models.CharField(_("program"), max_length=10, choices=Program.choices)
    target = models.DurationField(_("target"))
    limit = models.DurationField(_("batas waktu"))

    class Meta:
        ordering = ["status", "program"]
        constraints = [
            models.UniqueConstraint(fields=["status", "program"], name="sla_policy_unique_step_program"),
            models.CheckConstraint(condition=models.Q(target__lte=models.F("limit")), name="sla_target_within_limit"),
        ]
        verbose_name = _("batas waktu SOP")
        verbose_name_plural = _("batas waktu SOP")

    def __str__(self) -> str:
        return f"{self.get_status_display()} / {self.get_program_display()}: {self.limit}"

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.models.complaint import Complaint
from complaints.models.team import Team


class FieldResult(models.TextChoices):
    RESOLVED = "resolved", _("Selesai ditangani di tempat")
    WARNED = "warned", _("Teguran/pembinaan")
    ENFORCED = "enforced", _("Penertiban/penindakan")
    HANDED_OVER = "handed_over", _("Diserahkan ke instansi lain")
    NOT_FOUND = "not_found", _("Tidak ditemukan pelanggaran")


class FieldReport(models.Model):
    """Step 6: what the team found and did."""

    complaint = models.OneToOneField(Complaint, on_delete=models.PROTECT, related_name="field_report")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    findings = models.TextField(_("temuan"))
    action_taken = models.TextField(_("tindakan"))
    result = models.CharField(_("hasil"), max_length=20, choices=FieldResult.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("laporan lapangan")
        verbose_name_plural = _("laporan lapangan")

    def __str__(self) -> str:
        return f"Field report for complaint {self.complaint_id}"

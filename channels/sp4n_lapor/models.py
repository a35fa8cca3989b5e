"""What the SP4N-LAPOR! connector keeps: LAPOR's own facts beside each complaint it brought, and the pull cursor.

Imported by channels.models, so these are models of the `channels` app (its migrations).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Channel, Complaint


class LaporReportType(models.TextChoices):
    """LAPOR's three kinds of report (jenis laporan)."""

    COMPLAINT = "pengaduan", _("Pengaduan")
    ASPIRATION = "aspirasi", _("Aspirasi")
    INFORMATION = "permintaan_informasi", _("Permintaan informasi")


class LaporReport(models.Model):
    """A complaint's SP4N-LAPOR! side: its tracking id, flags and LAPOR's own follow-up deadline.

    LAPOR expects a follow-up (tindak lanjut) within 5 working days of the disposition; that deadline is kept
    here beside the SOP's step deadlines on the complaint, with when we met it and what we last told LAPOR.
    """

    complaint = models.OneToOneField(Complaint, on_delete=models.PROTECT, related_name="lapor")
    tracking_id = models.CharField(_("ID pelacakan LAPOR"), max_length=64, unique=True)
    report_type = models.CharField(_("jenis laporan LAPOR"), max_length=30, choices=LaporReportType.choices)
    is_anonymous = models.BooleanField(_("anonim di LAPOR"), default=False)
    is_secret = models.BooleanField(_("rahasia di LAPOR"), default=False)
    title = models.CharField(_("judul"), max_length=500, blank=True)
    lapor_category = models.CharField(_("kategori LAPOR"), max_length=200, blank=True)
    lapor_kecamatan = models.CharField(_("kecamatan menurut LAPOR"), max_length=120, blank=True)
    category_matched = models.BooleanField(default=True, help_text="False: LAPOR's category was unknown; the kind's fallback was used.")
    district_matched = models.BooleanField(default=True, help_text="False: no kecamatan could be read; the default was used.")
    attachments = models.JSONField(default=list, blank=True, help_text="[{url, filename, content_type}] as LAPOR listed them.")
    submitted_at = models.DateTimeField(_("dilaporkan di LAPOR"), null=True, blank=True)
    disposed_at = models.DateTimeField(_("didisposisikan"))
    follow_up_due_at = models.DateTimeField(_("tenggat tindak lanjut LAPOR"))
    followed_up_at = models.DateTimeField(_("tindak lanjut pertama diterima LAPOR"), null=True, blank=True)
    last_pushed_status = models.CharField(_("status terakhir ke LAPOR"), max_length=40, blank=True)
    last_pushed_at = models.DateTimeField(null=True, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("laporan SP4N-LAPOR!")
        verbose_name_plural = _("laporan SP4N-LAPOR!")
        indexes = [models.Index(fields=["followed_up_at", "follow_up_due_at"], name="lapor_follow_up_due_idx")]

    def __str__(self) -> str:
        return f"LAPOR {self.tracking_id}"

    def follow_up_overdue(self, now=None) -> bool:
        return self.followed_up_at is None and self.follow_up_due_at < (now or timezone.now())


class LaporCursor(models.Model):
    """Where the pull of LAPOR's disposition feed stands, for one LAPOR channel.

    `cursor` moves only after a page is fully imported, so a pull that stops midway starts that page again
    (its imported items are recognised by tracking id). `lease_until` keeps two pulls from running at once.
    """

    channel = models.OneToOneField(Channel, on_delete=models.CASCADE, related_name="lapor_cursor")
    cursor = models.CharField(max_length=500, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    imported_total = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("posisi tarik SP4N-LAPOR!")
        verbose_name_plural = _("posisi tarik SP4N-LAPOR!")

    def __str__(self) -> str:
        return f"{self.channel}: {self.cursor or '-'}"

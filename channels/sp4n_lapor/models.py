"""What the SP4N-LAPOR! connector keeps: LAPOR's own facts beside each complaint it brought, and the pull cursor.

Imported by channels.models, so these are models of the `channels` app (its migrations).
"""

from __future__ import annotations

from django.conf import settings
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

    LAPOR expects a follow-up (tindak lanjut) within 5 working days of the disposition (holidays skipped,
    complaints.working_days); that deadline is kept here beside the SOP's step deadlines on the complaint, with when
    we met it and what we last told LAPOR. The same row whether the pull brought the report (API mode) or the
    Operator recorded its tracking id by hand.
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


class LaporPostKind(models.TextChoices):
    """What a push tells LAPOR (the values of channels.sp4n_lapor.client.FOLLOW_UP and FINAL)."""

    FOLLOW_UP = "follow_up", _("Tindak lanjut")
    FINAL = "final", _("Status akhir")


class LaporFollowUp(models.Model):
    """In manual mode, a push the Operator posts into LAPOR's admin by hand: the same text the API mode would send,
    due by `due_at`, on the portal's list until someone marks it posted (who and when)."""

    report = models.ForeignKey(LaporReport, on_delete=models.PROTECT, related_name="follow_ups")
    kind = models.CharField(_("jenis"), max_length=20, choices=LaporPostKind.choices)
    text = models.TextField(_("teks untuk LAPOR"))
    payload = models.JSONField(default=dict, blank=True, help_text="channels.sp4n_lapor.client.Push, as the API mode would send it.")
    # The push's key (pushes.py): the same transition never makes a second row.
    dedupe_key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    due_at = models.DateTimeField(_("tenggat"))
    posted_at = models.DateTimeField(_("diposting ke LAPOR"), null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("diposting oleh"),
    )

    class Meta:
        ordering = ["due_at", "created_at", "id"]
        verbose_name = _("tindak lanjut LAPOR manual")
        verbose_name_plural = _("tindak lanjut LAPOR manual")
        indexes = [models.Index(fields=["posted_at", "due_at"], name="lapor_post_due_idx")]

    def __str__(self) -> str:
        return f"LAPOR {self.report_id}: {self.kind} #{self.pk}"

    def overdue(self, now=None) -> bool:
        return self.posted_at is None and self.due_at < (now or timezone.now())

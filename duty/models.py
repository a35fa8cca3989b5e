"""TRC posts' duty roster (who is on duty at which post, per date and shift) and field log (patrols, events secured).

The roster is a plan the Kabid (or a post leader) keeps and may change. The field log is a record: append-only,
like a paper "buku kegiatan lapangan", where a mistake is answered by a correction note, never an edit.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.append_only import AppendOnly
from complaints.models import Complaint, District, Team, Village


class Shift(models.Model):
    """A duty shift, defined once for every post. A shift that ends at or before its start crosses midnight:
    the night shift of 23 November runs from 23 November 23.00 to 24 November 07.00 (WITA)."""

    code = models.SlugField(_("kode"), max_length=20, unique=True)
    name = models.CharField(_("nama"), max_length=40)
    starts_at = models.TimeField(_("mulai"))
    ends_at = models.TimeField(_("selesai"), help_text=_("Sama dengan atau sebelum jam mulai: shift berakhir esok hari."))
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["order", "starts_at"]
        verbose_name = _("shift piket")
        verbose_name_plural = _("shift piket")

    def __str__(self) -> str:
        return f"{self.name} ({self.hours})"

    @property
    def crosses_midnight(self) -> bool:
        return self.ends_at <= self.starts_at

    @property
    def hours(self) -> str:
        return f"{self.starts_at:%H.%M}–{self.ends_at:%H.%M}"

    def window(self, day: date) -> tuple[datetime, datetime]:
        """When this shift on roster date `day` starts and ends, in WITA (end exclusive)."""
        zone = timezone.get_default_timezone()
        start = datetime.combine(day, self.starts_at, tzinfo=zone)
        end_day = day + timedelta(days=1) if self.crosses_midnight else day
        return start, datetime.combine(end_day, self.ends_at, tzinfo=zone)


class DutyType(models.TextChoices):
    """What a rostered member does in the shift (the TRECKK posts' duties)."""

    OFFICE_GUARD = "jaga_kantor", _("Jaga kantor kecamatan")
    PATROL = "patroli", _("Patroli")
    STANDBY = "siaga", _("Siaga/piket")
    EVENT_SECURITY = "pengamanan", _("Pengamanan kegiatan")


class RosterEntry(models.Model):
    """One member on duty at one post, on one date and shift. A member is never rostered twice in one shift."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="roster_entries", verbose_name=_("pos"))
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="roster_entries", verbose_name=_("anggota"),
    )
    date = models.DateField(_("tanggal"))
    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="entries", verbose_name=_("shift"))
    duty_type = models.CharField(_("jenis tugas"), max_length=20, choices=DutyType.choices, default=DutyType.OFFICE_GUARD)
    note = models.CharField(_("keterangan"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "shift__order", "member__first_name", "member__username"]
        constraints = [
            models.UniqueConstraint(fields=["member", "date", "shift"], name="duty_roster_member_once_per_shift"),
        ]
        indexes = [models.Index(fields=["team", "date"], name="duty_roster_team_date_idx")]
        permissions = [("manage_post_roster", _("Dapat mengatur jadwal piket pos sendiri (ketua pos)"))]
        verbose_name = _("jadwal piket")
        verbose_name_plural = _("jadwal piket")

    def __str__(self) -> str:
        return f"{self.team} {self.date} {self.shift.code}: {self.member}"


class FieldLogKind(models.TextChoices):
    PATROL = "patroli", _("Patroli")
    EVENT_SECURITY = "pengamanan", _("Pengamanan kegiatan")
    OFFICE_GUARD = "jaga_kantor", _("Jaga kantor")
    OTHER = "lainnya", _("Lainnya")


class FieldLogEntry(AppendOnly):
    """One line of a post's field log: a patrol, an event secured, a guard duty or anything else worth recording."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="field_log", verbose_name=_("pos"))
    kind = models.CharField(_("jenis kegiatan"), max_length=20, choices=FieldLogKind.choices)
    started_at = models.DateTimeField(_("mulai"))
    ended_at = models.DateTimeField(_("selesai"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+", verbose_name=_("kecamatan"))
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("desa/kelurahan"),
    )
    place = models.CharField(_("tempat"), max_length=200, blank=True)
    summary = models.TextField(_("uraian kegiatan"))
    actions_taken = models.TextField(_("tindakan"), blank=True)
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("petugas"))
    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, null=True, blank=True, related_name="field_log_entries",
        verbose_name=_("aduan terkait"),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("dicatat"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ended_at__gt=F("started_at")), name="duty_log_ends_after_start"),
        ]
        indexes = [models.Index(fields=["team", "started_at"], name="duty_log_team_start_idx")]
        verbose_name = _("catatan kegiatan lapangan")
        verbose_name_plural = _("buku kegiatan lapangan")

    def __str__(self) -> str:
        return f"{self.team} {self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M}"


def log_photo_path(instance: FieldLogPhoto, filename: str) -> str:
    # The stored name never comes from the uploader: no path tricks, no clashes.
    return f"field_log/{instance.entry_id}/{uuid.uuid4().hex}{instance.extension}"


class FieldLogPhoto(AppendOnly):
    entry = models.ForeignKey(FieldLogEntry, on_delete=models.PROTECT, related_name="photos")
    file = models.FileField(upload_to=log_photo_path, max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("foto kegiatan")
        verbose_name_plural = _("foto kegiatan")

    def __str__(self) -> str:
        return f"{self.entry_id}/{self.pk} ({self.content_type})"

    @property
    def extension(self) -> str:
        return {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "application/pdf": ".pdf"}.get(
            self.content_type, ".bin"
        )


class FieldLogCorrection(AppendOnly):
    """A correction ("koreksi") to a field log entry: the entry stays as written, the correction is read with it."""

    entry = models.ForeignKey(FieldLogEntry, on_delete=models.PROTECT, related_name="corrections")
    text = models.TextField(_("koreksi"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("koreksi catatan")
        verbose_name_plural = _("koreksi catatan")

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.text[:40]}"

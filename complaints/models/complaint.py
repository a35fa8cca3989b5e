from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models.channel import Channel, ChannelKind
from complaints.models.geography import District, Village
from complaints.models.reporter import Reporter
from complaints.models.taxonomy import Category, ComplaintKind
from complaints.models.team import Team
from complaints.workflow import OPEN_STATUSES, STEP_OF, Outcome, Program, ReturnReason, Status

# No 0/O, 1/I/L, U: codes are read out over the phone and typed on phones.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
TRACKING_GROUP = 5


def new_tracking_code() -> str:
    """Two groups of five from a 30-letter alphabet: about 5.9e14 codes, so guessing one is hopeless."""
    chars = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(2 * TRACKING_GROUP))
    return f"{chars[:TRACKING_GROUP]}-{chars[TRACKING_GROUP:]}"


class ComplaintQuerySet(models.QuerySet):
    def open(self) -> ComplaintQuerySet:
        return self.exclude(status=Status.CLOSED)

    def overdue(self, now=None) -> ComplaintQuerySet:
        return self.open().filter(due_at__lt=now or timezone.now())


class Complaint(models.Model):
    code = models.CharField(_("kode lacak"), max_length=11, unique=True, default=new_tracking_code, editable=False)
    kind = models.CharField(_("jenis"), max_length=20, choices=ComplaintKind.choices)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("kategori"))
    description = models.TextField(_("uraian"))

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("kecamatan"))
    village = models.ForeignKey(Village, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints", verbose_name=_("desa"))
    address = models.CharField(_("alamat/lokasi"), max_length=255, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    incident_at = models.DateTimeField(_("waktu kejadian"), null=True, blank=True)

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints")
    channel_kind = models.CharField(_("kanal"), max_length=20, choices=ChannelKind.choices)
    external_ref = models.CharField(_("referensi eksternal"), max_length=128, blank=True)
    # SHA-256 of the body that first sent this external_ref/Idempotency-Key (api/idempotency.py): the same key with
    # another body is refused (422). Empty where nothing was compared (staff intake, LAPOR pulls, older rows).
    intake_fingerprint = models.CharField(max_length=64, blank=True, default="", editable=False)
    program = models.CharField(_("program"), max_length=10, choices=Program.choices)

    reporter = models.OneToOneField(Reporter, on_delete=models.PROTECT, null=True, blank=True, related_name="complaint")
    is_anonymous = models.BooleanField(_("anonim"), default=False)
    is_confidential = models.BooleanField(_("rahasia"), default=False)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    outcome = models.CharField(_("hasil"), max_length=20, choices=Outcome.choices, blank=True)
    step_started_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(_("tenggat langkah"), null=True, blank=True)
    forwarded_at = models.DateTimeField(null=True, blank=True, help_text="When it first reached step 3.")
    closed_at = models.DateTimeField(null=True, blank=True)

    draft_report = models.TextField(_("konsep laporan"), blank=True)
    return_reason = models.CharField(_("alasan pengembalian"), max_length=20, choices=ReturnReason.choices, blank=True)
    referred_to = models.CharField(_("dilimpahkan ke"), max_length=150, blank=True)
    answer = models.TextField(_("jawaban"), blank=True)
    duplicate_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates")

    assigned_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="assignments", verbose_name=_("tim")
    )
    expected_arrival_at = models.DateTimeField(_("perkiraan tiba"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("tiba di lokasi"), null=True, blank=True)
    field_unable = models.BooleanField(default=False, help_text="The field team found the report inaccurate.")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("diterima"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("aduan")
        verbose_name_plural = _("aduan")
        indexes = [
            models.Index(fields=["status", "due_at"], name="complaint_queue_idx"),
            models.Index(fields=["district", "status", "due_at"], name="complaint_district_queue_idx"),
            models.Index(fields=["assigned_team", "status", "due_at"], name="complaint_team_queue_idx"),
            models.Index(fields=["forwarded_at"], name="complaint_forwarded_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_ref"], condition=~models.Q(external_ref=""),
                name="complaint_unique_external_ref_per_channel",
            ),
            models.CheckConstraint(
                condition=(models.Q(status=Status.CLOSED) & ~models.Q(outcome=""))
                | (~models.Q(status=Status.CLOSED) & models.Q(outcome="")),
                name="complaint_closed_iff_outcome",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def step(self) -> int | None:
        return STEP_OF.get(self.status)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, now=None) -> bool:
        return self.is_open and self.due_at is not None and self.due_at < (now or timezone.now())

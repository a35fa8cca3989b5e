"""How long each step took: one row per step left, derived from the event history, for the leaders' figures.

The events are the record; a span is a copy of what they say, shaped for aggregation. Without it the dashboard would
replay every event of the period (millions for a year at national scale) to find when each step began and ended.
A span carries its verdict (`within`: left within the step's time limit then in force), the complaint's fixed
attributes (program, kind, district, category, channel: set at intake, never changed by an action) so the figures
can narrow by them without a join, and its duration's histogram `bucket` (complaints.step_spans.bucket_of) so
percentiles come from a GROUP BY instead of sorting every duration.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.models.channel import ChannelKind
from complaints.models.complaint import Complaint
from complaints.models.event import ComplaintEvent
from complaints.models.geography import District
from complaints.models.taxonomy import Category
from complaints.workflow import Program, Status


class StepSpan(models.Model):
    """One step of one complaint, from the event that entered it to the event that left it (`left_by`)."""

    # The leaving event is the span's identity: one span per event at most, and a rebuild writes the same keys.
    left_by = models.OneToOneField(
        ComplaintEvent, on_delete=models.PROTECT, primary_key=True, related_name="+", verbose_name=_("peristiwa"),
    )
    # No index: spans are read by period (see migration 0007) and rebuilt per complaint only in maintenance.
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="+", db_index=False)
    status = models.CharField(_("langkah"), max_length=20, choices=Status.choices)
    program = models.CharField(_("program"), max_length=10, choices=Program.choices)
    is_information = models.BooleanField(_("permintaan informasi"), default=False)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+", db_index=False)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+", db_index=False)
    channel_kind = models.CharField(_("kanal"), max_length=20, choices=ChannelKind.choices)
    entered_at = models.DateTimeField(_("mulai"))
    left_at = models.DateTimeField(_("selesai"))
    seconds = models.FloatField(_("lama (detik)"))
    bucket = models.PositiveSmallIntegerField()
    # Judged once, by the step's time limit in force when it ended: a later policy change judges later steps.
    within = models.BooleanField(_("dalam waktu SOP"))

    class Meta:
        verbose_name = _("lama langkah")
        verbose_name_plural = _("lama langkah")

    def __str__(self) -> str:
        return f"{self.complaint_id} · {self.status} · {self.seconds:.0f} s"


class StepDay(models.Model):
    """A local (WITA) day whose complaint spans are summed up in StepDayBucket rows (complaints.step_spans.roll_up).

    A year's dashboard then adds a few hundred thousand rows instead of reading millions of spans. Only finished days
    are rolled up: spans are written when a step ends, so a past day changes only by maintenance (a rebuild, a bulk
    load), which forgets the days it touched. Days without a marker are read from the spans themselves.
    """

    day = models.DateField(primary_key=True)
    spans = models.PositiveIntegerField(default=0)
    rolled_up_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rekap harian lama langkah")
        verbose_name_plural = _("rekap harian lama langkah")

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} · {self.spans}"


class StepDayBucket(models.Model):
    """The complaint steps (information requests left out) of one status left on one day in one duration bucket."""

    # No index of its own: the unique constraint's index begins with the day.
    day = models.ForeignKey(StepDay, on_delete=models.CASCADE, related_name="buckets", db_index=False)
    status = models.CharField(max_length=20, choices=Status.choices)
    bucket = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField()
    total_seconds = models.FloatField()
    within = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "status", "bucket"], name="step_day_bucket_once")]

    def __str__(self) -> str:
        return f"{self.day_id:%Y-%m-%d} · {self.status} · {self.bucket} · {self.count}"

"""What citizens leave on the public pages: their rating of how a complaint was handled."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint

RATING_MIN = 1
RATING_MAX = 5
COMMENT_LIMIT = 1000


class Feedback(models.Model):
    """The reporter's rating (1-5) and comment on a finished complaint: one per complaint, never changed."""

    complaint = models.OneToOneField(
        Complaint, on_delete=models.PROTECT, related_name="feedback", verbose_name=_("aduan")
    )
    rating = models.PositiveSmallIntegerField(
        _("nilai"), validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)]
    )
    comment = models.CharField(_("komentar"), max_length=COMMENT_LIMIT, blank=True)
    created_at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("penilaian pelapor")
        verbose_name_plural = _("penilaian pelapor")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX), name="feedback_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.rating}/{RATING_MAX}"

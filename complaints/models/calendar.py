"""The holiday calendar: the days the unit's office does not count as working days (LAPOR's deadlines count them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HolidayKind(models.TextChoices):
    NATIONAL = "national", _("Libur nasional")
    COLLECTIVE_LEAVE = "collective_leave", _("Cuti bersama")
    REGIONAL = "regional", _("Libur daerah")


class Holiday(models.Model):
    """One day off besides Saturday and Sunday: a national holiday, a collective leave day (cuti bersama) or a day
    the regional government declares. Every row is a day off for the working-day count (complaints.working_days);
    an administrator keeps the list current from each year's SKB 3 Menteri (and a later amendment, or the Minister
    of Religious Affairs' decision that moves an Islamic holiday)."""

    date = models.DateField(_("tanggal"), unique=True)
    name = models.CharField(_("nama"), max_length=150)
    kind = models.CharField(_("jenis"), max_length=20, choices=HolidayKind.choices, default=HolidayKind.NATIONAL)
    source = models.CharField(
        _("dasar penetapan"), max_length=200, blank=True,
        help_text=_("Mis. SKB Menteri Agama, Menteri Ketenagakerjaan, dan Menteri PANRB Nomor 1497, 2, 5 Tahun 2025."),
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("hari libur")
        verbose_name_plural = _("hari libur")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"

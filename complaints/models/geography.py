from django.db import models
from django.utils.translation import gettext_lazy as _


class District(models.Model):
    """A kecamatan of Kabupaten Balangan."""

    name = models.CharField(_("nama"), max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    """A desa or kelurahan within a kecamatan."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="villages")
    name = models.CharField(_("nama"), max_length=80)

    class Meta:
        ordering = ["district__name", "name"]
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="village_unique_in_district")]
        verbose_name = _("desa/kelurahan")
        verbose_name_plural = _("desa/kelurahan")

    def __str__(self) -> str:
        return f"{self.name}, {self.district.name}"

from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplaintKind(models.TextChoices):
    TRANTIBUM = "trantibum", _("Gangguan ketentraman dan ketertiban umum")
    PERDA = "perda", _("Pelanggaran Perda/Perkada")
    INFORMATION = "information", _("Permintaan informasi")


class Category(models.Model):
    """An editable subcategory under one of the three fixed kinds of complaint."""

    kind = models.CharField(_("jenis"), max_length=20, choices=ComplaintKind.choices)
    name = models.CharField(_("nama"), max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["kind", "sort_order", "name"]
        verbose_name = _("kategori")
        verbose_name_plural = _("kategori")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} / {self.name}"

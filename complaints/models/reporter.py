from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

PHONE_PATTERN = r"^\+?[0-9 ()-]{6,20}$"
NIK_PATTERN = r"^[0-9]{16}$"
phone_validator = RegexValidator(PHONE_PATTERN, _("Nomor telepon tidak valid."))
nik_validator = RegexValidator(NIK_PATTERN, _("NIK terdiri dari 16 angka."))


class Reporter(models.Model):
    """The reporter's personal data, kept apart from the complaint so it can be masked in one place.

    An anonymous complaint has no Reporter row at all.
    """

    name = models.CharField(_("nama"), max_length=150, blank=True)
    phone = models.CharField(_("telepon"), max_length=32, blank=True, validators=[phone_validator])
    nik = models.CharField(_("NIK"), max_length=16, blank=True, validators=[nik_validator])
    address = models.TextField(_("alamat"), blank=True)
    allow_field_contact = models.BooleanField(
        _("boleh dihubungi tim lapangan"), default=False,
        help_text=_("Jika ya, tim TRC yang ditugaskan melihat nomor telepon pelapor."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pelapor")
        verbose_name_plural = _("pelapor")

    def __str__(self) -> str:
        return f"Reporter #{self.pk}"

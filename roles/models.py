"""A staff member's own messaging contacts, where SLA alerts reach them outside the portal."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# Telegram private chat ids are positive integers; WhatsApp numbers are digits with the country code, no "+".
telegram_chat_id_validator = RegexValidator(r"^\d{1,20}$", _("ID chat Telegram berupa angka, misalnya 123456789."))
whatsapp_number_validator = RegexValidator(
    r"^[1-9]\d{7,14}$", _("Nomor WhatsApp ditulis dengan kode negara tanpa + atau spasi, misalnya 6281234567890.")
)


class StaffContact(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_contact", verbose_name=_("pengguna")
    )
    telegram_chat_id = models.CharField(
        _("ID chat Telegram"), max_length=20, blank=True, validators=[telegram_chat_id_validator],
        help_text=_("Staf mengirim /start ke bot dinas; ID chat terlihat di kotak masuk."),
    )
    whatsapp_number = models.CharField(
        _("nomor WhatsApp"), max_length=15, blank=True, validators=[whatsapp_number_validator],
        help_text=_("Di luar jendela 24 jam WhatsApp hanya mengirim templat yang disetujui."),
    )
    sla_alerts = models.BooleanField(
        _("kirim peringatan tenggat"), default=True,
        help_text=_("Peringatan langkah yang lewat tenggat dikirim juga ke kontak ini, selain di portal."),
    )

    class Meta:
        verbose_name = _("kontak staf")
        verbose_name_plural = _("kontak staf")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def addresses(self) -> dict[str, str]:
        """Channel kind → recipient id, for the contacts that are filled in."""
        found = {"telegram": self.telegram_chat_id, "whatsapp": self.whatsapp_number}
        return {kind: address for kind, address in found.items() if address}

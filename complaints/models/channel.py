from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.workflow import Program

API_KEY_PREFIX_LENGTH = 8


class ChannelKind(models.TextChoices):
    WHATSAPP = "whatsapp", "WhatsApp"
    TELEGRAM = "telegram", "Telegram"
    SP4N_LAPOR = "sp4n_lapor", "SP4N-LAPOR!"
    WALK_IN = "walk_in", _("Datang langsung")
    WEB = "web", _("Formulir web")
    API = "api", "API"


# Walk-in reports are the TRECKK program; everything that reaches us remotely is La-Lisa.
PROGRAM_OF_KIND = {ChannelKind.WALK_IN: Program.TRECKK}


def program_for_kind(kind: str) -> str:
    return PROGRAM_OF_KIND.get(kind, Program.LALISA)


def hash_api_key(raw_key: str) -> str:
    """Keyed fast hash: API keys are long random strings, so a slow password hash buys nothing."""
    return hmac.new(settings.SECRET_KEY.encode(), raw_key.encode(), hashlib.sha256).hexdigest()


class Channel(models.Model):
    """A connected source of complaints. Its API key is stored hashed and shown once."""

    name = models.CharField(_("nama"), max_length=120, unique=True)
    kind = models.CharField(_("jenis"), max_length=20, choices=ChannelKind.choices)
    is_active = models.BooleanField(_("aktif"), default=True)
    api_key_prefix = models.CharField(max_length=API_KEY_PREFIX_LENGTH, blank=True, db_index=True)
    api_key_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("kanal")
        verbose_name_plural = _("kanal")

    def __str__(self) -> str:
        return self.name

    @property
    def program(self) -> str:
        return program_for_kind(self.kind)

    def rotate_api_key(self) -> str:
        """Issue a new key, store only its hash, and return the raw key for one-time display."""
        raw_key = f"{secrets.token_hex(API_KEY_PREFIX_LENGTH // 2)}.{secrets.token_urlsafe(32)}"
        self.api_key_prefix = raw_key[:API_KEY_PREFIX_LENGTH]
        self.api_key_hash = hash_api_key(raw_key)
        self.save(update_fields=["api_key_prefix", "api_key_hash"])
        return raw_key

    def key_matches(self, raw_key: str) -> bool:
        return bool(self.api_key_hash) and hmac.compare_digest(self.api_key_hash, hash_api_key(raw_key))

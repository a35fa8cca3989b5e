"""Spam protection for the web form without third-party services: a honeypot field and a signed fill-time stamp.

Together with the per-address rate limit (common/ratelimit.py). A bot fills every field (the honeypot, which
people never see) and posts at once (the stamp says when the form was served, and cannot be forged or reused
after `TRECKK_FORM_MAX_AGE_SECONDS`).
"""

from __future__ import annotations

import time
from enum import StrEnum

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _

HONEYPOT_FIELD = "website"
STAMP_FIELD = "started"
_SALT = "public.report-form.started"


class Refusal(StrEnum):
    HONEYPOT = "honeypot"
    TOO_FAST = "too_fast"
    EXPIRED = "expired"
    BAD_STAMP = "bad_stamp"

    @property
    def message(self) -> str:
        if self is Refusal.TOO_FAST:
            return _("Formulir terkirim terlalu cepat. Periksa kembali isian Anda, lalu kirim lagi.")
        if self is Refusal.EXPIRED:
            return _("Formulir ini sudah terlalu lama dibuka. Periksa kembali isian Anda, lalu kirim lagi.")
        return _("Formulir tidak dapat diproses. Muat ulang halaman, lalu coba lagi.")


def new_stamp(now: float | None = None) -> str:
    return signing.Signer(salt=_SALT).sign(str(int(now if now is not None else time.time())))


def check(data, now: float | None = None) -> Refusal | None:
    """Why this submission looks automated, or None when it looks like a person's."""
    if str(data.get(HONEYPOT_FIELD, "")).strip():
        return Refusal.HONEYPOT
    try:
        started = int(signing.Signer(salt=_SALT).unsign(str(data.get(STAMP_FIELD, ""))))
    except (signing.BadSignature, ValueError):
        return Refusal.BAD_STAMP
    elapsed = (now if now is not None else time.time()) - started
    if elapsed < settings.TRECKK_FORM_MIN_SECONDS:
        return Refusal.TOO_FAST
    if elapsed > settings.TRECKK_FORM_MAX_AGE_SECONDS:
        return Refusal.EXPIRED
    return None

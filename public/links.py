"""Tracking codes as citizens type them, and the links to the public pages that messages and pages carry."""

from __future__ import annotations

import re

from django.conf import settings
from django.core import signing
from django.urls import reverse

from complaints.models.complaint import TRACKING_ALPHABET, TRACKING_GROUP

# Separators people put in or between the two groups when they copy or type a code.
_SEPARATORS = re.compile(r"[\s\-_.\u2010-\u2015]+")
_LONGEST_INPUT = 40

# Salts keep a signature for one purpose from being accepted for another.
FEEDBACK_SALT = "public.feedback"
RECEIPT_SALT = "public.receipt"
# The receipt page after the web form is for the person who just sent it; later the tracking page serves.
RECEIPT_MAX_AGE_SECONDS = 24 * 3600
# "." cannot occur in a tracking code or in a base64 signature, and survives messengers' link detection.
_SEP = "."


def normalize_code(raw: str | None) -> str | None:
    """'abcde fghjk', 'ABCDEFGHJK', ' AbCdE-fGhJk ' -> 'ABCDE-FGHJK'; None when it cannot be a tracking code."""
    if not raw or len(raw) > _LONGEST_INPUT:
        return None
    chars = _SEPARATORS.sub("", raw).upper()
    if len(chars) != 2 * TRACKING_GROUP or any(char not in TRACKING_ALPHABET for char in chars):
        return None
    return f"{chars[:TRACKING_GROUP]}-{chars[TRACKING_GROUP:]}"


def absolute(path: str) -> str:
    return settings.TRECKK_PUBLIC_URL.rstrip("/") + path


def tracking_path(code: str) -> str:
    return reverse("public:track-code", args=[code])


def tracking_url(code: str) -> str:
    return absolute(tracking_path(code))


def feedback_token(code: str) -> str:
    """The code, signed: a feedback link works only for the case it was made for."""
    return signing.Signer(salt=FEEDBACK_SALT, sep=_SEP).sign(code)


def code_from_feedback_token(token: str) -> str | None:
    try:
        return signing.Signer(salt=FEEDBACK_SALT, sep=_SEP).unsign(token)
    except signing.BadSignature:
        return None


def feedback_path(code: str) -> str:
    return reverse("public:feedback", args=[feedback_token(code)])


def feedback_url(code: str) -> str:
    return absolute(feedback_path(code))


def receipt_token(code: str) -> str:
    return signing.TimestampSigner(salt=RECEIPT_SALT, sep=_SEP).sign(code)


def code_from_receipt_token(token: str) -> str | None:
    try:
        return signing.TimestampSigner(salt=RECEIPT_SALT, sep=_SEP).unsign(token, max_age=RECEIPT_MAX_AGE_SECONDS)
    except signing.BadSignature:  # includes SignatureExpired
        return None

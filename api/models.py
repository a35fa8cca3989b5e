"""The API's own state: when each staff token was last used, for its idle expiry (api/auth.py)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TokenActivity(models.Model):
    """A staff token's last use, written at most every few minutes (api/auth.py, TOUCH_INTERVAL): a token without
    a row counts as last used when it was issued."""

    token = models.OneToOneField(
        "authtoken.Token", on_delete=models.CASCADE, primary_key=True, related_name="activity", verbose_name=_("token")
    )
    last_used_at = models.DateTimeField(_("terakhir dipakai"))

    class Meta:
        verbose_name = _("pemakaian token")
        verbose_name_plural = _("pemakaian token")

    def __str__(self) -> str:
        return f"{self.token_id[:8]}: {self.last_used_at:%Y-%m-%d %H:%M}"

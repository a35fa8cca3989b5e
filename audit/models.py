"""The audit trail: who signed in, who failed, who was refused, who took reporter data out. Append-only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.append_only import AppendOnlyError, AppendOnlyQuerySet


class AuditKind(models.TextChoices):
    LOGIN = "login", _("masuk")
    LOGOUT = "logout", _("keluar")
    LOGIN_FAILED = "login_failed", _("gagal masuk")
    LOCKED_OUT = "locked_out", _("akun terkunci")
    PERMISSION_DENIED = "permission_denied", _("akses ditolak")
    EXPORT = "export", _("ekspor data pelapor")
    REPORTER_READ = "reporter_read", _("data pelapor dibaca")
    TOKEN_REVOKED = "token_revoked", _("token API dicabut")


class AuditEntry(models.Model):
    """One security-relevant moment. Written once, never changed or deleted (the model refuses it, and on
    PostgreSQL a trigger refuses it too), like the complaint events."""

    at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("jenis"), max_length=20, choices=AuditKind.choices, db_index=True)
    # No database constraint and no cascade: deleting a user must neither delete nor rewrite (SET NULL) the
    # entries about them; `username` keeps the name as it was.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True,
        related_name="+", verbose_name=_("pengguna"),
    )
    username = models.CharField(_("nama pengguna"), max_length=150, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(_("alamat"), max_length=500, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    detail = models.JSONField(_("rincian"), default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("catatan audit")
        verbose_name_plural = _("catatan audit")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {self.username}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries are append-only.")

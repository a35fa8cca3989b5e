"""Logins, logouts, failed logins and lockouts go to the audit trail."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import pre_save
from django.dispatch import receiver

from audit.models import AuditKind
from audit.records import record

USERNAME_FIELD_MAX = 150


def _http_request(request):
    # DRF hands its own Request to authenticate(); the audit wants the Django request underneath.
    return getattr(request, "_request", request)


@receiver(user_logged_in, dispatch_uid="audit.login")
def on_login(sender, request, user, **kwargs) -> None:
    record(AuditKind.LOGIN, _http_request(request), user=user)


@receiver(user_logged_out, dispatch_uid="audit.logout")
def on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:  # logging out without a session is not an event
        record(AuditKind.LOGOUT, _http_request(request), user=user)


@receiver(user_login_failed, dispatch_uid="audit.login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already masked the password in `credentials`; only the attempted username is kept.
    attempted = str(credentials.get("username") or "")[:USERNAME_FIELD_MAX]
    record(AuditKind.LOGIN_FAILED, _http_request(request), username=attempted, attempted_username=attempted)


@receiver(user_locked_out, dispatch_uid="audit.locked_out")
def on_locked_out(sender, request, username=None, ip_address=None, **kwargs) -> None:
    record(AuditKind.LOCKED_OUT, _http_request(request), username=str(username or "")[:USERNAME_FIELD_MAX])


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="audit.password_change_revokes_token")
def revoke_token_on_password_change(sender, instance, update_fields=None, **kwargs) -> None:
    """A new password ends the old credentials everywhere: the staff member's API token is revoked with it."""
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    old = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if old is not None and old != instance.password:
        from rest_framework.authtoken.models import Token

        Token.objects.filter(user_id=instance.pk).delete()

"""Authentication for staff tokens (`Authorization: Token <key>`, with expiry) and messaging channels
(`Authorization: Api-Key <key>`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from api.models import TokenActivity
from complaints.models import Channel
from complaints.models.channel import API_KEY_PREFIX_LENGTH
from roles.principals import ChannelPrincipal

KEYWORD = "Api-Key"
# A token's last use is written when the stored one is older than this: at most one UPDATE per token per interval,
# however many requests it makes, at the price of an idle expiry that may come this much early.
TOUCH_INTERVAL = timedelta(minutes=5)


def _idle_limit() -> timedelta | None:
    hours = settings.TRECKK_API_TOKEN_IDLE_HOURS
    return timedelta(hours=hours) if hours > 0 else None


def _age_limit() -> timedelta | None:
    days = settings.TRECKK_API_TOKEN_MAX_AGE_DAYS
    return timedelta(days=days) if days > 0 else None


def token_last_used(token: Token) -> datetime:
    activity = getattr(token, "activity", None)  # select_related; a token never used since it was issued has none
    return activity.last_used_at if activity is not None else token.created


def token_expires_at(token: Token) -> datetime | None:
    """The earlier of idle expiry (last use + TRECKK_API_TOKEN_IDLE_HOURS) and absolute expiry (issued +
    TRECKK_API_TOKEN_MAX_AGE_DAYS); None when both are switched off."""
    idle, age = _idle_limit(), _age_limit()
    ends = [moment for moment in (
        token_last_used(token) + idle if idle else None,
        token.created + age if age else None,
    ) if moment is not None]
    return min(ends) if ends else None


def token_expiry_reason(token: Token, now: datetime | None = None) -> str | None:
    """Why the token no longer counts (the message for the 401), or None while it is valid."""
    now = now or timezone.now()
    idle, age = _idle_limit(), _age_limit()
    if age and now >= token.created + age:
        return gettext(
            "Token API ini sudah kedaluwarsa: umurnya lebih dari %(days)s hari. Masuk lagi (POST /api/v1/auth/token/ "
            "dengan nama pengguna dan kata sandi) untuk mendapatkan token baru."
        ) % {"days": age.days}
    if idle and now >= token_last_used(token) + idle:
        return gettext(
            "Token API ini sudah kedaluwarsa: tidak dipakai selama %(hours)s jam. Masuk lagi (POST /api/v1/auth/token/ "
            "dengan nama pengguna dan kata sandi) untuk mendapatkan token baru."
        ) % {"hours": int(idle.total_seconds() // 3600)}
    return None


def touch_token(token: Token, now: datetime | None = None) -> None:
    """Record a use of the token, unless one was recorded less than TOUCH_INTERVAL ago (then nothing is written)."""
    now = now or timezone.now()
    if now - token_last_used(token) < TOUCH_INTERVAL:
        return
    if getattr(token, "activity", None) is None:
        TokenActivity.objects.bulk_create([TokenActivity(token_id=token.pk, last_used_at=now)], ignore_conflicts=True)
    else:
        # The filter makes concurrent requests of one token write once; the others match no row.
        TokenActivity.objects.filter(pk=token.pk, last_used_at__lt=now - TOUCH_INTERVAL).update(last_used_at=now)
        token.activity.last_used_at = now


class ExpiringTokenAuthentication(authentication.TokenAuthentication):
    """DRF's staff token, refused with 401 `token_expired` after TRECKK_API_TOKEN_IDLE_HOURS without use or
    TRECKK_API_TOKEN_MAX_AGE_DAYS after it was issued. The last use comes with the token in the same query."""

    def authenticate_credentials(self, key: str):
        try:
            token = Token.objects.select_related("user", "activity").get(key=key)
        except Token.DoesNotExist:
            # No detail: the answer carries the registry's message for `authentication_failed`, in the user's language.
            raise exceptions.AuthenticationFailed() from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed()
        reason = token_expiry_reason(token)
        if reason is not None:
            raise exceptions.AuthenticationFailed(reason, code="token_expired")
        touch_token(token)
        return token.user, token


class ChannelKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() != KEYWORD.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Header Api-Key tidak valid."))
        return self.authenticate_key(header[1].decode(errors="replace"))

    def authenticate_key(self, raw_key: str) -> tuple[ChannelPrincipal, Channel]:
        """The channel a raw key belongs to; also for keys sent another way (Open311's `api_key` field)."""
        channel = Channel.objects.filter(api_key_prefix=raw_key[:API_KEY_PREFIX_LENGTH]).first()
        if channel is None or not channel.key_matches(raw_key):
            raise exceptions.AuthenticationFailed(_("Kunci API tidak dikenal."))
        if not channel.is_active:
            raise exceptions.AuthenticationFailed(_("Kanal ini dinonaktifkan."))
        return ChannelPrincipal(channel), channel

    def authenticate_header(self, request) -> str:
        return KEYWORD


class ChannelKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.ChannelKeyAuthentication"
    name = "channelKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A channel's API key, sent as `Authorization: Api-Key <key>`. Shown once when issued.",
        }


class StaffTokenScheme(OpenApiAuthenticationExtension):
    """Replaces drf-spectacular's generic description: generators read the scheme, and openapi-python-client's
    AuthenticatedClient sends `Bearer <key>` unless told the prefix (it does not read security schemes)."""

    target_class = "rest_framework.authentication.TokenAuthentication"
    match_subclasses = True
    priority = 1  # over drf-spectacular's own TokenScheme (-1)
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "A staff token from `POST /api/v1/auth/token/`, sent as `Authorization: Token <key>`: the word "
                "`Token`, one space, the key (never `Bearer`). With a client generated by openapi-python-client: "
                "`AuthenticatedClient(base_url=..., token=key, prefix=\"Token\")`. It expires after 12 hours without "
                "use and 7 days after it was issued (by default; 401 `token_expired`): log in again."
            ),
        }

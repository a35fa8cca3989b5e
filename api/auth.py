"""Authentication for messaging channels: `Authorization: Api-Key <key>`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from complaints.models import Channel
from complaints.models.channel import API_KEY_PREFIX_LENGTH
from roles.principals import ChannelPrincipal

KEYWORD = "Api-Key"


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

"""Staff API tokens: obtain one with a password, see it, revoke it.

A staff member has one token (DRF's `authtoken`): `POST` issues it (or returns the existing one), `GET` shows its
prefix and age, `DELETE` revokes it; a revoked token is refused with 401 on the very next request, because every
request looks the token up. An administrator revokes anyone's token in the admin ("Token"). A password change
revokes the token too (audit/signals.py). Failed passwords count toward the same lockout as the portal login.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import user_logged_in
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api import examples
from api.exceptions import problem
from audit.lockout import lockout_message
from audit.models import AuditKind
from audit.records import record
from public import ratelimit
from roles.principals import is_channel

PREFIX_LENGTH = 8
PROBLEM = OpenApiResponse(description="Problem details (RFC 9457) with a stable `code`.")


class TokenInfoSerializer(serializers.Serializer):
    prefix = serializers.CharField(help_text="The token's first characters, to tell which one it is.")
    created = serializers.DateTimeField()


class LoginThrottle(ratelimit.ScopedThrottle):
    scope = "login"
    methods = ("POST",)


TOKEN_LIST_EXAMPLE = OpenApiExample(
    "Your token", response_only=True, value=[{"prefix": "9944b091", "created": "2026-11-23T08:14:00+08:00"}],
)
LOCKED_EXAMPLE = OpenApiExample(
    "Locked out", response_only=True, status_codes=["429"],
    value={"type": "urn:treckk:error:account_locked", "title": "Too Many Requests", "status": 429,
           "code": "account_locked",
           "detail": "Terlalu banyak percobaan masuk yang gagal. Akun ini dikunci sementara dari alamat Anda selama "
                     "30 menit. Coba lagi nanti, atau minta administrator membukanya."},
)


@extend_schema_view(
    post=extend_schema(
        summary="Get a staff API token",
        description=(
            "Exchange a staff username and password for a token; send it as `Authorization: Token <key>`. "
            "After 5 wrong passwords for one username from one address (portal and API together) that pair is "
            "locked for 30 minutes: 429 `account_locked` with `Retry-After`, even with the right password. Too "
            "many attempts from one address: 429 `rate_limited`."
        ),
        examples=[examples.TOKEN_REQUEST, examples.TOKEN_RESPONSE, LOCKED_EXAMPLE],
        responses={200: OpenApiResponse(description="`{\"token\": \"<key>\"}`"), 400: PROBLEM, 429: PROBLEM},
        tags=["auth"],
    ),
    get=extend_schema(
        summary="Your API tokens",
        description="The token you hold (prefix and when it was issued), or an empty list. Never the key itself.",
        responses={200: TokenInfoSerializer(many=True), 401: PROBLEM, 403: PROBLEM},
        examples=[TOKEN_LIST_EXAMPLE],
        tags=["auth"],
    ),
    delete=extend_schema(
        summary="Revoke your API token",
        description=(
            "Deletes your token; any request with it is refused with 401 from now on. 204 also when you held none. "
            "An administrator revokes other people's tokens in the admin."
        ),
        request=None,
        responses={204: OpenApiResponse(description="Revoked."), 401: PROBLEM, 403: PROBLEM},
        tags=["auth"],
    ),
)
class StaffTokenView(ratelimit.RateLimitedViewMixin, ObtainAuthToken):
    throttle_classes = (LoginThrottle,)

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def post(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            # django-axes marks the request it saw (this DRF request) when the username+address is locked.
            if getattr(request, "axes_locked_out", False):
                return problem(429, "account_locked", lockout_message(),
                               headers={"Retry-After": str(_cooloff_seconds())})
            serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, _created = Token.objects.get_or_create(user=user)
        # A token is a login: the audit records it, axes clears the username's failures, last_login moves.
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        return Response({"token": token.key})

    def get(self, request: Request) -> Response:
        user = self._staff_user(request)
        tokens = Token.objects.filter(user=user)
        body = [{"prefix": token.key[:PREFIX_LENGTH], "created": token.created} for token in tokens]
        return Response(TokenInfoSerializer(body, many=True).data)

    def delete(self, request: Request) -> Response:
        user = self._staff_user(request)
        prefixes = [key[:PREFIX_LENGTH] for key in Token.objects.filter(user=user).values_list("key", flat=True)]
        Token.objects.filter(user=user).delete()
        if prefixes:
            record(AuditKind.TOKEN_REVOKED, request._request, user=user, prefixes=prefixes, by="self")
        return Response(status=status.HTTP_204_NO_CONTENT)

    @staticmethod
    def _staff_user(request: Request):
        if is_channel(request.user):
            raise PermissionDenied("Channels have no staff token; their key is managed in the admin.")
        return request.user


def _cooloff_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())

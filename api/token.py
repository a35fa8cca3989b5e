"""Staff API tokens: obtain one with a password, see it, revoke it.

A staff member has one token (DRF's `authtoken`): `POST` issues it (or returns the existing one while it is valid),
`GET` shows its prefix, age, last use and expiry, `DELETE` revokes it; a revoked token is refused with 401 on the
very next request, because every request looks the token up. A token expires after TRECKK_API_TOKEN_IDLE_HOURS
without use or TRECKK_API_TOKEN_MAX_AGE_DAYS after it was issued (api/auth.py): 401 `token_expired`.
An administrator revokes anyone's token in the admin ("Token"). A password change
revokes the token too (audit/signals.py). Failed passwords count toward the same lockout as the portal login.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import user_logged_in
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api import examples
from api.auth import token_expires_at, token_expiry_reason, token_last_used, touch_token
from api.exceptions import problem
from audit.lockout import lockout_message
from audit.models import AuditKind
from audit.records import record
from common import ratelimit
from roles.principals import is_channel

PREFIX_LENGTH = 8
PROBLEM = OpenApiResponse(description="Problem details (RFC 9457) with a stable `code`.")


class TokenInfoSerializer(serializers.Serializer):
    prefix = serializers.CharField(help_text="The token's first characters, to tell which one it is.")
    created = serializers.DateTimeField()
    last_used = serializers.DateTimeField(
        help_text="When it was last used, to within 5 minutes (a use is written down at most every 5 minutes)."
    )
    expires = serializers.DateTimeField(
        allow_null=True,
        help_text="When it stops working unless used before: the last use plus the idle limit (12 hours by default), "
        "but never later than its issue time plus the maximum age (7 days). Using it moves the idle part on; after "
        "`expires` the API answers 401 `token_expired` and you log in again. Null when the server sets no limit.",
    )


class IssuedTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="The key: send it as `Authorization: Token <key>` (the word `Token`, not `Bearer`).")


class LoginThrottle(ratelimit.ScopedThrottle):
    scope = "login"
    methods = ("POST",)


TOKEN_LIST_EXAMPLE = OpenApiExample(
    "Your token", response_only=True,
    # One item: drf-spectacular puts it in the list.
    value={"prefix": "9944b091", "created": "2026-11-23T08:14:00+08:00", "last_used": "2026-11-23T10:02:00+08:00",
           "expires": "2026-11-23T22:02:00+08:00"},
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
            "The token you hold is returned while it is valid, a new one once it has expired: a token expires after "
            "12 hours without use (TRECKK_API_TOKEN_IDLE_HOURS) and 7 days after it was issued "
            "(TRECKK_API_TOKEN_MAX_AGE_DAYS); then every request with it answers 401 `token_expired`. "
            "After 5 wrong passwords for one username from one address (portal and API together) that pair is "
            "locked for 30 minutes: 429 `account_locked` with `Retry-After`, even with the right password. Too "
            "many attempts from one address: 429 `rate_limited`."
        ),
        # Public: no credentials needed (`security: []`). Documented as JSON, the API's one body format; the form
        # encoding DRF's login view also reads stays accepted for `curl -d` (README, docs/api-walkthrough.sh).
        auth=[],
        request={"application/json": AuthTokenSerializer},
        examples=[examples.TOKEN_REQUEST, examples.TOKEN_RESPONSE, LOCKED_EXAMPLE],
        responses={200: IssuedTokenSerializer, 400: PROBLEM, 401: PROBLEM, 429: PROBLEM},
        tags=["auth"],
    ),
    get=extend_schema(
        summary="Your API tokens",
        description=(
            "The token you hold (prefix, when it was issued and last used, when it expires), or an empty list. "
            "Never the key itself."
        ),
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
        token, _created = Token.objects.select_related("activity").get_or_create(user=user)
        if token_expiry_reason(token) is not None:
            # An expired token is never handed out again: logging in replaces it.
            token.delete()
            token = Token.objects.create(user=user)
        touch_token(token)  # a login is a use: the idle clock starts again
        # A token is a login: the audit records it, axes clears the username's failures, last_login moves.
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        return Response({"token": token.key})

    def get(self, request: Request) -> Response:
        user = self._staff_user(request)
        tokens = Token.objects.filter(user=user).select_related("activity")
        body = [
            {"prefix": token.key[:PREFIX_LENGTH], "created": token.created, "last_used": token_last_used(token),
             "expires": token_expires_at(token)}
            for token in tokens
        ]
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

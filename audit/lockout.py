"""What a locked-out login gets (django-axes calls `lockout_response`, AXES_LOCKOUT_CALLABLE): the login page with
an Indonesian explanation, or problem+json for the API; both 429 with Retry-After."""

from __future__ import annotations

import math

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext

API_PREFIX = "/api/"


def lockout_minutes() -> int:
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def lockout_message() -> str:
    minutes = lockout_minutes()
    return ngettext(
        "Terlalu banyak percobaan masuk yang gagal. Akun ini dikunci sementara dari alamat Anda selama %(minutes)s "
        "menit. Coba lagi nanti, atau minta administrator membukanya.",
        "Terlalu banyak percobaan masuk yang gagal. Akun ini dikunci sementara dari alamat Anda selama %(minutes)s "
        "menit. Coba lagi nanti, atau minta administrator membukanya.",
        minutes,
    ) % {"minutes": minutes}


def problem_response(status: int, code: str, detail: str, retry_after: int | None = None) -> JsonResponse:
    """The API's problem+json shape for answers made outside a DRF view."""
    body = {"type": f"urn:treckk:error:{code}", "title": "Too Many Requests" if status == 429 else "Error",
            "status": status, "code": code, "detail": detail}
    response = JsonResponse(body, status=status, content_type="application/problem+json")
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def api_lockout_response() -> JsonResponse:
    return problem_response(429, "account_locked", lockout_message(), int(settings.AXES_COOLOFF_TIME.total_seconds()))


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None, credentials=None) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return api_lockout_response()
    form = AuthenticationForm(request, initial={"username": (credentials or {}).get("username", "")})
    context = {"form": form, "locked_message": lockout_message(), "next": request.POST.get("next", "")}
    response = render(request, "registration/login.html", context, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response

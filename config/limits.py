"""Limits on what a request may carry, checked before any view reads it.

- Body size: a body over the limit is answered 413 from its Content-Length alone, without being read. The limit
  is DATA_UPLOAD_MAX_MEMORY_SIZE (1 MB) for JSON and forms, TRECKK_MAX_REQUEST_BYTES for multipart uploads
  (five photos of TRECKK_MAX_ATTACHMENT_BYTES). Django itself raises RequestDataTooBig only when a view first
  reads the body, and turns it into a 400; `process_exception` and config.error_views.bad_request make it 413.
- JSON: `loads` (common/limits.py) is the one JSON reader for request bodies (DRF's parser in common/parsers.py and
  the webhooks that read their raw body for its signature): UTF-8 only, no NaN/Infinity, at most
  TRECKK_MAX_JSON_DEPTH levels.
- Forms: an urlencoded body must decode as UTF-8 (Django would silently replace bad bytes with U+FFFD).

Refusals are problem+json for programs and the portal's error page for people (config.error_views).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


def body_limit(request: HttpRequest) -> int | None:
    """The largest body this request may have: uploads may be bigger than JSON and forms."""
    if request.content_type == "multipart/form-data":
        return settings.TRECKK_MAX_REQUEST_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def form_is_utf8(body: bytes) -> bool:
    """Whether every name and value of an urlencoded body decodes as UTF-8."""
    try:
        for pair in body.split(b"&"):
            unquote_to_bytes(pair.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class RequestLimitsMiddleware:
    """Early in MIDDLEWARE: refuses oversized bodies before sessions, authentication or any view touches them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self.refusal(request)
        if refusal is not None:
            return refusal
        return self.get_response(request)

    @staticmethod
    def refusal(request: HttpRequest) -> HttpResponse | None:
        from config.error_views import error_response

        raw_length = (request.META.get("CONTENT_LENGTH") or "").strip()
        try:
            length = int(raw_length) if raw_length else 0
        except ValueError:
            length = -1
        if length < 0:
            return error_response(request, 400, "bad_request", _("Header Content-Length tidak sah."))
        limit = body_limit(request)
        if limit is not None and length > limit:
            return error_response(request, 413, "request_too_large")
        charset = (request.content_params.get("charset") or "utf-8").lower().replace("_", "-")
        is_form = request.content_type == "application/x-www-form-urlencoded" and charset in ("utf-8", "utf8")
        if length and is_form and not form_is_utf8(request.body):
            return error_response(request, 400, "invalid_encoding")
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        # A view read a body whose size its Content-Length did not tell (Django raises only then).
        from config.error_views import error_response

        if isinstance(exception, RequestDataTooBig):
            return error_response(request, 413, "request_too_large")
        if isinstance(exception, (TooManyFieldsSent, TooManyFilesSent)):
            return error_response(request, 400, "too_many_fields")
        return None

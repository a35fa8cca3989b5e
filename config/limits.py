"""Limits on what a request may carry, checked before any view reads it.

- Body size: a body over the limit is answered 413 from its Content-Length alone, without being read. The limit
  is DATA_UPLOAD_MAX_MEMORY_SIZE (1 MB) for JSON and forms, TRECKK_MAX_REQUEST_BYTES for multipart uploads
  (five photos of TRECKK_MAX_ATTACHMENT_BYTES). Django itself raises RequestDataTooBig only when a view first
  reads the body, and turns it into a 400; `process_exception` and config.error_views.bad_request make it 413.
- JSON: `loads` is the one JSON reader for request bodies (DRF's parser in api/parsers.py and the webhooks that
  read their raw body for its signature): UTF-8 only, no NaN/Infinity, at most TRECKK_MAX_JSON_DEPTH levels.
  Python's own parser would hit its recursion limit on deep nesting and answer 500.
- Forms: an urlencoded body must decode as UTF-8 (Django would silently replace bad bytes with U+FFFD).

Refusals are problem+json for programs and the portal's error page for people (config.error_views).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


class JSONRefused(ValueError):
    """A request body that is not acceptable JSON; `code` is a registered error code (api/problems.py)."""

    def __init__(self, code: str, status: int, message: str | None = None) -> None:
        super().__init__(message or code)
        self.code = code
        self.status = status
        self.message = message  # None: the registry's message for the code


def max_json_depth() -> int:
    return int(getattr(settings, "TRECKK_MAX_JSON_DEPTH", 20))


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def json_depth(value: Any) -> int:
    """How deeply containers nest in a parsed document ({} and [] count one level; a bare scalar is 0)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def loads(raw: bytes | str) -> Any:
    """Parse a request body as JSON within the limits, or raise JSONRefused."""
    if isinstance(raw, bytes):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and len(raw) > limit:
            raise JSONRefused("request_too_large", 413)
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise JSONRefused("invalid_encoding", 400) from None
    try:
        value = json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError:
        value = None
        depth = None
    except ValueError as error:
        raise JSONRefused("malformed_json", 400, _("Isi permintaan bukan JSON yang sah: %(error)s") % {"error": error}) from None
    else:
        depth = json_depth(value)
    limit = max_json_depth()
    if depth is None or depth > limit:
        raise JSONRefused("json_too_deep", 400, _("JSON bersarang terlalu dalam (paling banyak %(limit)s tingkat).") % {"limit": limit})
    return value


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

"""One error shape for the whole API: RFC 9457 problem details with a stable `code` from common/problems.py.

DRF calls `exception_handler` for anything a view raises. Whatever it does not know (a bug) it leaves alone, so
Django's handler500 (config/error_views.py) answers it: logged with its traceback, sent without one.
"""

from __future__ import annotations

from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import set_rollback

from common.problems import PROBLEM_CONTENT_TYPE, REGISTRY, problem_body
from complaints.errors import InputError, WorkflowError

__all__ = ["PROBLEM_CONTENT_TYPE", "exception_handler", "problem"]

# DRF's own default codes that we publish under another name.
DRF_CODES = {"throttled": "rate_limited"}
CSRF_PREFIX = "CSRF Failed"
# Headers of DRF's refusals that the client needs (the challenge, when to retry, which methods exist).
KEPT_HEADERS = ("WWW-Authenticate", "Retry-After", "Allow")


def problem(status_code: int, code: str, detail: str | None = None, errors: dict | None = None,
            headers: dict | None = None) -> Response:
    return Response(problem_body(status_code, code, detail, errors), status=status_code, headers=headers,
                    content_type=PROBLEM_CONTENT_TYPE)


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field": [...], "reporter.phone": [...], "attachments.1.url": [...]}."""
    if isinstance(detail, dict):
        items = detail.items()
    elif isinstance(detail, list) and any(isinstance(item, (dict, list)) for item in detail):
        items = ((str(index), item) for index, item in enumerate(detail))
    else:
        messages = detail if isinstance(detail, list) else [detail]
        return {prefix or "non_field_errors": [str(message) for message in messages]}
    flat: dict[str, list[str]] = {}
    for key, value in items:
        if value in ({}, [], None):
            continue  # a list serializer marks the valid items with an empty dict
        for name, messages in flatten_errors(value, f"{prefix}.{key}" if prefix else str(key)).items():
            flat.setdefault(name, []).extend(messages)
    return flat


def _api_exception(exc: exceptions.APIException) -> tuple[str, str | None]:
    """The published code of a DRF exception, and its detail unless it is DRF's English default."""
    code = exc.get_codes()
    code = DRF_CODES.get(code, code) if isinstance(code, str) else "error"
    detail = exc.detail if isinstance(exc.detail, str) else None
    if isinstance(exc, exceptions.PermissionDenied) and detail and detail.startswith(CSRF_PREFIX):
        return "csrf_failed", None
    if code not in REGISTRY:
        return code, str(detail) if detail else None
    if detail is not None and str(detail) == str(exc.default_detail):
        detail = None  # the registry's message, in the user's language
    return code, str(detail) if detail is not None else None


def exception_handler(exc, context):
    response = _problem_for(exc)
    if response is None:
        return None
    set_rollback()
    request = context.get("request")
    if request is not None:
        # Errors are JSON whatever the Accept header asked for (the browsable API would wrap them in HTML).
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = PROBLEM_CONTENT_TYPE
    return response


def _problem_for(exc) -> Response | None:
    if isinstance(exc, InputError):
        return problem(exc.status, exc.code, None, errors=exc.errors)
    if isinstance(exc, WorkflowError):
        return problem(exc.status, exc.code, exc.message)
    if isinstance(exc, (ObjectDoesNotExist, Http404)):
        return problem(404, "not_found")
    if isinstance(exc, PermissionDenied):
        return problem(403, "permission_denied", str(exc) or None)
    if isinstance(exc, RequestDataTooBig):
        return problem(413, "request_too_large")
    if isinstance(exc, (TooManyFieldsSent, TooManyFilesSent)):
        return problem(400, "too_many_fields")
    if isinstance(exc, exceptions.ValidationError):
        return problem(400, "invalid_input", None, flatten_errors(exc.detail))
    if not isinstance(exc, exceptions.APIException):
        return None
    code, detail = _api_exception(exc)
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = f"{int(exc.wait)}"
    return problem(exc.status_code, code, detail, headers=headers)

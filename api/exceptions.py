"""One error shape for the whole API (RFC 9457 problem details) with a stable `code`."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from complaints.errors import InputError, WorkflowError

PROBLEM_CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    412: "Precondition Failed",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
}


def problem(status_code: int, code: str, detail: str, errors: dict | None = None, headers: dict | None = None) -> Response:
    body = {
        "type": f"urn:treckk:error:{code}",
        "title": TITLES.get(status_code, "Error"),
        "status": status_code,
        "code": code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def _flatten(detail) -> dict:
    if isinstance(detail, dict):
        return {key: [str(item) for item in (value if isinstance(value, list) else [value])] for key, value in detail.items()}
    return {"non_field_errors": [str(item) for item in (detail if isinstance(detail, list) else [detail])]}


def exception_handler(exc, context):
    if isinstance(exc, InputError):
        return problem(exc.status, exc.code, str(_("Periksa isian yang ditandai.")), errors=exc.errors)
    if isinstance(exc, WorkflowError):
        return problem(exc.status, exc.code, exc.message)
    if isinstance(exc, (ObjectDoesNotExist, Http404)):
        return problem(404, "not_found", str(_("Tidak ditemukan.")))
    if isinstance(exc, PermissionDenied):
        return problem(403, "permission_denied", str(_("Anda tidak berhak melakukan ini.")))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        return problem(status.HTTP_400_BAD_REQUEST, "invalid_input", str(_("Periksa isian yang ditandai.")), _flatten(exc.detail))
    detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    headers = {key: value for key, value in response.items() if key in ("WWW-Authenticate", "Retry-After", "Allow")}
    return problem(response.status_code, code if isinstance(code, str) else "error", str(detail), headers=headers)

"""Records what the views answer that the audit needs: every 403 (portal, API, admin), downloads of the complaint
register (reporter data leaving the system) and API reads that carry a reporter's identity unmasked."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from audit.models import AuditKind
from audit.records import record

# URL names (namespace:name) whose successful answer is an export of reporter data.
EXPORTS = {"portal:register-csv": "csv", "portal:register-xlsx": "xlsx"}
# API reads whose body may hold the reporter unmasked (roles/masking.py decides; the body says what it decided).
REPORTER_READS = {"api:complaint-detail"}
REVEALING_FIELDS = ("name", "nik", "address", "phone")


def _url_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else ""


def _reporter_revealed(response: HttpResponse) -> tuple[str, list[str]] | None:
    data = getattr(response, "data", None)  # a DRF Response still holds what it serialized
    if not isinstance(data, dict) or not isinstance(data.get("reporter"), dict):
        return None
    shown = [field for field in REVEALING_FIELDS if data["reporter"].get(field)]
    return (str(data.get("code", "")), shown) if shown else None


class AuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 403:
            record(AuditKind.PERMISSION_DENIED, request, status_code=403, view=_url_name(request))
            return response
        if not 200 <= response.status_code < 300 or request.method not in ("GET", "HEAD"):
            return response
        name = _url_name(request)
        if name in EXPORTS:
            record(AuditKind.EXPORT, request, status_code=response.status_code, view=name, format=EXPORTS[name])
        elif name in REPORTER_READS:
            revealed = _reporter_revealed(response)
            if revealed is not None:
                code, fields = revealed
                record(AuditKind.REPORTER_READ, request, status_code=response.status_code, view=name, complaint=code,
                       fields=fields)
        return response

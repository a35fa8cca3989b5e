"""Records what the views answer that the audit needs: every 403 (portal, API, admin), downloads of the complaint
register (reporter data leaving the system) and every answer that shows a reporter unmasked.

Which reporters an answer shows is not read back from its body: roles/masking.py, the one path reporter data takes,
notes each complaint it shows unmasked while the view runs (API lists, queues, details and action answers, the
portal's case page, register and receipt, the inbox and outbox senders), and this middleware writes the note as one
entry per request. An export notes itself as a whole before it streams.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from audit.models import AuditKind
from audit.records import record
from roles.masking import noting_disclosures

# URL names (namespace:name) whose successful answer is an export of reporter data.
EXPORTS = {"portal:register-csv": "csv", "portal:register-xlsx": "xlsx"}


def _url_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else ""


class AuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with noting_disclosures() as disclosed:
            response = self.get_response(request)
        status = response.status_code
        name = _url_name(request)
        if status == 403:
            # A refusal that redraws a page with a reporter on it (a portal action refused) says so in the same entry.
            record(AuditKind.PERMISSION_DENIED, request, status_code=403, view=name, **(disclosed.detail() if disclosed else {}))
        elif 300 <= status < 400:
            pass  # a redirect carries no page, whatever the view looked at before it
        elif name in EXPORTS and 200 <= status < 300:
            record(AuditKind.EXPORT, request, status_code=status, view=name, format=EXPORTS[name], **disclosed.detail())
        elif disclosed:
            record(AuditKind.REPORTER_READ, request, status_code=status, view=name, **disclosed.detail())
        return response

"""Django's error handlers (handler400/403/404/500 in config/urls.py) and the one place that decides how an error
is answered: problem+json for programs (the API, the webhooks), the spec's error list on Open311, and for people
the portal's error page in their language, with the same message the API sends (common/problems.py).

Nothing here shows a traceback, an exception's text from a bug, or SQL: the 500 answer is fixed text, and the
details go to the log (Django logs an unhandled exception before it calls handler500).
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.csrf import requires_csrf_token

from channels.open311.renderers import error_response as open311_error
from common.problems import BY_STATUS, error_for, problem_response

# Clients of these paths are programs: they get problem+json.
MACHINE_PREFIXES = ("/api/", "/channels/", "/health/")
OPEN311_PREFIX = "/open311/"
# Pages that read the session and the user (navigation tabs); the others must render without a request context,
# because they may answer before the middleware that sets `request.user` ran (a 413, a malformed request) or after
# something broke (500).
PAGES_WITH_CONTEXT = {403, 404}
TEMPLATES = {400: "400.html", 403: "403.html", 404: "404.html", 413: "413.html", 500: "500.html"}
BY_STATUS_CODE = {status: error.code for status, error in BY_STATUS.items()}


def wants_problem(request: HttpRequest) -> bool:
    return request.path.startswith(MACHINE_PREFIXES)


def error_response(request: HttpRequest, status: int, code: str, detail: str | None = None,
                   headers: dict | None = None) -> HttpResponse:
    """The answer to a refused request, in the form its client reads."""
    error = error_for(code, status)
    if wants_problem(request):
        return problem_response(status, error.code, detail, headers=headers)
    if request.path.startswith(OPEN311_PREFIX):
        # GeoReport v2's error format, in XML or JSON as the URL's suffix asks (channels/open311/views.py answers the same way).
        response: HttpResponse = open311_error(request.path, status, str(detail or error.message))
    else:
        template = TEMPLATES.get(status, "400.html")
        context = {"error_text": str(error.message), "error_reason": detail or ""}
        html = render_to_string(template, context, request if status in PAGES_WITH_CONTEXT and hasattr(request, "user") else None)
        response = HttpResponse(html, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        return error_response(request, 413, "request_too_large")
    if isinstance(exception, (TooManyFieldsSent, TooManyFilesSent)):
        return error_response(request, 400, "too_many_fields")
    return error_response(request, 400, "bad_request")


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # A PermissionDenied raised by our own views carries a sentence for the user (roles/policy.py, portal views).
    return error_response(request, 403, "permission_denied", str(exception or "") or None)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # The resolver's message names URL patterns: never shown.
    return error_response(request, 404, "not_found")


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    return error_response(request, 500, "server_error")


class ProblemFallbackMiddleware:
    """Under /api/ and /channels/, an error answered by Django itself rather than our code (a 405 from
    `require_POST` or a class-based view's method check) becomes problem+json too, keeping its status and the
    headers a client needs (Allow, Retry-After, WWW-Authenticate)."""

    KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or not wants_problem(request):
            return response
        if "json" in response.get("Content-Type", ""):
            return response  # already ours (problem+json), or a provider-shaped JSON answer
        headers = {name: response[name] for name in self.KEPT_HEADERS if response.has_header(name)}
        return error_response(request, response.status_code, BY_STATUS_CODE.get(response.status_code, "bad_request"), headers=headers)

"""The Content-Security-Policy and the other security headers on every kind of page, the relaxed policy of the API
docs only, templates free of what the policy forbids, password rules and session cookie settings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from roles.roles import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
STRICT = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self' data:",
    "frame-ancestors": "'none'", "form-action": "'self'", "base-uri": "'self'", "object-src": "'none'",
}


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


@pytest.mark.parametrize("path", ["/login/", "/lapor/", "/lacak/", "/queue/operator/", "/cases/", "/api/v1/me/"])
def test_strict_policy_and_security_headers_everywhere(users, path):
    client = Client()
    if path != "/login/":
        client.force_login(users[Role.OPERATOR])
    response = client.get(path)
    assert response.status_code == 200, path
    found = policy(response)
    for directive, value in STRICT.items():
        assert found.get(directive) == value, (path, directive, found)
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_only_the_api_docs_relax_styles(path):
    response = Client().get(path)
    assert response.status_code == 200
    found = policy(response)
    assert found["script-src"] == "'self'"  # never inline script or eval, even here
    assert "'unsafe-inline'" in found["style-src"]
    assert found["frame-ancestors"] == "'none'"
    page = response.content.decode()
    assert "fonts.googleapis.com" not in page and "<script>" not in page


def test_swagger_start_script_is_a_file():
    page = Client().get("/api/docs/").content.decode()
    script = re.search(r'<script src="([^"]*script=[^"]*)"', page)
    assert script, page
    response = Client().get(script.group(1).replace("&amp;", "&"))
    assert response.status_code == 200 and "SwaggerUIBundle" in response.content.decode()


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style[\s>]|\sstyle=", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+=|\shx-on[:-]", re.I)
# An hx-trigger filter is "event[expression]" (or "every 30s [expression]"), evaluated as JavaScript; the brackets of a
# CSS selector after from: are not one.
HTMX_EVAL = re.compile(r'hx-trigger="[^"]*\[|hx-vals=[\'"]\s*js:|hx-vars=', re.I)
FROM_SELECTOR = re.compile(r"from:(?:find |closest |next |previous )?[^,\"]*")


def test_templates_have_no_inline_script_style_handlers_or_htmx_eval():
    offenders = []
    templates = [*(REPO / "templates").rglob("*.html"), *REPO.glob("*/templates/**/*.html")]
    for path in templates:
        text = path.read_text()
        text = re.sub(r'hx-trigger="[^"]*"', lambda m: FROM_SELECTOR.sub("from:selector", m.group(0)), text)
        for name, pattern in (("script", INLINE_SCRIPT), ("style", INLINE_STYLE), ("handler", EVENT_HANDLER),
                              ("eval", HTMX_EVAL)):
            offenders += [f"{path.relative_to(REPO)}: {name}: {m.group(0)}" for m in pattern.finditer(text)]
    assert offenders == []


def test_htmx_runs_without_eval(users):
    client = Client()
    client.force_login(users[Role.OPERATOR])
    page = client.get("/queue/operator/").content.decode()
    assert '"allowEval":false' in page and '"includeIndicatorStyles":false' in page


@pytest.mark.parametrize("password", ["Pendek-12", "password1234", "123456789012345", "operator20261"])
def test_weak_passwords_are_refused(users, password):
    with pytest.raises(ValidationError):
        validate_password(password, users[Role.OPERATOR])


def test_a_long_uncommon_password_is_accepted(users):
    validate_password("Satpol-Balangan-Piket-2026!", users[Role.OPERATOR])
    validate_password(PASSWORD if len(PASSWORD) >= 12 else "Treckk-demo-2026-x", users[Role.OPERATOR])


def test_session_cookie_is_httponly_lax_and_ends_with_the_browser(users):
    response = Client().post("/login/", {"username": "operator", "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # a browser-session cookie
    assert settings.SESSION_COOKIE_AGE == 12 * 3600  # and the server forgets it after 12 hours anyway

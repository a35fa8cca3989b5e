"""The error codes are one list (common/problems.py): every code the code base sends is in it, openapi.yaml and
docs/errors.md document exactly it, and a person on the portal reads the same message the API sends."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from common.problems import ERRORS, REGISTRY
from roles.roles import Role

ROOT = Path(__file__).resolve().parents[2]
# Where a code is written as a literal: a class's `code`/`default_code`, a `code=` argument, a problem helper's
# second argument, a refusal's first.
CODE_LITERALS = [
    re.compile(r"\b(?:default_)?code\s*=\s*\"([a-z][a-z_]+)\""),
    re.compile(r"\b(?:problem|_problem|problem_response|error_response)\(\s*(?:\d{3}|[a-z_.]+)\s*,\s*\"([a-z][a-z_]+)\""),
    re.compile(r"\bJSONRefused\(\s*\"([a-z][a-z_]+)\""),
    re.compile(r"\bERROR_CODE\s*=\s*\"([a-z][a-z_]+)\""),
]
NOT_ERROR_CODES = {"utf_8"}


def source_files():
    for file in ROOT.glob("*/**/*.py"):
        parts = set(file.relative_to(ROOT).parts)
        if parts & {".venv", "tests", "migrations", "node_modules", "scripts"}:
            continue
        yield file


def test_every_code_in_the_source_is_registered():
    found: dict[str, str] = {}
    for file in source_files():
        text = file.read_text()
        for pattern in CODE_LITERALS:
            for code in pattern.findall(text):
                found.setdefault(code, str(file.relative_to(ROOT)))
    unregistered = {code: where for code, where in found.items() if code not in REGISTRY and code not in NOT_ERROR_CODES}
    assert unregistered == {}
    assert {"invalid_input", "stale_version", "invalid_signature", "already_rated"} <= set(found)


def test_registry_is_consistent():
    assert len(REGISTRY) == len(ERRORS)
    for error in ERRORS:
        assert re.fullmatch(r"[a-z][a-z_]+", error.code)
        assert 400 <= error.status <= 599
        assert str(error.message) and error.description


def test_openapi_documents_exactly_the_registry():
    schema = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    problem = schema["components"]["schemas"]["Problem"]
    assert problem["properties"]["code"]["enum"] == [error.code for error in ERRORS]
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if path.startswith("/open311/") or not isinstance(operation, dict) or "responses" not in operation:
                continue
            errors = {int(status): response for status, response in operation["responses"].items() if int(status) >= 400}
            assert {400, 429, 500, 503} <= set(errors), (method, path)
            for status, response in errors.items():
                assert response["content"] == {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}, (
                    method, path, status)


def test_docs_list_every_code():
    text = (ROOT / "docs" / "errors.md").read_text()
    for error in ERRORS:
        assert f"`{error.code}`" in text, error.code
        assert re.search(rf"\|\s*{error.status}\s*\|\s*`{error.code}`", text), error.code


# --- the same message on the page and in the API ---------------------------------------------------------------------


def api_detail(response) -> str:
    assert response["Content-Type"] == "application/problem+json", response.content[:300]
    return response.json()["detail"]


@pytest.fixture
def operator(users, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(users[Role.OPERATOR])
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["id", "en"])
def test_portal_and_api_say_the_same(operator, settings, language):
    operator.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    language_header = {"HTTP_ACCEPT_LANGUAGE": language}
    with translation.override(language):
        messages = {code: str(REGISTRY[code].message) for code in ("not_found", "invalid_encoding", "request_too_large")}

    # 404
    assert api_detail(operator.get("/api/v1/tidak-ada/", **language_header)) == messages["not_found"]
    assert messages["not_found"] in operator.get("/tidak/ada/").content.decode()
    # 400: a form that is not UTF-8
    bad = b"description=%FF"
    api = operator.generic("POST", "/api/v1/complaints/", bad, content_type="application/x-www-form-urlencoded", **language_header)
    page = operator.generic("POST", "/intake/", bad, content_type="application/x-www-form-urlencoded")
    assert (api.status_code, page.status_code) == (400, 400)
    assert api_detail(api) == messages["invalid_encoding"]
    assert messages["invalid_encoding"] in page.content.decode()
    # 413: over the body limit
    settings.TRECKK_MAX_REQUEST_BYTES = 10_000
    big = {"file": SimpleUploadedFile("besar.jpg", b"\xff" * 20_000)}
    api = operator.post("/api/v1/complaints/XXXX/attachments/", big, **language_header)
    big = {"photos": SimpleUploadedFile("besar.jpg", b"\xff" * 20_000)}
    page = operator.post("/intake/", big)
    assert (api.status_code, page.status_code) == (413, 413)
    assert api_detail(api) == messages["request_too_large"]
    assert messages["request_too_large"] in page.content.decode()


@pytest.mark.django_db
def test_the_forbidden_page_shows_the_registry_message_and_the_reason(users, settings):
    settings.DEBUG = False
    client = Client()
    client.force_login(users[Role.KASI])
    page = client.get("/dispatch/").content.decode()
    assert str(REGISTRY["permission_denied"].message) in page
    assert "Papan penugasan hanya untuk Kabid." in page


@pytest.mark.django_db
def test_api_field_errors_are_flat(users):
    client = Client()
    client.force_login(users[Role.OPERATOR])
    body = {"category": "keributan", "district": "paringin", "description": "x", "reporter": {"phone": "bukan nomor"}}
    response = client.post("/api/v1/complaints/", json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["reporter.phone"]

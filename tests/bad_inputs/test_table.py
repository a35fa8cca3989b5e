"""Malformed requests across the API, the webhooks, Open311, the public web form and the portal's forms.

Each row is sent as a client would send it and must get the documented status and error code (docs/errors.md;
problem+json under /api/ and /channels/, the spec's error list on Open311, an error page or the form again for
people), with no stack trace or SQL in the body, and must leave every table's row count as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from public.links import feedback_token
from roles.roles import Role
from tests.bad_inputs.conftest import TG_SECRET, image_bytes, payload, row_counts, whatsapp_signature

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
LEAKS = (b"Traceback", b"File \"/", b"SELECT ", b"INSERT INTO", b"django.db", b"psycopg", b"sqlite3")
MB = 1024 * 1024


@dataclass(frozen=True)
class Case:
    id: str
    method: str
    path: str  # formatted with the world's codes: {screening}, {closed}, ...
    status: int
    code: str | None = None  # the problem's (or Open311 error's) code; None for a page
    who: str | None = None  # "operator", "kasi", "trc" (API token), "channel" (Api-Key), "portal:<role>" (session)
    body: Any = None  # bytes, str, dict (JSON unless multipart), or a callable(world) giving one of those
    content_type: str | None = "application/json"  # None: multipart (dict with files)
    headers: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)
    page_text: str | None = None  # for pages: a phrase the answer must show
    csrf: bool = False


def deep_json(levels: int) -> bytes:
    return ("[" * levels + "]" * levels).encode()


def create(**changes) -> Callable[[dict], dict]:
    def body(world: dict) -> dict:
        data = {"category": "keributan", "district": "paringin", "description": "Keributan di pasar.",
                "reporter": {"name": "Rahmat", "phone": "081234567890"}}
        data.update(changes)
        return {key: value for key, value in data.items() if value is not DROP}

    return body


DROP = object()
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"This program cannot be run in DOS mode."
FAKE_PDF = b"%PDF-1.4\n" + EXE  # a PDF header glued onto an executable: no PDF trailer, so no PDF
HTML = b"<html><script>alert(document.cookie)</script></html>"


def upload(name: str, content: bytes, declared: str = "image/jpeg") -> Callable[[dict], dict]:
    return lambda world: {"file": SimpleUploadedFile(name, content, content_type=declared)}


def message(**changes) -> Callable[[dict], dict]:
    def body(world: dict) -> dict:
        data = {"external_id": "bad-1", "sender": {"id": "62811"}, "text": "Halo", "sent_at": "2026-11-23T21:14:00+08:00"}
        data.update(changes)
        return {key: value for key, value in data.items() if value is not DROP}

    return body


def web_form(**changes) -> Callable[[dict], dict]:
    def body(world: dict) -> dict:
        from complaints.models import Category, District

        data = {
            "category": Category.objects.get(slug="keributan").pk, "description": "Ada balap liar tiap malam.",
            "district": District.objects.get(slug="paringin").pk, "identity": "anonymous", "consent": "on",
            "started": world["stamp"], "website": "",
        }
        data.update({key: value(world) if callable(value) else value for key, value in changes.items()})
        return {key: value for key, value in data.items() if value is not DROP}

    return body


def intake(**changes) -> Callable[[dict], dict]:
    def body(world: dict) -> dict:
        from complaints.models import Category, District

        data = {"category": Category.objects.get(slug="keributan").pk, "description": "Keributan di terminal.",
                "district": District.objects.get(slug="paringin").pk, "reporter_name": "Rahmat"}
        data.update({key: value(world) if callable(value) else value for key, value in changes.items()})
        return {key: value for key, value in data.items() if value is not DROP}

    return body


def photos(name: str, content: bytes) -> Callable[[dict], list]:
    return lambda world: [SimpleUploadedFile(name, content, content_type="image/jpeg")]


COMPLAINTS = "/api/v1/complaints/"
FORWARD = "/api/v1/complaints/{screening}/actions/forward/"
ATTACH = "/api/v1/complaints/{screening}/attachments/"
MESSAGES = "/api/v1/channel/messages/"
WHATSAPP = "/channels/whatsapp/webhook/"
TELEGRAM = "/channels/telegram/webhook/"
OPEN311 = "/open311/v2/requests.json"
FEEDBACK = "/api/v1/public/track/{closed}/feedback/"


def rating(value: object) -> Callable[[dict], dict]:
    """A rating as the reporter sends it: with the token of the link in their outcome message."""
    return lambda world: {"rating": value, "token": feedback_token(world["codes"]["closed"])}


SQL = "' OR '1'='1'; DROP TABLE complaints_complaint; --"
SCRIPT = "<script>alert('x')</script>"
OUT_OF_RANGE = "Tanggal harus antara"

CASES = [
    # --- the API: wrong types, missing fields -----------------------------------------------------------------------
    Case("api-missing-description", "POST", COMPLAINTS, 400, "invalid_input", "operator", create(description=DROP)),
    Case("api-missing-everything", "POST", COMPLAINTS, 400, "invalid_input", "operator", {}),
    Case("api-latitude-not-a-number", "POST", COMPLAINTS, 400, "invalid_input", "operator",
         create(latitude="utara", longitude="115.4")),
    Case("api-category-is-a-list", "POST", COMPLAINTS, 400, "invalid_input", "operator", create(category=["keributan"])),
    Case("api-reporter-is-a-string", "POST", COMPLAINTS, 400, "invalid_input", "operator", create(reporter="Rahmat")),
    Case("api-description-too-long", "POST", COMPLAINTS, 400, "invalid_input", "operator", create(description="x" * 20000)),
    Case("api-body-is-a-list", "POST", COMPLAINTS, 400, "invalid_input", "operator", b"[1, 2, 3]"),
    Case("api-anonymous-not-boolean", "POST", COMPLAINTS, 400, "invalid_input", "operator", create(anonymous="mungkin")),
    # --- the API: injection strings are refused where they cannot be a value ----------------------------------------
    Case("api-sql-in-district", "POST", COMPLAINTS, 400, "invalid_input", "operator", create(district=SQL)),
    Case("api-script-in-category", "POST", COMPLAINTS, 400, "invalid_input", "operator", create(category=SCRIPT)),
    Case("api-sql-in-code", "GET", "/api/v1/complaints/%27%20OR%201=1--/", 404, "not_found", "operator"),
    Case("api-invalid-cursor", "GET", COMPLAINTS + "?cursor=-Infinity", 400, "invalid_input", "operator"),
    Case("api-sql-in-status-filter", "GET", COMPLAINTS + "?status=%27%20OR%201%3D1--", 400, "invalid_input", "operator"),
    # --- the API: bodies that are not JSON, or too much of it ------------------------------------------------------
    Case("api-malformed-json", "POST", COMPLAINTS, 400, "malformed_json", "operator", b'{"description": "tidak ditutup'),
    Case("api-invalid-utf8", "POST", COMPLAINTS, 400, "invalid_encoding", "operator", b'{"description": "\xff\xfe\xfa"}'),
    Case("api-nan", "POST", COMPLAINTS, 400, "malformed_json", "operator", b'{"latitude": NaN, "longitude": 1}'),
    Case("api-json-25-levels", "POST", COMPLAINTS, 400, "json_too_deep", "operator", deep_json(25)),
    Case("api-json-100000-levels", "POST", COMPLAINTS, 400, "json_too_deep", "operator", deep_json(100_000)),
    Case("api-body-over-1mb", "POST", COMPLAINTS, 413, "request_too_large", "operator",
         lambda world: json.dumps({"description": "x" * (MB + 10)})),
    Case("api-content-length-lies", "POST", COMPLAINTS, 400, "bad_request", "operator", b"{}",
         headers={"CONTENT_LENGTH": "banyak"}),
    Case("api-text-plain", "POST", COMPLAINTS, 415, "unsupported_media_type", "operator", b"description=x", "text/plain"),
    Case("api-xml", "POST", COMPLAINTS, 415, "unsupported_media_type", "operator", b"<complaint/>", "application/xml"),
    # --- the API: who, which state, which version ------------------------------------------------------------------
    Case("api-no-credentials", "POST", COMPLAINTS, 401, "not_authenticated", None, create()),
    Case("api-unknown-token", "GET", COMPLAINTS, 401, "authentication_failed", None,
         headers={"HTTP_AUTHORIZATION": "Token 0000000000000000000000000000000000000000"}),
    Case("api-wrong-role", "POST", COMPLAINTS, 403, "not_allowed", "kasi", create()),
    Case("api-invisible-complaint", "POST", FORWARD, 404, "not_found", "kasi", {}),
    Case("api-wrong-state", "POST", "/api/v1/complaints/{submitted}/actions/forward/", 409, "invalid_state", "operator", {}),
    Case("api-stale-if-match", "POST", FORWARD, 412, "stale_version", "operator", {}, headers={"HTTP_IF_MATCH": '"99"'}),
    Case("api-malformed-if-match", "POST", FORWARD, 400, "parse_error", "operator", {}, headers={"HTTP_IF_MATCH": "kemarin"}),
    Case("api-action-field-is-object", "POST", FORWARD, 400, "parse_error", "operator", {"note": {"a": 1}}),
    Case("api-method-not-allowed", "DELETE", "/api/v1/complaints/{screening}/", 405, "method_not_allowed", "operator"),
    Case("api-unknown-path", "GET", "/api/v1/tidak-ada/", 404, "not_found", "operator"),
    # --- attachments: disguised, oversized ------------------------------------------------------------------------
    Case("file-jpg-that-is-an-exe", "POST", ATTACH, 400, "invalid_input", "operator", upload("foto.jpg", EXE), None),
    Case("file-jpg-that-is-a-fake-pdf", "POST", ATTACH, 400, "invalid_input", "operator",
         upload("foto.jpg", FAKE_PDF, "application/pdf"), None),
    Case("file-png-that-is-html", "POST", ATTACH, 400, "invalid_input", "operator", upload("foto.png", HTML, "image/png"), None),
    Case("file-truncated-jpeg", "POST", ATTACH, 400, "invalid_input", "operator",
         upload("foto.jpg", image_bytes("JPEG", (200, 200))[:300]), None),
    Case("file-too-many-pixels", "POST", ATTACH, 400, "invalid_input", "operator",
         upload("besar.png", image_bytes("PNG", (400, 300))), None, settings={"TRECKK_MAX_IMAGE_PIXELS": 100_000}),
    Case("file-over-attachment-limit", "POST", ATTACH, 413, "file_too_large", "operator",
         upload("besar.jpg", image_bytes("JPEG", (300, 300))), None, settings={"TRECKK_MAX_ATTACHMENT_BYTES": 2000}),
    Case("file-upload-over-request-limit", "POST", ATTACH, 413, "request_too_large", "operator",
         upload("besar.jpg", b"\xff" * 80_000), None, settings={"TRECKK_MAX_REQUEST_BYTES": 50_000}),
    Case("file-as-json", "POST", ATTACH, 415, "unsupported_media_type", "operator", {"file": "foto.jpg"}),
    Case("file-missing", "POST", ATTACH, 400, "invalid_input", "operator", lambda world: {"catatan": "tanpa berkas"}, None),
    # --- channel intake (Api-Key) -----------------------------------------------------------------------------------
    Case("channel-missing-sender", "POST", MESSAGES, 400, "invalid_input", "channel", message(sender=DROP)),
    Case("channel-sent-at-not-a-time", "POST", MESSAGES, 400, "invalid_input", "channel", message(sent_at="kemarin sore")),
    Case("channel-too-many-attachments", "POST", MESSAGES, 400, "invalid_input", "channel",
         message(attachments=[{"url": f"https://files.example.org/{n}.jpg"} for n in range(11)])),
    Case("channel-attachment-url-is-script", "POST", MESSAGES, 400, "invalid_input", "channel",
         message(attachments=[{"url": "javascript:alert(1)"}])),
    Case("channel-empty-message", "POST", MESSAGES, 400, "invalid_input", "channel", message(text="   ")),
    Case("channel-posted-by-staff", "POST", MESSAGES, 403, "permission_denied", "operator", message()),
    Case("channel-wrong-key", "POST", MESSAGES, 401, "authentication_failed", None, message(),
         headers={"HTTP_AUTHORIZATION": "Api-Key 00000000.bukan-kunci-yang-benar"}),
    Case("channel-deep-json", "POST", MESSAGES, 400, "json_too_deep", "channel", deep_json(40)),
    # --- WhatsApp webhook ------------------------------------------------------------------------------------------
    Case("whatsapp-forged-signature", "POST", WHATSAPP, 401, "invalid_signature", None,
         lambda world: json.dumps(payload("whatsapp", "text")),
         headers={"HTTP_X_HUB_SIGNATURE_256": "sha256=" + "0" * 64}),
    Case("whatsapp-no-signature", "POST", WHATSAPP, 401, "invalid_signature", None,
         lambda world: json.dumps(payload("whatsapp", "text"))),
    Case("whatsapp-signed-with-another-secret", "POST", WHATSAPP, 401, "invalid_signature", None,
         lambda world: json.dumps(payload("whatsapp", "text")),
         headers={"HTTP_X_HUB_SIGNATURE_256": whatsapp_signature(json.dumps(payload("whatsapp", "text")).encode(), "x")}),
    Case("whatsapp-signed-invalid-utf8", "POST", WHATSAPP, 400, "invalid_encoding", None, b'{"object": "\xff\xfe"}',
         headers={"HTTP_X_HUB_SIGNATURE_256": whatsapp_signature(b'{"object": "\xff\xfe"}')}),
    Case("whatsapp-signed-deep-json", "POST", WHATSAPP, 400, "json_too_deep", None, deep_json(5000),
         headers={"HTTP_X_HUB_SIGNATURE_256": whatsapp_signature(deep_json(5000))}),
    Case("whatsapp-signed-not-json", "POST", WHATSAPP, 400, "malformed_json", None, b"bukan json",
         headers={"HTTP_X_HUB_SIGNATURE_256": whatsapp_signature(b"bukan json")}),
    Case("whatsapp-over-1mb", "POST", WHATSAPP, 413, "request_too_large", None, b"{" + b" " * (MB + 1) + b"}"),
    Case("whatsapp-verify-wrong-token", "GET", WHATSAPP + "?hub.mode=subscribe&hub.verify_token=salah&hub.challenge=1",
         403, "verification_failed"),
    Case("whatsapp-put", "PUT", WHATSAPP, 405, "method_not_allowed", None, b"{}"),
    # --- Telegram webhook ------------------------------------------------------------------------------------------
    Case("telegram-wrong-secret", "POST", TELEGRAM, 401, "bad_secret", None, lambda world: json.dumps(payload("telegram", "text")),
         headers={"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": "tebakan"}),
    Case("telegram-no-secret", "POST", TELEGRAM, 401, "bad_secret", None, lambda world: json.dumps(payload("telegram", "text"))),
    Case("telegram-malformed-json", "POST", TELEGRAM, 400, "malformed_json", None, b'{"update_id": ',
         headers={"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": TG_SECRET}),
    Case("telegram-deep-json", "POST", TELEGRAM, 400, "json_too_deep", None, deep_json(3000),
         headers={"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": TG_SECRET}),
    Case("telegram-update-not-an-object", "POST", TELEGRAM, 400, "invalid_update", None, b'"halo"',
         headers={"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": TG_SECRET}),
    Case("telegram-get", "GET", TELEGRAM, 405, "method_not_allowed"),
    # --- Open311 (its own error format: [{"code": <status>, "description": ...}]) ---------------------------------
    Case("open311-no-api-key", "POST", OPEN311, 403, "403", None, {"service_code": "keributan", "description": "x", "lat": 1, "long": 2}),
    Case("open311-unknown-service-sql", "POST", OPEN311, 404, "404", "channel",
         {"service_code": SQL, "description": "x", "lat": -2.33, "long": 115.46}),
    Case("open311-lat-not-a-number", "POST", OPEN311, 400, "400", "channel",
         {"service_code": "keributan", "description": "x", "lat": "utara", "long": 115.46}),
    Case("open311-deep-json", "POST", OPEN311, 400, "400", "channel", deep_json(2000)),
    # --- the public API ----------------------------------------------------------------------------------------------
    Case("public-rating-out-of-range", "POST", FEEDBACK, 400, "invalid_input", None, rating(9)),
    Case("public-rating-not-a-number", "POST", FEEDBACK, 400, "invalid_input", None, rating("lima")),
    Case("public-rating-without-the-link", "POST", FEEDBACK, 403, "feedback_link_required", None, {"rating": 5}),
    Case("public-track-sql", "GET", "/api/v1/public/track/%27%20OR%201=1--/", 404, "not_found"),
    # --- the public web form (pages) -------------------------------------------------------------------------------
    Case("web-form-missing-fields", "POST", "/lapor/", 422, None, None, web_form(description=DROP, category=DROP), None,
         page_text="Periksa kembali isian yang ditandai."),
    Case("web-form-honeypot", "POST", "/lapor/", 400, None, None, web_form(website="http://spam.example"), None),
    Case("web-form-forged-stamp", "POST", "/lapor/", 400, None, None, web_form(started="1700000000:palsu"), None),
    Case("web-form-exe-as-photo", "POST", "/lapor/", 422, None, None, web_form(photos=photos("foto.jpg", EXE)), None,
         page_text="foto.jpg"),
    Case("web-form-invalid-utf8", "POST", "/lapor/", 400, None, None, b"description=%FF%FE&district=1",
         "application/x-www-form-urlencoded", page_text="UTF-8"),
    Case("web-form-over-request-limit", "POST", "/lapor/", 413, None, None, web_form(photos=photos("a.jpg", b"\xff" * 80_000)),
         None, settings={"TRECKK_MAX_REQUEST_BYTES": 50_000}, page_text="melebihi batas ukuran"),
    # --- the portal's forms (pages) --------------------------------------------------------------------------------
    Case("portal-intake-missing-description", "POST", "/intake/", 422, None, "portal:operator", intake(description=""), None),
    Case("portal-intake-latitude-text", "POST", "/intake/", 422, None, "portal:operator",
         intake(latitude="utara", longitude="selatan"), None),
    Case("portal-intake-exe-photo", "POST", "/intake/", 422, None, "portal:operator", intake(photos=photos("x.jpg", EXE)), None),
    Case("portal-intake-invalid-utf8", "POST", "/intake/", 400, None, "portal:operator", b"description=%C3%28",
         "application/x-www-form-urlencoded"),
    Case("portal-action-stale-version", "POST", "/cases/{screening}/actions/forward/", 412, None, "portal:operator",
         lambda world: {"version": world["versions"]["screening"] + 7}, None),
    Case("portal-action-version-missing", "POST", "/cases/{screening}/actions/forward/", 400, None, "portal:operator",
         lambda world: {"note": SCRIPT}, None),
    Case("portal-action-of-another-role", "POST", "/cases/{screening}/actions/forward/", 403, None, "portal:kepala",
         lambda world: {"version": world["versions"]["screening"]}, None),
    Case("portal-without-csrf-token", "POST", "/intake/", 403, None, "portal:operator", intake(), None, csrf=True,
         page_text="Sesi kedaluwarsa"),
    # --- dates the calendar has but the arithmetic cannot hold (WITA midnight of 0001-01-01, the day after
    # 9999-12-31), dates the calendar lacks, and page sizes: refused with a message, never a 500 or a silent default -----
    *[Case(f"api-{name}", "GET", COMPLAINTS + query, 400, "invalid_input", "operator") for name, query in [
        ("created-before-year-9999", "?created_before=9999-12-31"), ("created-after-year-1", "?created_after=0001-01-01"),
        ("created-before-year-10000", "?created_before=10000-01-01"), ("created-after-february-30", "?created_after=2026-02-30"),
        ("page-size-negative", "?page_size=-5"), ("page-size-zero", "?page_size=0"), ("page-size-text", "?page_size=abc"),
        ("page-size-over-max", "?page_size=201"), ("page-number", "?page=abc"), ("cursor-garbage", "?cursor=%25%25%25"),
    ]],
    Case("api-queue-created-after-year-1", "GET", "/api/v1/queue/?created_after=0001-01-01", 400, "invalid_input", "operator"),
    Case("api-queue-page-size-text", "GET", "/api/v1/queue/?page_size=abc", 400, "invalid_input", "operator"),
    Case("api-events-page-size-negative", "GET", "/api/v1/complaints/{screening}/events/?page_size=-5", 400, "invalid_input",
         "operator"),
    Case("api-incident-at-year-1", "POST", COMPLAINTS, 400, "invalid_input", "operator", create(incident_at="0001-01-01T00:00:00")),
    Case("api-incident-at-year-1-with-offset", "POST", COMPLAINTS, 400, "invalid_input", "operator",
         create(incident_at="0001-01-01T00:00:00+08:00")),
    Case("api-incident-at-year-9999", "POST", COMPLAINTS, 400, "invalid_input", "operator", create(incident_at="9999-12-31T23:59:59")),
    Case("channel-sent-at-year-1", "POST", MESSAGES, 400, "invalid_input", "channel", message(sent_at="0001-01-01T00:00:00+08:00")),
    Case("open311-start-date-year-1", "GET", OPEN311 + "?start_date=0001-01-01T00:00:00%2B08:00", 400, "400", "channel"),
    Case("open311-end-date-year-9999", "GET", OPEN311 + "?start_date=9999-12-01T00:00:00Z&end_date=9999-12-31T23:59:59-12:00",
         400, "400", "channel"),
    *[Case(f"portal-{name}", "GET", path, 400, None, "portal:kepala", page_text=text) for name, path, text in [
        ("dashboard-end-year-9999", "/dashboard/?end=9999-12-31", OUT_OF_RANGE),
        ("dashboard-start-year-1", "/dashboard/?start=0001-01-01&end=0001-01-02", OUT_OF_RANGE),
        ("dashboard-end-year-1", "/dashboard/?end=0001-01-05", OUT_OF_RANGE),
        ("dashboard-end-year-10000", "/dashboard/?end=10000-01-01", "tanggal yang valid"),
        ("dashboard-february-30", "/dashboard/?start=2026-02-30", "tanggal yang valid"),
        ("hotspots-end-year-9999", "/hotspots/?end=9999-12-31", OUT_OF_RANGE),
        ("hotspots-start-year-1", "/hotspots/?start=0001-01-01&end=0001-01-05", OUT_OF_RANGE),
        ("duty-log-end-year-9999", "/duty/log/?end=9999-12-31", OUT_OF_RANGE),
        ("duty-log-start-year-1", "/duty/log/?start=0001-01-01", OUT_OF_RANGE),
        ("duty-log-print-end-year-9999", "/duty/log/print/?end=9999-12-31", OUT_OF_RANGE),
        ("roster-week-year-9999", "/duty/roster/trc-paringin/?date=9999-12-31", OUT_OF_RANGE),
        ("roster-week-year-1", "/duty/roster/trc-paringin/?date=0001-01-01", OUT_OF_RANGE),
        ("roster-print-year-9999", "/duty/roster/trc-paringin/print/?date=9999-12-31", OUT_OF_RANGE),
        ("daily-report-year-1", "/reports/daily/?day=0001-01-01", OUT_OF_RANGE),
        ("monthly-recap-year-1", "/reports/monthly/?month=0001-01", OUT_OF_RANGE),
        ("register-created-before-year-9999", "/register/?created_before=9999-12-31", OUT_OF_RANGE),
        ("cases-created-after-year-1", "/cases/?created_after=0001-01-01", OUT_OF_RANGE),
    ]],
    Case("portal-intake-incident-year-1", "POST", "/intake/", 422, None, "portal:operator",
         intake(incident_at="0001-01-01T00:00"), None, page_text=OUT_OF_RANGE),
    Case("web-form-incident-year-1", "POST", "/lapor/", 422, None, None, web_form(incident_at="0001-01-01T00:00"), None,
         page_text=OUT_OF_RANGE),
]


def _client(case: Case, world: dict) -> tuple[Client, dict]:
    client = Client(enforce_csrf_checks=case.csrf, raise_request_exception=False)
    extra = dict(case.headers)
    if case.who in ("operator", "kasi", "trc"):
        role = {"operator": Role.OPERATOR, "kasi": Role.KASI, "trc": Role.TRC}[case.who]
        extra.setdefault("HTTP_AUTHORIZATION", f"Token {world['tokens'][role]}")
    elif case.who == "channel":
        extra.setdefault("HTTP_AUTHORIZATION", f"Api-Key {world['channel_key']}")
    elif case.who and case.who.startswith("portal:"):
        client.force_login(world["users"][Role(case.who.split(":", 1)[1])])
    return client, extra


def send(case: Case, world: dict):
    client, extra = _client(case, world)
    path = case.path.format(**world["codes"])
    body = case.body(world) if callable(case.body) else case.body
    if case.method == "GET":
        return client.get(path, **extra)
    if case.content_type is None:
        return client.generic(case.method, path, **_multipart(body), **extra)
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
    return client.generic(case.method, path, body or b"", content_type=case.content_type, **extra)


def _multipart(data: dict) -> dict:
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    return {"data": encode_multipart(BOUNDARY, data), "content_type": MULTIPART_CONTENT}


def test_the_table_is_long_enough():
    assert len(CASES) >= 40
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_is_refused_and_nothing_is_written(case, shared_world, settings):
    world = shared_world
    settings.DEBUG = False
    for name, value in case.settings.items():
        setattr(settings, name, value)
    before = row_counts()

    response = send(case, world)

    assert response.status_code == case.status, response.content[:500]
    assert row_counts() == before
    content = response.content
    assert not any(leak in content for leak in LEAKS), content[:500]
    if case.path.startswith("/open311/"):
        errors = response.json()
        assert isinstance(errors, list) and errors and errors[0]["code"] == case.status and errors[0]["description"]
    elif case.code is not None:
        assert response["Content-Type"].startswith(PROBLEM), response["Content-Type"]
        body = response.json()
        assert (body["status"], body["code"]) == (case.status, case.code), body
        assert body["type"] == f"urn:treckk:error:{case.code}" and body["title"] and body["detail"]
        if case.code == "invalid_input":
            assert body["errors"] and all(isinstance(m, str) for ms in body["errors"].values() for m in ms)
    else:
        assert response["Content-Type"].startswith("text/html")
        if case.page_text:
            assert case.page_text in content.decode(), content.decode()[:2000]

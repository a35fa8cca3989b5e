"""Every error code TRECKK answers with, in one list, and the RFC 9457 problem body they are sent in.

The API (api/exceptions.py), the webhooks, the request limits (config/limits.py, common/limits.py) and the
portal's error pages (config/error_views.py) all take their codes and messages from here; openapi.yaml documents the
list (the `Problem` schema's `code` enum, api/openapi_hooks.py) and docs/errors.md explains each. A code, once published, keeps its
meaning: integrators branch on `code`, never on `detail`, which is for people and follows their language.

Open311 (/open311/v2/) is the one exception: the GeoReport v2 spec fixes its own error format.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.http import JsonResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:treckk:error:"

# RFC 9110 reason phrases: the problem's `title`, which stays the same for every occurrence of a status.
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
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


@dataclass(frozen=True)
class ErrorCode:
    code: str
    status: int
    message: Promise  # Indonesian (the gettext source): `detail` when the raiser says nothing more, and the portal's text
    description: str  # English, for openapi.yaml and docs/errors.md: when it happens and what to do
    api: bool = True  # False: only a webhook or a page answers with it, so the API's operations do not list it


ERRORS: tuple[ErrorCode, ...] = (
    # 400: the request itself is wrong; sending it again unchanged gets the same answer.
    ErrorCode("invalid_input", 400, _("Periksa isian yang ditandai."),
              "A field is missing or wrong; `errors` maps each field (dotted for nested ones) to its messages."),
    ErrorCode("parse_error", 400, _("Permintaan ini tidak dapat dibaca."),
              "The body or a header could not be read (e.g. a malformed `If-Match`, a body that is not a JSON object)."),
    ErrorCode("malformed_json", 400, _("Isi permintaan bukan JSON yang sah."), "The body is not valid JSON."),
    ErrorCode("invalid_encoding", 400, _("Isi permintaan bukan teks UTF-8 yang sah."),
              "The body (JSON or form) is not valid UTF-8."),
    ErrorCode("json_too_deep", 400, _("JSON bersarang terlalu dalam."),
              "JSON nested deeper than TRECKK_MAX_JSON_DEPTH (20) levels."),
    ErrorCode("too_many_fields", 400, _("Terlalu banyak kolom atau berkas dalam satu permintaan."),
              "More form fields or files than Django's DATA_UPLOAD_MAX_NUMBER_FIELDS / _FILES allow."),
    ErrorCode("bad_request", 400, _("Permintaan ini tidak dapat diproses. Muat ulang halaman lalu coba lagi."),
              "Anything else malformed (an invalid Content-Length, a bad Host header)."),
    ErrorCode("invalid_update", 400, _("Update Telegram tidak dapat dibaca."),
              "Telegram webhook: the update is not a Bot API update.", api=False),
    ErrorCode("workflow_error", 400, _("Tindakan ini tidak dapat dilakukan."), "A workflow refusal with no more specific code."),
    # 401: who is calling is unknown.
    ErrorCode("not_authenticated", 401, _("Masuk terlebih dahulu, atau kirim token atau kunci API."),
              "No credentials: send `Authorization: Token <key>` (staff) or `Api-Key <key>` (channels)."),
    ErrorCode("authentication_failed", 401, _("Token atau kunci API tidak dikenal."),
              "The token or API key is unknown or revoked, or its channel is disabled."),
    ErrorCode("token_expired", 401, _("Token API ini sudah kedaluwarsa. Masuk lagi untuk mendapatkan token baru."),
              "The staff token was not used for TRECKK_API_TOKEN_IDLE_HOURS (12) or is older than "
              "TRECKK_API_TOKEN_MAX_AGE_DAYS (7): get a new one from `POST /api/v1/auth/token/` (`GET` shows `expires`)."),
    ErrorCode("invalid_signature", 401, _("Tanda tangan webhook WhatsApp tidak sah."),
              "WhatsApp webhook: `X-Hub-Signature-256` is missing or is not the HMAC of the body.", api=False),
    ErrorCode("bad_secret", 401, _("Token rahasia webhook Telegram tidak cocok."),
              "Telegram webhook: `X-Telegram-Bot-Api-Secret-Token` is missing or wrong.", api=False),
    # 403: known, but not allowed.
    ErrorCode("permission_denied", 403, _("Anda tidak berhak melakukan ini."),
              "Your role may not use this endpoint or page."),
    ErrorCode("not_allowed", 403, _("Peran Anda tidak dapat melakukan tindakan ini."),
              "Workflow: your role, or your team for this complaint, may not take this action."),
    ErrorCode("csrf_failed", 403,
              _("Formulir ini sudah terlalu lama terbuka atau cookie diblokir. Muat ulang halaman, lalu kirim lagi."),
              "A session-authenticated write without a valid CSRF token (use a token instead of the session for scripts)."),
    ErrorCode("feedback_link_required", 403,
              _("Hanya pelapor yang dapat menilai aduan ini: gunakan tautan penilaian dalam pesan hasil penanganan "
                "yang dikirim kepada pelapor."),
              "Public feedback: a rating needs the reporter's `token` (from the `/nilai/<token>/` link in their outcome "
              "message) or the key of the channel the complaint came through; the tracking code alone is not enough."),
    ErrorCode("verification_failed", 403, _("Token verifikasi WhatsApp tidak cocok."),
              "WhatsApp webhook: the subscription check's `hub.verify_token` is wrong.", api=False),
    # 404
    ErrorCode("not_found", 404, _("Alamat ini tidak ada, atau aduan ini tidak dapat Anda buka."),
              "Unknown, or not visible to you: a complaint you may not see does not exist for you."),
    ErrorCode("channel_inactive", 404, _("Kanal WhatsApp tidak aktif."), "WhatsApp webhook: no active WhatsApp channel.", api=False),
    ErrorCode("no_channel", 404, _("Tidak ada kanal Telegram yang aktif."), "Telegram webhook: no active Telegram channel.", api=False),
    # 405, 406
    ErrorCode("method_not_allowed", 405, _("Metode HTTP ini tidak didukung di alamat ini."),
              "The HTTP method is not supported here; `Allow` lists those that are."),
    ErrorCode("not_acceptable", 406, _("Format jawaban yang diminta tidak tersedia."),
              "The `Accept` header names no format this endpoint answers in (JSON)."),
    # 409, 412: the complaint is not where the client thought.
    ErrorCode("invalid_state", 409, _("Tindakan ini tidak tersedia pada status aduan sekarang."),
              "Workflow: the complaint's status does not allow this action now."),
    ErrorCode("already_rated", 409, _("Aduan ini sudah dinilai. Penilaian hanya dapat diberikan sekali."),
              "Public feedback: this complaint was rated already."),
    ErrorCode("feedback_not_open", 409, _("Aduan ini belum dapat dinilai."),
              "Public feedback: the outcome is not decided yet."),
    ErrorCode("endpoint_disabled", 409, _("Endpoint webhook ini dinonaktifkan; minta administrator mengaktifkannya kembali."),
              "Webhook endpoints: the endpoint is disabled (it answered 410 Gone, or an administrator switched it off); "
              "`disabled_reason` says why. An administrator re-enables it."),
    ErrorCode("stale_version", 412, _("Aduan ini sudah diubah oleh orang lain. Muat ulang."),
              "The complaint changed since the version you sent (`If-Match` or `version`): read it again."),
    # 413, 415: the body is too big or not a kind we read.
    ErrorCode("request_too_large", 413, _("Kiriman ini melebihi batas ukuran. Kirim berkas yang lebih kecil atau lebih sedikit."),
              "The body is over the limit (1 MB for JSON and forms, TRECKK_MAX_REQUEST_BYTES for uploads)."),
    ErrorCode("file_too_large", 413, _("Berkas terlalu besar."), "One file is over TRECKK_MAX_ATTACHMENT_BYTES (10 MB)."),
    ErrorCode("unsupported_media_type", 415, _("Jenis isi permintaan tidak didukung."),
              "The `Content-Type` is not one this endpoint reads (JSON; multipart for uploads)."),
    # 422: the draft standard "The Idempotency-Key HTTP Header Field" (IETF httpapi) names this status.
    ErrorCode("idempotency_key_reused", 422,
              _("Kunci idempotensi ini (Idempotency-Key, external_ref atau external_id) sudah dipakai untuk kiriman lain "
                "yang isinya berbeda; kiriman ini tidak disimpan. Kirim ulang isi yang sama untuk mendapat hasil "
                "pertama, atau pakai kunci baru untuk kiriman baru."),
              "The `Idempotency-Key` (or `external_ref`, `external_id`) was sent before with a different body; nothing "
              "was stored. A retry must repeat the first body exactly (key order and spacing do not matter); a new "
              "complaint or message needs a new key."),
    # 429
    ErrorCode("rate_limited", 429, _("Terlalu banyak permintaan. Coba lagi nanti."),
              "Too many requests from your address or channel; wait `Retry-After` seconds."),
    ErrorCode("account_locked", 429,
              _("Terlalu banyak percobaan masuk yang gagal. Akun ini dikunci sementara dari alamat Anda."),
              "Token endpoint: 5 wrong passwords for this username from this address (portal and API together) "
              "locked the pair for 30 minutes (TRECKK_LOGIN_LOCKOUT_MINUTES); wait `Retry-After` seconds or ask an "
              "administrator to unlock it (docs/security.md)."),
    # 5xx: not the client's fault; nothing half-written.
    ErrorCode("server_error", 500,
              _("Tidak ada data yang hilang: perubahan yang gagal tidak disimpan. Coba lagi sebentar lagi; bila berulang, "
                "hubungi admin."),
              "An unexpected error; it is logged, and the failed change was not stored. No details are sent."),
    ErrorCode("service_unavailable", 503, _("Layanan sedang tidak tersedia. Coba lagi sebentar lagi."),
              "The database cannot be reached now; send the same request again after `Retry-After` seconds."),
    ErrorCode("web_form_closed", 503, _("Formulir pengaduan sedang ditutup."),
              "The public web form's channel is switched off.", api=False),
)
REGISTRY: dict[str, ErrorCode] = {error.code: error for error in ERRORS}
# The code a bare status falls back to (the first registered for it).
BY_STATUS: dict[int, ErrorCode] = {}
for _error in ERRORS:
    BY_STATUS.setdefault(_error.status, _error)


def error_for(code: str, status: int | None = None) -> ErrorCode:
    """The registered code, or the generic one of its status (logged: every code we send must be registered)."""
    known = REGISTRY.get(code)
    if known is not None and (status is None or known.status == status):
        return known
    logger.warning("Unregistered error code %r (status %s); sent as the status's generic code", code, status)
    return BY_STATUS.get(status or 500, REGISTRY["server_error"])


def problem_body(status: int, code: str, detail: str | None = None, errors: dict | None = None) -> dict:
    """The RFC 9457 body: type, title, status, detail, plus our `code` and, for field errors, `errors`."""
    error = error_for(code, status)
    body = {
        "type": f"{TYPE_PREFIX}{error.code}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "code": error.code,
        "detail": str(detail) if detail else str(error.message),
    }
    if errors:
        body["errors"] = errors
    return body


def problem_response(status: int, code: str, detail: str | None = None, *, errors: dict | None = None,
                     headers: dict | None = None) -> JsonResponse:
    """A problem as a plain Django response, for views and middleware outside DRF (webhooks, limits, error handlers)."""
    response = JsonResponse(problem_body(status, code, detail, errors), status=status, content_type=PROBLEM_CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def codes_for_status(status: int, *, api_only: bool = False) -> list[str]:
    return [error.code for error in ERRORS if error.status == status and (error.api or not api_only)]

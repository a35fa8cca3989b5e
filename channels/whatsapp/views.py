"""The WhatsApp Cloud API webhook: GET answers Meta's verification challenge, POST takes signed message and status batches.

POST is checked before anything is parsed: X-Hub-Signature-256 must be "sha256=" + the hex HMAC-SHA256 of the
raw body keyed with the app secret. Without a configured secret nothing is accepted. Then the batch is stored
and answered 200 at once; slow work (media) is queued for the worker.
"""

from __future__ import annotations

import hashlib
import hmac
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from channels.whatsapp.inbound import active_channel, store_webhook
from common.limits import JSONRefused, loads
from common.problems import problem_response

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Hub-Signature-256"
SIGNATURE_PREFIX = "sha256="


def problem(status: int, code: str, detail: str | None = None) -> JsonResponse:
    """The API's error shape (RFC 9457 problem details, codes in common/problems.py), so integrators see one format."""
    return problem_response(status, code, detail)


def expected_signature(body: bytes, secret: str) -> str:
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_valid(body: bytes, header: str, secret: str) -> bool:
    if not secret or not header:
        return False
    # Bytes, so a header with non-ASCII characters is a mismatch rather than a TypeError.
    return hmac.compare_digest(expected_signature(body, secret).encode(), header.strip().encode("utf-8", "replace"))


def verify_token_valid(given: str, expected: str) -> bool:
    return bool(expected) and hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode())


@method_decorator(csrf_exempt, name="dispatch")
class WebhookView(View):
    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest) -> HttpResponse:
        # Meta's one-time check when the callback URL is saved; it needs the challenge echoed back as is.
        mode = request.GET.get("hub.mode", "")
        token = request.GET.get("hub.verify_token", "")
        if mode != "subscribe" or not verify_token_valid(token, settings.WHATSAPP_VERIFY_TOKEN):
            return problem(403, "verification_failed", _("Token verifikasi WhatsApp tidak cocok."))
        return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain; charset=utf-8")

    def post(self, request: HttpRequest) -> HttpResponse:
        body = request.body  # the raw bytes, exactly as signed
        if not signature_valid(body, request.headers.get(SIGNATURE_HEADER, ""), settings.WHATSAPP_APP_SECRET):
            return problem(401, "invalid_signature", _("Tanda tangan webhook WhatsApp tidak sah."))
        channel = active_channel()
        if channel is None:
            return problem(404, "channel_inactive", _("Kanal WhatsApp tidak aktif."))
        try:
            payload = loads(body)  # UTF-8, depth and size limits (common/limits.py)
        except JSONRefused as refused:
            return problem(refused.status, refused.code, refused.message)
        stored = store_webhook(channel, payload)
        logger.info("WhatsApp webhook: %s new, %s repeated, %s status reports", stored.created, stored.duplicates, stored.statuses)
        return JsonResponse({"received": stored.created, "duplicates": stored.duplicates, "statuses": stored.statuses})

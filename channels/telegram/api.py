"""The Bot API calls the adapter makes (sendMessage, getFile, setWebhook, file downloads), with one error mapping.

Every call answers `{"ok": true, "result": ...}` or `{"ok": false, "error_code", "description", "parameters"}`.
Failures raise channels.transports.DeliveryError, transient for flood control (429) and Telegram's own trouble
(5xx, timeouts), so the outbox and the media task decide "retry later" or "give up" on the same rules.

The bot token is part of every URL, so no error message here carries a URL: a `last_error` shown in the
portal must never leak the token.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from django.conf import settings

from channels.transports import DeliveryError
from channels.transports.http import TRANSIENT_STATUSES, download_bounded, post_json


class RedactBotToken(logging.Filter):
    """httpx logs every request's URL at INFO, and the Bot API puts the token in the URL: keep it out of the logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        token = settings.TELEGRAM_BOT_TOKEN
        if token:
            message = record.getMessage()
            if token in message:
                record.msg, record.args = message.replace(token, "<token>"), ()
        return True


_httpx_logger = logging.getLogger("httpx")
if not any(isinstance(existing, RedactBotToken) for existing in _httpx_logger.filters):
    _httpx_logger.addFilter(RedactBotToken())


def _token() -> str:
    token = settings.TELEGRAM_BOT_TOKEN
    if not token:
        raise DeliveryError("TELEGRAM_BOT_TOKEN is not set.", transient=False)
    return token


def method_url(method: str) -> str:
    return f"{settings.TELEGRAM_API_BASE_URL.rstrip('/')}/bot{_token()}/{method}"


def file_url(file_path: str) -> str:
    # file_path comes from getFile (e.g. "photos/file_7.jpg"): quoted per segment, so it cannot leave /file/bot<token>/.
    segments = [quote(part, safe="") for part in file_path.split("/") if part not in ("", ".", "..")]
    return f"{settings.TELEGRAM_API_BASE_URL.rstrip('/')}/file/bot{_token()}/{'/'.join(segments)}"


def _scrubbed(error: DeliveryError) -> DeliveryError:
    token = settings.TELEGRAM_BOT_TOKEN
    text = str(error)
    if token and token in text:
        return DeliveryError(text.replace(token, "<token>"), transient=error.transient)
    return error


def call(method: str, payload: dict) -> object:
    """POST one Bot API method; its `result`, or DeliveryError."""
    return answer(method, payload).get("result")


def answer(method: str, payload: dict) -> dict:
    """POST one Bot API method; Telegram's whole answer when ok (with its `description`), or DeliveryError."""
    try:
        response = post_json(method_url(method), json=payload)
    except DeliveryError as error:
        raise _scrubbed(error) from error
    try:
        body = response.json()
    except ValueError as error:
        raise DeliveryError(f"{method}: not JSON: {response.text[:200]}", transient=False) from error
    if not isinstance(body, dict):
        raise DeliveryError(f"{method}: unexpected answer: {response.text[:200]}", transient=False)
    if body.get("ok") is not True:
        # Telegram normally mirrors error_code in the HTTP status (post_json has then raised already);
        # this catches an ok=false that came with a 200, e.g. through a proxy.
        code = body.get("error_code")
        transient = isinstance(code, int) and (code >= 500 or code in TRANSIENT_STATUSES)
        raise DeliveryError(f"{method}: Telegram {code}: {str(body.get('description', ''))[:300]}", transient=transient)
    return body


def download(file_path: str, limit: int) -> bytes:
    """The bytes of a file getFile described; stops reading as soon as `limit` is passed (TooLarge)."""
    url = file_url(file_path)
    try:
        content, _served_type = download_bounded(url, limit=limit)
    except DeliveryError as error:
        # httpx messages may quote the URL, and the URL holds the token.
        raise _scrubbed(DeliveryError(f"file download: {error}", transient=error.transient)) from error
    return content

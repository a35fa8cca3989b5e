"""One HTTP client path for every provider: timeouts from settings, and which failures are worth retrying."""

from __future__ import annotations

import httpx
from django.conf import settings

from channels.transports import DeliveryError

# Rate limits and the provider's own trouble pass; anything else (bad token, bad recipient) will not.
TRANSIENT_STATUSES = {408, 409, 425, 429}


def post_json(url: str, *, json: dict | None = None, content: bytes | None = None, headers: dict | None = None) -> httpx.Response:
    try:
        response = httpx.post(url, json=json, content=content, headers=headers, timeout=settings.TRECKK_HTTP_TIMEOUT_SECONDS)
    except httpx.HTTPError as error:
        raise DeliveryError(f"{type(error).__name__}: {error}", transient=True) from error
    if response.status_code >= 500 or response.status_code in TRANSIENT_STATUSES:
        raise DeliveryError(f"HTTP {response.status_code}: {response.text[:500]}", transient=True)
    if response.status_code >= 300:
        # Not followed and not a delivery: a provider's API that redirects is a wrong base URL, fixed in settings
        # (then the Operator retries the dead letter). The Location is left out: it may carry a secret.
        raise DeliveryError(f"HTTP {response.status_code}: {response.text[:500]}", transient=False)
    return response


class TooLarge(Exception):
    """A download passed its size limit (settings.TRECKK_MAX_ATTACHMENT_BYTES for media); nothing of it is kept."""


def download_bounded(url: str, *, headers: dict | None = None, limit: int) -> tuple[bytes, str]:
    """GET `url` streamed: its bytes and declared content type, or TooLarge as soon as `limit` is passed.

    Failures raise DeliveryError on post_json's rules, except that a redirect is refused too (credentials go
    only to the URL given, never to one it points on to). No message names the URL: for some providers it holds
    a secret (Telegram's bot token), so a caller adds its own context.
    """
    try:
        with httpx.stream("GET", url, headers=headers, timeout=settings.TRECKK_HTTP_TIMEOUT_SECONDS) as response:
            status = response.status_code
            if status >= 300:
                response.read()  # error bodies are short; the text goes into the error
                transient = status >= 500 or status in TRANSIENT_STATUSES
                raise DeliveryError(f"HTTP {status}: {response.text[:500]}", transient=transient)
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise TooLarge(f"{declared} bytes")
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise TooLarge(f"more than {limit} bytes")
                chunks.append(chunk)
            return b"".join(chunks), response.headers.get("content-type", "").split(";")[0].strip()
    except httpx.HTTPError as error:
        raise DeliveryError(f"{type(error).__name__}: {error}", transient=True) from error

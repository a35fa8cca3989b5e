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
    if response.status_code >= 400:
        raise DeliveryError(f"HTTP {response.status_code}: {response.text[:500]}", transient=False)
    return response

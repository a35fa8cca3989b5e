"""The Graph API calls the adapter makes besides sending: media metadata and media bytes, with the same error mapping.

Failures raise channels.transports.DeliveryError like channels.transports.http.post_json does, so the media
task decides "retry later" or "give up" on the same rules as the outbox.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import httpx
from django.conf import settings

from channels.transports import DeliveryError
from channels.transports.http import TRANSIENT_STATUSES, download_bounded


def graph_url(*parts: str) -> str:
    # Ids come from the webhook body: quoted, so an odd id cannot change the path it is put in.
    return "/".join([settings.WHATSAPP_GRAPH_BASE_URL.rstrip("/"), *(quote(part, safe="") for part in parts)])


def auth_headers() -> dict[str, str]:
    token = settings.WHATSAPP_ACCESS_TOKEN
    if not token:
        raise DeliveryError("WHATSAPP_ACCESS_TOKEN is not set.", transient=False)
    return {"Authorization": f"Bearer {token}"}


def _check(response: httpx.Response) -> None:
    if response.status_code >= 500 or response.status_code in TRANSIENT_STATUSES:
        raise DeliveryError(f"HTTP {response.status_code}: {response.text[:500]}", transient=True)
    if response.status_code >= 300:
        # Redirects included: the token is sent only to the URL Meta gave, never to one it points on to.
        raise DeliveryError(f"HTTP {response.status_code}: {response.text[:500]}", transient=False)


def get_json(url: str) -> dict:
    try:
        response = httpx.get(url, headers=auth_headers(), timeout=settings.TRECKK_HTTP_TIMEOUT_SECONDS)
    except httpx.HTTPError as error:
        raise DeliveryError(f"{type(error).__name__}: {error}", transient=True) from error
    _check(response)
    try:
        body = response.json()
    except ValueError as error:
        raise DeliveryError(f"Not JSON: {response.text[:200]}", transient=False) from error
    if not isinstance(body, dict):
        raise DeliveryError(f"Unexpected answer: {response.text[:200]}", transient=False)
    return body


def download(url: str, limit: int) -> tuple[bytes, str]:
    """The bytes at a media URL and their declared content type; stops reading as soon as the limit is passed."""
    if urlsplit(url).scheme not in ("https", "http"):
        raise DeliveryError(f"Not an HTTP URL: {url[:200]}", transient=False)
    return download_bounded(url, headers=auth_headers(), limit=limit)

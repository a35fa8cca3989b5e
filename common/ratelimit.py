"""Per-client rate limits counted in Django's cache: one module for the public pages, the public API, logins (portal
and API) and channel intake.

A fixed window per (scope, client): the first request of a window creates the counter with `cache.add`, the rest
`cache.incr` it, both atomic in Redis and in the local-memory cache. Over the limit the caller answers 429 with
Retry-After (the seconds until the window ends). Limits are settings (`TRECKK_RATE_LIMITS`), "<count>/<period>".
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
import logging
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import exceptions
from rest_framework.throttling import BaseThrottle

logger = logging.getLogger(__name__)

RATE_PATTERN = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    window: int  # seconds

    @classmethod
    def parse(cls, text: str) -> Rate:
        """'30/10m' is 30 requests per 10 minutes; '10/h' is 10 per hour."""
        match = RATE_PATTERN.match(text or "")
        if match is None or int(match.group(1)) < 1:
            raise ValueError(f"Rate limit {text!r} is not '<count>/<period>' (period s, m, h or d, e.g. '30/10m').")
        return cls(int(match.group(1)), int(match.group(2) or 1) * PERIOD_SECONDS[match.group(3)])


def rate_for(scope: str) -> Rate:
    return Rate.parse(settings.TRECKK_RATE_LIMITS[scope])


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the current window ends; meaningful when refused
    count: int


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the X-Forwarded-For entry our own proxies vouch for.

    Each of `TRECKK_PROXY_COUNT` proxies appends the address it saw, so with N proxies the client is the N-th entry
    from the right; entries further left were written by the client and prove nothing.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.TRECKK_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            remote = forwarded[-proxies]
    return remote


def client_key(request: HttpRequest) -> str:
    """What a client is counted by: its IPv4 address, or its IPv6 /64 (one household or phone gets a whole /64)."""
    raw = client_ip(request)
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _cache_key(scope: str, key: str, window_start: int) -> str:
    # Keyed hash: the cache (possibly a shared Redis) never holds citizens' addresses in the clear.
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{scope}:{key}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"treckk:ratelimit:{scope}:{digest}:{window_start}"


def hit(scope: str, key: str, rate: Rate | None = None, *, now: float | None = None) -> Verdict:
    """Count one request by `key` in `scope` and say whether it is within the limit."""
    rate = rate or rate_for(scope)
    now = time.time() if now is None else now
    window_start = int(now // rate.window) * rate.window
    retry_after = max(1, math.ceil(window_start + rate.window - now))
    cache_key = _cache_key(scope, key, window_start)
    try:
        if cache.add(cache_key, 1, timeout=rate.window + 1):
            count = 1
        else:
            try:
                count = cache.incr(cache_key)
            except ValueError:  # expired between add and incr: this request opens the next window
                cache.add(cache_key, 1, timeout=rate.window + 1)
                count = 1
    except Exception:  # a cache outage must not lock citizens out of the public pages; log it and let them in
        logger.exception("Rate limit cache unavailable; request to %s allowed", scope)
        return Verdict(allowed=True, retry_after=0, count=0)
    return Verdict(allowed=count <= rate.limit, retry_after=retry_after, count=count)


def check(request: HttpRequest, scope: str) -> Verdict:
    """Count this request against its client's limit in `scope`."""
    return hit(scope, client_key(request))


def wait_message(retry_after: int) -> str:
    minutes = max(1, math.ceil(retry_after / 60))
    return ngettext(
        "Terlalu banyak permintaan dari alamat Anda. Coba lagi dalam %(minutes)s menit.",
        "Terlalu banyak permintaan dari alamat Anda. Coba lagi dalam %(minutes)s menit.",
        minutes,
    ) % {"minutes": minutes}


def too_many_requests(request: HttpRequest, verdict: Verdict) -> HttpResponse:
    """The 429 page: a readable Indonesian message and Retry-After."""
    response = render(
        request, "public/429.html", {"message": wait_message(verdict.retry_after), "title": _("Terlalu banyak permintaan")},
        status=429,
    )
    response["Retry-After"] = str(verdict.retry_after)
    return response


def ratelimit(scope: str, *, methods: tuple[str, ...] = ("POST",)) -> Callable:
    """Decorator for a Django view: requests with one of `methods` count in `scope`; over the limit, the 429 page."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method in methods:
                verdict = check(request, scope)
                if not verdict.allowed:
                    return too_many_requests(request, verdict)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


class ScopedThrottle(BaseThrottle):
    """The same counters for DRF views: subclass with `scope` (and `methods`); DRF answers 429 with Retry-After."""

    scope = ""
    methods: tuple[str, ...] = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")

    def allow_request(self, request, view) -> bool:
        if request.method not in self.methods:
            return True
        self.verdict = check(request, self.scope)
        return self.verdict.allowed

    def wait(self) -> float | None:
        verdict = getattr(self, "verdict", None)
        return verdict.retry_after if verdict is not None else None


class RateLimited(exceptions.Throttled):
    """DRF's 429 with our readable message instead of its English 'Request was throttled'."""

    default_code = "rate_limited"

    def __init__(self, wait: float | None) -> None:
        seconds = max(1, math.ceil(wait or 1))
        exceptions.APIException.__init__(self, wait_message(seconds), self.default_code)
        self.wait = seconds


class RateLimitedViewMixin:
    """For an APIView with a ScopedThrottle: the refusal says, in the user's language, when to come back."""

    def throttled(self, request, wait) -> None:
        raise RateLimited(wait)

"""Reads for Open311: the services (our categories) and a channel's own service requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from channels.complaint_view import channel_complaints
from complaints.models import Category, Complaint
from complaints.workflow import Status

# GeoReport v2: "Default query limit is a span of 90 days or first 1000 requests returned, whichever is smallest."
DEFAULT_SPAN = timedelta(days=90)
MAX_RESULTS = 1000


def services() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("kind", "sort_order", "name")


def service(code: str) -> Category:
    """Raises Category.DoesNotExist for an unknown or retired code."""
    return services().get(slug=code)


@dataclass(frozen=True)
class RequestFilter:
    ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()  # "open", "closed"


def service_requests(user, query: RequestFilter) -> QuerySet[Complaint]:
    """The calling channel's requests (only the complaints it submitted, read through the channel view), newest first.

    `ids` overrides every other argument, as the spec says; otherwise the window is the last 90 days unless
    start/end say otherwise, and at most 1000 come back.
    """
    queryset = channel_complaints(user).order_by("-created_at", "-id")
    if query.ids:
        return queryset.filter(code__in=query.ids)[:MAX_RESULTS]
    end = query.end or timezone.now()
    start = query.start or (end - DEFAULT_SPAN)
    queryset = queryset.filter(created_at__gte=start, created_at__lte=end)
    if query.service_codes:
        queryset = queryset.filter(category__slug__in=query.service_codes)
    if set(query.statuses) == {"open"}:
        queryset = queryset.exclude(status=Status.CLOSED)
    elif set(query.statuses) == {"closed"}:
        queryset = queryset.filter(status=Status.CLOSED)
    return queryset[:MAX_RESULTS]


def service_request(user, code: str) -> Complaint:
    """Raises Complaint.DoesNotExist, also for a request of another channel (it does not exist for this caller)."""
    return channel_complaints(user).get(code=code)

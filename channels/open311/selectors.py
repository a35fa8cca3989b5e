"""Reads for Open311: the services (our categories), a channel's own service requests, and the public ones.

Public (keyless) reads show what the tracking page shows (public.selectors.PublicTracking) and no more, and never hand
out a tracking code the caller did not send: the code is what lets a reporter follow their case (and what staff are
told on the phone), so a list of codes would open every case's tracking page. A request listed without a key is
named by its number (`public_id`); one looked up by its tracking code keeps that code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from channels.complaint_view import channel_complaints
from complaints.models import Category, Complaint
from complaints.workflow import Status
from public.links import normalize_code
from public.selectors import public_steps_prefetch

# GeoReport v2: "Default query limit is a span of 90 days or first 1000 requests returned, whichever is smallest."
DEFAULT_SPAN = timedelta(days=90)
MAX_RESULTS = 1000
# What public.selectors.tracking() reads, so a page of public requests costs a fixed number of queries.
PUBLIC_RELATIONS = ("category", "district", "field_report", "duplicate_of", "feedback")


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
    return _filtered(queryset, query)


def _filtered(queryset: QuerySet[Complaint], query: RequestFilter) -> QuerySet[Complaint]:
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


# --- without a key: the public form -------------------------------------------------------------------------------


def public_id(complaint: Complaint) -> str:
    """The name of a request listed without a key: its number, which says nothing but the order it came in.

    An id that could be a tracking code (ten characters of the code alphabet, so a number only past two billion) is
    looked up as one first.
    """
    return str(complaint.pk)


def _public_rows() -> QuerySet[Complaint]:
    return Complaint.objects.select_related(*PUBLIC_RELATIONS).prefetch_related(public_steps_prefetch())


def listed_publicly() -> QuerySet[Complaint]:
    """Complaints anyone may see listed, in public form: once the Operator has accepted them (that is when the
    reporter's protection is settled), and never a confidential one (its reporter asked for discretion; even that
    there was a complaint, where and when, could point at them). A tracking code still finds either."""
    return _public_rows().exclude(status=Status.SUBMITTED).filter(is_confidential=False)


def tracking_codes(ids: tuple[str, ...]) -> list[str]:
    """The ids that could be tracking codes (typed any way the tracking page accepts), each once."""
    return list(dict.fromkeys(code for code in map(normalize_code, ids) if code is not None))


def _numbers(ids: tuple[str, ...]) -> list[int]:
    return [int(raw) for raw in ids if raw.isascii() and raw.isdigit() and len(raw) <= 18]


def public_service_requests(query: RequestFilter) -> list[tuple[str, Complaint]]:
    """(service_request_id, complaint) for a keyless GET requests, newest first, at most 1000.

    `ids` overrides the rest (the spec): a tracking code finds its complaint as the tracking page would (and is its
    id in the answer: the caller has it already), a number finds a publicly listed one. Otherwise the publicly
    listed complaints of the window, filtered like a channel's.
    """
    if not query.ids:
        rows = _filtered(listed_publicly().order_by("-created_at", "-id"), query)
        return [(public_id(complaint), complaint) for complaint in rows]
    codes, numbers = tracking_codes(query.ids), _numbers(query.ids)
    found: dict[int, tuple[str, Complaint]] = {}
    for complaint in _public_rows().filter(code__in=codes) if codes else ():
        found[complaint.pk] = (complaint.code, complaint)
    for complaint in listed_publicly().filter(pk__in=numbers) if numbers else ():
        found.setdefault(complaint.pk, (public_id(complaint), complaint))
    newest_first = sorted(found.values(), key=lambda pair: (pair[1].created_at, pair[1].pk), reverse=True)
    return newest_first[:MAX_RESULTS]


def public_service_request(raw_id: str) -> tuple[str, Complaint]:
    """One request without a key, by its tracking code or its public number; raises Complaint.DoesNotExist alike for
    an unknown code, an unknown number and the number of a complaint that is not listed publicly."""
    code = normalize_code(raw_id)
    if code is not None:
        complaint = _public_rows().filter(code=code).first()
        if complaint is not None:
            return code, complaint
    numbers = _numbers((raw_id,))
    if not numbers:
        raise Complaint.DoesNotExist
    complaint = listed_publicly().get(pk=numbers[0])
    return public_id(complaint), complaint

"""Where trouble concentrates ("peta kerawanan"): complaints per kecamatan and village over a period.

Counts are aggregates like the dashboard's (complaints/statistics.py): they cover every complaint in the scope,
whoever asks. Anything that names a case (the listed complaints, the located dots) comes from a queryset the
caller has already narrowed to what the user may see. Information requests are not incidents, so they are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from complaints.models import Complaint, District, Village
from complaints.models.taxonomy import ComplaintKind
from complaints.statistics import Scope
from complaints.workflow import OPEN_STATUSES

# A map with more dots than this is unreadable and heavy on a phone; the newest are drawn.
MAX_POINTS = 1500


@dataclass(frozen=True)
class AreaCount:
    district: District
    total: int
    open: int
    overdue: int


@dataclass(frozen=True)
class VillageCount:
    village: Village | None
    total: int


@dataclass(frozen=True)
class Point:
    code: str
    latitude: Decimal
    longitude: Decimal
    district_id: int
    category: str


def incidents_in(scope: Scope, queryset: QuerySet[Complaint] | None = None) -> QuerySet[Complaint]:
    """Complaints about incidents received in the scope's period, narrowed by its category and channel."""
    queryset = Complaint.objects.all() if queryset is None else queryset
    return (
        queryset.exclude(kind=ComplaintKind.INFORMATION)
        .filter(created_at__gte=scope.since, created_at__lt=scope.until)
        .filter(scope.complaint_filter())
    )


def area_counts(scope: Scope, now: datetime | None = None) -> list[AreaCount]:
    """Every kecamatan, those without complaints included (a quiet area is news too), in one query."""
    now = now or timezone.now()
    in_scope = incidents_in(scope)
    rows = {
        row["district_id"]: row
        for row in in_scope.values("district_id").annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_at__lt=now)),
        )
    }
    empty = {"total": 0, "open": 0, "overdue": 0}
    return [
        AreaCount(district, **{key: rows.get(district.pk, empty)[key] for key in empty})
        for district in District.objects.order_by("name")
    ]


def village_counts(scope: Scope, district: District) -> list[VillageCount]:
    """The kecamatan's villages with complaints, most first; complaints without a village last."""
    rows = (
        incidents_in(scope).filter(district=district).values("village_id").annotate(total=Count("pk")).order_by("-total")
    )
    villages = Village.objects.in_bulk([row["village_id"] for row in rows if row["village_id"]])
    counts = [VillageCount(villages.get(row["village_id"]), row["total"]) for row in rows]
    return sorted(counts, key=lambda count: (count.village is None, -count.total, str(count.village or "")))


def located_points(scope: Scope, visible: QuerySet[Complaint]) -> list[Point]:
    """Complaints with coordinates that the user may see, newest first, at most MAX_POINTS."""
    rows = (
        incidents_in(scope, visible)
        .filter(latitude__isnull=False, longitude__isnull=False)
        .order_by("-created_at")
        .values_list("code", "latitude", "longitude", "district_id", "category__name")[:MAX_POINTS]
    )
    return [Point(*row) for row in rows]

"""Likely duplicates: the same incident reported again, often through another channel (WhatsApp, walk-in, LAPOR).

A read-only suggestion for the Operator at screening; marking a duplicate is the `mark_duplicate` action.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from difflib import SequenceMatcher

from django.db.models import Q
from django.utils.translation import gettext as _

from complaints.models import Complaint
from complaints.places import distance_km

WINDOW = timedelta(days=3)
CANDIDATE_LIMIT = 50  # the most recent neighbours are compared, so the cost stays flat as data grows
NEAR_METRES = 500


@dataclass(frozen=True)
class Candidate:
    complaint: Complaint
    score: float  # 0..1
    reasons: tuple[str, ...]


def _metres(a: Complaint, b: Complaint) -> float | None:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    return 1000 * distance_km(float(a.latitude), float(a.longitude), float(b.latitude), float(b.longitude))


def _similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, a.lower(), b.lower()).ratio()


def likely_duplicates(complaint: Complaint, limit: int = 5, minimum: float = 0.35) -> list[Candidate]:
    """Cases of the same category in the same kecamatan within three days, ranked by text, village and distance."""
    neighbours = (
        Complaint.objects.filter(category_id=complaint.category_id, district_id=complaint.district_id, duplicate_of__isnull=True)
        .filter(created_at__range=(complaint.created_at - WINDOW, complaint.created_at + WINDOW))
        .filter(~Q(pk=complaint.pk))
        .select_related("category", "district", "village")
        .order_by("-created_at")[:CANDIDATE_LIMIT]
    )
    ranked = []
    for other in neighbours:
        reasons = [_("kategori dan kecamatan sama")]
        text = _similarity(complaint.description, other.description)
        score = 0.5 * text
        if complaint.village_id and complaint.village_id == other.village_id:
            score += 0.25
            reasons.append(_("desa sama"))
        distance = _metres(complaint, other)
        if distance is not None and distance <= NEAR_METRES:
            score += 0.25
            reasons.append(f"{int(distance)} m")
        hours = abs((complaint.created_at - other.created_at).total_seconds()) / 3600
        score += 0.25 * max(0.0, 1 - hours / 72)
        if text >= 0.5:
            reasons.append(_("uraian mirip"))
        if score >= minimum:
            ranked.append(Candidate(other, round(min(score, 1.0), 2), tuple(reasons)))
    ranked.sort(key=lambda c: c.score, reverse=True)
    return ranked[:limit]

"""LAPOR's vocabulary in our terms: report type -> kind, its category -> our Category, its kecamatan -> District,
and its 5-working-day follow-up deadline (holidays skipped). Pure decisions, one place each; the tables are in
docs/integrations/sp4n-lapor.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import override

from channels.districts import Placement, normalize, outside_note, place, with_notes
from channels.sp4n_lapor.client import Disposition
from channels.sp4n_lapor.models import LaporReport, LaporReportType
from complaints.models import Category, ComplaintKind
from complaints.models.reporter import PHONE_PATTERN
from complaints.services.intake import ComplaintInput, ReporterInput
from complaints.working_days import working_day_deadline

# What this module writes into a complaint (a note, a label) is stored, so it is in the office language.
DATA_LANGUAGE = "id"
# Permintaan informasi is an information request (answered by the Operator, closed as `answered`). Aspirasi
# (a suggestion to the government) goes through the complaint workflow like a pengaduan: at Satpol PP an
# aspiration is nearly always "please act on X" (street vendors, wild racing); one that asks for nothing the
# unit does is returned at screening with a reason, which LAPOR then receives as the final status.
KINDS_FOR_TYPE: dict[str, tuple[str, ...]] = {
    LaporReportType.COMPLAINT: (ComplaintKind.TRANTIBUM, ComplaintKind.PERDA),
    LaporReportType.ASPIRATION: (ComplaintKind.TRANTIBUM, ComplaintKind.PERDA),
    LaporReportType.INFORMATION: (ComplaintKind.INFORMATION,),
}
# Where a report lands when LAPOR's category matches none of ours: the first kind's catch-all.
FALLBACK_CATEGORY = {
    ComplaintKind.TRANTIBUM: "gangguan-lain",
    ComplaintKind.PERDA: "perda-lain",
    ComplaintKind.INFORMATION: "tugas-fungsi",
}
# LAPOR category names (normalized) seen for Satpol PP dispositions -> our category slug. SP4N_LAPOR_CATEGORY_MAP
# (settings, JSON in the environment) adds to it and wins.
CATEGORY_MAP = {
    "ketentraman dan ketertiban umum": "gangguan-lain",
    "ketentraman ketertiban umum dan perlindungan masyarakat": "gangguan-lain",
    "ketertiban umum": "gangguan-lain",
    "pedagang kaki lima": "pkl",
    "reklame": "reklame",
    "bangunan liar": "bangunan-tanpa-izin",
    "izin mendirikan bangunan": "bangunan-tanpa-izin",
    "minuman keras": "minuman-beralkohol",
    "tempat hiburan": "hiburan-malam",
    "kebersihan dan sampah": "sampah",
}


@dataclass(frozen=True)
class Mapped:
    data: ComplaintInput
    category_matched: bool
    placement: Placement


def follow_up_due(disposed_at: datetime, working_days: int | None = None) -> datetime:
    """LAPOR's deadline for the first follow-up: the end (24:00 WITA) of the N-th working day after the day of
    the disposition. Working days are Monday to Friday less the holiday calendar's days (complaints.working_days),
    in both modes."""
    days = settings.SP4N_LAPOR_FOLLOW_UP_WORKING_DAYS if working_days is None else working_days
    return working_day_deadline(disposed_at, days)


# A further update (after LAPOR has had its first follow-up) is due by the end of the next working day: LAPOR sets no
# deadline of its own for it, and the reporter on LAPOR should read progress as soon as a WhatsApp reporter would.
LATER_PUSH_WORKING_DAYS = 1


def push_due(report: LaporReport, created_at: datetime) -> datetime:
    """When a push made at `created_at` must be in LAPOR (manual mode: posted by the Operator): LAPOR's follow-up
    deadline while the report has had no follow-up yet, else the end of the next working day."""
    if report.followed_up_at is None:
        return report.follow_up_due_at
    return working_day_deadline(created_at, LATER_PUSH_WORKING_DAYS)


def category_for(report_type: str, lapor_category: str) -> tuple[Category, bool]:
    """Our category for LAPOR's (True), or the report type's fallback (False). Only kinds the type allows."""
    kinds = KINDS_FOR_TYPE.get(report_type, KINDS_FOR_TYPE[LaporReportType.COMPLAINT])
    active = Category.objects.filter(is_active=True, kind__in=kinds)
    wanted = normalize(lapor_category)
    if wanted:
        mapping = {normalize(k): v for k, v in {**CATEGORY_MAP, **settings.SP4N_LAPOR_CATEGORY_MAP}.items()}
        slug = mapping.get(wanted)
        if slug and (category := active.filter(slug=slug).first()):
            return category, True
        for category in active:
            if wanted in (normalize(category.name), normalize(category.slug)):
                return category, True
    fallback = active.filter(slug=FALLBACK_CATEGORY[kinds[0]]).first() or active.filter(kind=kinds[0]).first()
    if fallback is None:
        fallback = active.first()
    if fallback is None:
        raise Category.DoesNotExist(f"No active category for LAPOR report type {report_type!r}.")
    return fallback, False


def description_for(item: Disposition) -> str:
    """The title (LAPOR's one-line summary) above the content, and the report type when it is an aspiration."""
    parts = []
    if item.report_type == LaporReportType.ASPIRATION:
        with override(DATA_LANGUAGE):
            parts.append(_("[Aspirasi dari SP4N-LAPOR!]"))
    if item.title and not item.content.startswith(item.title):
        parts.append(item.title)
    if item.content:
        parts.append(item.content)
    if not (item.title or item.content):
        with override(DATA_LANGUAGE):
            parts.append(_("(LAPOR tidak menyertakan isi laporan; buka laporan %(id)s di SP4N-LAPOR!.)") % {"id": item.tracking_id})
    return "\n\n".join(parts)


def address_for(item: Disposition, placement: Placement) -> str:
    """LAPOR's location text, with a note for the Operator when the kecamatan had to be guessed."""
    notes = []
    with override(DATA_LANGUAGE):
        if placement.outside:
            notes.append(outside_note(item.latitude, item.longitude))
        if not placement.matched:
            notes.append(_("kecamatan dari LAPOR \"%(text)s\" tidak dikenali; periksa lokasinya") % {"text": item.kecamatan or "-"})
    return with_notes(item.address, notes)


def reporter_for(item: Disposition) -> ReporterInput:
    """The reporter as LAPOR shared them. An anonymous report keeps nothing, whatever LAPOR sent along; a phone
    number that is not one is left out rather than refusing the report."""
    if item.is_anonymous:
        return ReporterInput()
    phone = item.reporter_phone if re.fullmatch(PHONE_PATTERN, item.reporter_phone or "") else ""
    return ReporterInput(name=item.reporter_name, phone=phone)


def complaint_input(item: Disposition) -> Mapped:
    category, category_matched = category_for(item.report_type, item.category)
    placement = place(
        default_slug=settings.SP4N_LAPOR_DEFAULT_DISTRICT, district_text=item.kecamatan, address=item.address,
        latitude=item.latitude, longitude=item.longitude,
    )
    data = ComplaintInput(
        category=category, description=description_for(item), district=placement.district, village=placement.village,
        address=address_for(item, placement),
        # Coordinates far outside Balangan are a wrong fix, not a place: kept in the note, not on the map.
        latitude=None if placement.outside else item.latitude, longitude=None if placement.outside else item.longitude,
        incident_at=item.incident_at, anonymous=item.is_anonymous, confidential=item.is_secret,
        reporter=reporter_for(item), external_ref=item.tracking_id,
    )
    return Mapped(data=data, category_matched=category_matched, placement=placement)

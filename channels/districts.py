"""Where a report from an outside system happened, in our terms: a kecamatan (District) and maybe a desa (Village).

SP4N-LAPOR! gives a kecamatan as free text, Open311 gives coordinates and/or an address string; both end up
here, so the two connectors place reports the same way. Reads only.

Coordinates go to the kecamatan complaints.places.nearest_district gives (the one rule the inbox uses too), when
nothing names one; a point it places nowhere is treated as outside Kabupaten Balangan and not used for placing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from complaints.models import District, Village
from complaints.places import nearest_district

_PREFIX = re.compile(r"^(kecamatan|kec\.?)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Placement:
    district: District
    village: Village | None
    matched: bool  # False: the default kecamatan, because nothing in the report named or located one
    outside: bool = False  # the coordinates were far from every kecamatan of Balangan


def normalize(text: str) -> str:
    """Lower case, no accents or punctuation, single spaces: 'Kec. Paringin  Selatan' -> 'kec paringin selatan'."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def district_named(text: str) -> District | None:
    """The kecamatan a text names exactly ('Kecamatan Halong', 'halong', 'Paringin-Selatan'), or None."""
    name = normalize(_PREFIX.sub("", (text or "").strip()))
    name = re.sub(r"^kec ", "", name)
    if not name:
        return None
    for district in District.objects.all():
        if name in (normalize(district.name), normalize(district.slug)):
            return district
    return None


def _contains(haystack: str, needle: str) -> bool:
    return bool(needle) and re.search(rf"(^| ){re.escape(needle)}( |$)", haystack) is not None


def district_in_text(text: str) -> tuple[District, Village | None] | None:
    """A kecamatan (or a desa, which gives its kecamatan) mentioned anywhere in a free address text.

    Longer names win, so 'Paringin Selatan' is not read as 'Paringin'.
    """
    haystack = normalize(text)
    if not haystack:
        return None
    villages = sorted(Village.objects.select_related("district"), key=lambda v: -len(v.name))
    for village in villages:
        if _contains(haystack, normalize(village.name)):
            return village.district, village
    for district in sorted(District.objects.all(), key=lambda d: -len(d.name)):
        if _contains(haystack, normalize(district.name)):
            return district, None
    return None


def place(
    *, default_slug: str, district_text: str = "", address: str = "",
    latitude: Decimal | None = None, longitude: Decimal | None = None,
) -> Placement:
    """Where a report happened, most precise source first: the kecamatan named by the sender (LAPOR's field),
    a desa or kecamatan named in the address (an app's reverse-geocoded address follows the real boundaries),
    the kecamatan with the nearest centre to the coordinates; else the default kecamatan, flagged unmatched
    for the Operator. Coordinates far from every kecamatan are flagged `outside` (a wrong fix, or 0,0)."""
    near = None
    if latitude is not None and longitude is not None:
        near = nearest_district(latitude, longitude)
    outside = latitude is not None and longitude is not None and near is None
    named = district_named(district_text) if district_text else None
    in_address = district_in_text(address) if address else None
    if named is not None:
        village = in_address[1] if in_address and in_address[0] == named else None
        return Placement(named, village, matched=True, outside=outside)
    if in_address is not None:
        return Placement(in_address[0], in_address[1], matched=True, outside=outside)
    if near is not None:
        return Placement(near, None, matched=True)
    return Placement(District.objects.get(slug=default_slug), None, matched=False, outside=outside)


def outside_note(latitude: Decimal | float | None, longitude: Decimal | float | None) -> str:
    """The Operator's note for coordinates that are not in Balangan (they are left off the complaint's map)."""
    return _("koordinat %(lat)s, %(lon)s di luar Kabupaten Balangan; periksa lokasinya") % {"lat": latitude, "lon": longitude}


def with_notes(address: str, notes: list[str]) -> str:
    """An address with notes for the Operator in brackets, within the complaint's 255 characters."""
    if not notes:
        return address[:255]
    note = "; ".join(notes)
    return (f"{address} ({note})" if address else note)[:255]

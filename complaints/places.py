"""Which kecamatan a point is in: the one rule every way in uses (the inbox's 'Buat aduan' form, SP4N-LAPOR!, Open311).

The kecamatan whose reference centre (complaints.reference_data) is nearest on the ground. That is coarse near a
border, and the Operator sees the coordinates on the case; a point farther than BALANGAN_RADIUS_KM from every
centre is not in Kabupaten Balangan and is placed nowhere. Reads only.
"""

from __future__ import annotations

import math
from decimal import Decimal

from complaints.models import District

EARTH_RADIUS_KM = 6371.0
# No point of Kabupaten Balangan is this far from its nearest kecamatan centre; anything farther is elsewhere
# (or a phone's 0,0 when it has no fix). One limit for every caller, so no two of them place a point differently.
BALANGAN_RADIUS_KM = 40.0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def nearest_district(latitude: Decimal | float, longitude: Decimal | float) -> District | None:
    """The kecamatan with the nearest centre, or None when every centre is farther than BALANGAN_RADIUS_KM."""
    best: tuple[float, District] | None = None
    for district in District.objects.exclude(latitude=None).exclude(longitude=None):
        km = distance_km(float(latitude), float(longitude), float(district.latitude), float(district.longitude))
        if best is None or km < best[0]:
            best = (km, district)
    if best is None or best[0] > BALANGAN_RADIUS_KM:
        return None
    return best[1]

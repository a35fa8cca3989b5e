"""One nearest-kecamatan rule: the inbox's 'Buat aduan' form and a LAPOR import place the same coordinates alike.

The inbox used to keep its own rule (the centre nearest on either axis, within 0.32 degrees) beside
channels.districts' (great-circle distance, within 40 km). The points below are where the two disagreed, worked out
from the kecamatan centres in complaints/reference_data.py.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import timezone

from channels.services import NormalizedMessage, receive_message
from channels.sp4n_lapor.client import Disposition
from channels.sp4n_lapor.mapping import complaint_input
from complaints.models import Channel, ChannelKind, District
from complaints.places import BALANGAN_RADIUS_KM, nearest_district
from roles.roles import Role

pytestmark = pytest.mark.django_db

POINTS = {
    # Tebing Tinggi's centre is nearer on either axis (0.20 against 0.26 degrees), Halong's on the ground
    # (29.4 against 29.9 km): the old inbox rule said Tebing Tinggi, LAPOR Halong.
    "a border between two kecamatan": (Decimal("-2.120000"), Decimal("115.880000"), "halong"),
    # 0.30 degrees north and east of Halong's centre, 47 km away: inside the old inbox's box, outside Balangan for
    # LAPOR (which places it nowhere and notes it for the Operator).
    "beyond the kabupaten": (Decimal("-1.870000"), Decimal("115.920000"), None),
}


def _inbox_suggestion(portal_as, latitude: Decimal, longitude: Decimal) -> str | None:
    """The kecamatan the inbox's 'Buat aduan' form starts with, for a conversation whose citizen shared a location."""
    channel = Channel.objects.create(name="WhatsApp uji", kind=ChannelKind.WHATSAPP)
    incoming = NormalizedMessage(
        external_id=f"ext-{latitude}-{longitude}", sender_id="6281200000001", sender_name="Warga", sender_phone="", text="",
        sent_at=timezone.now(), latitude=latitude, longitude=longitude, location_name="Di sini",
    )
    conversation = receive_message(channel, incoming).message.conversation
    page = portal_as(Role.OPERATOR).get(f"/inbox/{conversation.pk}/").content.decode()
    select = re.search(r'<select name="district"[^>]*>(.*?)</select>', page, re.DOTALL)
    assert select is not None, "the complaint form's kecamatan field"
    chosen = re.search(r'<option value="(\d*)" selected>', select.group(1))
    return District.objects.get(pk=chosen.group(1)).slug if chosen and chosen.group(1) else None


def _lapor_placement(latitude: Decimal, longitude: Decimal) -> str | None:
    """The kecamatan a LAPOR report with these coordinates (and no kecamatan or address) is placed in, if any."""
    report = Disposition(
        tracking_id="LAPOR-1", title="Balap liar", content="Balap liar tiap malam.", category="", report_type="pengaduan",
        is_anonymous=False, is_secret=False, reporter_name="", reporter_phone="", address="", kecamatan="",
        latitude=latitude, longitude=longitude, incident_at=None, submitted_at=None, disposed_at=None,
    )
    placement = complaint_input(report).placement
    return placement.district.slug if placement.matched else None


@pytest.mark.parametrize("where", POINTS)
def test_the_inbox_and_lapor_place_a_point_in_the_same_kecamatan(portal_as, where):
    latitude, longitude, expected = POINTS[where]
    assert _lapor_placement(latitude, longitude) == expected
    assert _inbox_suggestion(portal_as, latitude, longitude) == expected


def test_one_distance_limit_for_every_caller():
    halong = District.objects.get(slug="halong")
    assert nearest_district(halong.latitude, halong.longitude) == halong
    # Due north of Halong's centre, just inside and just outside the limit (one degree of latitude is ~111.2 km).
    step = Decimal(BALANGAN_RADIUS_KM / 111.2)
    assert nearest_district(halong.latitude + step * Decimal("0.99"), halong.longitude) == halong
    assert nearest_district(halong.latitude + step * Decimal("1.01"), halong.longitude) is None

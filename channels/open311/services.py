"""POST requests: an Open311 service request becomes a complaint in `submitted`, through `submit_complaint` like
every other channel's (the Operator sees it in the queue at once)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import override

from channels.districts import outside_note, place, with_notes
from channels.open311.selectors import service
from complaints.models import Category
from complaints.services.intake import ComplaintInput, IntakeResult, ReporterInput, submit_complaint

# Notes and links written into the complaint are stored, so they are in the office language.
DATA_LANGUAGE = "id"
SIX_PLACES = Decimal("0.000001")


class UnknownService(Exception):
    """The service_code names no active category (Open311: 404)."""


def _coordinate(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(SIX_PLACES)


def submit_service_request(*, user, data: dict, external_ref: str = "", fingerprint: str = "") -> IntakeResult:
    """`data` is the validated POST (channels.open311.serializers.ServiceRequestInput); `user` the channel.

    - service_code -> category (its kind with it: an information category makes an information request);
    - lat/long and address_string -> kecamatan (channels.districts.place), else the default one with a note;
    - first_name/last_name/phone -> the reporter; email, device_id and account_id are not kept (the reporter
      table has no e-mail, and the channel, not us, relays to the citizen);
    - media_url stays a link in the description: we do not fetch arbitrary URLs from the server.
    """
    try:
        category = service(data["service_code"])
    except Category.DoesNotExist as error:
        raise UnknownService(data["service_code"]) from error
    latitude, longitude = _coordinate(data.get("lat")), _coordinate(data.get("long"))
    address = data.get("address_string", "")
    placement = place(
        default_slug=settings.OPEN311_DEFAULT_DISTRICT, address=address,
        latitude=latitude, longitude=longitude,
    )
    notes = []
    description = data["description"].strip()
    with override(DATA_LANGUAGE):
        if placement.outside:
            notes.append(outside_note(latitude, longitude))
        if not placement.matched:
            notes.append(_("kecamatan tidak dapat ditentukan dari lokasi yang dikirim; periksa lokasinya"))
        if data.get("media_url"):
            description += "\n\n" + _("Foto/media dari aplikasi pelapor: %(url)s") % {"url": data["media_url"]}
    name = " ".join(part for part in (data.get("first_name", "").strip(), data.get("last_name", "").strip()) if part)
    complaint_input = ComplaintInput(
        category=category, description=description, district=placement.district, village=placement.village,
        address=with_notes(address, notes),
        latitude=None if placement.outside else latitude, longitude=None if placement.outside else longitude,
        reporter=ReporterInput(name=name[:150], phone=data.get("phone", "")), external_ref=external_ref,
        fingerprint=fingerprint,
    )
    return submit_complaint(user=user, data=complaint_input)

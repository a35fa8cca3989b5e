"""Open311 GeoReport v2 shapes: the POST input, and what services and service requests look like to a client.

What a service request shows is deliberately little (docs/integrations/open311.md, "What a request reveals"):
no description (a citizen's own words often name people and give phone numbers), no reporter, no exact
location, no internal notes. The status note is the public wording of the status or the outcome. A request is
written from the public tracking fields of its complaint (public.selectors.PublicTracking): a channel's own
request from its channel view (channels/complaint_view.py, which holds them), a keyless one from the tracking page's
own, so neither can show anything outside them.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from complaints.models import Category, Complaint
from complaints.models.reporter import PHONE_PATTERN
from complaints.workflow import Outcome, Status
from public.selectors import PublicTracking

AGENCY = "Satpol PP Kabupaten Balangan"
# The spec: description "free form text limited to 4,000 characters".
DESCRIPTION_LIMIT = 4000


class ServiceRequestInput(serializers.Serializer):
    """POST requests.json, form-encoded (the spec) or JSON. Blank fields count as not sent."""

    service_code = serializers.CharField(max_length=120)
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    long = serializers.FloatField(required=False, min_value=-180, max_value=180)
    address_string = serializers.CharField(max_length=255, required=False, default="")
    address_id = serializers.CharField(max_length=100, required=False, default="")
    description = serializers.CharField(max_length=DESCRIPTION_LIMIT)
    first_name = serializers.CharField(max_length=75, required=False, default="")
    last_name = serializers.CharField(max_length=75, required=False, default="")
    phone = serializers.RegexField(PHONE_PATTERN, max_length=32, required=False, default="")
    email = serializers.EmailField(required=False, default="", help_text="Accepted, not stored.")
    device_id = serializers.CharField(max_length=200, required=False, default="", help_text="Accepted, not stored.")
    account_id = serializers.CharField(max_length=200, required=False, default="", help_text="Accepted, not stored.")
    media_url = serializers.URLField(max_length=1000, required=False, default="", help_text="Kept as a link in the description.")
    jurisdiction_id = serializers.CharField(max_length=200, required=False, default="")
    api_key = serializers.CharField(required=False, help_text="The channel's API key (or the Api-Key header).")

    def validate(self, attrs: dict) -> dict:
        has_point = "lat" in attrs or "long" in attrs
        if has_point and not ("lat" in attrs and "long" in attrs):
            raise serializers.ValidationError({"lat": [_("Kirim lat dan long bersama-sama.")]})
        if not (has_point or attrs.get("address_string") or attrs.get("address_id")):
            raise serializers.ValidationError(
                {"address_string": [_("Lokasi wajib: kirim lat dan long, address_string, atau address_id.")]}
            )
        return attrs


class ServiceSerializer(serializers.Serializer):
    service_code = serializers.CharField()
    service_name = serializers.CharField()
    description = serializers.CharField()
    metadata = serializers.BooleanField(help_text="Always false: no service needs extra attributes.")
    type = serializers.CharField(help_text="Always `realtime`: the service_request_id comes back at once.")
    keywords = serializers.CharField()
    group = serializers.CharField()


class ServiceDefinitionSerializer(serializers.Serializer):
    service_code = serializers.CharField()
    attributes = serializers.ListField(child=serializers.DictField(), help_text="Always empty.")


class CreatedRequestSerializer(serializers.Serializer):
    service_request_id = serializers.CharField(help_text="Our tracking code; the reporter can look it up.")
    service_notice = serializers.CharField()
    account_id = serializers.CharField(allow_null=True)


class ServiceRequestSerializer(serializers.Serializer):
    service_request_id = serializers.CharField(
        help_text="The tracking code for the channel's own requests and for a code sent without a key; the request's "
                  "number in a list read without a key (a tracking code is never handed out).",
    )
    status = serializers.ChoiceField(choices=["open", "closed"])
    status_notes = serializers.CharField()
    service_name = serializers.CharField()
    service_code = serializers.CharField()
    description = serializers.CharField(allow_null=True, help_text="Always null: the citizen's text is not published.")
    agency_responsible = serializers.CharField(help_text="Satpol PP, or the agency the request was referred to.")
    service_notice = serializers.CharField(allow_null=True)
    requested_datetime = serializers.CharField()
    updated_datetime = serializers.CharField()
    expected_datetime = serializers.CharField(allow_null=True)
    address = serializers.CharField(help_text="The kecamatan only.")
    address_id = serializers.CharField(allow_null=True)
    zipcode = serializers.CharField(allow_null=True)
    lat = serializers.FloatField(allow_null=True)
    long = serializers.FloatField(allow_null=True)
    media_url = serializers.CharField(allow_null=True)


class EndpointSerializer(serializers.Serializer):
    specification = serializers.URLField()
    url = serializers.URLField()
    changeset = serializers.CharField()
    type = serializers.CharField(help_text="Always `production`.")
    formats = serializers.ListField(child=serializers.CharField(), help_text="`text/xml` and `application/json`.")


class DiscoverySerializer(serializers.Serializer):
    """Open311 Service Discovery: this one GeoReport v2 endpoint."""

    changeset = serializers.CharField()
    contact = serializers.CharField()
    key_service = serializers.CharField()
    endpoints = EndpointSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    code = serializers.IntegerField()
    description = serializers.CharField()


def w3c(value) -> str:
    """A W3C datetime with its offset, in WITA (Open311 requires the offset)."""
    return timezone.localtime(value).isoformat(timespec="seconds")


def service_body(category: Category) -> dict:
    return {
        "service_code": category.slug,
        "service_name": category.name,
        "description": f"{category.get_kind_display()}: {category.name}",
        "metadata": False,
        "type": "realtime",
        "keywords": category.slug.replace("-", ", "),
        "group": category.get_kind_display(),
    }


def status_notes(view: PublicTracking) -> str:
    """The public wording of where the request stands: the step as the tracking page names it, or how it ended
    (never an internal note)."""
    if view.status != Status.CLOSED:
        return _("%(status)s (langkah %(step)s dari 8)") % {"status": view.status_label, "step": view.step}
    if view.outcome == Outcome.REFERRED:
        return _("Dilimpahkan ke %(agency)s: bukan kewenangan Satpol PP.") % {"agency": view.referred_to}
    if view.outcome == Outcome.RETURNED:
        return _("Dikembalikan: %(reason)s.") % {"reason": view.result}
    if view.outcome == Outcome.DUPLICATE:
        return _("Duplikat: kejadian yang sama ditangani sebagai aduan lain.")
    return str(view.outcome_label)


def request_body(view: PublicTracking, *, service_request_id: str, service_code: str) -> dict:
    """One service request from public tracking fields only. `service_code` is the category's slug (public: the
    services list names every one); `service_request_id` is the caller's to choose (selectors.public_id)."""
    closed = view.status == Status.CLOSED
    # The last change the public can see: assignments, notes and files in between are nobody else's business.
    updated = view.closed_at or (view.timeline[-1].at if view.timeline else view.received_at)
    return {
        "service_request_id": service_request_id,
        "status": "closed" if closed else "open",
        "status_notes": status_notes(view),
        "service_name": view.category,
        "service_code": service_code,
        "description": None,
        "agency_responsible": view.referred_to if view.outcome == Outcome.REFERRED else AGENCY,
        "service_notice": None,
        "requested_datetime": w3c(view.received_at),
        "updated_datetime": w3c(updated),
        "expected_datetime": None,
        "address": _("Kecamatan %(name)s, Kabupaten Balangan") % {"name": view.district},
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def created_body(complaint: Complaint) -> dict:
    return {
        "service_request_id": complaint.code,
        "service_notice": _(
            "Aduan diterima %(agency)s dengan kode lacak %(code)s. Operator memeriksanya lebih dulu; status dapat "
            "dilacak dengan kode ini."
        ) % {"agency": AGENCY, "code": complaint.code},
        "account_id": None,
    }


def discovery_body(base_url: str) -> dict:
    return {
        "changeset": "2026-11-23T00:00:00+08:00",
        "contact": _("Satpol PP Kabupaten Balangan; kunci API diberikan oleh administrator TRECKK."),
        "key_service": _("Administrator TRECKK membuat kanal dan kuncinya di /admin/."),
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": base_url,
            "changeset": "2026-11-23T00:00:00+08:00",
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    }

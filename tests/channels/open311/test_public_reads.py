"""GET requests without a key (GeoReport v2: "Requires API Key: No"): the public tracking page's fields of the requests
the Operator has accepted and nobody asked to keep confidential, named by their number, never by a tracking code;
a tracking code finds its request as the tracking page would; every read counts toward the tracking page's limit."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from complaints.models import Channel, ChannelKind, Complaint
from public.selectors import tracking

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"
PRIVATE = (
    "Siti Rahmah", "081255501234", "6311010101900001", "Jl. Merdeka 1",  # the reporter (tests/factories.py)
    "Keributan di depan pasar", "CATATAN-INTERNAL", "Konsep laporan uji", "Ditemukan.", "Dibina.",  # case and staff text
)


@pytest.fixture
def client() -> APIClient:
    return APIClient()


@pytest.fixture
def cases(complaint_in) -> dict[str, Complaint]:
    old = complaint_in("screening")
    Complaint.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=120))
    return {
        "submitted": complaint_in("submitted"),  # not yet accepted: its reporter's protection is not settled
        "verification": complaint_in("verification", action_data={"forward": {"note": "CATATAN-INTERNAL"}}),
        "confidential": complaint_in("verification", confidential=True),
        "closed": complaint_in("closed"),
        "old": old,  # outside the default 90 days
    }


def listed(response) -> dict[str, dict]:
    assert response.status_code == 200, response.content
    return {request["service_request_id"]: request for request in response.json()}


def test_a_keyless_list_shows_accepted_requests_in_public_form(client, cases):
    response = client.get(f"{BASE}/requests.json")
    requests = listed(response)
    shown, closed = cases["verification"], cases["closed"]
    assert set(requests) == {str(shown.pk), str(closed.pk)}
    assert response["Cache-Control"] == "no-store"

    request = requests[str(shown.pk)]
    public = tracking(shown)
    assert request == {
        "service_request_id": str(shown.pk), "status": "open",
        "status_notes": f"{public.status_label} (langkah 3 dari 8)",
        "service_name": public.category, "service_code": "keributan", "description": None,
        "agency_responsible": "Satpol PP Kabupaten Balangan", "service_notice": None,
        "requested_datetime": timezone.localtime(public.received_at).isoformat(timespec="seconds"),
        "updated_datetime": timezone.localtime(public.timeline[-1].at).isoformat(timespec="seconds"),
        "expected_datetime": None, "address": f"Kecamatan {public.district}, Kabupaten Balangan",
        "address_id": None, "zipcode": None, "lat": None, "long": None, "media_url": None,
    }
    assert requests[str(closed.pk)]["status"] == "closed"
    assert requests[str(closed.pk)]["updated_datetime"] == timezone.localtime(closed.closed_at).isoformat(timespec="seconds")

    text = response.content.decode()
    assert not [code for code in Complaint.objects.values_list("code", flat=True) if code in text]  # no tracking code
    assert not [private for private in PRIVATE if private in text]


def test_the_keyless_list_filters_as_the_spec_says(client, cases):
    def ids(**params) -> set[str]:
        return set(listed(client.get(f"{BASE}/requests.json", params)))

    closed = str(cases["closed"].pk)
    assert ids(status="closed") == {closed}
    assert ids(service_code="balap-liar") == set()
    old = timezone.localtime(Complaint.objects.get(pk=cases["old"].pk).created_at)
    assert ids(start_date=(old - timedelta(days=1)).isoformat(), end_date=(old + timedelta(days=1)).isoformat()) == {
        str(cases["old"].pk)}
    # Numbers of requests that are not listed find nothing; the same numbers through the list find the listed ones.
    hidden = ",".join(str(cases[name].pk) for name in ("submitted", "confidential"))
    assert ids(service_request_id=hidden) == set()
    assert ids(service_request_id=f"{closed},{hidden}") == {closed}


def test_a_tracking_code_finds_its_request_as_the_tracking_page_does(client, cases):
    confidential, submitted = cases["confidential"], cases["submitted"]
    # Typed as people type it, with the other ids: the code holder may follow the case, listed or not.
    typed = confidential.code.lower().replace("-", " ")
    requests = listed(client.get(f"{BASE}/requests.json", {"service_request_id": f"{typed},{submitted.code}"}))
    assert set(requests) == {confidential.code, submitted.code}
    assert requests[submitted.code]["status_notes"] == "Aduan diterima (langkah 1 dari 8)"

    (one,) = client.get(f"{BASE}/requests/{confidential.code}.json").json()
    assert one["service_request_id"] == confidential.code and one["description"] is None
    text = client.get(f"{BASE}/requests/{confidential.code}.json").content.decode()
    assert not [private for private in PRIVATE if private in text]


def test_one_request_by_its_number_and_the_same_404_for_what_is_not_listed(client, cases):
    shown = cases["verification"]
    (one,) = client.get(f"{BASE}/requests/{shown.pk}.json").json()
    assert one["service_request_id"] == str(shown.pk) and shown.code not in json.dumps(one)
    refusals = [
        client.get(f"{BASE}/requests/{path}.json")
        for path in (cases["confidential"].pk, cases["submitted"].pk, 999999, "ABCDE-FGHJK", "nonsense")
    ]
    assert {response.status_code for response in refusals} == {404}
    assert len({response.content for response in refusals}) == 1


def test_a_wrong_key_is_refused_not_read_as_no_key(client, cases):
    response = client.get(f"{BASE}/requests.json", {"api_key": "wrong"})
    assert response.status_code == 403 and response.json()[0]["code"] == 403


def test_keyless_reads_count_toward_the_tracking_limit(client, cases, settings):
    settings.TRECKK_RATE_LIMITS = {**settings.TRECKK_RATE_LIMITS, "track": "4/10m"}
    assert client.get(f"{BASE}/requests.json").status_code == 200
    assert client.get(f"{BASE}/requests/{cases['closed'].pk}.json").status_code == 200
    # Three tracking codes are three lookups, as on the tracking page: 2 + 3 > 4.
    codes = ",".join(cases[name].code for name in ("submitted", "verification", "closed"))
    refused = client.get(f"{BASE}/requests.json", {"service_request_id": codes})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert refused.json()[0]["code"] == 429
    assert client.get(f"{BASE}/requests.xml").status_code == 429
    # The tracking page shares the counter.
    assert client.get(f"/api/v1/public/track/{cases['closed'].code}/").status_code == 429

    # A channel reading its own requests with its key is not counted against anyone's address.
    channel = Channel.objects.create(name="Aplikasi", kind=ChannelKind.API)
    key = channel.rotate_api_key()
    assert client.get(f"{BASE}/requests.json", {"api_key": key}).status_code == 200


def test_the_services_stay_unlimited(client, settings):
    settings.TRECKK_RATE_LIMITS = {**settings.TRECKK_RATE_LIMITS, "track": "1/10m"}
    assert {client.get(f"{BASE}/services.json").status_code for _ in range(3)} == {200}


def test_a_keyless_list_costs_the_same_queries_for_more_requests(client, complaint_in, django_assert_max_num_queries):
    complaint_in("closed")
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(f"{BASE}/requests.json").json()) == 1
    for state in ("verification", "dispatch_assigned", "closed"):
        complaint_in(state)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(client.get(f"{BASE}/requests.json").json()) == 4

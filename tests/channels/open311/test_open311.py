"""Open311 GeoReport v2: services, and requests created from the spec's own example payloads, seen by the Operator."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from complaints.models import Category, Channel, ChannelKind, Complaint, Reporter
from complaints.selectors import queue_for
from complaints.services.intake import ComplaintInput, ReporterInput, submit_complaint
from complaints.services.transitions import perform_action
from roles.principals import ChannelPrincipal
from roles.roles import Role
from tests.helpers import codes

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"
FORM = "application/x-www-form-urlencoded; charset=utf-8"

# The spec's "Example Request" of POST Service Request, verbatim (wiki.open311.org/GeoReport_v2).
SPEC_EXAMPLE = (
    "api_key=xyz&jurisdiction_id=city.gov&service_code=001&lat=37.76524078&long=-122.4212043&address_string=1234+5th+"
    "street&email=smit333%40sfgov.edu&device_id=tt222111&account_id=123456&first_name=john&last_name=smith&phone="
    "111111111&description=A+large+sinkhole+is+destroying+the+street&media_url=http%3A%2F%2Ffarm3.static.flickr.com"
    "%2F2002%2F2212426634_5ed477a060.jpg&attribute[WHISPAWN]=123456&attribute[WHISDORN]=COISL001"
)


@pytest.fixture
def app():
    channel = Channel.objects.create(name="Aplikasi Lapor Warga", kind=ChannelKind.API)
    channel.raw_key = channel.rotate_api_key()
    return channel


@pytest.fixture
def client() -> APIClient:
    return APIClient()


def spec_example(app: Channel, **replace: str) -> str:
    """The spec's example with this deployment's key, jurisdiction and a service code of ours."""
    body = SPEC_EXAMPLE.replace("api_key=xyz", urlencode({"api_key": app.raw_key}))
    body = body.replace("jurisdiction_id=city.gov", "jurisdiction_id=balangankab.go.id")
    body = body.replace("service_code=001", "service_code=keributan")
    for old, new in replace.items():
        body = body.replace(old, new)
    return body


def _post(client, body: str, **headers):
    return client.post(f"{BASE}/requests.json", data=body, content_type=FORM, **headers)


def test_services_are_the_active_categories(client):
    Category.objects.filter(slug="reklame").update(is_active=False)
    response = client.get(f"{BASE}/services.json")
    assert response.status_code == 200 and response["content-type"].startswith("application/json")
    services = {s["service_code"]: s for s in response.json()}
    assert "reklame" not in services and len(services) == Category.objects.filter(is_active=True).count()
    assert services["balap-liar"] == {
        "service_code": "balap-liar", "service_name": "Balap liar",
        "description": "Gangguan ketentraman dan ketertiban umum: Balap liar", "metadata": False, "type": "realtime",
        "keywords": "balap, liar", "group": "Gangguan ketentraman dan ketertiban umum",
    }


def test_service_definition_is_empty_and_unknown_codes_are_404(client):
    assert client.get(f"{BASE}/services/balap-liar.json").json() == {"service_code": "balap-liar", "attributes": []}
    response = client.get(f"{BASE}/services/001.json")
    assert response.status_code == 404
    assert response.json() == [{"code": 404, "description": "service_code tidak ditemukan: 001"}]


def test_jurisdiction_other_than_ours_is_404(client):
    assert client.get(f"{BASE}/services.json?jurisdiction_id=balangankab.go.id").status_code == 200
    response = client.get(f"{BASE}/services.json?jurisdiction_id=city.gov")
    assert response.status_code == 404 and response.json()[0]["code"] == 404


def test_the_spec_example_creates_a_complaint_the_operator_sees(client, app, users, api_as):
    response = _post(client, spec_example(app))
    assert response.status_code == 201, response.content
    (created,) = response.json()
    assert set(created) == {"service_request_id", "service_notice", "account_id"} and created["account_id"] is None
    complaint = Complaint.objects.get(code=created["service_request_id"])
    assert complaint.code in created["service_notice"]

    assert (complaint.channel, complaint.channel_kind, complaint.status) == (app, ChannelKind.API, "submitted")
    assert complaint.category.slug == "keributan"
    assert complaint.description.startswith("A large sinkhole is destroying the street")
    assert "http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg" in complaint.description
    assert (complaint.reporter.name, complaint.reporter.phone) == ("john smith", "111111111")
    # The example's point is in San Francisco: not on our map, named in a note, default kecamatan.
    assert complaint.latitude is None and complaint.district.slug == "paringin"
    assert complaint.address.startswith("1234 5th street (koordinat 37.765241, -122.421204 di luar Kabupaten Balangan")

    # The Operator's queue: the selector and the API.
    assert complaint in queue_for(users[Role.OPERATOR])
    assert complaint.code in codes(api_as(Role.OPERATOR).get("/api/v1/queue/"))


def test_json_with_a_point_in_balangan_and_the_header_key(client, app):
    body = {
        "service_code": "balap-liar", "lat": -2.1712, "long": 115.6181, "description": "Balap liar tiap malam.",
        "address_string": "", "first_name": "", "phone": "",
    }
    response = client.post(f"{BASE}/requests.json", data=json.dumps(body), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Api-Key {app.raw_key}")
    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get(code=response.json()[0]["service_request_id"])
    assert complaint.district.slug == "halong" and str(complaint.latitude) == "-2.171200"
    assert complaint.reporter is None and complaint.address == ""


def test_an_address_naming_a_kecamatan_places_it(client, app):
    response = _post(client, urlencode({
        "api_key": app.raw_key, "service_code": "pkl", "address_string": "Pasar Batumandi, Kec. Batumandi, Balangan",
        "description": "PKL di trotoar.",
    }))
    complaint = Complaint.objects.get(code=response.json()[0]["service_request_id"])
    assert complaint.district.slug == "batumandi" and complaint.kind == "perda"
    assert complaint.address == "Pasar Batumandi, Kec. Batumandi, Balangan"


def test_an_information_service_makes_an_information_request(client, app):
    response = _post(client, urlencode({
        "api_key": app.raw_key, "service_code": "cara-melapor", "address_string": "Paringin",
        "description": "Bagaimana cara melapor?",
    }))
    assert Complaint.objects.get(code=response.json()[0]["service_request_id"]).kind == "information"


def test_idempotency_key_makes_a_retry_safe(client, app):
    first = _post(client, spec_example(app), HTTP_IDEMPOTENCY_KEY="app-42")
    again = _post(client, spec_example(app), HTTP_IDEMPOTENCY_KEY="app-42")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert Complaint.objects.filter(channel=app).count() == 1


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"api_key=": "api_key=wrong"}, 403, "api_key"),
        ({"service_code=keributan": "service_code=001"}, 404, "service_code"),
        ({"jurisdiction_id=balangankab.go.id": "jurisdiction_id=city.gov"}, 404, "jurisdiction_id"),
        ({"&description=A+large+sinkhole+is+destroying+the+street": ""}, 400, "description"),
        ({"&long=-122.4212043": ""}, 400, "lat"),
        ({"&phone=111111111": "&phone=call+me"}, 400, "phone"),
    ],
)
def test_bad_requests_get_the_spec_error_format_and_write_nothing(client, app, change, status, words):
    body = spec_example(app)
    for old, new in change.items():
        body = body.replace(old, new, 1) if old != "api_key=" else body.replace(f"api_key={app.raw_key}", new)
    before = (Complaint.objects.count(), Reporter.objects.count())
    response = _post(client, body)
    assert response.status_code == status, response.content
    errors = response.json()
    assert isinstance(errors, list) and errors[0]["code"] == status and words in errors[0]["description"]
    assert (Complaint.objects.count(), Reporter.objects.count()) == before


def test_no_location_at_all_is_refused(client, app):
    response = _post(client, urlencode({"api_key": app.raw_key, "service_code": "keributan", "description": "x"}))
    assert response.status_code == 400 and "address_string" in response.json()[0]["description"]


def test_without_a_key_nothing_is_created(client, app):
    body = spec_example(app).replace(f"api_key={app.raw_key}&", "")
    response = _post(client, body)
    assert response.status_code == 403 and response.json()[0]["code"] == 403
    assert not Complaint.objects.exists()


@pytest.fixture
def two_channels(client, app, users):
    """This app's two requests, and one from another channel."""
    mine = [Complaint.objects.get(code=_post(client, spec_example(app)).json()[0]["service_request_id"])]
    second = _post(client, spec_example(app, **{"service_code=keributan": "service_code=pkl"}))
    mine.append(Complaint.objects.get(code=second.json()[0]["service_request_id"]))
    other = Channel.objects.create(name="Bot lain", kind=ChannelKind.API)
    theirs = submit_complaint(user=ChannelPrincipal(other), data=ComplaintInput(
        category=Category.objects.get(slug="keributan"), description="Keributan.", district=mine[0].district,
        reporter=ReporterInput(name="Orang Lain", phone="081200000000"),
    )).complaint
    return mine, theirs


def test_a_channel_lists_only_its_own_requests_without_personal_data(client, app, two_channels):
    mine, _theirs = two_channels
    response = client.get(f"{BASE}/requests.json", {"api_key": app.raw_key})
    assert response.status_code == 200
    listed = response.json()
    assert {r["service_request_id"] for r in listed} == {c.code for c in mine}
    request = next(r for r in listed if r["service_request_id"] == mine[0].code)
    assert request["status"] == "open" and request["status_notes"] == "Aduan diterima (langkah 1 dari 8)"
    assert (request["service_code"], request["service_name"]) == ("keributan", "Keributan/perkelahian")
    assert request["description"] is None and request["lat"] is None and request["media_url"] is None
    assert request["address"] == "Kecamatan Paringin, Kabupaten Balangan"
    assert request["agency_responsible"] == "Satpol PP Kabupaten Balangan"
    assert request["requested_datetime"].endswith("+08:00")
    text = response.content.decode()
    for private in ("john", "111111111", "sinkhole", "1234 5th", "flickr"):
        assert private not in text


def test_list_filters(client, app, two_channels):
    mine, theirs = two_channels

    def ids(**params) -> set[str]:
        response = client.get(f"{BASE}/requests.json", {"api_key": app.raw_key, **params})
        assert response.status_code == 200, response.content
        return {r["service_request_id"] for r in response.json()}

    assert ids(service_code="pkl") == {mine[1].code}
    assert ids(service_request_id=f"{mine[0].code},{theirs.code}") == {mine[0].code}
    assert ids(status="closed") == set()
    assert ids(status="open,closed") == {c.code for c in mine}
    tomorrow = (timezone.localtime() + timezone.timedelta(days=1)).isoformat(timespec="seconds")
    assert ids(start_date=tomorrow) == set()
    bad = client.get(f"{BASE}/requests.json", {"api_key": app.raw_key, "status": "pending"})
    assert bad.status_code == 400 and bad.json()[0]["code"] == 400
    long_span = client.get(f"{BASE}/requests.json", {
        "api_key": app.raw_key, "start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z",
    })
    assert long_span.status_code == 400


def test_get_one_request_of_this_channel_only(client, app, two_channels):
    mine, theirs = two_channels
    response = client.get(f"{BASE}/requests/{mine[0].code}.json", {"api_key": app.raw_key})
    assert response.status_code == 200 and [r["service_request_id"] for r in response.json()] == [mine[0].code]
    assert client.get(f"{BASE}/requests/{mine[0].code.lower()}.json", {"api_key": app.raw_key}).status_code == 200
    other = client.get(f"{BASE}/requests/{theirs.code}.json", {"api_key": app.raw_key})
    assert other.status_code == 404 and other.json()[0]["code"] == 404
    wrong_key = client.get(f"{BASE}/requests/{mine[0].code}.json", {"api_key": "wrong"})
    assert wrong_key.status_code == 403 and wrong_key.json()[0]["code"] == 403  # never read as a keyless call


def test_a_referred_request_says_where_it_went(client, app, two_channels, users):
    mine, _ = two_channels
    operator = users[Role.OPERATOR]
    perform_action(user=operator, complaint_id=mine[0].pk, action="accept", data={})
    perform_action(user=operator, complaint_id=mine[0].pk, action="return",
                   data={"reason": "not_authority", "agency": "Dinas PUPR", "note": "Jalan rusak, bukan trantibum."})
    (request,) = client.get(f"{BASE}/requests/{mine[0].code}.json", {"api_key": app.raw_key}).json()
    assert request["status"] == "closed"
    assert request["status_notes"] == "Dilimpahkan ke Dinas PUPR: bukan kewenangan Satpol PP."
    assert request["agency_responsible"] == "Dinas PUPR"
    assert "Jalan rusak" not in json.dumps(request)


def test_discovery_points_at_this_endpoint(client):
    body = client.get(f"{BASE}/discovery.json").json()
    (endpoint,) = body["endpoints"]
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["formats"] == ["text/xml", "application/json"]

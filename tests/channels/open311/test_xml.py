"""GeoReport v2's required format: every endpoint as `.xml` in the spec's shapes (wiki.open311.org/GeoReport_v2's
example responses), errors included, read back with the standard library's XML parser."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from rest_framework.test import APIClient

from complaints.models import Category, Channel, ChannelKind, Complaint

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"
FORM = "application/x-www-form-urlencoded; charset=utf-8"
REQUEST_FIELDS = [
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address",
    "address_id", "zipcode", "lat", "long", "media_url",
]


@pytest.fixture
def app() -> Channel:
    channel = Channel.objects.create(name="Aplikasi XML", kind=ChannelKind.API)
    channel.raw_key = channel.rotate_api_key()
    return channel


@pytest.fixture
def client() -> APIClient:
    return APIClient()


def parsed(response, status: int = 200) -> ET.Element:
    """The answer's XML: the spec's content type, a declaration with its encoding, one root."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 (our own server's answer)


def children(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


def submit(client, app: Channel, **fields) -> str:
    body = {
        "api_key": app.raw_key, "service_code": "balap-liar", "address_string": "Paringin",
        "description": "Balap liar tiap malam Minggu.", **fields,
    }
    response = client.post(f"{BASE}/requests.xml", data=urlencode(body), content_type=FORM)
    root = parsed(response, 201)
    assert root.tag == "service_requests" and children(root) == ["request"]
    (request,) = root
    assert children(request) == ["service_request_id", "service_notice", "account_id"]
    assert request.findtext("account_id") == ""  # null: an empty element, as in the spec's example
    return request.findtext("service_request_id")


def test_services_xml(client):
    root = parsed(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    assert set(children(root)) == {"service"} and len(root) == Category.objects.filter(is_active=True).count()
    service = next(s for s in root if s.findtext("service_code") == "balap-liar")
    assert children(service) == ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
    assert (service.findtext("service_name"), service.findtext("metadata"), service.findtext("type")) == (
        "Balap liar", "false", "realtime")


def test_service_definition_xml(client):
    root = parsed(client.get(f"{BASE}/services/balap-liar.xml"))
    assert root.tag == "service_definition" and children(root) == ["service_code", "attributes"]
    assert root.findtext("service_code") == "balap-liar" and len(root.find("attributes")) == 0


def test_discovery_xml(client):
    root = parsed(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery" and children(root) == ["changeset", "contact", "key_service", "endpoints"]
    (endpoint,) = root.find("endpoints")
    assert endpoint.tag == "endpoint" and endpoint.findtext("url") == "http://testserver/open311/v2/"
    assert [f.text for f in endpoint.find("formats")] == ["text/xml", "application/json"]
    assert {f.tag for f in endpoint.find("formats")} == {"format"}


def test_post_requests_xml_then_read_it_back_with_the_key(client, app):
    code = submit(client, app)
    assert Complaint.objects.get(code=code).channel == app

    for path in (f"{BASE}/requests.xml", f"{BASE}/requests/{code}.xml"):
        root = parsed(client.get(path, {"api_key": app.raw_key}))
        assert root.tag == "service_requests" and children(root) == ["request"]
        (request,) = root
        assert children(request) == REQUEST_FIELDS
        assert (request.findtext("service_request_id"), request.findtext("status")) == (code, "open")
        assert request.findtext("service_code") == "balap-liar" and request.findtext("description") == ""
        assert request.findtext("requested_datetime").endswith("+08:00")
    assert b"malam Minggu" not in client.get(f"{BASE}/requests.xml", {"api_key": app.raw_key}).content


def test_json_and_xml_carry_the_same_fields(client, app):
    code = submit(client, app)
    (as_json,) = client.get(f"{BASE}/requests/{code}.json", {"api_key": app.raw_key}).json()
    (as_xml,) = parsed(client.get(f"{BASE}/requests/{code}.xml", {"api_key": app.raw_key}))
    assert {child.tag: child.text or None for child in as_xml} == {
        key: None if value is None else str(value) for key, value in as_json.items()
    }


def error_list(response, status: int) -> list[tuple[str, str]]:
    root = parsed(response, status)
    assert root.tag == "errors" and set(children(root)) == {"error"}
    for error in root:
        assert children(error) == ["code", "description"]
    return [(error.findtext("code"), error.findtext("description")) for error in root]


def test_errors_in_xml(client, app):
    [(code, description)] = error_list(client.get(f"{BASE}/services/001.xml"), 404)
    assert code == "404" and "001" in description
    [(code, _)] = error_list(client.get(f"{BASE}/services.xml", {"jurisdiction_id": "city.gov"}), 404)
    body = urlencode({"api_key": "wrong", "service_code": "balap-liar", "description": "x", "address_string": "y"})
    [(code, description)] = error_list(client.post(f"{BASE}/requests.xml", data=body, content_type=FORM), 403)
    assert code == "403" and "api_key" in description
    body = urlencode({"api_key": app.raw_key, "service_code": "balap-liar", "phone": "call me", "address_string": "y"})
    problems = error_list(client.post(f"{BASE}/requests.xml", data=body, content_type=FORM), 400)
    assert {code for code, _ in problems} == {"400"} and len(problems) >= 2  # one <error> per problem
    [(code, _)] = error_list(client.get(f"{BASE}/requests/ABCDE-FGHJK.xml"), 404)


def test_errors_outside_the_views_follow_the_suffix(client):
    [(code, _)] = error_list(client.get(f"{BASE}/tokens/123.xml"), 404)  # no such resource here: Django's 404
    assert code == "404"
    response = client.get(f"{BASE}/tokens/123.json")
    assert response.status_code == 404 and response.json()[0]["code"] == 404


def test_text_xml_cannot_carry_is_replaced_not_a_500(client, app):
    # An unknown service_code is echoed in the error; control characters are not allowed in XML 1.0 at all.
    body = urlencode({"api_key": app.raw_key, "service_code": "bad\x01code", "description": "x", "address_string": "y"})
    [(code, description)] = error_list(client.post(f"{BASE}/requests.xml", data=body, content_type=FORM), 404)
    assert code == "404" and "bad\ufffdcode" in description


def test_an_accept_header_does_not_change_the_format(client):
    response = client.get(f"{BASE}/services.xml", HTTP_ACCEPT="application/json")
    assert parsed(response).tag == "services"
    assert client.get(f"{BASE}/services.json", HTTP_ACCEPT="text/xml")["Content-Type"] == "application/json"

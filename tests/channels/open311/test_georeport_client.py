"""An off-the-shelf Open311 reader against a live server: the `georeport` package (PyPI, a thin GeoReport v2 client
built on requests and xmltodict) reads services, a service definition and service requests, in XML and in JSON,
without a key, as it would read any city's endpoint. It only reads (it cannot create requests) and never sends a key.
"""

from __future__ import annotations

import importlib

import pytest

from complaints.models import Category

# A live server reads the database from its own thread: committed rows, and the reference data restored after.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def georeport():
    try:
        return importlib.import_module("georeport")
    except ImportError:  # a missing dev requirement must fail, not skip the check
        pytest.fail("georeport is not installed: pip install -r requirements/dev.txt")


@pytest.fixture
def endpoint(live_server) -> str:
    return f"{live_server.url}/open311/v2"


@pytest.mark.parametrize("output_format", ["xml", "json"])
def test_georeport_reads_services_and_public_requests(georeport, endpoint, complaint_in, output_format):
    listed = [complaint_in("verification"), complaint_in("closed")]
    private = complaint_in("verification", confidential=True)
    reader = georeport.GeoReport(endpoint, jurisdiction="balangankab.go.id", output_format=output_format)

    services = reader.get_service_list()
    assert len(services) == Category.objects.filter(is_active=True).count()
    service = next(s for s in services if s["service_code"] == "keributan")
    assert service["type"] == "realtime" and str(service["metadata"]).lower() == "false"
    assert reader.get_service_definition("keributan")["service_code"] == "keributan"

    requests = reader.get_service_requests()
    assert {r["service_request_id"] for r in requests} == {str(c.pk) for c in listed}
    assert {r["status"] for r in requests} == {"open", "closed"}
    assert all(r["service_code"] == "keributan" and not r["description"] for r in requests)
    closed = reader.get_service_requests(status="closed")
    closed = [closed] if isinstance(closed, dict) else closed  # xmltodict: one <request> is not a list
    assert [r["service_request_id"] for r in closed] == [str(listed[1].pk)]

    one = reader.get_service_request(str(listed[0].pk))
    assert one["service_request_id"] == str(listed[0].pk) and one["status"] == "open"
    # The reporter's tracking code finds even a request that is not listed, as the tracking page does.
    assert reader.get_service_request(private.code)["service_request_id"] == private.code

"""Rate limits: per client address, 429 with Retry-After and a readable message, shared by page and API."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from common import ratelimit
from common.ratelimit import Rate, client_key, hit

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight(settings):
    settings.TRECKK_RATE_LIMITS = {"track": "3/m", "report": "2/h", "feedback": "2/h"}


def test_rates_read_as_count_per_period():
    assert Rate.parse("30/10m") == Rate(30, 600)
    assert Rate.parse("10/h") == Rate(10, 3600)
    assert Rate.parse("5/30s") == Rate(5, 30)
    assert Rate.parse("100/d") == Rate(100, 86400)
    for bad in ("", "10", "0/h", "ten/h", "10/w"):
        with pytest.raises(ValueError):
            Rate.parse(bad)


def test_a_window_counts_then_refuses_until_it_ends():
    rate = Rate(2, 60)
    assert [hit("t", "1.2.3.4", rate, now=120.0).allowed for _ in range(3)] == [True, True, False]
    refused = hit("t", "1.2.3.4", rate, now=150.0)
    assert not refused.allowed and refused.retry_after == 30
    assert hit("t", "5.6.7.8", rate, now=150.0).allowed  # another client has its own count
    assert hit("other", "1.2.3.4", rate, now=150.0).allowed  # and so has another scope
    assert hit("t", "1.2.3.4", rate, now=180.0).allowed  # the next window starts afresh


def test_the_cache_never_holds_the_address_in_the_clear():
    hit("t", "203.0.113.9", Rate(5, 60), now=0.0)
    assert not [key for key in cache._cache if "203.0.113.9" in key]


def test_page_and_api_share_one_tracking_limit(tight, client, api, complaint_in):
    code = complaint_in("submitted").code
    assert client.get(f"/lacak/{code}/").status_code == 200
    assert api.get(f"/api/v1/public/track/{code}/").status_code == 200
    assert client.get("/lacak/", {"kode": "ZZZZZ-ZZZZZ"}).status_code == 404
    page = client.get(f"/lacak/{code}/")
    assert page.status_code == 429
    assert 0 < int(page["Retry-After"]) <= 60
    assert "Terlalu banyak permintaan dari alamat Anda. Coba lagi dalam 1 menit." in page.content.decode()
    answer = api.get(f"/api/v1/public/track/{code}/")
    assert answer.status_code == 429 and 0 < int(answer["Retry-After"]) <= 60
    assert answer.json()["code"] == "rate_limited"
    assert answer.json()["detail"] == "Terlalu banyak permintaan dari alamat Anda. Coba lagi dalam 1 menit."
    # the empty form is not a lookup and stays reachable
    assert client.get("/lacak/").status_code == 200


def test_another_address_is_not_held_back(tight, client, complaint_in):
    code = complaint_in("submitted").code
    for _ in range(3):
        client.get(f"/lacak/{code}/")
    assert client.get(f"/lacak/{code}/").status_code == 429
    assert client.get(f"/lacak/{code}/", REMOTE_ADDR="198.51.100.7").status_code == 200


def test_x_forwarded_for_is_ignored_unless_the_proxy_is_declared(tight, client, complaint_in, settings):
    code = complaint_in("submitted").code
    for n in range(3):  # a client rotating a forged header gets nowhere
        client.get(f"/lacak/{code}/", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert client.get(f"/lacak/{code}/", HTTP_X_FORWARDED_FOR="10.0.0.99").status_code == 429


def test_behind_one_proxy_the_address_it_appends_counts(settings):
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    assert client_key(request) == "10.0.0.1"
    settings.TRECKK_PROXY_COUNT = 1
    assert client_key(request) == "203.0.113.5"  # "6.6.6.6" was written by the client itself
    settings.TRECKK_PROXY_COUNT = 2
    assert client_key(request) == "6.6.6.6"
    settings.TRECKK_PROXY_COUNT = 3  # fewer entries than proxies: the header is not what we expect
    assert client_key(request) == "10.0.0.1"


def test_an_ipv6_client_is_counted_by_its_64(settings):
    factory = RequestFactory()
    one = factory.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    other = factory.get("/", REMOTE_ADDR="2001:db8:1:2:bbbb::2")
    assert client_key(one) == client_key(other) == "2001:db8:1:2::/64"
    assert client_key(factory.get("/", REMOTE_ADDR="::ffff:192.0.2.1")) == "192.0.2.1"


def test_a_cache_outage_lets_citizens_in(monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(ratelimit.cache, "add", broken)
    assert hit("t", "1.2.3.4", Rate(1, 60)).allowed

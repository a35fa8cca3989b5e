"""Messages to the reporter carry the public links: the receipt the tracking page, the outcome the rating."""

from __future__ import annotations

import re

import pytest

from channels import texts
from complaints.models import Complaint
from public.models import Feedback

pytestmark = pytest.mark.django_db

BASE = "https://aduan.balangankab.go.id"


@pytest.fixture(autouse=True)
def _public_address(settings):
    settings.TRECKK_PUBLIC_URL = BASE


def _link(body: str) -> str:
    match = re.search(rf"{re.escape(BASE)}(/\S+/)", body)
    assert match, body
    return match.group(1)


def test_the_receipt_links_to_the_tracking_page(build, client):
    complaint = build("submitted")
    body = texts.receipt(complaint)
    assert f"{BASE}/lacak/{complaint.code}/" in body
    assert client.get(_link(body)).status_code == 200


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("notification", texts.outcome),
        ("closed_unfounded", texts.outcome),
        ("closed_returned", texts.returned),
        ("closed_referred", texts.returned),
        ("closed_answered", texts.answered),
    ],
)
def test_every_message_that_ends_a_case_invites_a_rating_that_works(build, client, state, message):
    complaint = build(state)
    body = message(complaint)
    assert "Nilai penanganan aduan ini (1-5):" in body
    link = _link(body)
    assert link.startswith("/nilai/") and complaint.code in link
    assert 'name="rating"' in client.get(link).content.decode()
    assert client.post(link, {"rating": "3"}).status_code == 302
    assert Feedback.objects.get().complaint_id == complaint.pk


def test_the_duplicates_reporter_rates_their_own_case(build, client):
    main = build("closed")
    duplicate = build("closed_duplicate", main=main)
    link = _link(texts.duplicate_outcome(duplicate, main))
    assert duplicate.code in link and main.code not in link
    assert client.post(link, {"rating": "5"}).status_code == 302
    assert Feedback.objects.get().complaint == Complaint.objects.get(pk=duplicate.pk)

"""The same incident from several channels: likely duplicates at screening, and closing one as a duplicate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from channels.models import OutboundKind, OutboundMessage
from channels.services import NormalizedMessage, link_messages, receive_message
from complaints.duplicates import likely_duplicates
from complaints.models import Category, Channel, ChannelKind, Complaint
from complaints.workflow import Outcome, Status
from roles.roles import Role
from tests.helpers import action_url, snapshot

pytestmark = pytest.mark.django_db

TEXT = "Balap liar di jalan poros Paringin setiap malam Minggu, sangat bising."


@pytest.fixture
def pair(complaint_in):
    main = complaint_in(Status.VERIFICATION, description=TEXT)
    again = complaint_in(Status.SCREENING, description="Balap liar di jalan poros Paringin tiap malam minggu, bising sekali.")
    return main, again


def test_a_similar_report_nearby_is_suggested(pair, complaint_in, halong):
    main, again = pair
    other_district = complaint_in(Status.VERIFICATION, description=TEXT, district=halong)
    elsewhere = Category.objects.exclude(pk=main.category_id).exclude(kind="information").first()
    other_category = complaint_in(Status.VERIFICATION, description=TEXT, category=elsewhere)
    old = complaint_in(Status.VERIFICATION, description=TEXT)
    Complaint.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=5))
    suggested = [c.complaint for c in likely_duplicates(again)]
    assert suggested[0] == main
    assert again not in suggested and other_district not in suggested and other_category not in suggested and old not in suggested


def test_mark_duplicate_closes_the_case_linked_to_the_main_one(pair, api_as):
    main, again = pair
    response = api_as(Role.OPERATOR).post(action_url(again, "mark_duplicate"), {"duplicate_of": main.code}, format="json")
    assert response.status_code == 200, response.json()
    again.refresh_from_db()
    assert (again.status, again.outcome, again.duplicate_of) == (Status.CLOSED, Outcome.DUPLICATE, main)


def test_a_duplicate_of_a_duplicate_points_at_the_main_case(pair, complaint_in, api_as):
    main, again = pair
    api_as(Role.OPERATOR).post(action_url(again, "mark_duplicate"), {"duplicate_of": main.code}, format="json")
    third = complaint_in(Status.SCREENING, description=TEXT)
    api_as(Role.OPERATOR).post(action_url(third, "mark_duplicate"), {"duplicate_of": again.code}, format="json")
    third.refresh_from_db()
    assert third.duplicate_of == main


@pytest.mark.parametrize(("code", "message"), [("ZZZZZ-ZZZZZ", "Tidak ada aduan dengan kode ini."), ("self", "dirinya sendiri")])
def test_bad_main_case_is_refused(pair, api_as, code, message):
    _, again = pair
    before = snapshot(again)
    response = api_as(Role.OPERATOR).post(
        action_url(again, "mark_duplicate"), {"duplicate_of": again.code if code == "self" else code}, format="json"
    )
    assert response.status_code == 400
    assert message in response.json()["errors"]["duplicate_of"][0]
    assert snapshot(again) == before


def _from_whatsapp(complaint: Complaint, sender: str) -> None:
    channel, _ = Channel.objects.get_or_create(name="WhatsApp uji", kind=ChannelKind.WHATSAPP)
    incoming = NormalizedMessage(external_id=f"wamid.{sender}", sender_id=sender, sent_at=timezone.now(), text="x")
    received = receive_message(channel, incoming)
    link_messages(conversation=received.message.conversation, complaint=complaint, message_ids=[received.message.pk])


def test_the_duplicates_reporter_hears_of_the_merge_and_then_of_the_outcome(pair, api_as, users, complaint_in):
    main, again = pair
    _from_whatsapp(again, "628200")
    api_as(Role.OPERATOR).post(action_url(again, "mark_duplicate"), {"duplicate_of": main.code}, format="json")
    merged = OutboundMessage.objects.get(complaint=again)
    assert merged.recipient == "628200" and main.code in merged.body
    # The main case goes the whole way; when it closes, the duplicate's reporter is told.
    main = complaint_in(Status.NOTIFICATION, description=TEXT)
    Complaint.objects.filter(pk=again.pk).update(duplicate_of=main)
    api_as(Role.OPERATOR).post(action_url(main, "informed"), {}, format="json")
    outcome = OutboundMessage.objects.get(complaint=again, kind=OutboundKind.OUTCOME)
    assert main.code in outcome.body and "ditangani" in outcome.body


def test_portal_suggests_and_marks_in_one_step(pair, client, users):
    main, again = pair
    client.force_login(users[Role.OPERATOR])
    page = client.get(f"/cases/{again.code}/").content.decode()
    assert "Kemungkinan duplikat" in page and f'name="duplicate_of" value="{main.code}"' in page
    response = client.post(f"/cases/{again.code}/actions/mark_duplicate/", {"version": again.version, "duplicate_of": main.code})
    assert response.status_code == 302
    assert Complaint.objects.get(pk=again.pk).duplicate_of == main


def test_no_suggestions_outside_screening(pair, client, users):
    main, _ = pair
    client.force_login(users[Role.KASI])
    assert "Kemungkinan duplikat" not in client.get(f"/cases/{main.code}/").content.decode()

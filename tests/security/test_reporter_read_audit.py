"""Every response that shows a reporter unmasked leaves one audit entry listing the complaints (issue 14, item 5):
API lists, the queue, action answers and the detail; the portal's case page, register, receipt, inbox and outbox;
the register exports (one `export` entry, written before the file streams). A masked answer leaves none."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEntry, AuditKind
from channels.models import Conversation, OutboundKind, OutboundMessage, OutboundStatus
from complaints.models import Channel, ChannelKind, Complaint
from complaints.workflow import Status
from roles import masking
from roles.masking import reporter_view
from roles.roles import Role

pytestmark = pytest.mark.django_db


def reads() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(kind=AuditKind.REPORTER_READ).order_by("id"))


def portal(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def cases(complaint_in):
    """Three complaints in verification: a named one, a confidential one, an anonymous one."""
    return {
        "named": complaint_in(Status.VERIFICATION),
        "confidential": complaint_in(Status.VERIFICATION, confidential=True),
        "anonymous": complaint_in(Status.VERIFICATION, anonymous=True),
    }


# The API ----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "shown"), [
    (Role.OPERATOR, {"named", "confidential"}), (Role.KEPALA, {"named", "confidential"}), (Role.KASI, {"named"}),
])
def test_api_list_leaves_one_entry_listing_the_unmasked_complaints(api_as, cases, role, shown):
    response = api_as(role).get("/api/v1/complaints/")
    assert response.status_code == 200
    entry, = reads()
    assert set(entry.detail["complaints"]) == {cases[key].code for key in shown}
    assert entry.detail["view"] == "api:complaint-list" and entry.method == "GET"
    assert set(entry.detail["fields"]) == {"name", "phone", "nik", "address"}


def test_masked_lists_leave_nothing(api_as, cases):
    assert api_as(Role.KABID).get("/api/v1/complaints/").status_code == 200
    assert api_as(Role.KABID).get("/api/v1/queue/").status_code == 200
    assert reads() == []


def test_api_queue_is_recorded(api_as, cases):
    assert api_as(Role.KASI).get("/api/v1/queue/").status_code == 200
    entry, = reads()
    assert entry.detail["complaints"] == [cases["named"].code] and entry.detail["view"] == "api:queue"


def test_action_answer_is_recorded(api_as, complaint_in):
    complaint = complaint_in(Status.SCREENING)
    response = api_as(Role.OPERATOR).post(f"/api/v1/complaints/{complaint.code}/actions/forward/", {}, format="json")
    assert response.status_code == 200 and response.json()["reporter"]["name"]
    entry, = reads()
    assert entry.method == "POST" and entry.detail["complaints"] == [complaint.code]


def test_detail_is_recorded_once(api_as, cases):
    assert api_as(Role.OPERATOR).get(f"/api/v1/complaints/{cases['named'].code}/").status_code == 200
    entry, = AuditEntry.objects.exclude(kind=AuditKind.LOGIN)
    assert entry.kind == AuditKind.REPORTER_READ and entry.detail["complaints"] == [cases["named"].code]


def test_field_contact_records_the_phone_only(api_as, complaint_in):
    complaint = complaint_in(Status.FIELD_CHECK, allow_field_contact=True)
    body = api_as(Role.TRC).get(f"/api/v1/complaints/{complaint.code}/").json()
    assert body["reporter"]["access"] == "contact"
    entry, = reads()
    assert entry.detail["fields"] == ["phone"] and entry.detail["complaints"] == [complaint.code]


def test_one_insert_per_request_whatever_the_page_size(api_as, complaint_in):
    for _ in range(5):
        complaint_in(Status.SCREENING)
    client = api_as(Role.OPERATOR)
    client.get("/api/v1/complaints/")  # warm caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/v1/complaints/").status_code == 200
    audit_table = AuditEntry._meta.db_table
    inserts = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("INSERT") and audit_table in q["sql"]]
    assert len(inserts) == 1
    assert len(reads()[-1].detail["complaints"]) == 5


# The portal -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "view"), [
    ("/cases/{code}/", "portal:case"), ("/register/", "portal:register"), ("/cases/{code}/receipt/", "portal:receipt"),
])
def test_portal_pages_showing_the_reporter_are_recorded(users, cases, path, view):
    code = cases["named"].code
    response = portal(users[Role.OPERATOR]).get(path.format(code=code))
    assert response.status_code == 200 and "Siti Rahmah" in response.content.decode()
    entry, = reads()
    assert entry.detail["view"] == view and code in entry.detail["complaints"]
    assert cases["anonymous"].code not in entry.detail["complaints"]


def test_portal_case_page_of_a_masked_reporter_is_not_recorded(users, cases):
    assert portal(users[Role.KABID]).get(f"/cases/{cases['named'].code}/").status_code == 200
    assert portal(users[Role.KASI]).get(f"/cases/{cases['confidential'].code}/").status_code == 200
    assert reads() == []


def test_a_refused_portal_action_that_redraws_the_case_is_one_entry(users, complaint_in):
    complaint = complaint_in(Status.SCREENING)
    client = portal(users[Role.OPERATOR])
    response = client.post(f"/cases/{complaint.code}/actions/forward/", {"version": "999"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 412 and "Siti Rahmah" in response.content.decode()
    entry, = AuditEntry.objects.exclude(kind=AuditKind.LOGIN)
    assert entry.kind == AuditKind.REPORTER_READ and entry.status_code == 412


def _conversation_about(complaint: Complaint) -> Conversation:
    channel = Channel.objects.create(name="WhatsApp La-Lisa", kind=ChannelKind.WHATSAPP)
    conversation = Conversation.objects.create(
        channel=channel, sender_id="6281255501234", sender_name="Siti Rahmah", sender_phone="081255501234",
    )
    conversation.complaints.add(complaint)
    OutboundMessage.objects.create(
        channel=channel, conversation=conversation, complaint=complaint, kind=OutboundKind.RECEIPT,
        recipient=conversation.sender_id, body="Terima kasih", status=OutboundStatus.DEAD, next_attempt_at=timezone.now(),
    )
    return conversation


@pytest.mark.parametrize(("path", "view"), [
    ("/inbox/", "portal:inbox"), ("/inbox/{pk}/", "portal:conversation"), ("/outbox/", "portal:outbox"),
])
def test_inbox_pages_showing_a_reporter_sender_are_recorded(users, complaint_in, path, view):
    complaint = complaint_in(Status.SCREENING)
    conversation = _conversation_about(complaint)
    response = portal(users[Role.OPERATOR]).get(path.format(pk=conversation.pk))
    assert response.status_code == 200 and "Siti Rahmah" in response.content.decode()
    entry, = reads()
    assert entry.detail["view"] == view and entry.detail["complaints"] == [complaint.code]


def test_an_unlinked_conversation_is_no_reporter_yet(users):
    channel = Channel.objects.create(name="WhatsApp La-Lisa", kind=ChannelKind.WHATSAPP)
    conversation = Conversation.objects.create(channel=channel, sender_id="6281200000009", sender_name="Budi")
    client = portal(users[Role.OPERATOR])
    assert client.get("/inbox/").status_code == 200
    assert client.get(f"/inbox/{conversation.pk}/").status_code == 200
    assert reads() == []


# The exports ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/register.csv", "/register.xlsx"])
def test_export_is_one_entry_listing_the_unmasked_complaints_before_the_file_streams(users, cases, path):
    response = portal(users[Role.OPERATOR]).get(path + "?status=verification")
    assert response.status_code == 200
    entry, = AuditEntry.objects.exclude(kind=AuditKind.LOGIN)  # written before a byte of the file was read
    assert entry.kind == AuditKind.EXPORT and entry.detail["format"] == path.rsplit(".", 1)[1]
    assert set(entry.detail["complaints"]) == {cases["named"].code, cases["confidential"].code}
    assert entry.detail["unmasked"] == 2 and entry.detail["rows"] == 3
    assert entry.detail["filter"] == {"status": ["verification"]}
    b"".join(response.streaming_content) if response.streaming else response.content
    assert AuditEntry.objects.exclude(kind=AuditKind.LOGIN).count() == 1  # the rows' own masking adds nothing


def test_export_of_a_masked_role_lists_nobody(users, cases):
    response = portal(users[Role.KABID]).get("/register.csv")
    b"".join(response.streaming_content)
    entry, = AuditEntry.objects.exclude(kind=AuditKind.LOGIN)
    assert entry.kind == AuditKind.EXPORT and entry.detail["unmasked"] == 0 and entry.detail["complaints"] == []


def test_a_large_export_records_the_filter_and_the_count(users, cases, monkeypatch):
    monkeypatch.setattr(masking, "LISTED_MAX", 1)
    response = portal(users[Role.OPERATOR]).get("/register.csv?district=")
    b"".join(response.streaming_content)
    entry, = AuditEntry.objects.exclude(kind=AuditKind.LOGIN)
    assert "complaints" not in entry.detail and entry.detail["unmasked"] == 2 and entry.detail["rows"] == 3


# One rule, twice written: row by row (masking) and as a filter (exports) ----------------------------------------

@pytest.mark.parametrize("who", [Role.OPERATOR, Role.KASI, Role.KABID, Role.TRC, Role.KEPALA])
def test_the_export_filter_agrees_with_the_row_by_row_masking(users, complaint_in, who):
    variants = [
        complaint_in(Status.FIELD_CHECK), complaint_in(Status.FIELD_CHECK, allow_field_contact=True),
        complaint_in(Status.FIELD_CHECK, confidential=True, allow_field_contact=True),
        complaint_in(Status.FIELD_CHECK, anonymous=True), complaint_in(Status.SUBMITTED),
    ]
    from roles.policy import unmasked_reporter_rows  # new with issue 14

    user = users[who]
    queryset = Complaint.objects.filter(pk__in=[c.pk for c in variants]).select_related("reporter")
    by_row = {c.code for c in queryset if (v := reporter_view(user, c)).name or v.phone}
    assert set(unmasked_reporter_rows(user, queryset).values_list("code", flat=True)) == by_row

"""A channel's key reads its own complaints only through the channel view (DESIGN.md section 3, last row, and
section 4; issue 14, item 3): the public tracking fields, what it sent, what the reporter was written through it.
Never drafts, field findings and actions, notes, staff names, teams, group ids, field photos (which keep their GPS
position) or what staff recorded about the reporter. Checked on raw bodies, with those planted as markers."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image
from rest_framework.test import APIClient

from channels.models import OutboundKind, OutboundMessage, WebhookEndpoint
from complaints.models import Attachment, AttachmentKind, Complaint, FieldResult
from complaints.services.attachments import store_attachments
from complaints.services.intake import ReporterInput
from complaints.services.transitions import perform_action
from complaints.workflow import Status
from roles.principals import ChannelPrincipal
from roles.roles import Role
from tests.factories import jpeg_with_gps
from tests.helpers import STATE_KEYS

pytestmark = pytest.mark.django_db

DRAFT = "Konsepmarkainternal"
NOTE = "Catatanmarkainternal"
FINDINGS = "Temuanmarkainternal"
ACTION_TAKEN = "Tindakanmarkainternal"
STAFF_NAME = "Stafmarkanama"
STAFF_FILE = "berkasstafmarka.png"
GPS = "GPSMARKAINTERNAL"
NIK_BY_OPERATOR = "6311099988877766"
# Every action a case takes on its way, with text only staff may read.
MARKED = {
    "accept": {"note": NOTE, "reporter_nik": NIK_BY_OPERATOR}, "forward": {"note": NOTE}, "submit_draft": {"draft": DRAFT},
    "confirm": {"note": NOTE}, "assign": {"note": NOTE}, "handle": {"note": NOTE},
    "report": {"findings": FINDINGS, "action_taken": ACTION_TAKEN, "result": FieldResult.WARNED},
    "acknowledge": {"note": NOTE}, "informed": {"note": NOTE},
}
INTERNAL = (DRAFT, NOTE, FINDINGS, ACTION_TAKEN, STAFF_NAME, STAFF_FILE, GPS, NIK_BY_OPERATOR, "trc-paringin", "Trc Paringin",
            '"grants"', '"actor', '"payload"', '"note"', '"assigned_team"', '"due_at"', '"version"', "draft_report")
SENT_NAME, SENT_PHONE = "Rahmat Pengirim", "081299988877"
FIELD_STATES = {"field_check", "dispatch", "dispatch_assigned", "reporting", "head_review", "notification", "closed"}

# The channel view, written out independently of channels/complaint_view.py: changing it must change this test.
CHANNEL_KEYS = {
    "code", "category", "district", "received_at", "status", "status_label", "step", "total_steps", "closed_at",
    "outcome", "outcome_label", "result", "referred_to", "answer", "timeline", "feedback_open", "feedback",
    "external_ref", "channel_kind", "submitted", "attachments", "messages",
}
SUBMITTED_KEYS = {"category", "district", "village", "description", "address", "latitude", "longitude", "incident_at", "reporter"}
REPORTER_KEYS = {"access", "anonymous", "confidential", "name", "phone", "nik", "address", "allow_field_contact"}
ATTACHMENT_KEYS = {"id", "kind", "content_type", "size", "original_name", "url", "created_at"}
STEP_KEYS = {"status", "label", "step", "at"}
WEBHOOK_DATA_KEYS = {"code", "external_ref", "status", "status_label", "step", "outcome", "outcome_label", "result",
                     "referred_to", "answer", "closed_at"}


def has_gps(content: bytes) -> bool:
    with Image.open(io.BytesIO(content)) as image:
        return bool(image.getexif().get_ifd(ExifTags.IFD.GPSInfo))


@pytest.fixture
def key_client(channel) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {channel.raw_key}")
    return client


@pytest.fixture
def named_staff(users):
    for user in users.values():
        user.last_name = STAFF_NAME
        user.save(update_fields=["last_name"])
    return users


@pytest.fixture
def channel_case(channel, complaint_in, named_staff):
    """A complaint the channel filed (reporter name and phone; the Operator adds a NIK at accept), walked to `state`
    with marked notes, draft and field report, with the channel's own photo, a staff file and a field photo."""

    def build(state: str, **kwargs) -> Complaint:
        principal = ChannelPrincipal(channel)
        kwargs.setdefault("reporter", ReporterInput(name=SENT_NAME, phone=SENT_PHONE))
        kwargs.setdefault("external_ref", f"bot-{state}")
        complaint = complaint_in(state, by=principal, action_data=MARKED, **kwargs)
        store_attachments(user=principal, complaint=complaint, kind=AttachmentKind.EVIDENCE,
                          uploads=[SimpleUploadedFile("dari-bot.jpg", jpeg_with_gps(GPS))])
        store_attachments(user=named_staff[Role.OPERATOR], complaint=complaint, kind=AttachmentKind.EVIDENCE,
                          uploads=[SimpleUploadedFile(STAFF_FILE, jpeg_with_gps(GPS))])
        if state in FIELD_STATES:
            store_attachments(user=named_staff[Role.TRC], complaint=complaint, kind=AttachmentKind.FIELD_PHOTO,
                              uploads=[SimpleUploadedFile("lapangan.jpg", jpeg_with_gps(GPS))])
        return Complaint.objects.get(pk=complaint.pk)

    return build


def internal_markers(complaint: Complaint, body: bytes) -> list[str]:
    text = body.decode("utf-8", "replace")
    found = [marker for marker in INTERNAL if marker in text]
    for attachment in complaint.attachments.exclude(kind=AttachmentKind.EVIDENCE, uploaded_by__isnull=True):
        if f"/attachments/{attachment.pk}/" in text:
            found.append(f"url of {attachment.get_kind_display()} {attachment.pk}")
    return found


@pytest.mark.parametrize("state", STATE_KEYS)
def test_every_channel_read_of_its_complaint_is_the_channel_view(state, channel_case, key_client, api_as):
    complaint = channel_case(state)
    code = complaint.code
    reads = {
        "detail": key_client.get(f"/api/v1/complaints/{code}/"),
        "list": key_client.get("/api/v1/complaints/"),
        "events": key_client.get(f"/api/v1/complaints/{code}/events/"),
        "attachments": key_client.get(f"/api/v1/complaints/{code}/attachments/"),
        "open311 list": key_client.get("/open311/v2/requests.json"),
        "open311 request": key_client.get(f"/open311/v2/requests/{code}.json"),
    }
    for name, response in reads.items():
        assert response.status_code == 200, (name, response.content)
        assert internal_markers(complaint, response.content) == [], name
    assert SENT_NAME in reads["detail"].content.decode()  # what it sent comes back: the check is not vacuous

    detail = reads["detail"].json()
    assert set(detail) == CHANNEL_KEYS
    assert set(detail["submitted"]) == SUBMITTED_KEYS and set(detail["submitted"]["reporter"]) == REPORTER_KEYS
    assert all(set(step) == STEP_KEYS for step in detail["timeline"])
    assert [set(row) for row in reads["list"].json()["results"]] == [CHANNEL_KEYS]
    assert [set(event) for event in reads["events"].json()["results"]] == [STEP_KEYS] * len(detail["timeline"])
    # Only the channel's own file, without the GPS position its photo had.
    (own,) = reads["attachments"].json()
    assert set(own) == ATTACHMENT_KEYS and own["original_name"] == "dari-bot.jpg" and detail["attachments"] == [own]
    download = key_client.get(own["url"])
    assert download.status_code == 200 and not has_gps(b"".join(download.streaming_content))
    # Staff see all three files, the field photo with its position.
    staff = api_as(Role.OPERATOR)
    assert len(staff.get(f"/api/v1/complaints/{code}/attachments/").json()) == (3 if state in FIELD_STATES else 2)


def test_the_reporter_comes_back_as_the_channel_sent_it(channel_case, key_client, api_as):
    complaint = channel_case(Status.VERIFICATION)
    reporter = key_client.get(f"/api/v1/complaints/{complaint.code}/").json()["submitted"]["reporter"]
    assert reporter == {"access": "sent", "anonymous": False, "confidential": False, "name": SENT_NAME, "phone": SENT_PHONE,
                        "nik": None, "address": None, "allow_field_contact": None}
    # The Operator did record the NIK: staff see it, the channel never sent it.
    staff = api_as(Role.OPERATOR).get(f"/api/v1/complaints/{complaint.code}/").json()
    assert staff["reporter"]["nik"] == NIK_BY_OPERATOR


def test_a_confidential_reporter_is_not_echoed_back(channel_case, key_client):
    complaint = channel_case(Status.SCREENING, confidential=True)
    body = key_client.get(f"/api/v1/complaints/{complaint.code}/")
    assert body.json()["submitted"]["reporter"]["access"] == "masked"
    assert SENT_NAME not in body.content.decode() and SENT_PHONE not in body.content.decode()


def test_the_intake_answers_with_the_channel_view_also_when_replayed_later(channel, key_client, named_staff):
    sent = {"category": "keributan", "district": "paringin", "description": "Ada keributan.", "external_ref": "baru-1",
            "reporter": {"name": SENT_NAME, "phone": SENT_PHONE}}
    response = key_client.post("/api/v1/complaints/", sent, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == CHANNEL_KEYS
    assert (body["status"], body["external_ref"], body["submitted"]["reporter"]["name"]) == ("submitted", "baru-1", SENT_NAME)
    # The case moves on inside; the channel's retry of the same report gets the case as it now is, as a channel.
    complaint = Complaint.objects.get(code=body["code"])
    for action, who in (("accept", Role.OPERATOR), ("forward", Role.OPERATOR), ("submit_draft", Role.KASI)):
        perform_action(user=named_staff[who], complaint_id=complaint.pk, action=action, data=MARKED[action])
    replay = key_client.post("/api/v1/complaints/", sent, format="json")
    assert replay.status_code == 200, replay.content
    assert replay.json()["status"] == Status.FIELD_CHECK and set(replay.json()) == CHANNEL_KEYS
    assert internal_markers(complaint, replay.content) == []


def test_field_photos_and_staff_files_are_not_found_for_the_channel(channel_case, key_client, api_as):
    complaint = channel_case(Status.REPORTING)
    photo = complaint.attachments.get(kind=AttachmentKind.FIELD_PHOTO)
    staff_file = complaint.attachments.get(original_name=STAFF_FILE)
    for attachment in (photo, staff_file):
        url = f"/api/v1/complaints/{complaint.code}/attachments/{attachment.pk}/"
        assert key_client.get(url).status_code == 404
        assert api_as(Role.OPERATOR).get(url).status_code == 200
    staff_copy = api_as(Role.OPERATOR).get(f"/api/v1/complaints/{complaint.code}/attachments/{photo.pk}/")
    assert has_gps(b"".join(staff_copy.streaming_content))  # the field photo does keep its position for staff


def test_a_channel_cannot_probe_teams_or_deadlines_through_filters(channel_case, key_client):
    assigned = channel_case("dispatch_assigned")
    waiting = channel_case(Status.DISPATCH)
    for query in ({"team": "trc-halong"}, {"team": "trc-paringin"}, {"overdue": "true"}, {"overdue": "false"}):
        codes = {row["code"] for row in key_client.get("/api/v1/complaints/", query).json()["results"]}
        assert codes == {assigned.code, waiting.code}, query  # the filter is not one of the channel's


def test_the_team_list_is_not_for_channels(key_client, api_as, team_paringin):
    assert key_client.get("/api/v1/teams/").status_code == 403
    assert api_as(Role.KABID).get("/api/v1/teams/").status_code == 200


def test_a_page_of_the_channels_list_costs_the_same_queries_whatever_its_length(channel, channel_case, key_client,
                                                                                 django_assert_max_num_queries):
    channel_case(Status.CLOSED)
    with django_assert_max_num_queries(20) as one:
        key_client.get("/api/v1/complaints/")
    for state in (Status.SUBMITTED, Status.VERIFICATION, Status.HEAD_REVIEW, Status.NOTIFICATION):
        channel_case(state, external_ref=f"lagi-{state}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        rows = key_client.get("/api/v1/complaints/").json()["results"]
    assert len(rows) == 5 and all(set(row) == CHANNEL_KEYS for row in rows)


def test_the_reporter_messages_are_what_was_written_through_the_channel(channel_case, channel, key_client):
    complaint = channel_case(Status.NOTIFICATION)
    OutboundMessage.objects.create(channel=channel, complaint=complaint, kind=OutboundKind.OUTCOME, recipient="62812",
                                   body="Aduan Anda sudah ditindaklanjuti.")
    OutboundMessage.objects.create(channel=channel, complaint=complaint, kind=OutboundKind.STAFF_ALERT, recipient="kasi",
                                   body="Tenggat lewat: staf internal.")
    messages = key_client.get(f"/api/v1/complaints/{complaint.code}/").json()["messages"]
    assert [(m["kind"], m["text"]) for m in messages] == [("outcome", "Aduan Anda sudah ditindaklanjuti.")]


def test_webhooks_carry_the_channel_views_status_and_nothing_more(channel, channel_case, users):
    WebhookEndpoint.objects.create(channel=channel, url="https://mitra.example.org/hook",
                                   secret="whsec_dHJlY2trLXRlc3Qtd2ViaG9vay1zZWNyZXQtMzJieQ==")
    complaint = channel_case(Status.CLOSED)
    payloads = [m.payload for m in OutboundMessage.objects.filter(kind=OutboundKind.WEBHOOK).order_by("id")]
    # One per change of status the channel can see, none for the assignment in between.
    assert [(p["type"], p["data"]["status"]) for p in payloads] == [
        ("complaint.created", "submitted"), *[("complaint.status_changed", s) for s in (
            "screening", "verification", "field_check", "dispatch", "reporting", "head_review", "notification", "closed")],
    ]
    for payload in payloads:
        assert set(payload["data"]) == WEBHOOK_DATA_KEYS and WEBHOOK_DATA_KEYS < CHANNEL_KEYS
        assert internal_markers(complaint, json.dumps(payload).encode()) == []
    last = payloads[-1]["data"]
    assert (last["code"], last["outcome"], last["result"]) == (complaint.code, "resolved", FieldResult.WARNED.label)
    other = channel_case("dispatch_assigned", external_ref="lagi")
    perform_action(user=users[Role.KABID], complaint_id=other.pk, action="reassign", data={"team": "trc-markas"})
    assert OutboundMessage.objects.filter(kind=OutboundKind.WEBHOOK, complaint=other).count() == 5  # up to dispatch


def test_the_channel_view_attachments_are_the_channels_own_only(channel_case, channel):
    complaint = channel_case(Status.REPORTING)
    from channels.complaint_view import channel_view

    view = channel_view(ChannelPrincipal(channel), complaint)
    assert [a.original_name for a in view.attachments] == ["dari-bot.jpg"]
    assert Attachment.objects.filter(complaint=complaint).count() == 3

"""The WhatsApp Cloud API adapter: webhook verification and signatures, messages into the inbox, media fetched by the
worker, delivery reports, the 24-hour window, and replies through the Graph API (the stand-in server).

Payloads in payloads/whatsapp/ follow Meta's "messages" webhook reference (text, image, location, contacts,
status) with Indonesian content; see the report of the commit that added them.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import io
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from PIL import Image

from channels.models import Conversation, InboundMessage, OutboundKind, OutboundMessage, OutboundStatus
from channels.outbox import deliver
from channels.services import reply
from channels.whatsapp import media as media_module
from channels.whatsapp import versions
from channels.whatsapp.parse import parse
from channels.whatsapp.tasks import download_media
from channels.whatsapp.transport import TEMPLATE_PARAMETER_MAX, WhatsAppTransport
from channels.whatsapp.window import FREE, TEMPLATE, reply_mode
from complaints.models import Channel, ChannelKind
from complaints.workflow import Status

pytestmark = pytest.mark.django_db

PAYLOADS = Path(__file__).parent / "payloads" / "whatsapp"
URL = "/channels/whatsapp/webhook/"
APP_SECRET = "treckk-test-app-secret"
VERIFY_TOKEN = "treckk-verify-2026"
ACCESS_TOKEN = "EAAGtreckktesttoken"
PHONE_NUMBER_ID = "106540352242922"
RAHMAT = "6281234567890"
SITI = "6281255501234"
MEDIA_ID = "2754859441498128"
OUT_WAMID = "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjgxQkVFRDVBQTVDODFDOTg3MQA="
SEND_ANSWER = {"messaging_product": "whatsapp", "contacts": [{"input": RAHMAT, "wa_id": RAHMAT}], "messages": [{"id": OUT_WAMID}]}
TASK_PATH = "channels.whatsapp.tasks.download_media"


# --- helpers ---------------------------------------------------------------------------------------------------------


def payload(name: str) -> dict:
    return json.loads((PAYLOADS / f"{name}.json").read_text())


def first_message(data: dict) -> dict:
    return data["entry"][0]["changes"][0]["value"]["messages"][0]


def sign(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(client, data: dict | None = None, *, body: bytes | None = None, signature: str | None = None):
    raw = body if body is not None else json.dumps(data).encode()
    headers = {} if signature == "" else {"X-Hub-Signature-256": sign(raw) if signature is None else signature}
    return client.post(URL, data=raw, content_type="application/json", headers=headers)


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def stored_media_files() -> list[str]:
    return default_storage.listdir("channel-media")[1] if default_storage.exists("channel-media") else []


@dataclass
class MediaHost:
    """Stands in for Meta's media CDN (lookaside.fbsbx.com): serves raw bytes, records requests."""

    server: ThreadingHTTPServer
    body: bytes = b""
    content_type: str = "image/jpeg"
    requests: list[tuple[str, dict]] = field(default_factory=list)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"


@pytest.fixture
def media_host():
    holder: dict[str, MediaHost] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            host = holder["host"]
            host.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            self.send_response(200)
            self.send_header("content-type", host.content_type)
            self.send_header("content-length", str(len(host.body)))
            self.end_headers()
            self.wfile.write(host.body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    holder["host"] = MediaHost(server)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield holder["host"]
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def whatsapp_settings(settings):
    # Nothing listens here: a test that reaches the Graph API without asking for `graph` fails loudly.
    settings.WHATSAPP_GRAPH_BASE_URL = "http://127.0.0.1:9/v21.0"
    settings.WHATSAPP_APP_SECRET = APP_SECRET
    settings.WHATSAPP_VERIFY_TOKEN = VERIFY_TOKEN
    settings.WHATSAPP_ACCESS_TOKEN = ACCESS_TOKEN
    settings.WHATSAPP_PHONE_NUMBER_ID = PHONE_NUMBER_ID
    settings.WHATSAPP_REPLY_TEMPLATE = "treckk_update"
    settings.WHATSAPP_TEMPLATE_LANGUAGE = "id"


@pytest.fixture
def graph(stand_in, settings):
    """The stand-in server as the Graph API, answering a send the way the Cloud API does."""
    settings.WHATSAPP_GRAPH_BASE_URL = stand_in.url
    stand_in.response = SEND_ANSWER
    return stand_in


@pytest.fixture
def wa_channel() -> Channel:
    return Channel.objects.create(name="WhatsApp La-Lisa", kind=ChannelKind.WHATSAPP)


@pytest.fixture
def rahmat(wa_channel) -> Conversation:
    return Conversation.objects.create(channel=wa_channel, sender_id=RAHMAT, sender_name="Rahmat", sender_phone=RAHMAT)


def sent_reply(conversation: Conversation, status: str = OutboundStatus.SENT) -> OutboundMessage:
    return OutboundMessage.objects.create(
        channel=conversation.channel, conversation=conversation, kind=OutboundKind.REPLY, recipient=conversation.sender_id,
        body="Laporan Anda sedang kami cek.", status=status, provider_message_id=OUT_WAMID, sent_at=timezone.now(),
    )


# --- verification (GET) ----------------------------------------------------------------------------------------------


def test_verification_echoes_the_challenge(client):
    response = client.get(URL, {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content == b"1158201444"


@pytest.mark.parametrize("params", [
    {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
    {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"},
    {"hub.challenge": "1"},
])
def test_verification_with_a_wrong_token_or_mode_is_refused(client, params):
    response = client.get(URL, params)
    assert response.status_code == 403
    assert response.json()["code"] == "verification_failed"  # and the challenge is not echoed


def test_verification_is_refused_when_no_token_is_configured(client, settings):
    settings.WHATSAPP_VERIFY_TOKEN = ""
    response = client.get(URL, {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"})
    assert response.status_code == 403


# --- signatures (POST) -----------------------------------------------------------------------------------------------


def test_signed_message_is_stored(client, wa_channel):
    response = post(client, payload("text"))
    assert response.status_code == 200, response.content
    assert response.json() == {"received": 1, "duplicates": 0, "statuses": 0}
    assert InboundMessage.objects.count() == 1


@pytest.mark.parametrize("signature", ["", "sha256=" + "0" * 64, "sha1=abc", sign(b"{}"), sign(b"x", "another-secret")])
def test_missing_or_wrong_signature_stores_nothing(client, wa_channel, signature):
    response = post(client, payload("text"), signature=signature)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "invalid_signature"
    assert not InboundMessage.objects.exists() and not Conversation.objects.exists()


def test_body_altered_after_signing_is_refused(client, wa_channel):
    original = json.dumps(payload("text")).encode()
    tampered = original.replace(b"balap liar", b"balap  liar")
    response = post(client, body=tampered, signature=sign(original))
    assert response.status_code == 401
    assert not InboundMessage.objects.exists()


def test_signature_is_over_the_raw_bytes_not_the_parsed_json(client, wa_channel):
    # Meta escapes non-ASCII as \uXXXX; re-serializing would change the bytes, so only the raw body may be hashed.
    raw = json.dumps(payload("text"), indent=1, ensure_ascii=True).encode()
    assert post(client, body=raw).status_code == 200


def test_without_an_app_secret_nothing_is_accepted(client, wa_channel, settings):
    settings.WHATSAPP_APP_SECRET = ""
    raw = json.dumps(payload("text")).encode()
    assert post(client, body=raw, signature=sign(raw, "")).status_code == 401
    assert not InboundMessage.objects.exists()


def test_signed_body_that_is_not_json_is_a_bad_request(client, wa_channel):
    response = post(client, body=b"not json")
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"


# --- the channel row -------------------------------------------------------------------------------------------------


def test_no_whatsapp_channel_is_404_and_stores_nothing(client):
    response = post(client, payload("text"))
    assert response.status_code == 404
    assert response.json()["code"] == "channel_inactive"
    assert not InboundMessage.objects.exists()


def test_disabled_whatsapp_channel_is_refused(client, wa_channel):
    wa_channel.is_active = False
    wa_channel.save(update_fields=["is_active"])
    assert post(client, payload("text")).status_code == 404
    assert not InboundMessage.objects.exists() and not Conversation.objects.exists()


def test_other_channels_kinds_do_not_take_whatsapp_messages(client):
    Channel.objects.create(name="Bot Telegram", kind=ChannelKind.TELEGRAM)
    assert post(client, payload("text")).status_code == 404


# --- messages into the inbox -----------------------------------------------------------------------------------------


def test_text_message_lands_in_the_senders_conversation(client, wa_channel):
    assert post(client, payload("text")).status_code == 200
    message = InboundMessage.objects.select_related("conversation").get()
    conversation = message.conversation
    assert (conversation.channel, conversation.sender_id, conversation.sender_name, conversation.sender_phone) == (
        wa_channel, RAHMAT, "Rahmat Hidayat", RAHMAT,
    )
    assert conversation.unread_count == 1
    assert message.external_id == "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFDNBMDFBQkMxMjM0NTY3ODkwQUJDAA=="
    assert message.text == "Ada balap liar di jalan poros Paringin tiap malam Minggu."
    assert message.sent_at == datetime.fromtimestamp(1795947240, tz=UTC)
    assert conversation.last_inbound_at == message.sent_at


def test_image_message_keeps_the_caption_and_queues_the_download(client, wa_channel, graph):
    assert post(client, payload("image")).status_code == 200
    message = InboundMessage.objects.get()
    assert message.conversation.sender_name == "Siti Aminah"
    assert message.text == "Pedagang berjualan di trotoar depan pasar"
    assert message.media == [{
        "id": MEDIA_ID, "content_type": "image/jpeg", "caption": "Pedagang berjualan di trotoar depan pasar",
        "sha256": "81d3bd8a8db4868c9520ed47186e8b7c5789e61ff79f7f834be6950b808a90d3",
    }]
    # Nothing is fetched inside the webhook request; the worker does it.
    assert graph.requests == []
    task = DBTaskResult.objects.get(task_path=TASK_PATH)
    assert task.args_kwargs["args"] == [message.pk, MEDIA_ID]


def test_location_message(client, wa_channel):
    assert post(client, payload("location")).status_code == 200
    message = InboundMessage.objects.get()
    assert (message.latitude, message.longitude) == (Decimal("-2.334127"), Decimal("115.466812"))
    assert message.location_name == "Pasar Paringin, Jl. Jend. A. Yani, Paringin, Kabupaten Balangan"
    assert message.conversation.unread_count == 1


def test_contacts_message_keeps_the_card(client, wa_channel):
    assert post(client, payload("contacts")).status_code == 200
    message = InboundMessage.objects.get()
    assert message.contact["name"]["formatted_name"] == "Budi Santoso"
    assert message.contact["phones"][0]["wa_id"] == "6281255509876"
    assert message.text == "[contact] Budi Santoso: +62 812-5550-9876"


def test_the_same_webhook_twice_stores_one_message(client, wa_channel):
    data = payload("text")
    assert post(client, data).json()["received"] == 1
    assert post(client, data).json() == {"received": 0, "duplicates": 1, "statuses": 0}
    assert InboundMessage.objects.count() == 1
    assert Conversation.objects.get().unread_count == 1


def test_one_post_with_two_messages_stores_both(client, wa_channel):
    response = post(client, payload("batch"))
    assert response.json()["received"] == 2
    by_sender = {m.conversation.sender_id: m for m in InboundMessage.objects.select_related("conversation")}
    assert by_sender[RAHMAT].text == "Suaranya sampai jam dua pagi."
    assert by_sender[SITI].text == "[unsupported: reaction]"  # still shown to the Operator
    assert by_sender[SITI].conversation.sender_name == "Siti Aminah"


def test_messages_of_the_same_sender_share_a_conversation_and_count_unread(client, wa_channel):
    post(client, payload("text"))
    post(client, payload("location"))
    post(client, payload("contacts"))
    conversation = Conversation.objects.get()
    assert conversation.unread_count == 3
    assert conversation.inbound_messages.count() == 3


def test_a_late_older_message_does_not_shorten_the_reply_window(client, wa_channel):
    post(client, payload("location"))  # 1795947360
    post(client, payload("text"))  # 1795947240: older, delivered later
    assert Conversation.objects.get().last_inbound_at == datetime.fromtimestamp(1795947360, tz=UTC)


def test_changes_for_another_business_number_are_ignored(client, wa_channel):
    data = payload("text")
    data["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "999999999999999"
    assert post(client, data).json()["received"] == 0
    assert not InboundMessage.objects.exists()


# --- parsing (pure) --------------------------------------------------------------------------------------------------


def test_parse_tolerates_batches_and_skips_what_it_cannot_store():
    data = payload("text")
    value = data["entry"][0]["changes"][0]["value"]
    value["contacts"].append({"profile": {"name": "Siti Aminah"}, "wa_id": SITI})
    good = first_message(data)
    value["messages"] += [
        {**good, "id": "wamid.second", "from": SITI, "type": "video", "video": {"id": "1", "mime_type": "video/mp4", "caption": "Rekaman"}},
        {**good, "id": ""},  # no id: cannot be stored idempotently
        {**good, "id": "wamid.third", "timestamp": "yesterday"},
        "not an object",
    ]
    data["entry"].append({"id": "x", "changes": [{"field": "account_update", "value": {"messages": [good]}}]})
    messages = parse(data).messages
    assert [(m.external_id, m.sender_id, m.sender_name, m.text) for m in messages] == [
        (good["id"], RAHMAT, "Rahmat Hidayat", good["text"]["body"]),
        ("wamid.second", SITI, "Siti Aminah", "[unsupported: video] Rekaman"),
    ]


def test_sender_without_a_phone_number_is_known_by_the_business_scoped_id():
    # WhatsApp usernames (2026): the phone number may be withheld; `from_user_id` / contacts[].user_id remain.
    data = payload("text")
    value = data["entry"][0]["changes"][0]["value"]
    value["contacts"] = [{"profile": {"name": "Rahmat Hidayat"}, "user_id": "ID.1410018717833190"}]
    message = first_message(data)
    del message["from"]
    message["from_user_id"] = "ID.1410018717833190"
    parsed = parse(data).messages[0]
    assert (parsed.sender_id, parsed.sender_phone, parsed.sender_name) == ("ID.1410018717833190", "", "Rahmat Hidayat")


@pytest.mark.parametrize("junk", [None, [], "x", {"object": "page", "entry": []}, {"object": "whatsapp_business_account", "entry": "x"}])
def test_parse_of_junk_is_empty(junk):
    parsed = parse(junk)
    assert parsed.messages == [] and parsed.statuses == []


def test_out_of_range_coordinates_are_dropped():
    data = payload("location")
    first_message(data)["location"]["latitude"] = 123.4
    message = parse(data).messages[0]
    assert message.latitude is None and message.longitude is None
    assert message.location_name.startswith("Pasar Paringin")


# --- media, fetched by the worker ------------------------------------------------------------------------------------


def _serve_image(graph, media_host, content: bytes, *, file_size: int | None = None) -> None:
    media_host.body = content
    graph.responses_by_path[f"/{MEDIA_ID}"] = {
        "messaging_product": "whatsapp", "id": MEDIA_ID, "mime_type": "image/jpeg",
        "url": f"{media_host.url}/whatsapp_business/attachments/?mid={MEDIA_ID}&ext=1795947600&hash=ATtesthash",
        "sha256": hashlib.sha256(content).hexdigest(), "file_size": str(len(content) if file_size is None else file_size),
    }


def _image_payload(content: bytes) -> dict:
    data = payload("image")
    first_message(data)["image"]["sha256"] = hashlib.sha256(content).hexdigest()
    return data


# Committed for real: the worker closes a connection left inside a transaction, which on PostgreSQL would end the test's.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_fetches_the_photo_with_the_token_and_stores_it(client, wa_channel, graph, media_host):
    content = jpeg_bytes()
    _serve_image(graph, media_host, content)
    post(client, _image_payload(content))

    call_command("run_worker", batch=True)

    assert [(r.method, r.path, r.headers["authorization"]) for r in graph.requests] == [("GET", f"/{MEDIA_ID}", f"Bearer {ACCESS_TOKEN}")]
    assert len(media_host.requests) == 1
    path, headers = media_host.requests[0]
    assert path.startswith(f"/whatsapp_business/attachments/?mid={MEDIA_ID}")
    assert headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    item = InboundMessage.objects.get().media[0]
    assert item["path"].startswith("channel-media/") and item["path"].endswith(".jpg")
    assert MEDIA_ID not in item["path"]  # a random name, not the provider's
    assert (item["size"], item["content_type"]) == (len(content), "image/jpeg")
    with default_storage.open(item["path"]) as stored:
        assert stored.read() == content
    assert DBTaskResult.objects.get(task_path=TASK_PATH).status == "SUCCESSFUL"


def test_download_is_idempotent(client, wa_channel, graph, media_host):
    content = jpeg_bytes()
    _serve_image(graph, media_host, content)
    post(client, _image_payload(content))
    message = InboundMessage.objects.get()
    assert download_media.call(message.pk, MEDIA_ID) == "stored"
    assert download_media.call(message.pk, MEDIA_ID) == "stored"
    assert len(media_host.requests) == 1 and len(stored_media_files()) == 1


@pytest.mark.parametrize("declared", [None, 10], ids=["declared-too-large", "understated-size"])
def test_too_large_media_is_refused_without_storing(client, wa_channel, graph, media_host, settings, declared):
    content = jpeg_bytes()
    settings.TRECKK_MAX_ATTACHMENT_BYTES = len(content) - 1
    _serve_image(graph, media_host, content, file_size=declared)
    post(client, _image_payload(content))
    message = InboundMessage.objects.get()

    assert download_media.call(message.pk, MEDIA_ID) == "too_large"

    item = InboundMessage.objects.get().media[0]
    assert item["error"] == "too_large" and "path" not in item
    assert stored_media_files() == []
    if declared is None:
        assert media_host.requests == []  # the declared size was enough to refuse


def test_media_that_is_not_an_image_is_not_stored(client, wa_channel, graph, media_host):
    content = b"<html>not a photo</html>"
    _serve_image(graph, media_host, content)
    post(client, _image_payload(content))
    assert download_media.call(InboundMessage.objects.get().pk, MEDIA_ID) == "unsupported_type"
    assert stored_media_files() == []


def test_media_with_a_wrong_checksum_is_not_stored(client, wa_channel, graph, media_host):
    content = jpeg_bytes()
    _serve_image(graph, media_host, content)
    post(client, _image_payload(b"something else"))
    assert download_media.call(InboundMessage.objects.get().pk, MEDIA_ID) == "checksum_mismatch"
    assert stored_media_files() == []


def test_graph_api_trouble_retries_the_download_later(client, wa_channel, graph, media_host):
    content = jpeg_bytes()
    _serve_image(graph, media_host, content)
    post(client, _image_payload(content))
    message = InboundMessage.objects.get()
    graph.answer_next(503)

    assert download_media.call(message.pk, MEDIA_ID) == "retry"

    assert InboundMessage.objects.get().media[0]["attempts"] == 1
    retry = DBTaskResult.objects.filter(task_path=TASK_PATH).order_by("-enqueued_at").first()
    assert retry.run_after > timezone.now()
    assert download_media.call(message.pk, MEDIA_ID) == "stored"


def test_refused_media_lookup_gives_up(client, wa_channel, graph):
    post(client, payload("image"))
    graph.answer_next(400)
    assert download_media.call(InboundMessage.objects.get().pk, MEDIA_ID) == "download_failed"
    assert "400" in InboundMessage.objects.get().media[0]["error_detail"]


def test_checksum_accepts_hex_and_base64():
    import base64

    content = b"photo"
    digest = hashlib.sha256(content)
    assert media_module.checksum_matches(digest.hexdigest().upper(), content) is True
    assert media_module.checksum_matches(base64.b64encode(digest.digest()).decode(), content) is True
    assert media_module.checksum_matches("0" * 64, content) is False
    assert media_module.checksum_matches("not-a-hash", content) is None


# --- delivery reports ------------------------------------------------------------------------------------------------


def _status(status: str, message_id: str = OUT_WAMID, timestamp: int = 1795947600) -> dict:
    data = payload("status")
    item = data["entry"][0]["changes"][0]["value"]["statuses"][0]
    item.update(id=message_id, status=status, timestamp=str(timestamp))
    return data


def test_delivered_then_read_are_recorded(client, wa_channel, rahmat):
    message = sent_reply(rahmat)
    assert post(client, _status("delivered")).json()["statuses"] == 1
    message.refresh_from_db()
    assert message.status == OutboundStatus.DELIVERED
    assert message.delivered_at == datetime.fromtimestamp(1795947600, tz=UTC)
    post(client, _status("read", timestamp=1795947700))
    message.refresh_from_db()
    assert message.status == OutboundStatus.READ
    assert message.delivered_at == datetime.fromtimestamp(1795947600, tz=UTC)


def test_status_never_moves_backwards(client, wa_channel, rahmat):
    message = sent_reply(rahmat)
    # Reports arrive out of order: read first (delivered implied), then a late delivered, a late sent, a failed.
    for status in ("read", "delivered", "sent"):
        post(client, _status(status))
    post(client, payload("status_failed"))
    message.refresh_from_db()
    assert message.status == OutboundStatus.READ
    assert message.delivered_at is not None and message.last_error == ""


def test_failed_report_records_the_error_and_does_not_resend(client, wa_channel, rahmat, graph):
    message = sent_reply(rahmat)
    post(client, payload("status_failed"))
    message.refresh_from_db()
    assert message.status == OutboundStatus.DEAD
    assert "131047" in message.last_error and "24 hours" in message.last_error
    assert not DBTaskResult.objects.filter(task_path="channels.tasks.deliver_outbound").exists()
    assert graph.requests == []


def test_report_for_an_unknown_message_changes_nothing(client, wa_channel, rahmat):
    message = sent_reply(rahmat)
    response = post(client, _status("read", message_id="wamid.someone-elses"))
    assert response.status_code == 200 and response.json()["statuses"] == 0
    message.refresh_from_db()
    assert message.status == OutboundStatus.SENT


def test_reports_in_one_batch_are_all_applied(client, wa_channel, rahmat):
    first = sent_reply(rahmat)
    second = OutboundMessage.objects.create(
        channel=wa_channel, conversation=rahmat, kind=OutboundKind.REPLY, recipient=RAHMAT, body="b",
        status=OutboundStatus.SENT, provider_message_id="wamid.second",
    )
    data = _status("delivered")
    statuses = data["entry"][0]["changes"][0]["value"]["statuses"]
    statuses.append({**copy.deepcopy(statuses[0]), "id": "wamid.second", "status": "read"})
    assert post(client, data).json()["statuses"] == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (OutboundStatus.DELIVERED, OutboundStatus.READ)


# --- the 24-hour window ----------------------------------------------------------------------------------------------


def test_reply_mode_follows_the_24_hour_window(rahmat):
    now = timezone.now()
    assert reply_mode(rahmat, now=now) == TEMPLATE  # the citizen never wrote
    rahmat.last_inbound_at = now - timedelta(hours=23, minutes=50)
    assert reply_mode(rahmat, now=now) == FREE
    rahmat.last_inbound_at = now - timedelta(hours=24, seconds=1)
    assert reply_mode(rahmat, now=now) == TEMPLATE
    assert reply_mode(None, now=now) == TEMPLATE


# --- sending ---------------------------------------------------------------------------------------------------------


def test_reply_inside_the_window_is_free_text(wa_channel, rahmat, graph):
    Conversation.objects.filter(pk=rahmat.pk).update(last_inbound_at=timezone.now() - timedelta(hours=2))
    message = reply(user=None, conversation=rahmat, body="Terima kasih, tim kami menuju lokasi.")

    assert deliver(message.pk) == OutboundStatus.SENT

    request = graph.requests[-1]
    assert (request.method, request.path) == ("POST", f"/{PHONE_NUMBER_ID}/messages")
    assert request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert request.json() == {
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": RAHMAT, "type": "text",
        "text": {"preview_url": False, "body": "Terima kasih, tim kami menuju lokasi."},
    }
    message.refresh_from_db()
    assert (message.status, message.provider_message_id) == (OutboundStatus.SENT, OUT_WAMID)


def test_reply_outside_the_window_is_the_template(wa_channel, rahmat, graph):
    Conversation.objects.filter(pk=rahmat.pk).update(last_inbound_at=timezone.now() - timedelta(hours=30))
    body = "Aduan ABCDE-FGHJK sudah ditindaklanjuti.\n\n— Satpol PP Kab. Balangan"
    message = reply(user=None, conversation=rahmat, body=body)

    assert deliver(message.pk) == OutboundStatus.SENT

    assert graph.requests[-1].json() == {
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": RAHMAT, "type": "template",
        "template": {
            "name": "treckk_update", "language": {"code": "id"},
            # Template parameters may not hold line breaks (Cloud API error 132018).
            "components": [{"type": "body", "parameters": [
                {"type": "text", "text": "Aduan ABCDE-FGHJK sudah ditindaklanjuti. — Satpol PP Kab. Balangan"},
            ]}],
        },
    }


def test_the_window_is_checked_when_sending_not_when_queued(wa_channel, rahmat, graph):
    Conversation.objects.filter(pk=rahmat.pk).update(last_inbound_at=timezone.now() - timedelta(hours=23))
    message = reply(user=None, conversation=rahmat, body="Balasan.")
    message = OutboundMessage.objects.select_related("conversation").get(pk=message.pk)
    WhatsAppTransport().send(message, now=timezone.now() + timedelta(hours=2))
    assert graph.requests[-1].json()["type"] == "template"


def test_long_template_parameter_is_cut(wa_channel, rahmat, graph):
    message = reply(user=None, conversation=rahmat, body="kata " * 400)
    deliver(message.pk)
    text = graph.requests[-1].json()["template"]["components"][0]["parameters"][0]["text"]
    assert len(text) <= TEMPLATE_PARAMETER_MAX and text.endswith("…")


def test_graph_api_5xx_is_retried_later(wa_channel, rahmat, graph):
    message = reply(user=None, conversation=rahmat, body="Balasan.")
    graph.answer_next(500)
    assert deliver(message.pk) == OutboundStatus.PENDING
    message.refresh_from_db()
    assert message.status == OutboundStatus.PENDING and "500" in message.last_error


def test_graph_api_4xx_goes_to_dead_letters(wa_channel, rahmat, graph):
    message = reply(user=None, conversation=rahmat, body="Balasan.")
    graph.answer_next(400)
    assert deliver(message.pk) == OutboundStatus.DEAD
    message.refresh_from_db()
    assert message.status == OutboundStatus.DEAD and "400" in message.last_error


def test_answer_without_a_message_id_is_not_taken_for_sent(wa_channel, rahmat, graph):
    graph.response = {"ok": True}
    message = reply(user=None, conversation=rahmat, body="Balasan.")
    assert deliver(message.pk) == OutboundStatus.DEAD


def test_unconfigured_whatsapp_is_a_permanent_failure(wa_channel, rahmat, graph, settings):
    settings.WHATSAPP_ACCESS_TOKEN = ""
    message = reply(user=None, conversation=rahmat, body="Balasan.")
    assert deliver(message.pk) == OutboundStatus.DEAD
    assert graph.requests == []


# --- end to end ------------------------------------------------------------------------------------------------------


def test_tracking_code_over_whatsapp_gets_the_status_reply(client, wa_channel, graph, complaint_in):
    complaint = complaint_in(Status.SCREENING)
    data = payload("text")
    message = first_message(data)
    message["timestamp"] = str(int(time.time()))
    message["text"]["body"] = f"Mohon info aduan saya {complaint.code.lower()} sudah sampai mana?"

    assert post(client, data).status_code == 200

    queued = OutboundMessage.objects.get(kind=OutboundKind.STATUS)
    assert (queued.channel, queued.recipient, queued.complaint) == (wa_channel, RAHMAT, complaint)
    assert queued.status == OutboundStatus.PENDING
    assert deliver(queued.pk) == OutboundStatus.SENT
    sent = graph.requests[-1].json()
    assert sent["to"] == RAHMAT and sent["type"] == "text"  # the citizen just wrote: inside the window
    assert complaint.code in sent["text"]["body"]
    # The delivery report for it comes back through the same webhook.
    post(client, _status("read", timestamp=int(time.time())))
    assert OutboundMessage.objects.get(pk=queued.pk).status == OutboundStatus.READ


# --- usernames: business-scoped user ids (BSUID) ---------------------------------------------------------------------
# Payloads from Meta's "Business-scoped user IDs" page (see each file's _comment).

SHEENA = "16505551234"
SHEENA_NEW = "12195555358"
BSUID = "US.13491208655302741918"
NEW_BSUID = "US.20260804000000000042"


def _now_timestamp(data: dict) -> dict:
    """The documented payload as if it came just now, so replies to it fall inside the 24-hour window."""
    first_message(data)["timestamp"] = str(int(time.time()))
    return data


def _with_phone(data: dict, phone: str = SHEENA) -> dict:
    """The same sender once the phone number may be shared: `from` and contacts[].wa_id beside the BSUID (Meta's syntax)."""
    data["entry"][0]["changes"][0]["value"]["contacts"][0]["wa_id"] = phone
    message = first_message(data)
    message["from"] = phone
    message["id"] += ".with-phone"  # another message of the same sender
    return data


def test_username_only_sender_is_known_by_the_bsuid(client, wa_channel):
    assert post(client, payload("bsuid_text")).json()["received"] == 1
    conversation = Conversation.objects.get()
    assert (conversation.sender_id, conversation.sender_user_id, conversation.sender_phone) == (BSUID, BSUID, "")
    assert conversation.sender_name == "Sheena Nelson"
    assert InboundMessage.objects.get().text == "Does it come in another color?"


@pytest.mark.parametrize("hours_since_citizen_wrote", [0, 30], ids=["free-text", "template"])
def test_reply_to_a_username_only_sender_goes_in_recipient_not_to(client, wa_channel, graph, hours_since_citizen_wrote):
    # Meta: "To send a message using only the user's BSUID: set recipient ..., omit the to property."
    graph.response = payload("send_answer_bsuid")
    post(client, _now_timestamp(payload("bsuid_text")))
    conversation = Conversation.objects.get()
    Conversation.objects.filter(pk=conversation.pk).update(last_inbound_at=timezone.now() - timedelta(hours=hours_since_citizen_wrote))
    message = reply(user=None, conversation=conversation, body="Terima kasih, laporan Anda kami catat.")

    assert deliver(message.pk) == OutboundStatus.SENT

    sent = graph.requests[-1].json()
    assert sent["recipient"] == BSUID and "to" not in sent
    assert (sent["messaging_product"], sent["recipient_type"]) == ("whatsapp", "individual")
    assert sent["type"] == ("text" if hours_since_citizen_wrote == 0 else "template")
    message.refresh_from_db()
    assert message.provider_message_id == "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA"


def test_a_bsuid_sender_who_later_shares_the_number_stays_one_conversation(client, wa_channel, graph):
    post(client, payload("bsuid_text"))
    post(client, _now_timestamp(_with_phone(payload("bsuid_text"))))

    conversation = Conversation.objects.get()  # one, not two
    assert conversation.inbound_messages.count() == 2 and conversation.unread_count == 2
    assert (conversation.sender_user_id, conversation.sender_phone) == (BSUID, SHEENA)
    # Once the number is known, replies go to it (`to`), as for every other citizen.
    deliver(reply(user=None, conversation=conversation, body="Balasan.").pk)
    sent = graph.requests[-1].json()
    assert sent["to"] == SHEENA and "recipient" not in sent


def test_a_phone_sender_who_later_hides_the_number_stays_one_conversation(client, wa_channel, graph):
    post(client, _with_phone(payload("bsuid_text")))  # before the username: phone and BSUID
    post(client, _now_timestamp(payload("bsuid_text")))  # after: the BSUID only

    conversation = Conversation.objects.get()
    assert conversation.inbound_messages.count() == 2
    assert (conversation.sender_id, conversation.sender_phone, conversation.sender_user_id) == (SHEENA, SHEENA, BSUID)
    deliver(reply(user=None, conversation=conversation, body="Balasan.").pk)
    assert graph.requests[-1].json()["to"] == SHEENA


def test_delivery_report_of_a_message_sent_to_a_bsuid_is_applied(client, wa_channel):
    conversation = Conversation.objects.create(channel=wa_channel, sender_id=BSUID, sender_user_id=BSUID)
    message = sent_reply(conversation)
    OutboundMessage.objects.filter(pk=message.pk).update(provider_message_id="wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=")
    assert post(client, payload("status_bsuid_delivered")).json()["statuses"] == 1  # no recipient_id in it
    message.refresh_from_db()
    assert message.status == OutboundStatus.DELIVERED


# --- replies to buttons and lists ------------------------------------------------------------------------------------
# Payloads from Meta's interactive and button messages webhook references (see each file's _comment).


@pytest.mark.parametrize(("name", "text", "reply_data"), [
    ("interactive_button_reply", "Cancel", {"type": "button_reply", "id": "cancel-button", "title": "Cancel"}),
    ("interactive_list_reply", "Priority Mail Express",
     {"type": "list_reply", "id": "priority_express", "title": "Priority Mail Express", "description": "Next Day to 2 Days"}),
    ("button", "Unsubscribe", {"type": "button", "id": "Unsubscribe", "title": "Unsubscribe"}),
])
def test_a_chosen_button_or_row_keeps_its_title_as_text_and_its_id_as_data(client, wa_channel, name, text, reply_data):
    data = payload(name)
    assert post(client, data).json()["received"] == 1
    message = InboundMessage.objects.get()
    assert message.text == text  # not "[unsupported: ...]": the Operator reads what the citizen chose
    assert message.data == {"reply": reply_data, "context": {"id": first_message(data)["context"]["id"]}}
    assert message.conversation.sender_phone == SHEENA


def test_a_reporters_ya_and_berhenti_are_kept():
    data = payload("interactive_button_reply")
    first_message(data)["interactive"]["button_reply"] = {"id": "konfirmasi-ya", "title": "Ya"}
    button = payload("button")
    first_message(button)["button"] = {"payload": "STOP_UPDATES", "text": "Berhenti"}
    assert [(m.text, m.data["reply"]["id"]) for m in parse(data).messages + parse(button).messages] == [
        ("Ya", "konfirmasi-ya"), ("Berhenti", "STOP_UPDATES"),
    ]


def test_an_interactive_reply_of_another_kind_is_still_listed_as_unsupported():
    data = payload("interactive_button_reply")
    first_message(data)["interactive"] = {"type": "nfm_reply", "nfm_reply": {"name": "flow", "response_json": "{}"}}
    assert parse(data).messages[0].text == "[unsupported: interactive]"


# --- a citizen changes their number ----------------------------------------------------------------------------------
# Payload from Meta's system messages webhook reference (system_user_changed_number.json).


@pytest.fixture
def sheena(wa_channel) -> Conversation:
    return Conversation.objects.create(
        channel=wa_channel, sender_id=SHEENA, sender_name="Sheena Nelson", sender_phone=SHEENA,
        last_inbound_at=timezone.now() - timedelta(hours=1),
    )


def test_changed_number_moves_the_conversation_and_its_replies_to_the_new_number(client, sheena, graph, complaint_in):
    complaint = complaint_in(Status.SCREENING)
    sheena.complaints.add(complaint)
    before = Conversation.objects.get(pk=sheena.pk)
    queued = reply(user=None, conversation=sheena, body="Laporan Anda sedang kami tindak lanjuti.")  # queued before the change

    response = post(client, payload("system_user_changed_number"))

    assert response.status_code == 200 and response.json()["received"] == 0
    sheena.refresh_from_db()
    assert (sheena.sender_id, sheena.sender_phone) == (SHEENA_NEW, SHEENA_NEW)
    # A notice from WhatsApp, not a message from the citizen: nothing in the inbox, and the 24-hour window unchanged.
    assert not InboundMessage.objects.exists()
    assert (sheena.unread_count, sheena.last_inbound_at) == (before.unread_count, before.last_inbound_at)
    # The reporter's data on the complaint is what the reporter stated; the Operator changes it if they choose.
    reporter_phone = complaint.reporter.phone
    complaint.reporter.refresh_from_db()
    assert complaint.reporter.phone == reporter_phone
    assert deliver(queued.pk) == OutboundStatus.SENT
    assert graph.requests[-1].json()["to"] == SHEENA_NEW


def test_after_a_number_change_the_new_number_writes_into_the_same_conversation(client, sheena):
    post(client, payload("system_user_changed_number"))
    later = payload("interactive_button_reply")
    first_message(later)["from"] = SHEENA_NEW
    later["entry"][0]["changes"][0]["value"]["contacts"][0]["wa_id"] = SHEENA_NEW
    post(client, later)
    assert Conversation.objects.get() == sheena
    assert sheena.inbound_messages.count() == 1


def test_changed_number_with_business_scoped_ids_follows_the_new_bsuid(client, wa_channel):
    # The BSUID page's syntax: a number change regenerates the BSUID, reported beside the new number (system.user_id),
    # with the previous one (system.previous_user_id, changelog Aug 11, 2026).
    conversation = Conversation.objects.create(channel=wa_channel, sender_id=SHEENA, sender_phone=SHEENA, sender_user_id=BSUID)
    data = payload("system_user_changed_number")
    first_message(data)["system"].update(user_id=NEW_BSUID, previous_user_id=BSUID)
    post(client, data)
    conversation.refresh_from_db()
    assert (conversation.sender_id, conversation.sender_phone, conversation.sender_user_id) == (SHEENA_NEW, SHEENA_NEW, NEW_BSUID)

    # Later the citizen writes with a username: only the new BSUID identifies them, and it is the same conversation.
    later = payload("bsuid_text")
    first_message(later)["from_user_id"] = NEW_BSUID
    later["entry"][0]["changes"][0]["value"]["contacts"][0]["user_id"] = NEW_BSUID
    post(client, later)
    assert Conversation.objects.get() == conversation


def test_the_same_number_change_twice_changes_it_once(client, sheena):
    post(client, payload("system_user_changed_number"))
    post(client, payload("system_user_changed_number"))
    sheena.refresh_from_db()
    assert sheena.sender_id == SHEENA_NEW
    assert Conversation.objects.count() == 1


def test_a_number_change_for_someone_unknown_creates_nothing(client, wa_channel):
    assert post(client, payload("system_user_changed_number")).status_code == 200
    assert not Conversation.objects.exists() and not InboundMessage.objects.exists()


# --- the Graph API version -------------------------------------------------------------------------------------------

TODAY = date(2026, 12, 4)


@pytest.fixture
def on_2026_12_04(monkeypatch):
    monkeypatch.setattr(versions, "today", lambda: TODAY)


def test_the_default_graph_api_version_is_current():
    import config.settings as configured

    version = versions.version_in(configured.WHATSAPP_GRAPH_BASE_URL)
    assert version in versions.GRAPH_API_VERSIONS
    assert versions.notice(version, TODAY) is None  # neither expired nor expiring within the warning period


@pytest.mark.parametrize(("url", "expected"), [
    ("https://graph.facebook.com/v21.0", "whatsapp.W001"),  # available until January 21, 2027: 48 days left
    ("https://graph.facebook.com/v20.0", "whatsapp.W002"),  # ended September 24, 2026
    ("https://graph.facebook.com/v12.0", "whatsapp.W002"),  # older than the table: long gone
    ("https://graph.facebook.com", "whatsapp.W003"),  # no version: Meta picks one for the app
    ("https://graph.facebook.com/v26.0", None),
    ("https://graph.facebook.com/v30.0", None),  # newer than the table: nothing known against it
])
def test_the_system_check_warns_before_the_version_expires(settings, on_2026_12_04, url, expected):
    from django.core.checks import run_checks

    settings.WHATSAPP_GRAPH_BASE_URL = url
    ids = [message.id for message in run_checks() if message.id and message.id.startswith("whatsapp.")]
    assert ids == ([expected] if expected else [])


def test_the_warning_names_the_expiry_date_and_the_upgrade(settings, on_2026_12_04):
    settings.WHATSAPP_GRAPH_BASE_URL = "https://graph.facebook.com/v21.0/"
    (warning,) = versions.check_graph_api_version(None)
    assert "2027-01-21" in warning.msg and "v21.0" in warning.msg
    assert "WHATSAPP_GRAPH_BASE_URL" in warning.hint


@pytest.fixture
def admin_client(client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser("root", password="x"))
    return client


def test_the_channel_admin_shows_an_expiring_version(admin_client, wa_channel, settings, on_2026_12_04):
    settings.WHATSAPP_GRAPH_BASE_URL = "https://graph.facebook.com/v21.0"
    for url in ("/admin/complaints/channel/", f"/admin/complaints/channel/{wa_channel.pk}/change/"):
        page = admin_client.get(url).content.decode()
        assert "v21.0" in page and "2027-01-21" in page, url
    settings.WHATSAPP_GRAPH_BASE_URL = "https://graph.facebook.com/v26.0"
    assert "2027-01-21" not in admin_client.get("/admin/complaints/channel/").content.decode()


def test_the_channel_admin_says_nothing_without_an_active_whatsapp_channel(admin_client, settings, on_2026_12_04):
    settings.WHATSAPP_GRAPH_BASE_URL = "https://graph.facebook.com/v21.0"
    Channel.objects.create(name="Bot Telegram", kind=ChannelKind.TELEGRAM)
    assert "2027-01-21" not in admin_client.get("/admin/complaints/channel/").content.decode()

"""The Telegram adapter against a stand-in Bot API: webhook (secret, idempotency, message kinds, commands),
the photo download task, sendMessage through the outbox, and the setWebhook command.

Update shapes in payloads/telegram/ follow the Bot API reference (core.telegram.org/bots/api: Update, Message,
PhotoSize, Location, Venue, Contact, Voice; getFile's File; sendMessage's Message).
"""

from __future__ import annotations

import copy
import io
import json
import logging
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult
from PIL import Image

from channels.models import Conversation, InboundMessage, OutboundKind, OutboundMessage, OutboundStatus
from channels.outbox import deliver, queue_message
from channels.telegram.media import fetch_media
from complaints.models import Channel, ChannelKind
from tests.channels.standin import Recorded, StandIn
from tests.test_concurrency_pg import race

pytestmark = pytest.mark.django_db

PAYLOADS = Path(__file__).parent / "payloads" / "telegram"
URL = "/channels/telegram/webhook/"
TOKEN = "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
SECRET = "treckk-tg-Secret_2026-abcDEF"
CHAT = "5120346789"
DOWNLOAD_TASK = "channels.telegram.tasks.download_photo"
# Telegram answers sendMessage once the message is in the chat, so the outbox records a send as delivered.
DELIVERED = OutboundStatus.DELIVERED


@cache
def _payload(name: str) -> dict:
    return json.loads((PAYLOADS / f"{name}.json").read_text())


def update(name: str, **message_changes) -> dict:
    """A payload fixture with fields of its message changed (None removes one)."""
    body = copy.deepcopy(_payload(name))
    message = body["message"] if "message" in body else next(v for k, v in body.items() if k != "update_id")
    for field, value in message_changes.items():
        if value is None:
            message.pop(field, None)
        else:
            message[field] = value
    return body


@pytest.fixture
def bot_api(settings, stand_in: StandIn) -> StandIn:
    settings.TELEGRAM_API_BASE_URL = stand_in.url
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    settings.TELEGRAM_WEBHOOK_SECRET = SECRET
    return stand_in


@pytest.fixture
def telegram(bot_api) -> Channel:
    return Channel.objects.create(name="Bot Telegram La-Lisa", kind=ChannelKind.TELEGRAM)


def post(body: dict | bytes, secret: str | None = SECRET):
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    data = body if isinstance(body, bytes) else json.dumps(body)
    return Client().post(URL, data=data, content_type="application/json", headers=headers)


def nothing_stored() -> bool:
    return not (InboundMessage.objects.exists() or Conversation.objects.exists() or OutboundMessage.objects.exists()
                or DBTaskResult.objects.exists())


def run_due_tasks() -> None:
    """Run what the worker would run now. (Not `run_worker`: db_worker closes the database connection between
    tasks, which the test's transaction does not survive on PostgreSQL.)"""
    for result in DBTaskResult.objects.ready():
        import_string(result.task_path).call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])


def jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (180, 40, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def serve_file(stand_in: StandIn, path: str, content: bytes) -> None:
    """Teach the stand-in to answer one path with raw bytes (it answers JSON otherwise), recording the request."""
    base = stand_in.server.RequestHandlerClass

    class FileHandler(base):
        def _handle(self) -> None:
            if self.path != path:
                return super()._handle()
            with stand_in.lock:
                stand_in.requests.append(Recorded(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, b""))
            self.send_response(200)
            self.send_header("content-type", "application/octet-stream")
            self.send_header("content-length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)
            return None

        do_GET = do_POST = _handle

    stand_in.server.RequestHandlerClass = FileHandler


# --- the secret header ---------------------------------------------------------------------------------------


def test_right_secret_stores_the_message(telegram):
    response = post(update("text"))
    assert response.status_code == 200 and response.json() == {"ok": True, "stored": True}
    assert InboundMessage.objects.get().channel == telegram


@pytest.mark.parametrize(("secret", "setting"), [(None, SECRET), ("wrong-secret", SECRET), (SECRET[:-1], SECRET), ("", ""), (SECRET, "")])
def test_missing_wrong_or_unconfigured_secret_is_401_and_stores_nothing(telegram, settings, secret, setting):
    settings.TELEGRAM_WEBHOOK_SECRET = setting
    response = post(update("photo"), secret=secret)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json") and response.json()["code"] == "bad_secret"
    assert nothing_stored()


def test_no_active_telegram_channel_is_404_and_stores_nothing(bot_api):
    Channel.objects.create(name="Bot Telegram lama", kind=ChannelKind.TELEGRAM, is_active=False)
    Channel.objects.create(name="Bot WhatsApp", kind=ChannelKind.WHATSAPP)
    response = post(update("text"))
    assert response.status_code == 404 and response.json()["code"] == "no_channel"
    assert nothing_stored()


def test_only_post_and_only_json(telegram):
    assert Client().get(URL, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}).status_code == 405
    assert post(b"{not json").status_code == 400
    assert post({"message": {"text": "no update_id"}}).status_code == 400
    assert post({"update_id": 1, "message": {"message_id": 1, "date": 1, "chat": {"id": "x", "type": "private"}}}).status_code == 400
    assert post(update("text", date=10**20)).status_code == 400
    assert nothing_stored()


# --- message kinds ---------------------------------------------------------------------------------------------


def test_text_lands_in_the_senders_conversation(telegram):
    post(update("text"))
    message = InboundMessage.objects.get()
    conversation = message.conversation
    seen = (conversation.channel, conversation.sender_id, conversation.sender_name, conversation.unread_count)
    assert seen == (telegram, CHAT, "Rahmat Hidayat", 1)
    assert message.text.startswith("Selamat malam, ada balap liar")
    assert message.sent_at == datetime(2026, 11, 23, 13, 14, tzinfo=UTC)  # 21.14 WITA
    assert message.external_id == f"message:{CHAT}:52"


def test_the_same_update_twice_is_stored_once(telegram):
    body = update("text")
    # Telegram sends the same Update again when our first answer did not reach it.
    first, again = post(body), post(copy.deepcopy(body))
    assert (first.json()["stored"], again.json()["stored"]) == (True, False)
    assert InboundMessage.objects.count() == 1 and Conversation.objects.get().unread_count == 1


def test_two_updates_store_two_messages_in_one_conversation(telegram):
    post(update("text"))
    second = update("text", message_id=58, text="Sekarang masih ramai, tolong segera.")
    second["update_id"] += 9
    post(second)
    assert InboundMessage.objects.count() == 2
    assert Conversation.objects.get().unread_count == 2


def test_another_sender_gets_another_conversation(telegram):
    post(update("text"))
    post(update("start"))
    assert sorted(Conversation.objects.values_list("sender_id", "sender_name", "unread_count")) == [
        (CHAT, "Rahmat Hidayat", 1), ("6833012457", "Siti", 1),
    ]


def test_photo_keeps_the_largest_size_and_the_caption_and_downloads_later(telegram, bot_api):
    response = post(update("photo"))
    assert response.status_code == 200
    message = InboundMessage.objects.get()
    assert message.text == "Ini fotonya, motor-motor di depan pasar"
    # The fixture lists the largest size third, not last: the largest by area is kept, whatever the order.
    assert message.media == [{
        "id": "AQADlargez", "file_id": "AgACAgUAAxkBAAM1Zt-large", "file_unique_id": "AQADlargez", "file_size": 81234,
        "content_type": "image/jpeg", "caption": "Ini fotonya, motor-motor di depan pasar", "width": 1280, "height": 960,
    }]
    task = DBTaskResult.objects.get(task_path=DOWNLOAD_TASK)
    assert task.args_kwargs["args"] == [message.pk, "AQADlargez"]
    assert bot_api.requests == []  # nothing fetched inside the webhook request


def test_a_redelivered_photo_is_downloaded_once(telegram):
    body = update("photo")
    post(body)
    post(body)
    assert DBTaskResult.objects.filter(task_path=DOWNLOAD_TASK).count() == 1


def test_location_is_stored_with_six_decimals(telegram):
    post(update("location"))
    message = InboundMessage.objects.get()
    assert (message.latitude, message.longitude) == (Decimal("-2.334127"), Decimal("115.466843"))
    assert message.text == "" and message.location_name == ""
    assert Conversation.objects.get().unread_count == 1


def test_venue_names_the_place(telegram):
    post(update("venue"))
    message = InboundMessage.objects.get()
    assert (message.latitude, message.longitude) == (Decimal("-2.335204"), Decimal("115.461988"))
    assert message.location_name == "Pasar Paringin, Jl. Jend. A. Yani, Paringin"


def test_the_senders_own_contact_gives_the_conversation_a_phone(telegram):
    post(update("text"))
    post(update("contact"))
    message = InboundMessage.objects.get(external_id=f"message:{CHAT}:56")
    assert message.contact == {"phone_number": "6281234567890", "first_name": "Rahmat", "last_name": "Hidayat", "user_id": 5120346789}
    conversation = Conversation.objects.get()
    assert (conversation.sender_phone, conversation.unread_count) == ("+6281234567890", 2)


def test_someone_elses_contact_is_kept_but_is_not_the_senders_phone(telegram):
    contact = {"phone_number": "+62 812-5550-1234", "first_name": "Pak RT", "user_id": 99887766}
    post(update("contact", contact=contact))
    assert InboundMessage.objects.get().contact == contact
    assert Conversation.objects.get().sender_phone == ""


def test_edits_channel_posts_and_groups_are_acknowledged_and_not_stored(telegram):
    channel_post = {"update_id": 718204530, "channel_post": {
        "message_id": 9, "chat": {"id": -1001234567890, "title": "Info Balangan", "type": "channel"}, "date": 1795440000, "text": "x",
    }}
    for body in (update("edited"), update("group"), channel_post):
        response = post(body)
        assert response.status_code == 200 and response.json() == {"ok": True, "stored": False}
    assert nothing_stored()


def test_a_voice_note_is_stored_as_a_note_the_operator_can_read(telegram):
    post(update("voice"))
    message = InboundMessage.objects.get()
    assert "pesan suara" in message.text and "belum didukung" in message.text
    assert message.media == [] and not DBTaskResult.objects.exists()


def test_an_image_sent_as_a_file_is_a_photo_too(telegram):
    document = {"file_name": "IMG_20261123_211003.jpg", "mime_type": "image/jpeg", "file_id": "BQACAgUAAxkBAAM6doc",
                "file_unique_id": "AgADdoc1", "file_size": 2_310_554}
    post(update("voice", voice=None, document=document, caption="Foto asli"))
    message = InboundMessage.objects.get()
    assert message.text == "Foto asli"
    assert message.media[0]["id"] == "AgADdoc1" and message.media[0]["content_type"] == "image/jpeg"
    assert "IMG_2026" not in json.dumps(message.media)  # the citizen's file name is not kept
    assert DBTaskResult.objects.filter(task_path=DOWNLOAD_TASK).count() == 1


def test_a_nul_character_cannot_break_the_insert(telegram):
    response = post(update("text", text="ada\x00 keributan"))
    assert response.status_code == 200
    assert InboundMessage.objects.get().text == "ada keributan"


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent writers")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_concurrent_redeliveries_store_one_message_and_answer_once(telegram):
    body = update("start")
    results = race(20, lambda i: post(body).status_code)
    assert results == [("ok", 200)] * 20
    assert InboundMessage.objects.count() == 1 and Conversation.objects.get().unread_count == 1
    assert OutboundMessage.objects.count() == 1
    assert DBTaskResult.objects.filter(task_path="channels.tasks.deliver_outbound").count() == 1


# --- the photo download task ----------------------------------------------------------------------------------


@pytest.fixture
def photo_message(telegram) -> InboundMessage:
    post(update("photo"))
    return InboundMessage.objects.get()


def _answer_get_file(stand_in: StandIn, **changes) -> None:
    answer = copy.deepcopy(_payload("get_file"))
    answer["result"].update(changes)
    stand_in.responses_by_path[f"/bot{TOKEN}/getFile"] = answer


def test_worker_fetches_the_photo_from_telegram_and_stores_it_under_a_random_name(photo_message, bot_api):
    content = jpeg()
    _answer_get_file(bot_api, file_size=len(content))
    serve_file(bot_api, f"/file/bot{TOKEN}/photos/file_7.jpg", content)

    run_due_tasks()

    get_file, download = bot_api.requests
    assert (get_file.method, get_file.path, get_file.json()) == ("POST", f"/bot{TOKEN}/getFile", {"file_id": "AgACAgUAAxkBAAM1Zt-large"})
    assert (download.method, download.path) == ("GET", f"/file/bot{TOKEN}/photos/file_7.jpg")
    photo_message.refresh_from_db()
    item = photo_message.media[0]
    assert item["path"].startswith("channel-media/") and item["path"].endswith(".jpg")
    assert "file_7" not in item["path"] and "AQAD" not in item["path"]
    assert (item["size"], item["content_type"]) == (len(content), "image/jpeg")
    with default_storage.open(item["path"]) as stored:
        assert stored.read() == content
    # Running it again changes nothing and asks Telegram nothing.
    assert fetch_media(photo_message.pk, "AQADlargez") == "stored" and len(bot_api.requests) == 2


def test_a_photo_too_large_by_its_update_is_refused_without_a_call(photo_message, bot_api, settings):
    settings.TRECKK_MAX_ATTACHMENT_BYTES = 80_000
    assert fetch_media(photo_message.pk, "AQADlargez") == "too_large"
    photo_message.refresh_from_db()
    assert photo_message.media[0]["error"] == "too_large" and "path" not in photo_message.media[0]
    assert bot_api.requests == []


def test_a_photo_too_large_by_getfile_is_refused_before_the_download(photo_message, bot_api, settings):
    settings.TRECKK_MAX_ATTACHMENT_BYTES = 90_000
    _answer_get_file(bot_api, file_size=2_500_000)
    assert fetch_media(photo_message.pk, "AQADlargez") == "too_large"
    assert [r.path for r in bot_api.requests] == [f"/bot{TOKEN}/getFile"]


def test_a_photo_larger_than_it_said_is_refused_while_downloading(photo_message, bot_api, settings):
    content = jpeg((400, 300))
    settings.TRECKK_MAX_ATTACHMENT_BYTES = len(content) - 1
    _answer_get_file(bot_api, file_size=1000)
    serve_file(bot_api, f"/file/bot{TOKEN}/photos/file_7.jpg", content)
    InboundMessage.objects.filter(pk=photo_message.pk).update(media=[{**photo_message.media[0], "file_size": 1000}])
    assert fetch_media(photo_message.pk, "AQADlargez") == "too_large"
    photo_message.refresh_from_db()
    assert photo_message.media[0]["error"] == "too_large"
    assert not default_storage.exists("channel-media") or default_storage.listdir("channel-media")[1] == []


def test_a_file_that_is_not_an_image_is_not_kept(photo_message, bot_api):
    _answer_get_file(bot_api, file_size=20)
    serve_file(bot_api, f"/file/bot{TOKEN}/photos/file_7.jpg", b"<html>not a photo</html>")
    assert fetch_media(photo_message.pk, "AQADlargez") == "unsupported_type"


def test_telegram_trouble_retries_the_download_later(photo_message, bot_api):
    bot_api.answer_next(502)
    assert fetch_media(photo_message.pk, "AQADlargez") == "retry"
    photo_message.refresh_from_db()
    assert photo_message.media[0]["attempts"] == 1 and "502" in photo_message.media[0]["error_detail"]
    # The first task ran now (its run_after is "any time"); the retry waits for the outbox's first backoff (30 s).
    retry = DBTaskResult.objects.get(task_path=DOWNLOAD_TASK, run_after__lt=timezone.now() + timedelta(hours=1))
    assert timezone.now() + timedelta(seconds=20) < retry.run_after < timezone.now() + timedelta(seconds=40)
    assert retry.args_kwargs["args"] == [photo_message.pk, "AQADlargez"]


def test_a_refused_getfile_gives_up_without_leaking_the_token(photo_message, bot_api):
    bot_api.responses_by_path[f"/bot{TOKEN}/getFile"] = {"ok": False, "error_code": 400, "description": "Bad Request: file is too big"}
    bot_api.answer_next(400)
    assert fetch_media(photo_message.pk, "AQADlargez") == "download_failed"
    photo_message.refresh_from_db()
    assert "file is too big" in photo_message.media[0]["error_detail"] and TOKEN not in json.dumps(photo_message.media)


# --- bot commands -------------------------------------------------------------------------------------------


def test_start_queues_one_welcome_even_when_redelivered(telegram):
    body = update("start")
    post(body)
    post(body)
    welcome = OutboundMessage.objects.get()
    assert (welcome.kind, welcome.recipient, welcome.channel, welcome.status) == (
        OutboundKind.REPLY, "6833012457", telegram, OutboundStatus.PENDING,
    )
    assert "Selamat datang" in welcome.body and "/status" in welcome.body
    assert welcome.conversation == Conversation.objects.get() and welcome.dedupe_key.startswith("telegram:start:")
    assert DBTaskResult.objects.filter(task_path="channels.tasks.deliver_outbound").count() == 1


def test_start_with_the_bots_name_or_a_deep_link_is_start_too(telegram):
    post(update("start", text="/start@lalisa_balangan_bot"))
    post(update("start", message_id=51, text="/start aduan-web"))
    assert OutboundMessage.objects.filter(kind=OutboundKind.REPLY).count() == 2


def test_the_welcome_is_delivered_with_sendmessage(telegram, bot_api):
    bot_api.responses_by_path[f"/bot{TOKEN}/sendMessage"] = _payload("send_message")
    post(update("start"))
    run_due_tasks()
    request = bot_api.requests[-1]
    assert (request.path, request.json()["chat_id"]) == (f"/bot{TOKEN}/sendMessage", "6833012457")
    assert "Selamat datang" in request.json()["text"]
    assert OutboundMessage.objects.get().status == DELIVERED


def test_status_with_a_code_answers_from_the_complaint(telegram, complaint_in):
    complaint = complaint_in("verification")
    post(update("text", text=f"/status {complaint.code.lower()}"))
    reply = OutboundMessage.objects.get()
    assert reply.kind == OutboundKind.STATUS and complaint.code in reply.body and reply.recipient == CHAT


def test_status_without_a_code_or_with_an_unknown_one_says_how(telegram):
    post(update("text", text="/status"))
    post(update("text", message_id=60, text="/status 7K3MP-QX9RA"))
    usage, unknown = OutboundMessage.objects.order_by("id")
    assert "misalnya /status" in usage.body
    assert "tidak menemukan aduan dengan kode 7K3MP-QX9RA" in unknown.body
    assert {usage.kind, unknown.kind} == {OutboundKind.REPLY}


def test_plain_text_gets_no_automatic_reply(telegram):
    post(update("text"))
    assert not OutboundMessage.objects.exists()


# --- sendMessage through the outbox ----------------------------------------------------------------------------


@pytest.fixture
def reply_to_rahmat(telegram) -> OutboundMessage:
    post(update("text"))
    return queue_message(
        channel=telegram, conversation=Conversation.objects.get(), kind=OutboundKind.REPLY, recipient=CHAT,
        body="Terima kasih, laporan Anda kami teruskan ke petugas.",
    )


def test_transport_posts_sendmessage_and_keeps_telegrams_message_id(reply_to_rahmat, bot_api):
    bot_api.responses_by_path[f"/bot{TOKEN}/sendMessage"] = _payload("send_message")
    assert deliver(reply_to_rahmat.pk) == DELIVERED
    request = bot_api.requests[-1]
    assert (request.method, request.path) == ("POST", f"/bot{TOKEN}/sendMessage")
    assert request.headers["content-type"] == "application/json"
    assert request.json() == {"chat_id": CHAT, "text": "Terima kasih, laporan Anda kami teruskan ke petugas."}
    reply_to_rahmat.refresh_from_db()
    assert (reply_to_rahmat.status, reply_to_rahmat.provider_message_id) == (DELIVERED, "4242")


def test_the_bot_token_stays_out_of_the_logs(reply_to_rahmat, bot_api, caplog):
    # Settings keep httpx at WARNING; an operator who turns it up to debug must still not see the token.
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")
    bot_api.responses_by_path[f"/bot{TOKEN}/sendMessage"] = _payload("send_message")
    deliver(reply_to_rahmat.pk)
    assert "/bot<token>/sendMessage" in caplog.text  # httpx did log the request...
    assert TOKEN not in caplog.text  # ...without the token


def test_a_refusal_goes_to_dead_letters(reply_to_rahmat, bot_api):
    bot_api.responses_by_path[f"/bot{TOKEN}/sendMessage"] = {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
    bot_api.answer_next(400)
    assert deliver(reply_to_rahmat.pk) == OutboundStatus.DEAD
    reply_to_rahmat.refresh_from_db()
    assert "chat not found" in reply_to_rahmat.last_error and TOKEN not in reply_to_rahmat.last_error


@pytest.mark.parametrize(("status", "answer"), [
    (429, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 7", "parameters": {"retry_after": 7}}),
    (500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}),
])
def test_flood_control_and_telegram_trouble_are_retried(reply_to_rahmat, bot_api, status, answer):
    bot_api.responses_by_path[f"/bot{TOKEN}/sendMessage"] = answer
    bot_api.answer_next(status)
    assert deliver(reply_to_rahmat.pk) == OutboundStatus.PENDING
    reply_to_rahmat.refresh_from_db()
    assert reply_to_rahmat.attempts == 1 and reply_to_rahmat.next_attempt_at > timezone.now()
    # Telegram is back: the next attempt, when due, sends it.
    bot_api.responses_by_path[f"/bot{TOKEN}/sendMessage"] = _payload("send_message")
    OutboundMessage.objects.filter(pk=reply_to_rahmat.pk).update(next_attempt_at=timezone.now())
    assert deliver(reply_to_rahmat.pk) == DELIVERED


@pytest.mark.parametrize(("code", "expected"), [(400, OutboundStatus.DEAD), (403, OutboundStatus.DEAD), (429, OutboundStatus.PENDING)])
def test_ok_false_with_http_200_is_judged_by_its_error_code(reply_to_rahmat, bot_api, code, expected):
    bot_api.responses_by_path[f"/bot{TOKEN}/sendMessage"] = {"ok": False, "error_code": code, "description": "refused"}
    assert deliver(reply_to_rahmat.pk) == expected


def test_an_unreachable_telegram_is_transient_and_the_error_hides_the_token(reply_to_rahmat, settings):
    settings.TELEGRAM_API_BASE_URL = "http://127.0.0.1:9"
    assert deliver(reply_to_rahmat.pk) == OutboundStatus.PENDING
    reply_to_rahmat.refresh_from_db()
    assert TOKEN not in reply_to_rahmat.last_error


def test_no_token_is_a_permanent_failure(reply_to_rahmat, settings):
    settings.TELEGRAM_BOT_TOKEN = ""
    assert deliver(reply_to_rahmat.pk) == OutboundStatus.DEAD


# --- manage.py telegram_set_webhook ---------------------------------------------------------------------------


def test_set_webhook_registers_our_url_and_secret(bot_api):
    bot_api.response = {"ok": True, "result": True, "description": "Webhook was set"}
    out = io.StringIO()
    call_command("telegram_set_webhook", "https://treckk.balangankab.example/", stdout=out)
    request = bot_api.requests[-1]
    assert (request.method, request.path) == ("POST", f"/bot{TOKEN}/setWebhook")
    assert request.json() == {
        "url": "https://treckk.balangankab.example/channels/telegram/webhook/", "secret_token": SECRET,
        "allowed_updates": ["message"], "drop_pending_updates": False,
    }
    assert "Webhook was set" in out.getvalue()


def test_set_webhook_keeps_a_sub_path_and_an_allowed_port(bot_api):
    call_command("telegram_set_webhook", "https://pemda.example:8443/treckk", stdout=io.StringIO())
    assert bot_api.requests[-1].json()["url"] == "https://pemda.example:8443/treckk/channels/telegram/webhook/"


@pytest.mark.parametrize("base_url", ["http://treckk.example.org", "treckk.example.org", "https://treckk.example.org:8000", "https://x.example/?a=1"])
def test_set_webhook_refuses_what_telegram_cannot_reach(bot_api, base_url):
    with pytest.raises(CommandError):
        call_command("telegram_set_webhook", base_url, stdout=io.StringIO())
    assert bot_api.requests == []


@pytest.mark.parametrize("empty", ["TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"])
def test_set_webhook_refuses_without_token_or_secret(bot_api, settings, empty):
    setattr(settings, empty, "")
    with pytest.raises(CommandError, match=empty):
        call_command("telegram_set_webhook", "https://treckk.example.org", stdout=io.StringIO())
    assert bot_api.requests == []


def test_set_webhook_reports_telegrams_refusal(bot_api):
    bot_api.response = {"ok": False, "error_code": 401, "description": "Unauthorized"}
    bot_api.answer_next(401)
    with pytest.raises(CommandError, match="Unauthorized") as refused:
        call_command("telegram_set_webhook", "https://treckk.example.org", stdout=io.StringIO())
    assert TOKEN not in str(refused.value)


# --- replies longer than one Telegram message ------------------------------------------------------------------
# Bot API, sendMessage: "text: Text of the message to be sent, 1-4096 characters after entities parsing"; Telegram
# counts these in UTF-16 code units (core.telegram.org/api/entities, "Entity length"). The answers are send_message.json.

LIMIT = 4096


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def long_reply() -> str:
    paragraph = "Petugas Satpol PP sudah meninjau lokasi dan mencatat keterangan warga sekitar pasar. " * 12
    return "\n\n".join(f"{number}. {paragraph.strip()}" for number in range(1, 8))  # about 7,200 characters


def sent_texts(bot_api) -> list[str]:
    return [r.json()["text"] for r in bot_api.requests if r.path.endswith("/sendMessage") and r.status == 200]


@pytest.fixture
def long_reply_to_rahmat(telegram, bot_api) -> OutboundMessage:
    bot_api.responses_by_path[f"/bot{TOKEN}/sendMessage"] = _payload("send_message")
    post(update("text"))
    return queue_message(
        channel=telegram, conversation=Conversation.objects.get(), kind=OutboundKind.REPLY, recipient=CHAT, body=long_reply(),
    )


def test_a_reply_over_4096_characters_goes_as_several_messages(long_reply_to_rahmat, bot_api):
    assert deliver(long_reply_to_rahmat.pk) == DELIVERED  # not dead-lettered
    texts = sent_texts(bot_api)
    assert len(texts) == 2
    assert all(utf16_units(text) <= LIMIT for text in texts)
    # Cut between paragraphs, and nothing lost or repeated.
    assert texts[0].endswith(".") and texts[1][0].isdigit()
    assert "\n\n".join(texts) == long_reply()
    long_reply_to_rahmat.refresh_from_db()
    assert long_reply_to_rahmat.parts_sent == 2


def test_a_retry_after_a_partial_failure_sends_only_the_parts_not_yet_sent(long_reply_to_rahmat, bot_api):
    bot_api.answer_next(200, 429)  # the first part goes, Telegram's flood control stops the second
    assert deliver(long_reply_to_rahmat.pk) == OutboundStatus.PENDING
    long_reply_to_rahmat.refresh_from_db()
    assert long_reply_to_rahmat.parts_sent == 1 and long_reply_to_rahmat.status == OutboundStatus.PENDING

    OutboundMessage.objects.filter(pk=long_reply_to_rahmat.pk).update(next_attempt_at=timezone.now())
    assert deliver(long_reply_to_rahmat.pk) == DELIVERED  # confirmed only now, with every part in the chat
    texts = sent_texts(bot_api)
    assert len(texts) == 2 and "\n\n".join(texts) == long_reply()  # the first part was not sent again


def test_an_operators_retry_of_a_dead_long_reply_resumes_where_it_stopped(long_reply_to_rahmat, bot_api):
    from channels.outbox import retry_now

    bot_api.answer_next(200, 400)
    assert deliver(long_reply_to_rahmat.pk) == OutboundStatus.DEAD
    assert retry_now(OutboundMessage.objects.get(pk=long_reply_to_rahmat.pk))
    assert deliver(long_reply_to_rahmat.pk) == DELIVERED
    assert len(sent_texts(bot_api)) == 2


@pytest.mark.parametrize("text", [
    "🚨" * 3000,  # 3,000 characters, 6,000 UTF-16 code units: too long for one message although len() says 3,000
    "a" * 4095 + "🚨" + "b" * 10,  # the emoji's surrogate pair straddles unit 4096: the cut comes before it
    ("kata " * 2000).strip(),  # no line breaks: cut between words
    "x" * 9000,  # one endless word: cut hard, still whole characters
    "Baris pendek.\n" * 700,  # lines, no paragraphs
])
def test_splitting_counts_utf16_units_and_never_cuts_a_character(text):
    from channels.telegram.transport import split_text

    parts = split_text(text)
    assert len(parts) > 1
    assert all(0 < utf16_units(part) <= LIMIT for part in parts)
    # Every part is valid text on its own (no lone surrogate), and together they keep every character but the cut spaces.
    for part in parts:
        part.encode("utf-16-le").decode("utf-16-le")
    assert "".join(parts).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace("\n", "")


def test_a_short_reply_is_one_message_as_before():
    from channels.telegram.transport import split_text

    assert split_text("Terima kasih.") == ["Terima kasih."]
    assert split_text("x" * LIMIT) == ["x" * LIMIT]

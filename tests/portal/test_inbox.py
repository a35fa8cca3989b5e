"""The Operator's inbox: conversations from messaging channels, the thread, replies, and complaints made from them."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from channels.models import CannedReply, Conversation, InboundMessage, OutboundKind, OutboundMessage, OutboundStatus
from channels.services import NormalizedMessage, receive_message
from complaints.models import Attachment, Channel, ChannelKind, Complaint
from complaints.workflow import Status
from roles.roles import Role
from tests.helpers import snapshot

pytestmark = pytest.mark.django_db

_counter = iter(range(1, 10**6))


@pytest.fixture
def whatsapp():
    return Channel.objects.create(name="WhatsApp La-Lisa", kind=ChannelKind.WHATSAPP)


@pytest.fixture
def telegram():
    return Channel.objects.create(name="Telegram Satpol PP", kind=ChannelKind.TELEGRAM)


@pytest.fixture
def api_channel():
    return Channel.objects.create(name="Aplikasi mitra", kind=ChannelKind.API)


def say(channel, sender_id: str, text: str = "", *, name: str = "", phone: str = "", ago: timedelta = timedelta(0), **fields):
    """A citizen's message through the same service every adapter calls."""
    incoming = NormalizedMessage(
        external_id=f"ext-{next(_counter)}", sender_id=sender_id, sender_name=name, sender_phone=phone, text=text,
        sent_at=timezone.now() - ago, **fields,
    )
    return receive_message(channel, incoming).message


def _png() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


# Who may open it --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", [Role.KASI, Role.KABID, Role.TRC, "nobody"])
def test_other_roles_are_refused_in_indonesian(portal_as, whatsapp, who):
    message = say(whatsapp, "6281200000001", "Halo")
    client = portal_as(who)
    for url in ("/inbox/", f"/inbox/{message.conversation_id}/", "/outbox/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Kotak masuk hanya untuk Operator dan Kepala." in response.content.decode()
    response = client.post(f"/inbox/{message.conversation_id}/reply/", {"body": "Halo"})
    assert response.status_code == 403
    assert not OutboundMessage.objects.exists()


@pytest.mark.parametrize("who", [Role.OPERATOR, Role.KEPALA])
def test_operator_and_kepala_open_the_inbox(portal_as, whatsapp, who):
    say(whatsapp, "6281200000001", "Ada keributan", name="Siti")
    response = portal_as(who).get("/inbox/")
    assert response.status_code == 200
    assert "Siti" in response.content.decode()


def test_anonymous_users_go_to_the_login(client):
    response = client.get("/inbox/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_only_the_operator_gets_the_unread_and_dead_counts_in_the_navigation(portal_as, whatsapp):
    say(whatsapp, "6281200000001", "Satu")
    say(whatsapp, "6281200000001", "Dua")
    say(whatsapp, "6281200000002", "Tiga")
    OutboundMessage.objects.create(channel=whatsapp, kind=OutboundKind.REPLY, recipient="x", status=OutboundStatus.DEAD)
    page = portal_as(Role.OPERATOR).get("/queue/operator/").content.decode()
    assert re.search(r'href="/inbox/"[^>]*>Kotak masuk <span class="count busy" id="count-inbox">3</span>', page)
    assert re.search(r'href="/outbox/"[^>]*>Pesan gagal <span class="count busy" id="count-outbox">1</span>', page)
    kepala = portal_as(Role.KEPALA).get("/queue/kepala/").content.decode()
    assert 'href="/inbox/"' in kepala and 'id="count-inbox"' not in kepala
    kasi = portal_as(Role.KASI).get("/queue/kasi/").content.decode()
    assert 'href="/inbox/"' not in kasi and 'href="/outbox/"' not in kasi


# The list ---------------------------------------------------------------------------------------------------------

def _rows(page: str) -> list[str]:
    return re.findall(r'<a href="/inbox/(\d+)/">', page)


def test_list_shows_conversations_newest_first_with_unread_counts(portal_as, whatsapp, telegram):
    older = say(whatsapp, "6281200000001", "Pesan lama", name="Siti Rahmah", phone="6281200000001").conversation
    say(whatsapp, "6281200000001", "Pesan lama kedua")
    long_text = "Ada balap liar di jalan poros malam ini dekat jembatan, tolong ditertibkan segera " * 2
    newer = say(telegram, "777001", long_text, name="Ahmad").conversation
    Conversation.objects.filter(pk=older.pk).update(last_message_at=timezone.now() - timedelta(hours=2))
    page = portal_as(Role.OPERATOR).get("/inbox/").content.decode()
    assert _rows(page) == [str(newer.pk), str(older.pk)]
    assert "2 percakapan" in page
    older_row = page.split(f'<a href="/inbox/{older.pk}/">', 1)[1].split("</tr>", 1)[0]
    assert "Siti Rahmah" in page and "6281200000001" in older_row
    assert "Pesan lama kedua" in older_row  # the last message as the preview
    assert '<span class="count busy">2</span>' in older_row
    assert "WhatsApp La-Lisa" in older_row and "WITA" in older_row
    newer_row = page.split(f'<a href="/inbox/{newer.pk}/">', 1)[1].split("</tr>", 1)[0]
    assert "…" in newer_row  # a long message is truncated
    assert "Telegram Satpol PP" in newer_row


def test_list_shows_the_linked_complaint_codes(portal_as, whatsapp, complaint_in):
    message = say(whatsapp, "6281200000001", "Keributan")
    complaint = complaint_in(Status.SUBMITTED)
    message.conversation.complaints.add(complaint)
    page = portal_as(Role.OPERATOR).get("/inbox/").content.decode()
    assert f'<a class="code" href="/cases/{complaint.code}/">{complaint.code}</a>' in page


def test_a_message_without_text_is_previewed_by_its_kind(portal_as, whatsapp):
    say(whatsapp, "6281200000001", latitude=Decimal("-2.33"), longitude=Decimal("115.467"))
    say(whatsapp, "6281200000002", media=[{"id": "m1", "content_type": "image/jpeg"}])
    page = portal_as(Role.OPERATOR).get("/inbox/").content.decode()
    assert "[lokasi]" in page and "[lampiran]" in page


def test_filter_by_channel_and_unread_only(portal_as, whatsapp, telegram):
    on_whatsapp = say(whatsapp, "6281200000001", "WA").conversation
    on_telegram = say(telegram, "777001", "TG").conversation
    read = say(whatsapp, "6281200000002", "Sudah dibaca").conversation
    Conversation.objects.filter(pk=read.pk).update(unread_count=0)
    client = portal_as(Role.OPERATOR)
    assert sorted(_rows(client.get(f"/inbox/?channel={whatsapp.pk}").content.decode())) == sorted([str(on_whatsapp.pk), str(read.pk)])
    assert _rows(client.get(f"/inbox/?channel={telegram.pk}").content.decode()) == [str(on_telegram.pk)]
    assert str(read.pk) not in _rows(client.get("/inbox/?unread=on").content.decode())
    assert _rows(client.get(f"/inbox/?channel={whatsapp.pk}&unread=on").content.decode()) == [str(on_whatsapp.pk)]


def test_an_unknown_channel_in_the_filter_is_a_400_with_the_reason(portal_as, whatsapp):
    say(whatsapp, "6281200000001", "WA")
    response = portal_as(Role.OPERATOR).get("/inbox/?channel=99999")
    assert response.status_code == 400
    assert "Kanal:" in response.content.decode() and "0 percakapan" in response.content.decode()


def test_the_list_is_paginated_by_fifty(portal_as, whatsapp):
    for i in range(55):
        say(whatsapp, f"62812000{i:05d}", f"Pesan {i}")
    client = portal_as(Role.OPERATOR)
    first = client.get("/inbox/").content.decode()
    assert len(_rows(first)) == 50 and "Halaman 1 dari 2" in first
    assert len(_rows(client.get("/inbox/?page=2").content.decode())) == 5


def test_htmx_poll_answers_with_the_results_only_and_refreshes_the_nav_counts(htmx_as, whatsapp):
    say(whatsapp, "6281200000001", "Halo")
    page = htmx_as(Role.OPERATOR).get("/inbox/").content.decode()
    assert page.lstrip().startswith('<section id="results"')
    assert 'hx-trigger="every 30s' in page
    assert '<span class="count busy" id="count-inbox" hx-swap-oob="true">1</span>' in page
    assert "<html" not in page


def test_an_empty_inbox_says_so(portal_as):
    page = portal_as(Role.OPERATOR).get("/inbox/").content.decode()
    assert "Belum ada pesan dari warga." in page


def _queries(client, url: str) -> int:
    client.get(url)  # warm per-process caches, and mark the conversation read, so both counts compare like with like
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _conversations(channel, count: int, complaint=None) -> None:
    for _ in range(count):
        message = say(channel, f"sender-{next(_counter)}", "Halo", media=[{"id": "m", "content_type": "image/jpeg"}])
        if complaint is not None:
            message.conversation.complaints.add(complaint)


@pytest.mark.parametrize("htmx", [False, True])
def test_list_queries_do_not_grow_with_the_conversations(portal_as, whatsapp, telegram, complaint_in, htmx):
    client = portal_as(Role.OPERATOR, **({"HTTP_HX_REQUEST": "true"} if htmx else {}))
    complaint = complaint_in(Status.SUBMITTED)
    _conversations(whatsapp, 2, complaint)
    _conversations(telegram, 1)
    small = _queries(client, "/inbox/")
    _conversations(whatsapp, 30, complaint)
    _conversations(telegram, 20)
    assert _queries(client, "/inbox/") == small


def test_thread_queries_do_not_grow_with_its_messages(portal_as, whatsapp):
    first = say(whatsapp, "6281200000001", "Halo", latitude=Decimal("-2.33"), longitude=Decimal("115.46"))
    conversation = first.conversation
    client = portal_as(Role.OPERATOR)
    url = f"/inbox/{conversation.pk}/"
    client.post(f"/inbox/{conversation.pk}/reply/", {"body": "Baik"})
    small = _queries(client, url)
    for i in range(30):
        say(whatsapp, "6281200000001", f"Pesan {i}", latitude=Decimal("-2.33"), longitude=Decimal("115.46"))
        client.post(f"/inbox/{conversation.pk}/reply/", {"body": f"Balasan {i}"})
    assert _queries(client, url) == small


# The thread -------------------------------------------------------------------------------------------------------

def test_opening_a_conversation_marks_it_read_and_shows_the_thread_in_order(portal_as, users, whatsapp):
    first = say(whatsapp, "6281200000001", "Ada keributan di pasar", name="Siti", ago=timedelta(minutes=30))
    conversation = first.conversation
    client = portal_as(Role.OPERATOR)
    client.post(f"/inbox/{conversation.pk}/reply/", {"body": "Di pasar mana, Bu?"})
    say(whatsapp, "6281200000001", "Pasar Paringin")
    assert Conversation.objects.get(pk=conversation.pk).unread_count == 2

    response = client.get(f"/inbox/{conversation.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert Conversation.objects.get(pk=conversation.pk).unread_count == 0
    order = [page.index(text) for text in ("Ada keributan di pasar", "Di pasar mana, Bu?", "Pasar Paringin")]
    assert order == sorted(order)
    outbound = page.split('class="msg out"', 1)[1].split("</li>", 1)[0]
    assert "Menunggu" in outbound and "Operator" in outbound


def test_a_conversation_that_does_not_exist_is_404(portal_as):
    assert portal_as(Role.OPERATOR).get("/inbox/999999/").status_code == 404


@pytest.mark.parametrize(("status", "label"), [
    (OutboundStatus.PENDING, "Menunggu"), (OutboundStatus.SENT, "Terkirim"), (OutboundStatus.DELIVERED, "Sampai di penerima"),
    (OutboundStatus.READ, "Dibaca"), (OutboundStatus.DEAD, "Gagal"),
])
def test_outbound_messages_show_their_delivery_status(portal_as, whatsapp, status, label):
    conversation = say(whatsapp, "6281200000001", "Halo").conversation
    OutboundMessage.objects.create(
        channel=whatsapp, conversation=conversation, kind=OutboundKind.REPLY, recipient="6281200000001", body="Balasan",
        status=status, last_error="Graph API 131047" if status == OutboundStatus.DEAD else "",
    )
    page = portal_as(Role.OPERATOR).get(f"/inbox/{conversation.pk}/").content.decode()
    outbound = page.split('class="msg out"', 1)[1].split("</li>", 1)[0]
    assert f'<span class="delivery {status}">{label}' in outbound
    assert ("Coba lagi" in outbound) == (status == OutboundStatus.DEAD)
    assert ("Graph API 131047" in outbound) == (status == OutboundStatus.DEAD)


def test_location_is_a_link_to_openstreetmap(portal_as, whatsapp):
    conversation = say(
        whatsapp, "6281200000001", latitude=Decimal("-2.330000"), longitude=Decimal("115.467000"), location_name="Pasar Paringin",
    ).conversation
    page = portal_as(Role.OPERATOR).get(f"/inbox/{conversation.pk}/").content.decode()
    assert 'href="https://www.openstreetmap.org/?mlat=-2.330000&amp;mlon=115.467000#map=17/-2.330000/115.467000"' in page
    assert "Pasar Paringin · -2.330000, 115.467000" in page  # decimal points, not the Indonesian decimal comma


def test_stored_media_shows_a_thumbnail_and_opens_the_file(portal_as, whatsapp):
    path = default_storage.save("channel-media/uji.png", ContentFile(_png()))
    message = say(whatsapp, "6281200000001", "Foto", media=[
        {"id": "m1", "content_type": "image/png", "path": path},
        {"id": "m2", "content_type": "image/jpeg"},
        {"id": "m3", "content_type": "image/jpeg", "error": "too_large"},
    ])
    client = portal_as(Role.OPERATOR)
    base = f"/inbox/{message.conversation_id}/messages/{message.pk}/media"
    page = client.get(f"/inbox/{message.conversation_id}/").content.decode()
    assert f'<img src="{base}/0/thumbnail/"' in page
    assert "Lampiran sedang diunduh" in page and "too_large" in page
    thumbnail = client.get(f"{base}/0/thumbnail/")
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/jpeg"
    original = client.get(f"{base}/0/")
    assert original.status_code == 200 and original["Content-Type"] == "image/png"
    assert b"".join(original.streaming_content) == _png()
    assert client.get(f"{base}/1/").status_code == 404  # not downloaded yet
    assert client.get(f"{base}/9/").status_code == 404
    assert portal_as(Role.KASI).get(f"{base}/0/").status_code == 403


def test_media_outside_the_channel_media_folder_is_never_served(portal_as, whatsapp, settings):
    default_storage.save("attachments/secret.png", ContentFile(_png()))
    message = say(whatsapp, "6281200000001", media=[
        {"id": "m1", "path": "attachments/secret.png"}, {"id": "m2", "path": "channel-media/../attachments/secret.png"},
    ])
    client = portal_as(Role.OPERATOR)
    for index in (0, 1):
        assert client.get(f"/inbox/{message.conversation_id}/messages/{message.pk}/media/{index}/").status_code == 404


def test_media_of_another_conversation_is_404(portal_as, whatsapp):
    path = default_storage.save("channel-media/uji.png", ContentFile(_png()))
    message = say(whatsapp, "6281200000001", media=[{"id": "m1", "path": path}])
    other = say(whatsapp, "6281200000002", "Lain").conversation
    assert portal_as(Role.OPERATOR).get(f"/inbox/{other.pk}/messages/{message.pk}/media/0/").status_code == 404


def test_an_integrators_media_link_is_shown_as_a_link(portal_as, api_channel):
    message = say(api_channel, "warga-1", "Foto", media=[{"url": "https://mitra.example/foto/1.jpg", "content_type": "image/jpeg"}])
    page = portal_as(Role.OPERATOR).get(f"/inbox/{message.conversation_id}/").content.decode()
    assert 'href="https://mitra.example/foto/1.jpg"' in page


# Replies ----------------------------------------------------------------------------------------------------------

def test_reply_queues_an_outbound_message_to_the_sender_and_shows_it(portal_as, users, whatsapp):
    conversation = say(whatsapp, "6281200000001", "Halo").conversation
    client = portal_as(Role.OPERATOR)
    response = client.post(f"/inbox/{conversation.pk}/reply/", {"body": "  Terima kasih, kami cek.  "})
    assert response.status_code == 302 and response["Location"] == f"/inbox/{conversation.pk}/"
    message = OutboundMessage.objects.get()
    assert (message.kind, message.recipient, message.body, message.status) == (
        OutboundKind.REPLY, "6281200000001", "Terima kasih, kami cek.", OutboundStatus.PENDING,
    )
    assert message.conversation == conversation and message.channel == whatsapp and message.created_by == users[Role.OPERATOR]
    page = client.get(response["Location"]).content.decode()
    assert "Balasan masuk antrean kirim." in page
    assert "Terima kasih, kami cek." in page.split('class="msg out"', 1)[1]


def test_reply_with_htmx_redraws_the_whole_conversation(htmx_as, whatsapp):
    conversation = say(whatsapp, "6281200000001", "Halo").conversation
    response = htmx_as(Role.OPERATOR).post(f"/inbox/{conversation.pk}/reply/", {"body": "Baik"})
    page = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#conversation" and response["HX-Reswap"] == "outerHTML"
    assert page.lstrip().startswith('<div id="conversation"')
    assert "Balasan masuk antrean kirim." in page and "Baik" in page


@pytest.mark.parametrize(("body", "error"), [
    ("", "Bidang ini harus diisi."),
    ("   ", "Bidang ini harus diisi."),
    ("x" * 4097, "Pastikan nilai ini mengandung paling banyak 4096 karakter"),
])
def test_a_bad_reply_is_refused_in_place(htmx_as, whatsapp, body, error):
    conversation = say(whatsapp, "6281200000001", "Halo").conversation
    response = htmx_as(Role.OPERATOR).post(f"/inbox/{conversation.pk}/reply/", {"body": body})
    page = response.content.decode()
    assert response.status_code == 422
    assert page.lstrip().startswith('<form id="reply"')
    assert error in page
    assert not OutboundMessage.objects.exists()


def test_no_reply_goes_to_a_disabled_channel(portal_as, whatsapp):
    conversation = say(whatsapp, "6281200000001", "Halo").conversation
    Channel.objects.filter(pk=whatsapp.pk).update(is_active=False)
    response = portal_as(Role.OPERATOR).post(f"/inbox/{conversation.pk}/reply/", {"body": "Halo"})
    assert response.status_code == 422
    assert "sedang nonaktif" in response.content.decode()
    assert not OutboundMessage.objects.exists()


def test_reply_needs_post(portal_as, whatsapp):
    conversation = say(whatsapp, "6281200000001", "Halo").conversation
    assert portal_as(Role.OPERATOR).get(f"/inbox/{conversation.pk}/reply/").status_code == 405


def test_canned_replies_are_offered_and_fill_the_text_without_sending(portal_as, htmx_as, whatsapp):
    assert CannedReply.objects.filter(is_active=True).count() >= 3  # seeded by the data migration
    canned = CannedReply.objects.get(title="Cara melapor")
    CannedReply.objects.create(title="Lama", body="Tidak dipakai lagi", is_active=False)
    conversation = say(whatsapp, "6281200000001", "Bagaimana cara melapor?").conversation
    page = portal_as(Role.OPERATOR).get(f"/inbox/{conversation.pk}/").content.decode()
    assert f'<option value="{canned.pk}">Cara melapor</option>' in page and "Lama" not in page

    # Without JavaScript: choose, press "Pakai"; the text is added to what was typed.
    response = portal_as(Role.OPERATOR).post(
        f"/inbox/{conversation.pk}/reply/", {"body": "Selamat pagi.", "canned": canned.pk, "use_canned": "1"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    textarea = page.split('name="body"', 1)[1].split("</textarea>", 1)[0]
    assert "Selamat pagi." in textarea and "Untuk melapor, kirim di sini" in textarea
    # With htmx (the select's change): only the reply form comes back.
    response = htmx_as(Role.OPERATOR).post(f"/inbox/{conversation.pk}/reply/", {"body": "", "canned": canned.pk, "use_canned": "1"})
    assert response.content.decode().lstrip().startswith('<form id="reply"')
    assert "Untuk melapor, kirim di sini" in response.content.decode()
    assert not OutboundMessage.objects.exists()


def test_pakai_without_a_choice_says_what_to_do(htmx_as, whatsapp):
    conversation = say(whatsapp, "6281200000001", "Halo").conversation
    for choice in ("", "999999", "abc"):
        data = {"body": "Ketikan saya", "canned": choice, "use_canned": "1"}
        response = htmx_as(Role.OPERATOR).post(f"/inbox/{conversation.pk}/reply/", data)
        page = response.content.decode()
        assert "Pilih balasan siap pakai terlebih dahulu." in page and "Ketikan saya" in page
    assert not OutboundMessage.objects.exists()


def test_whatsapp_outside_the_24_hour_window_says_a_template_goes_out(portal_as, whatsapp, telegram):
    old = say(whatsapp, "6281200000001", "Halo", ago=timedelta(hours=30)).conversation
    fresh = say(whatsapp, "6281200000002", "Halo", ago=timedelta(hours=1)).conversation
    old_telegram = say(telegram, "777001", "Halo", ago=timedelta(hours=30)).conversation
    client = portal_as(Role.OPERATOR)
    notice = "Di luar jendela 24 jam: dikirim sebagai templat"
    assert notice in client.get(f"/inbox/{old.pk}/").content.decode()
    assert notice not in client.get(f"/inbox/{fresh.pk}/").content.decode()
    assert notice not in client.get(f"/inbox/{old_telegram.pk}/").content.decode()


def test_without_the_window_module_every_reply_is_free(monkeypatch, whatsapp):
    import sys

    from portal.views.inbox import reply_mode

    conversation = say(whatsapp, "6281200000001", "Halo", ago=timedelta(hours=30)).conversation
    monkeypatch.setitem(sys.modules, "channels.whatsapp.window", None)  # importing it now raises ImportError
    assert reply_mode(Conversation.objects.select_related("channel").get(pk=conversation.pk)) == "free"


# Create a complaint from a conversation ---------------------------------------------------------------------------

@pytest.fixture
def conversation_with_report(whatsapp):
    say(whatsapp, "6281255501234", "Ada keributan di depan pasar.", name="Siti Rahmah", phone="6281255501234", ago=timedelta(minutes=20))
    say(whatsapp, "6281255501234", latitude=Decimal("-2.331000"), longitude=Decimal("115.468000"), location_name="Pasar Paringin",
        ago=timedelta(minutes=19))
    last = say(whatsapp, "6281255501234", "Sudah sejak jam 10 malam.", ago=timedelta(minutes=18))
    return last.conversation


def _complaint_form(page: str) -> str:
    return page.split('class="action action-create"', 1)[1].split("</form>", 1)[0]


def test_the_complaint_form_starts_from_the_conversation(portal_as, conversation_with_report, paringin):
    page = portal_as(Role.OPERATOR).get(f"/inbox/{conversation_with_report.pk}/").content.decode()
    form = _complaint_form(page)
    assert "Ada keributan di depan pasar.\nSudah sejak jam 10 malam.</textarea>" in form
    assert 'name="reporter_name" value="Siti Rahmah"' in form
    assert 'name="reporter_phone" value="6281255501234"' in form
    assert 'name="latitude" value="-2.331000"' in form and 'name="longitude" value="115.468000"' in form
    assert 'name="address" value="Pasar Paringin"' in form
    assert f'<option value="{paringin.pk}" selected>' in form  # the nearest kecamatan to the shared location
    ids = InboundMessage.objects.filter(conversation=conversation_with_report).values_list("pk", flat=True)
    for pk in ids:
        assert f'name="message_ids" value="{pk}" checked' in form


def _create_data(conversation, category, district, /, **overrides) -> dict:
    ids = list(InboundMessage.objects.filter(conversation=conversation).values_list("pk", flat=True))
    data = {
        "category": category.pk, "description": "Keributan di depan pasar sejak jam 10 malam.", "district": district.pk,
        "reporter_name": "Siti Rahmah", "reporter_phone": "6281255501234", "message_ids": ids, "attach_media": "on",
        "latitude": "-2.331000", "longitude": "115.468000",
    }
    data.update(overrides)
    return data


def test_create_complaint_links_the_messages_and_queues_the_receipt(portal_as, users, conversation_with_report, category, paringin):
    client = portal_as(Role.OPERATOR)
    response = client.post(f"/inbox/{conversation_with_report.pk}/complaint/", _create_data(conversation_with_report, category, paringin))
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{complaint.code}/"
    assert (complaint.status, complaint.channel_kind) == (Status.SUBMITTED, ChannelKind.WHATSAPP)
    assert complaint.created_by == users[Role.OPERATOR]
    assert complaint.reporter.name == "Siti Rahmah" and complaint.latitude == Decimal("-2.331000")
    assert set(InboundMessage.objects.values_list("complaint_id", flat=True)) == {complaint.pk}
    assert list(conversation_with_report.complaints.all()) == [complaint]
    receipt = OutboundMessage.objects.get(kind=OutboundKind.RECEIPT)
    assert (receipt.recipient, receipt.complaint, receipt.conversation) == ("6281255501234", complaint, conversation_with_report)
    assert complaint.code in receipt.body
    case_page = client.get(response["Location"]).content.decode()
    assert f"Aduan {complaint.code} dibuat dari percakapan" in case_page


def test_create_with_htmx_redirects_the_browser_to_the_case(htmx_as, conversation_with_report, category, paringin):
    response = htmx_as(Role.OPERATOR).post(
        f"/inbox/{conversation_with_report.pk}/complaint/", _create_data(conversation_with_report, category, paringin),
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/cases/{Complaint.objects.get().code}/"


def test_only_the_chosen_messages_are_linked(portal_as, conversation_with_report, category, paringin):
    first, *rest = InboundMessage.objects.filter(conversation=conversation_with_report).order_by("sent_at")
    portal_as(Role.OPERATOR).post(
        f"/inbox/{conversation_with_report.pk}/complaint/",
        _create_data(conversation_with_report, category, paringin, message_ids=[first.pk]),
    )
    complaint = Complaint.objects.get()
    assert InboundMessage.objects.get(pk=first.pk).complaint == complaint
    assert all(InboundMessage.objects.get(pk=m.pk).complaint is None for m in rest)
    # Next time the form starts from what is left.
    page = portal_as(Role.OPERATOR).get(f"/inbox/{conversation_with_report.pk}/").content.decode()
    form = _complaint_form(page)
    assert form.startswith(" open>")
    assert f'name="message_ids" value="{first.pk}" checked' not in form
    assert "Ada keributan di depan pasar." not in form.split("<textarea", 1)[1]


def test_once_every_message_belongs_to_a_complaint_no_form_opens_by_itself(portal_as, conversation_with_report, complaint_in):
    complaint = complaint_in(Status.SCREENING)
    InboundMessage.objects.filter(conversation=conversation_with_report).update(complaint=complaint)
    for who in (Role.OPERATOR, Role.KEPALA):
        page = portal_as(who).get(f"/inbox/{conversation_with_report.pk}/").content.decode()
        assert '<details class="action action-create">' in page or who == Role.KEPALA
        assert '<details class="action action-link">' in page


def test_stored_photos_of_the_chosen_messages_become_evidence(portal_as, whatsapp, category, paringin):
    path = default_storage.save("channel-media/bukti.png", ContentFile(_png()))
    media = [{"id": "m1", "path": path, "content_type": "image/png"}]
    message = say(whatsapp, "6281200000001", "Lihat foto ini", name="Rudi", media=media)
    client = portal_as(Role.OPERATOR)
    client.post(f"/inbox/{message.conversation_id}/complaint/", _create_data(message.conversation, category, paringin))
    attachment = Attachment.objects.get()
    assert (attachment.complaint, attachment.kind, attachment.content_type) == (Complaint.objects.get(), "evidence", "image/png")


def test_photos_stay_behind_when_unticked(portal_as, whatsapp, category, paringin):
    path = default_storage.save("channel-media/bukti.png", ContentFile(_png()))
    message = say(whatsapp, "6281200000001", "Lihat foto ini", name="Rudi", media=[{"id": "m1", "path": path}])
    data = _create_data(message.conversation, category, paringin)
    del data["attach_media"]
    portal_as(Role.OPERATOR).post(f"/inbox/{message.conversation_id}/complaint/", data)
    assert Complaint.objects.exists() and not Attachment.objects.exists()


def test_no_receipt_is_queued_for_an_api_channel_conversation(portal_as, api_channel, category, paringin):
    message = say(api_channel, "warga-1", "Ada reklame liar", name="Warga")
    data = _create_data(message.conversation, category, paringin)
    response = portal_as(Role.OPERATOR).post(f"/inbox/{message.conversation_id}/complaint/", data)
    assert response.status_code == 302
    assert InboundMessage.objects.get().complaint == Complaint.objects.get()
    assert not OutboundMessage.objects.filter(kind=OutboundKind.RECEIPT).exists()


@pytest.mark.parametrize(("overrides", "field", "error"), [
    ({"category": ""}, "category", "Bidang ini harus diisi."),
    ({"description": " "}, "description", "Bidang ini harus diisi."),
    ({"district": "999999"}, "district", "Masukkan pilihan yang valid."),
    ({"message_ids": []}, "message_ids", "Pilih sedikitnya satu pesan untuk aduan ini."),
    ({"message_ids": ["999999"]}, "message_ids", "Pesan 999999 bukan bagian dari percakapan ini."),
    ({"latitude": "", "longitude": "115.468000"}, "latitude", "Isi lintang dan bujur bersama-sama."),
    ({"reporter_name": "", "reporter_phone": ""}, "reporter_name", "Isi nama atau telepon pelapor, atau centang anonim."),
    ({"reporter_phone": "nomor saya"}, "reporter_phone", "Nomor telepon tidak valid."),
    ({"anonymous": "on"}, "anonymous", "Aduan anonim tidak boleh berisi data pelapor."),
])
def test_a_bad_complaint_is_refused_inline_and_writes_nothing(
    htmx_as, conversation_with_report, category, paringin, overrides, field, error,
):
    data = _create_data(conversation_with_report, category, paringin, **overrides)
    response = htmx_as(Role.OPERATOR).post(f"/inbox/{conversation_with_report.pk}/complaint/", data)
    page = response.content.decode()
    assert response.status_code == 422
    assert page.lstrip().startswith('<aside id="complaint-panel"')
    assert error in page
    assert not Complaint.objects.exists()
    assert not InboundMessage.objects.filter(complaint__isnull=False).exists()
    assert not conversation_with_report.complaints.exists()
    assert not OutboundMessage.objects.exists()


def test_a_village_of_another_kecamatan_is_refused(portal_as, conversation_with_report, category, paringin, halong):
    from complaints.models import Village

    village = Village.objects.create(district=halong, name="Halong")
    response = portal_as(Role.OPERATOR).post(
        f"/inbox/{conversation_with_report.pk}/complaint/", _create_data(conversation_with_report, category, paringin, village=village.pk),
    )
    assert response.status_code == 422
    assert not Complaint.objects.exists()


def test_kepala_may_link_but_not_create(portal_as, conversation_with_report, category, paringin):
    client = portal_as(Role.KEPALA)
    page = client.get(f"/inbox/{conversation_with_report.pk}/").content.decode()
    assert "action-create" not in page and '<details class="action action-link" open>' in page
    response = client.post(f"/inbox/{conversation_with_report.pk}/complaint/", _create_data(conversation_with_report, category, paringin))
    assert response.status_code == 403
    assert not Complaint.objects.exists()


# Link to an existing complaint ------------------------------------------------------------------------------------

def test_link_to_an_existing_complaint(portal_as, conversation_with_report, complaint_in):
    complaint = complaint_in(Status.SCREENING)
    before = snapshot(complaint)
    ids = list(InboundMessage.objects.filter(conversation=conversation_with_report).values_list("pk", flat=True))
    client = portal_as(Role.OPERATOR)
    response = client.post(f"/inbox/{conversation_with_report.pk}/link/", {"code": f" {complaint.code.lower()} ", "message_ids": ids[:2]})
    assert response.status_code == 302 and response["Location"] == f"/inbox/{conversation_with_report.pk}/"
    assert list(conversation_with_report.complaints.all()) == [complaint]
    assert InboundMessage.objects.filter(complaint=complaint).count() == 2
    assert snapshot(complaint) == before  # linking changes nothing on the complaint itself
    page = client.get(response["Location"]).content.decode()
    assert f"Percakapan ditautkan ke aduan {complaint.code} (2 pesan)." in page


def test_link_with_htmx_redraws_the_conversation(htmx_as, conversation_with_report, complaint_in):
    complaint = complaint_in(Status.SCREENING)
    response = htmx_as(Role.OPERATOR).post(f"/inbox/{conversation_with_report.pk}/link/", {"code": complaint.code})
    assert response.status_code == 200 and response["HX-Retarget"] == "#conversation"
    assert f'<a class="code" href="/cases/{complaint.code}/">{complaint.code}</a>' in response.content.decode()


@pytest.mark.parametrize(("code", "error"), [
    ("ZZZZZ-99999", "Tidak ada aduan dengan kode ZZZZZ-99999 yang dapat Anda buka."),
    ("", "Bidang ini harus diisi."),
])
def test_link_to_an_unknown_code_is_422_with_the_reason(htmx_as, conversation_with_report, code, error):
    response = htmx_as(Role.OPERATOR).post(f"/inbox/{conversation_with_report.pk}/link/", {"code": code})
    page = response.content.decode()
    assert response.status_code == 422
    assert page.lstrip().startswith('<aside id="complaint-panel"')
    assert error in page
    assert 'class="action action-link" open' in page
    assert not conversation_with_report.complaints.exists()


def test_link_refuses_messages_of_another_conversation(portal_as, whatsapp, conversation_with_report, complaint_in):
    complaint = complaint_in(Status.SCREENING)
    stranger = say(whatsapp, "6281200000009", "Bukan dari percakapan ini")
    response = portal_as(Role.OPERATOR).post(
        f"/inbox/{conversation_with_report.pk}/link/", {"code": complaint.code, "message_ids": [stranger.pk]},
    )
    assert response.status_code == 422
    assert f"Pesan {stranger.pk} bukan bagian dari percakapan ini." in response.content.decode()
    assert InboundMessage.objects.get(pk=stranger.pk).complaint is None

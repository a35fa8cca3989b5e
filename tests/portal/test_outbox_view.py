"""The dead-letter view: messages that could not be delivered, those still waiting, and 'Coba lagi'."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from channels.models import OutboundKind, OutboundMessage, OutboundStatus
from channels.services import NormalizedMessage, receive_message
from complaints.models import Channel, ChannelKind
from complaints.workflow import Status
from roles.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def whatsapp():
    return Channel.objects.create(name="WhatsApp La-Lisa", kind=ChannelKind.WHATSAPP)


@pytest.fixture
def conversation(whatsapp):
    incoming = NormalizedMessage(external_id="wamid.1", sender_id="6281200000001", sender_name="Siti", text="Halo", sent_at=timezone.now())
    return receive_message(whatsapp, incoming).message.conversation


def outbound(channel, status=OutboundStatus.DEAD, *, conversation=None, complaint=None, ago=timedelta(0), **fields) -> OutboundMessage:
    fields.setdefault("kind", OutboundKind.REPLY)
    fields.setdefault("recipient", conversation.sender_id if conversation else "https://mitra.example/hooks")
    return OutboundMessage.objects.create(
        channel=channel, conversation=conversation, complaint=complaint, status=status, created_at=timezone.now() - ago,
        attempts=8 if status == OutboundStatus.DEAD else 1, last_error=fields.pop("last_error", "HTTP 503 from the provider"), **fields,
    )


def _row_ids(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr id="outbound-(\d+)"', page)]


@pytest.mark.parametrize("who", [Role.KASI, Role.KABID, Role.TRC])
def test_other_roles_may_not_see_or_retry(portal_as, whatsapp, who):
    message = outbound(whatsapp)
    client = portal_as(who)
    assert client.get("/outbox/").status_code == 403
    response = client.post(f"/outbox/{message.pk}/retry/")
    assert response.status_code == 403
    assert OutboundMessage.objects.get(pk=message.pk).status == OutboundStatus.DEAD


@pytest.mark.parametrize("who", [Role.OPERATOR, Role.KEPALA])
def test_dead_letters_newest_first_with_their_last_error(portal_as, whatsapp, conversation, complaint_in, who):
    complaint = complaint_in(Status.SUBMITTED)
    older = outbound(whatsapp, conversation=conversation, ago=timedelta(hours=3), last_error="Graph API 131047: re-engagement")
    newer = outbound(whatsapp, complaint=complaint, kind=OutboundKind.WEBHOOK, ago=timedelta(hours=1))
    outbound(whatsapp, OutboundStatus.PENDING, conversation=conversation)
    outbound(whatsapp, OutboundStatus.SENT, conversation=conversation)
    response = portal_as(who).get("/outbox/")
    page = response.content.decode()
    assert response.status_code == 200
    assert _row_ids(page) == [newer.pk, older.pk]
    assert "Graph API 131047: re-engagement" in page
    assert f'href="/inbox/{conversation.pk}/">Siti</a>' in page  # a reply links to its conversation
    assert f'<a class="code" href="/cases/{complaint.code}/">{complaint.code}</a>' in page
    assert "https://mitra.example/hooks" in page  # a webhook shows where it goes
    assert re.search(r'Gagal <span class="count busy late" id="outbox-count-dead">2</span>', page)
    assert re.search(r'Menunggu kirim <span class="count" id="outbox-count-pending">1</span>', page)
    assert page.count("Coba lagi</button>") == 2


def test_the_pending_tab_shows_the_next_attempt(portal_as, whatsapp, conversation):
    waiting = outbound(whatsapp, OutboundStatus.PENDING, conversation=conversation, next_attempt_at=timezone.now() + timedelta(minutes=5))
    sending = outbound(whatsapp, OutboundStatus.SENDING, conversation=conversation, ago=timedelta(minutes=1))
    outbound(whatsapp, conversation=conversation)
    page = portal_as(Role.OPERATOR).get("/outbox/?tab=pending").content.decode()
    assert _row_ids(page) == [waiting.pk, sending.pk]
    assert "berikutnya" in page and "HTTP 503 from the provider" in page
    assert "Coba lagi</button>" not in page


def test_an_unknown_tab_shows_the_dead_letters(portal_as, whatsapp):
    message = outbound(whatsapp)
    assert _row_ids(portal_as(Role.OPERATOR).get("/outbox/?tab=everything").content.decode()) == [message.pk]


def test_nothing_dead_says_so(portal_as):
    assert "Tidak ada pesan yang gagal." in portal_as(Role.OPERATOR).get("/outbox/").content.decode()


def test_retry_with_htmx_redraws_the_row_as_pending(htmx_as, whatsapp, conversation):
    message = outbound(whatsapp, conversation=conversation)
    tasks_before = DBTaskResult.objects.count()
    response = htmx_as(Role.OPERATOR).post(f"/outbox/{message.pk}/retry/")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith(f'<tr id="outbound-{message.pk}"')
    assert "Menunggu" in page and "Coba lagi</button>" not in page
    assert "Dikirim ulang" in page
    # The counts in the navigation and the tabs follow, out of band.
    assert '<span class="count" id="count-outbox" hx-swap-oob="true">0</span>' in page
    assert '<span class="count" id="outbox-count-dead" hx-swap-oob="true">0</span>' in page
    assert '<span class="count" id="outbox-count-pending" hx-swap-oob="true">1</span>' in page
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (OutboundStatus.PENDING, 0, "")
    assert DBTaskResult.objects.count() == tasks_before + 1  # a delivery task is scheduled again


def test_retry_without_javascript_redirects_back(portal_as, whatsapp, conversation):
    message = outbound(whatsapp, conversation=conversation)
    client = portal_as(Role.OPERATOR)
    response = client.post(f"/outbox/{message.pk}/retry/")
    assert response.status_code == 302 and response["Location"] == "/outbox/"
    assert "Dikirim ulang: pesan kembali ke antrean kirim." in client.get("/outbox/").content.decode()
    assert OutboundMessage.objects.get(pk=message.pk).status == OutboundStatus.PENDING


@pytest.mark.parametrize("status", [OutboundStatus.PENDING, OutboundStatus.SENDING, OutboundStatus.SENT, OutboundStatus.DELIVERED])
def test_retrying_a_message_that_is_not_dead_is_409_and_changes_nothing(htmx_as, portal_as, whatsapp, conversation, status):
    message = outbound(whatsapp, status, conversation=conversation)
    tasks_before = DBTaskResult.objects.count()
    response = htmx_as(Role.OPERATOR).post(f"/outbox/{message.pk}/retry/")
    assert response.status_code == 409
    assert "tidak sedang gagal" in response.content.decode()
    plain = portal_as(Role.OPERATOR).post(f"/outbox/{message.pk}/retry/")
    assert plain.status_code == 409
    assert "tidak sedang gagal" in plain.content.decode() and "<html" in plain.content.decode()
    assert OutboundMessage.objects.get(pk=message.pk).status == status
    assert DBTaskResult.objects.count() == tasks_before


def test_retry_of_a_message_that_does_not_exist_is_404(portal_as):
    assert portal_as(Role.OPERATOR).post("/outbox/999999/retry/").status_code == 404


def test_retry_needs_post(portal_as, whatsapp):
    message = outbound(whatsapp)
    assert portal_as(Role.OPERATOR).get(f"/outbox/{message.pk}/retry/").status_code == 405


def test_retry_from_the_thread_redraws_the_message_in_the_thread(htmx_as, portal_as, whatsapp, conversation):
    message = outbound(whatsapp, conversation=conversation, body="Balasan yang gagal")
    response = htmx_as(Role.OPERATOR).post(f"/outbox/{message.pk}/retry/", {"from": "thread"})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith(f'<li class="msg out" id="out-{message.pk}"')
    assert '<span class="delivery pending">Menunggu' in page and "Coba lagi" not in page
    assert '<span class="count" id="count-outbox" hx-swap-oob="true">0</span>' in page
    # Without JavaScript: back to the thread.
    again = outbound(whatsapp, conversation=conversation)
    response = portal_as(Role.OPERATOR).post(f"/outbox/{again.pk}/retry/", {"from": "thread"})
    assert response.status_code == 302 and response["Location"] == f"/inbox/{conversation.pk}/"
    # And a message that is no longer dead: the thread with the reason, 409.
    response = portal_as(Role.OPERATOR).post(f"/outbox/{again.pk}/retry/", {"from": "thread"})
    assert response.status_code == 409 and "tidak sedang gagal" in response.content.decode()


def test_the_outbox_page_costs_a_fixed_number_of_queries(portal_as, whatsapp, conversation, complaint_in):
    complaint = complaint_in(Status.SUBMITTED)
    client = portal_as(Role.OPERATOR)

    def add(count: int) -> None:
        for _ in range(count):
            outbound(whatsapp, conversation=conversation, complaint=complaint)
            outbound(whatsapp, kind=OutboundKind.WEBHOOK)

    def queries() -> int:
        client.get("/outbox/")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/outbox/").status_code == 200
        return len(ctx.captured_queries)

    add(2)
    small = queries()
    add(30)
    assert queries() == small


# The same retry in the Django admin, and the admin's other channel screens ----------------------------------------

@pytest.fixture
def admin_client(client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser("root", password="x"))
    return client


def test_admin_retry_action_revives_only_dead_messages(admin_client, whatsapp, conversation):
    dead = outbound(whatsapp, conversation=conversation)
    sent = outbound(whatsapp, OutboundStatus.SENT, conversation=conversation)
    response = admin_client.post(
        "/admin/channels/outboundmessage/", {"action": "retry", "_selected_action": [dead.pk, sent.pk]}, follow=True,
    )
    page = response.content.decode()
    assert "1 pesan dikirim ulang." in page and "1 pesan dilewati" in page
    assert OutboundMessage.objects.get(pk=dead.pk).status == OutboundStatus.PENDING
    assert OutboundMessage.objects.get(pk=sent.pk).status == OutboundStatus.SENT


def test_admin_shows_conversations_and_outbox_read_only(admin_client, whatsapp, conversation):
    message = outbound(whatsapp, conversation=conversation)
    assert admin_client.get("/admin/channels/conversation/").status_code == 200
    assert "Siti" in admin_client.get(f"/admin/channels/conversation/{conversation.pk}/change/").content.decode()
    assert admin_client.get("/admin/channels/conversation/add/").status_code == 403
    detail = admin_client.get(f"/admin/channels/outboundmessage/{message.pk}/change/").content.decode()
    assert "HTTP 503 from the provider" in detail and 'name="_save"' not in detail
    assert admin_client.get("/admin/channels/cannedreply/").status_code == 200


def test_admin_webhook_secret_is_shown_once(admin_client):
    from channels.models import WebhookEndpoint

    channel = Channel.objects.create(name="Aplikasi mitra", kind=ChannelKind.API)
    data = {"channel": channel.pk, "url": "https://mitra.example/hooks", "is_active": "on"}
    response = admin_client.post("/admin/channels/webhookendpoint/add/", data, follow=True)
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) > 40
    assert f"<code>{endpoint.secret}</code>" in response.content.decode()
    assert endpoint.secret not in admin_client.get(f"/admin/channels/webhookendpoint/{endpoint.pk}/change/").content.decode()
    old = endpoint.secret
    admin_client.post("/admin/channels/webhookendpoint/", {"action": "issue_new_secret", "_selected_action": [endpoint.pk]})
    assert WebhookEndpoint.objects.get().secret != old

"""A WhatsApp message posted to the webhook appears in the Operator's inbox, becomes a complaint in the browser,
and the reporter's receipt goes out through the local stand-in for the Graph API."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import httpx
import pytest
from playwright.sync_api import Page, expect

from channels.models import OutboundKind, OutboundMessage
from channels.outbox import deliver
from complaints.models import Complaint
from tests.browser.support import Portal
from tests.channels.standin import start_stand_in

APP_SECRET = "app-secret-browser"
SENDER = "6281377778888"


@pytest.fixture
def graph_api(settings):
    stand_in = start_stand_in()
    stand_in.response = {"messaging_product": "whatsapp", "messages": [{"id": "wamid.OUT-1"}]}
    settings.WHATSAPP_GRAPH_BASE_URL = stand_in.url
    settings.WHATSAPP_PHONE_NUMBER_ID = "1055"
    settings.WHATSAPP_ACCESS_TOKEN = "token-browser"
    settings.WHATSAPP_APP_SECRET = APP_SECRET
    yield stand_in
    stand_in.stop()


def _webhook_body() -> bytes:
    now = str(int(time.time()))
    value = {
        "messaging_product": "whatsapp", "metadata": {"display_phone_number": "6281100000000", "phone_number_id": "1055"},
        "contacts": [{"profile": {"name": "Nur Aisyah"}, "wa_id": SENDER}],
        "messages": [
            {"from": SENDER, "id": "wamid.IN-1", "timestamp": now, "type": "text",
             "text": {"body": "Pedagang menutup trotoar di depan Pasar Paringin sejak pagi."}},
            {"from": SENDER, "id": "wamid.IN-2", "timestamp": now, "type": "location",
             "location": {"latitude": -2.3341, "longitude": 115.4668, "name": "Pasar Paringin"}},
        ],
    }
    payload = {"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": value}]}]}
    return json.dumps(payload).encode()


def test_whatsapp_message_to_complaint_to_receipt(page: Page, portal: Portal, graph_api) -> None:
    body = _webhook_body()
    signature = "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    answer = httpx.post(
        portal.url("/channels/whatsapp/webhook/"), content=body,
        headers={"content-type": "application/json", "x-hub-signature-256": signature},
    )
    assert answer.status_code == 200, answer.text

    portal.login(page, "operator")
    page.goto(portal.url("/inbox/"))
    row = page.get_by_role("link", name="Nur Aisyah")
    expect(row).to_be_visible()
    row.click()
    expect(page.locator("h1")).to_have_text("Nur Aisyah")
    expect(page.get_by_text("Pedagang menutup trotoar").first).to_be_visible()

    create = page.locator("details.action-create")
    if create.get_attribute("open") is None:
        create.locator("summary").click()
    # Carried over from the conversation, editable.
    expect(page.locator("#new_reporter_name")).to_have_value("Nur Aisyah")
    expect(page.locator("#new_latitude")).to_have_value("-2.334100")
    page.select_option("#new_category", label="Pelanggaran Perda/Perkada / Pedagang kaki lima di tempat terlarang")
    create.locator("button[type=submit]").click()
    page.wait_for_url("**/cases/*/")
    code = page.url.rstrip("/").rsplit("/", 1)[1]
    expect(page.locator("h1 .status")).to_have_text("Diterima")

    complaint = Complaint.objects.get(code=code)
    assert complaint.inbound_messages.count() == 2
    receipt = OutboundMessage.objects.get(complaint=complaint, kind=OutboundKind.RECEIPT)
    deliver(receipt.pk)
    sent = [r for r in graph_api.requests if r.path == "/1055/messages"]
    assert len(sent) == 1
    assert sent[0].json()["to"] == SENDER and code in sent[0].json()["text"]["body"]
    assert sent[0].headers["authorization"] == "Bearer token-browser"

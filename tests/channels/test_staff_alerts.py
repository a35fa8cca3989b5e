"""SLA alerts reach a staff member's own Telegram/WhatsApp, once per breach, beside the portal notification."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from channels.models import OutboundKind, OutboundMessage, OutboundStatus
from channels.outbox import deliver
from complaints.models import Channel, ChannelKind, StaffNotification
from complaints.services.sla_sweep import sweep_breaches
from complaints.workflow import Status
from roles.models import StaffContact
from roles.roles import Role
from tests.channels.standin import StandIn

pytestmark = pytest.mark.django_db

TOKEN = "123:staff-alerts"
KABID_CHAT = "5550001"
OPERATOR_WA = "6281200000001"


@pytest.fixture
def bot_api(settings, stand_in: StandIn) -> StandIn:
    settings.TELEGRAM_API_BASE_URL = stand_in.url
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    settings.TRECKK_PUBLIC_URL = "https://treckk.example.go.id"
    stand_in.response = {"ok": True, "result": {"message_id": 77}}
    return stand_in


@pytest.fixture
def messaging(bot_api) -> dict[str, Channel]:
    return {
        "telegram": Channel.objects.create(name="Bot Telegram", kind=ChannelKind.TELEGRAM),
        "whatsapp": Channel.objects.create(name="WhatsApp La-Lisa", kind=ChannelKind.WHATSAPP),
    }


@pytest.fixture
def contacts(users) -> dict[str, StaffContact]:
    return {
        "kabid": StaffContact.objects.create(user=users[Role.KABID], telegram_chat_id=KABID_CHAT),
        "operator": StaffContact.objects.create(user=users[Role.OPERATOR], whatsapp_number=OPERATOR_WA),
    }


def _alerts():
    return OutboundMessage.objects.filter(kind=OutboundKind.STAFF_ALERT).order_by("recipient")


def test_a_breach_alerts_the_owner_and_the_superior_on_their_own_channels(complaint_in, messaging, contacts):
    complaint = complaint_in(Status.SCREENING)
    sweep_breaches(now=complaint.due_at + timedelta(minutes=1))

    alerts = {message.recipient: message for message in _alerts()}
    assert set(alerts) == {KABID_CHAT, OPERATOR_WA}
    kabid, operator = alerts[KABID_CHAT], alerts[OPERATOR_WA]
    assert (kabid.channel, operator.channel) == (messaging["telegram"], messaging["whatsapp"])
    assert complaint.code in kabid.body and complaint.code in operator.body
    assert f"https://treckk.example.go.id/cases/{complaint.code}/" in kabid.body
    # The Kabid is told it is an escalation; the Operator, whose step it is, is not.
    assert "Eskalasi" in kabid.body and "Eskalasi" not in operator.body
    assert {kabid.complaint_id, operator.complaint_id} == {complaint.pk}


def test_a_second_sweep_sends_nothing_more(complaint_in, messaging, contacts):
    complaint = complaint_in(Status.SCREENING)
    later = complaint.due_at + timedelta(minutes=1)
    sweep_breaches(now=later)
    sweep_breaches(now=later + timedelta(minutes=10))
    assert _alerts().count() == 2


def test_staff_without_a_contact_or_with_alerts_off_get_only_the_portal_notification(complaint_in, messaging, contacts):
    contacts["kabid"].sla_alerts = False
    contacts["kabid"].save()
    complaint = complaint_in(Status.SCREENING)
    sweep_breaches(now=complaint.due_at + timedelta(minutes=1))
    assert [m.recipient for m in _alerts()] == [OPERATOR_WA]
    assert StaffNotification.objects.filter(complaint=complaint).count() == 2  # Operator and Kabid, in the portal


def test_no_active_channel_of_the_contacts_kind_means_no_alert_over_it(complaint_in, messaging, contacts):
    messaging["telegram"].is_active = False
    messaging["telegram"].save()
    complaint = complaint_in(Status.SCREENING)
    sweep_breaches(now=complaint.due_at + timedelta(minutes=1))
    assert [m.recipient for m in _alerts()] == [OPERATOR_WA]


def test_a_field_check_breach_alerts_the_posts_member_not_another_post(complaint_in, messaging, users):
    StaffContact.objects.create(user=users[Role.TRC], telegram_chat_id="111")
    StaffContact.objects.create(user=users["trc_halong"], telegram_chat_id="222")
    complaint = complaint_in(Status.FIELD_CHECK)
    sweep_breaches(now=complaint.due_at + timedelta(minutes=1))
    assert [m.recipient for m in _alerts()] == ["111"]


def test_the_worker_delivers_the_alert_with_sendmessage(complaint_in, messaging, contacts, bot_api):
    complaint = complaint_in(Status.SCREENING)
    sweep_breaches(now=complaint.due_at + timedelta(minutes=1))
    alert = _alerts().get(recipient=KABID_CHAT)

    assert deliver(alert.pk) == OutboundStatus.DELIVERED
    sent = bot_api.requests[-1].json()
    assert sent["chat_id"] == KABID_CHAT
    assert sent["text"] == alert.body
    # Delivering a staff alert is not the reporter being informed: the case stays where it was.
    complaint.refresh_from_db()
    assert complaint.status == Status.SCREENING


@pytest.mark.parametrize(("field", "value"), [
    ("whatsapp_number", "+62 812 0000"),
    ("whatsapp_number", "0812000000"),
    ("telegram_chat_id", "@kabid"),
])
def test_malformed_contacts_are_refused_with_a_message(users, field, value):
    contact = StaffContact(user=users[Role.KABID], **{field: value})
    with pytest.raises(ValidationError) as refused:
        contact.full_clean()
    assert field in refused.value.message_dict

"""An integrator's channel with one webhook endpoint on the stand-in server, and its complaint: shared by the
outbox and Standard Webhooks tests."""

from __future__ import annotations

import base64

import pytest

from channels.models import OutboundKind, OutboundMessage, WebhookEndpoint
from complaints.models import Channel, ChannelKind, Complaint
from complaints.services.intake import ComplaintInput, ReporterInput, submit_complaint
from roles.principals import ChannelPrincipal

SECRET = "whsec_" + base64.b64encode(b"treckk-test-webhook-secret-32by").decode()


@pytest.fixture
def integrator(stand_in):
    channel = Channel.objects.create(name="Aplikasi mitra", kind=ChannelKind.API)
    WebhookEndpoint.objects.create(channel=channel, url=f"{stand_in.url}/hooks/treckk", secret=SECRET)
    return channel


def submit_as(channel, category, district) -> Complaint:
    data = ComplaintInput(
        category=category, description="Balap liar tiap malam.", district=district, external_ref="mitra-1",
        reporter=ReporterInput(name="Siti", phone="081255501234"),
    )
    return submit_complaint(user=ChannelPrincipal(channel), data=data).complaint


def webhooks():
    return OutboundMessage.objects.filter(kind=OutboundKind.WEBHOOK).order_by("id")

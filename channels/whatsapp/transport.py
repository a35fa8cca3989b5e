"""Sends outbox messages over the WhatsApp Cloud API: POST /{phone-number-id}/messages with the bearer token.

Inside the 24-hour customer-service window (channels.whatsapp.window) the body goes as free-form text;
outside it as the approved template settings.WHATSAPP_REPLY_TEMPLATE with the body as its one parameter.

The citizen is addressed as Meta's "Business-scoped user IDs" page, section Messages > Send message requests, says:
`to` with the phone number when we know it, otherwise `recipient` with the BSUID and no `to` at all. Both are read
from the conversation when the message is sent, so a reply queued before a number change goes to the new number.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings

from channels.models import Conversation
from channels.transports import DeliveryError
from channels.transports.http import post_json
from channels.whatsapp.graph import auth_headers, graph_url
from channels.whatsapp.window import FREE, ReplyMode, reply_mode

if TYPE_CHECKING:
    from channels.models import OutboundMessage

# Cloud API limits: a text body holds 4096 characters; a template's whole body 1024, of which our own
# wording takes some, so the parameter gets less.
TEXT_MAX = 4096
TEMPLATE_PARAMETER_MAX = 700
# Template parameters may not contain newlines, tabs or more than four spaces in a row (error 132018).
LINE_BREAKS = re.compile(r"[\r\n\t]+")
SPACES = re.compile(r" {2,}")
# A BSUID: ISO 3166 alpha-2 country code, a period, up to 128 alphanumerics ("US.13491208655302741918"); a parent
# BSUID has "ENT." after the country ("US.ENT.11815799212886844830"). A phone number (wa_id) is digits only.
BSUID = re.compile(r"[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def template_parameter(body: str) -> str:
    flat = SPACES.sub(" ", LINE_BREAKS.sub(" ", body)).strip()
    return _cut(flat, TEMPLATE_PARAMETER_MAX)


def address(recipient: str, conversation: Conversation | None = None) -> dict[str, str]:
    """`{"to": phone}` or `{"recipient": bsuid}`: never both, so the message goes where we mean it to (with both,
    Meta uses `to`)."""
    if conversation is not None:
        if conversation.sender_phone:
            return {"to": conversation.sender_phone}
        if conversation.sender_user_id:
            return {"recipient": conversation.sender_user_id}
    return {"recipient": recipient} if BSUID.fullmatch(recipient) else {"to": recipient}


def message_payload(recipient: str, body: str, mode: ReplyMode, conversation: Conversation | None = None) -> dict:
    """The JSON the Cloud API's messages endpoint takes for a free-form text or for our reply template."""
    payload: dict = {"messaging_product": "whatsapp", "recipient_type": "individual", **address(recipient, conversation)}
    if mode == FREE:
        payload |= {"type": "text", "text": {"preview_url": False, "body": _cut(body, TEXT_MAX)}}
    else:
        payload |= {"type": "template", "template": {
            "name": settings.WHATSAPP_REPLY_TEMPLATE,
            "language": {"code": settings.WHATSAPP_TEMPLATE_LANGUAGE},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": template_parameter(body)}]}],
        }}
    return payload


def _conversation(message: OutboundMessage) -> Conversation | None:
    if message.conversation_id:
        return message.conversation
    return Conversation.objects.filter(channel_id=message.channel_id, sender_id=message.recipient).first()


class WhatsAppTransport:
    def send(self, message: OutboundMessage, now: datetime | None = None) -> str:
        phone_number_id = settings.WHATSAPP_PHONE_NUMBER_ID
        if not phone_number_id:
            raise DeliveryError("WHATSAPP_PHONE_NUMBER_ID is not set.", transient=False)
        body = (message.body or "").strip()
        if not body:
            raise DeliveryError("The message has no text.", transient=False)
        # Decided now, not when queued: a retry after the window closed must go as a template, and one after the
        # citizen changed number must go to the new number.
        conversation = _conversation(message)
        mode = reply_mode(conversation, now=now)
        response = post_json(
            graph_url(phone_number_id, "messages"), json=message_payload(message.recipient, body, mode, conversation),
            headers=auth_headers(),
        )
        try:
            provider_id = response.json()["messages"][0]["id"]
        except (ValueError, KeyError, IndexError, TypeError) as error:
            # Not an answer the Graph API gives to an accepted message; shown as dead rather than silently "sent".
            raise DeliveryError(f"No message id in the answer: {response.text[:300]}", transient=False) from error
        if not isinstance(provider_id, str) or not provider_id:
            raise DeliveryError(f"No message id in the answer: {response.text[:300]}", transient=False)
        return provider_id

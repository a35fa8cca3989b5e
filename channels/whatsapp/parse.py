"""From a WhatsApp Cloud API webhook body to normalized messages and delivery status updates. Pure: no database, no HTTP.

One POST may carry several entries, each with several changes, each with several messages and statuses
(Meta batches them), so everything here returns lists. Anything malformed is skipped rather than raised:
the body is already authenticated by its signature, and one odd item must not make Meta retry the whole
batch forever.

Shapes (Meta's "messages" webhook reference): entry[].changes[] with field "messages" and a value holding
metadata.phone_number_id, contacts[] ({profile.name, wa_id, user_id}), messages[] ({from, from_user_id, id, timestamp,
type, <type>: {...}}) and statuses[] ({id, status, timestamp, recipient_id, recipient_user_id, errors[]}). Messages of
type "system" are not a citizen's words but WhatsApp's notice that the citizen's number or BSUID changed; they come
back as IdentityChange, not as messages.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from channels.services import NormalizedMessage

logger = logging.getLogger(__name__)

WEBHOOK_OBJECT = "whatsapp_business_account"
# Field sizes of Conversation and InboundMessage: longer ids cannot be stored faithfully, longer names are cut.
MAX_ID = 128
MAX_NAME = 150
MAX_PHONE = 32
MAX_LOCATION_NAME = 255
COORDINATE = Decimal("0.000001")
# Media types whose file we fetch later (the task in channels.whatsapp.tasks); other media are listed as unsupported.
DOWNLOADED_MEDIA = ("image",)
STATUSES = ("sent", "delivered", "read", "failed")


@dataclass(frozen=True)
class StatusUpdate:
    """A delivery report for a message we sent: `message_id` is the wamid the send call returned."""

    message_id: str
    status: str
    at: datetime
    recipient_id: str = ""
    errors: list[dict] = field(default_factory=list)

    @property
    def error_text(self) -> str:
        """What the Operator reads in last_error: code, title and Meta's details, for each error."""
        parts = []
        for error in self.errors:
            data = error.get("error_data")
            details = data.get("details") if isinstance(data, dict) else ""
            pieces = (error.get("code"), error.get("title") or error.get("message"), details)
            parts.append(" ".join(str(piece) for piece in pieces if piece))
        return "; ".join(p for p in parts if p) or "failed"


@dataclass(frozen=True)
class IdentityChange:
    """A citizen's number or BSUID changed (a "system" message): old identifiers to find them by, the new ones.

    Meta, System messages webhook reference: `user_changed_number` gives the old number in `from` and the new one in
    `system.wa_id`; from 2026 also the new BSUID (`system.user_id`). `user_changed_user_id` reports a BSUID change only.
    Since the changelog of Aug 11, 2026 both carry the previous BSUID in `system.previous_user_id`.
    """

    kind: str
    old_phone: str = ""
    old_user_id: str = ""
    new_phone: str = ""
    new_user_id: str = ""


@dataclass
class ParsedWebhook:
    messages: list[NormalizedMessage] = field(default_factory=list)
    statuses: list[StatusUpdate] = field(default_factory=list)
    identity_changes: list[IdentityChange] = field(default_factory=list)


def parse(payload: object, phone_number_id: str = "") -> ParsedWebhook:
    """Everything in one webhook body. With `phone_number_id`, changes addressed to another business number are skipped."""
    result = ParsedWebhook()
    for value in _values(payload, phone_number_id):
        result.messages.extend(_messages(value))
        result.statuses.extend(_statuses(value))
        result.identity_changes.extend(_identity_changes(value))
    return result


def parse_messages(payload: object, phone_number_id: str = "") -> list[NormalizedMessage]:
    return parse(payload, phone_number_id).messages


def parse_statuses(payload: object, phone_number_id: str = "") -> list[StatusUpdate]:
    return parse(payload, phone_number_id).statuses


def _values(payload: object, phone_number_id: str) -> Iterator[dict]:
    if not isinstance(payload, dict) or payload.get("object") != WEBHOOK_OBJECT:
        return
    for entry in _list(payload.get("entry")):
        for change in _list(entry.get("changes")):
            value = change.get("value")
            if change.get("field", "messages") != "messages" or not isinstance(value, dict):
                continue
            # One Meta app can serve several business numbers; replies go out from ours only, so only ours come in.
            metadata = value.get("metadata") if isinstance(value.get("metadata"), dict) else {}
            addressed_to = str(metadata.get("phone_number_id") or "")
            if phone_number_id and addressed_to and addressed_to != phone_number_id:
                continue
            yield value


def _list(value: object) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value: object, limit: int | None = None) -> str:
    text = value.strip() if isinstance(value, str) else ""
    return text[:limit] if limit else text


def _id(value: object, limit: int = MAX_ID) -> str:
    """An identifier, or "" when it would not fit: a cut id names someone else."""
    text = _text(value)
    return text if len(text) <= limit else ""


def _timestamp(value: object) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(str(value)), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _coordinate(value: object, bound: int) -> Decimal | None:
    try:
        number = Decimal(str(value)).quantize(COORDINATE)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() and abs(number) <= bound else None


def _messages(value: dict) -> list[NormalizedMessage]:
    contacts = _list(value.get("contacts"))
    names = {
        str(c.get(key)): _text(c["profile"].get("name"), MAX_NAME)
        for c in contacts if isinstance(c.get("profile"), dict) for key in ("wa_id", "user_id") if c.get(key)
    }
    # Usually one contact per change, the sender: its name serves even when the ids do not match up.
    profile = contacts[0].get("profile") if len(contacts) == 1 else None
    fallback_name = _text(profile.get("name"), MAX_NAME) if isinstance(profile, dict) else ""
    normalized = []
    for message in _list(value.get("messages")):
        if message.get("type") == "system":
            continue  # WhatsApp's notice, not the citizen's words: _identity_changes
        external_id, sent_at = _text(message.get("id")), _timestamp(message.get("timestamp"))
        # Meta, Business-scoped user IDs > Incoming messages webhooks: `from` is the phone number and "can be omitted"
        # once the user adopts a username; `from_user_id` (the BSUID, e.g. "US.13491208655302741918") is always there.
        phone = _text(message.get("from"))
        user_id = _id(message.get("from_user_id"))
        sender = phone or user_id
        if not external_id or not sender or sent_at is None or len(external_id) > MAX_ID or len(sender) > MAX_ID:
            logger.warning("WhatsApp message skipped: missing or oversized id, sender or timestamp (%r)", external_id[:80])
            continue
        incoming = NormalizedMessage(
            external_id=external_id, sender_id=sender, sent_at=sent_at,
            sender_name=names.get(sender) or fallback_name, sender_phone=phone[:MAX_PHONE], sender_user_id=user_id,
        )
        _fill_content(incoming, message)
        normalized.append(incoming)
    return normalized


def _fill_content(incoming: NormalizedMessage, message: dict) -> None:
    kind = _text(message.get("type")) or "unknown"
    body = message.get(kind) if isinstance(message.get(kind), dict) else {}
    if kind == "text":
        incoming.text = _text(body.get("body"))
    elif kind in DOWNLOADED_MEDIA:
        incoming.text = _text(body.get("caption"))
        media_id = _text(body.get("id"))
        if media_id:
            incoming.media = [{
                "id": media_id, "content_type": _text(body.get("mime_type")),
                "caption": incoming.text, "sha256": _text(body.get("sha256")),
            }]
    elif kind == "location":
        incoming.latitude = _coordinate(body.get("latitude"), 90)
        incoming.longitude = _coordinate(body.get("longitude"), 180)
        if incoming.latitude is None or incoming.longitude is None:
            incoming.latitude = incoming.longitude = None
        name = ", ".join(p for p in (_text(body.get("name")), _text(body.get("address"))) if p)
        incoming.location_name = name[:MAX_LOCATION_NAME]
    elif kind == "contacts":
        cards = _list(message.get("contacts"))
        incoming.contact = cards[0] if cards else {}
        # Every card also as one line of text, so nothing is lost when a message shares several.
        incoming.text = "\n".join(_card_line(card) for card in cards)
    elif (chosen := _chosen_reply(kind, body)) is not None:
        # What the citizen tapped reads as what they said ("Ya", "Berhenti"); the id says which button it was.
        incoming.text = chosen["title"] or chosen["id"]
        incoming.data = {"reply": chosen}
        context = message.get("context") if isinstance(message.get("context"), dict) else {}
        if _text(context.get("id")):
            incoming.data["context"] = {"id": _text(context.get("id"))}
    else:
        # Video, audio, documents, stickers, reactions...: the Operator still sees that something came, and its caption.
        caption = _text(body.get("caption")) if body else ""
        incoming.text = f"[unsupported: {kind}]" + (f" {caption}" if caption else "")


def _chosen_reply(kind: str, body: dict) -> dict | None:
    """The button or list row a citizen chose, as {"type", "id", "title"[, "description"]}; None for anything else.

    Meta's webhook references: interactive messages carry `interactive.button_reply` {id, title} (reply buttons) or
    `interactive.list_reply` {id, title, description} (list rows); a quick-reply button of a template arrives as type
    "button" with `button` {payload, text}, whose payload is the id.
    """
    if kind == "interactive":
        reply_type = _text(body.get("type"))
        chosen = body.get(reply_type) if reply_type in ("button_reply", "list_reply") else None
        if not isinstance(chosen, dict):
            return None
        reply = {"type": reply_type, "id": _text(chosen.get("id")), "title": _text(chosen.get("title"))}
        if reply_type == "list_reply" and _text(chosen.get("description")):
            reply["description"] = _text(chosen.get("description"))
    elif kind == "button":
        reply = {"type": "button", "id": _text(body.get("payload")), "title": _text(body.get("text"))}
    else:
        return None
    return reply if reply["id"] or reply["title"] else None


def _card_line(card: dict) -> str:
    name = card.get("name") if isinstance(card.get("name"), dict) else {}
    label = _text(name.get("formatted_name")) or " ".join(p for p in (_text(name.get("first_name")), _text(name.get("last_name"))) if p)
    phones = ", ".join(_text(p.get("phone")) or _text(p.get("wa_id")) for p in _list(card.get("phones")))
    return f"[contact] {label or '?'}" + (f": {phones}" if phones else "")


def _statuses(value: dict) -> list[StatusUpdate]:
    updates = []
    for item in _list(value.get("statuses")):
        message_id, status, at = _text(item.get("id")), _text(item.get("status")), _timestamp(item.get("timestamp"))
        if not message_id or status not in STATUSES or at is None:
            continue
        updates.append(StatusUpdate(message_id=message_id, status=status, at=at, recipient_id=_text(item.get("recipient_id")),
                                    errors=_list(item.get("errors"))))
    return updates


def _identity_changes(value: dict) -> list[IdentityChange]:
    changes = []
    for message in _list(value.get("messages")):
        system = message.get("system") if isinstance(message.get("system"), dict) else {}
        kind = _text(system.get("type"))
        if message.get("type") != "system" or kind not in ("user_changed_number", "user_changed_user_id"):
            continue
        change = IdentityChange(
            kind=kind,
            old_phone=_id(message.get("from"), MAX_PHONE),
            old_user_id=_id(system.get("previous_user_id")) or _id(message.get("from_user_id")),
            new_phone=_id(system.get("wa_id"), MAX_PHONE),
            new_user_id=_id(system.get("user_id")),
        )
        if (change.old_phone or change.old_user_id) and (change.new_phone or change.new_user_id):
            changes.append(change)
    return changes

"""From a Telegram Update to the one message shape every adapter produces (channels.services.NormalizedMessage).

Shapes per the Bot API (core.telegram.org/bots/api#update): an Update has `update_id` and at most one of
`message`, `edited_message`, `channel_post`, ... Only `message` in a private chat is a citizen writing to
us; everything else is acknowledged and not stored (see `parse_update`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from channels.services import NormalizedMessage
from channels.telegram import texts

# What the webhook accepts as a photo: Telegram's compressed photos (always JPEG) and images sent "as a file".
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")
# Message kinds we cannot show yet: stored as a placeholder so the Operator sees something arrived.
UNSUPPORTED_KINDS = ("sticker", "voice", "audio", "video", "video_note", "animation", "document", "poll", "dice")
COMMAND = re.compile(r"^/(?P<name>[A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]+)?(?:\s+(?P<argument>.*))?$", re.DOTALL)
SIX_PLACES = Decimal("0.000001")


class MalformedUpdate(ValueError):
    """The body is not an Update we can read (Telegram never sends one; a caller with the secret might)."""


@dataclass(frozen=True)
class ParsedUpdate:
    message: NormalizedMessage
    chat_id: str
    command: str = ""  # "start", "help", "status", ... lower case, without the slash and @botname
    argument: str = ""


def _int(value: object, what: str) -> int:
    # bool is an int in Python; a JSON true is not an id.
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedUpdate(f"{what} is not an integer")
    return value


def _str(value: object) -> str:
    # PostgreSQL text cannot hold NUL; one in an update would fail the insert and make Telegram redeliver forever.
    return value.replace("\x00", "") if isinstance(value, str) else ""


def _coordinate(value: object, bound: int) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = Decimal(str(value)).quantize(SIX_PLACES)
    except InvalidOperation:
        return None
    return number if -bound <= number <= bound else None


def sender_name(person: dict) -> str:
    full = " ".join(part for part in (_str(person.get("first_name")), _str(person.get("last_name"))) if part).strip()
    username = _str(person.get("username"))
    return (full or (f"@{username}" if username else ""))[:150]


def normalized_phone(phone: str) -> str:
    """Telegram gives the user's own number as digits without '+' ("6281234567890"); we store it as +62..."""
    digits = re.sub(r"\D", "", phone)
    return f"+{digits}"[:32] if digits else ""


def _largest_photo(sizes: list) -> dict | None:
    candidates = [size for size in sizes if isinstance(size, dict) and _str(size.get("file_id"))]
    if not candidates:
        return None

    def area(size: dict) -> tuple[int, int]:
        width, height, file_size = (size.get(key) if isinstance(size.get(key), int) else 0 for key in ("width", "height", "file_size"))
        return (width * height, file_size)

    return max(candidates, key=area)


def _media_item(file: dict, content_type: str, caption: str) -> dict:
    # `id` is file_unique_id: the same file keeps it across bots and time, while file_id may change.
    item = {
        "id": _str(file.get("file_unique_id")) or _str(file.get("file_id")),
        "file_id": _str(file.get("file_id")),
        "file_unique_id": _str(file.get("file_unique_id")),
        "file_size": file.get("file_size") if isinstance(file.get("file_size"), int) else None,
        "content_type": content_type,
        "caption": caption,
    }
    for key in ("width", "height"):
        if isinstance(file.get(key), int):
            item[key] = file[key]
    return item


def parse_update(update: object) -> ParsedUpdate | None:
    """The message to store, or None for an update we acknowledge and ignore.

    Ignored: edited messages (we ask Telegram for `message` only, and an edit must not rewrite evidence the
    Operator may already have used), channel posts, anything from a group (one conversation per citizen, and
    replies would go to the whole group), and service messages with nothing a citizen wrote.
    """
    if not isinstance(update, dict):
        raise MalformedUpdate("not a JSON object")
    _int(update.get("update_id"), "update_id")
    message = update.get("message")
    if message is None:
        return None
    if not isinstance(message, dict) or not isinstance(message.get("chat"), dict):
        raise MalformedUpdate("message without chat")
    chat = message["chat"]
    chat_id = str(_int(chat.get("id"), "chat.id"))
    message_id = _int(message.get("message_id"), "message_id")
    try:
        sent_at = datetime.fromtimestamp(_int(message.get("date"), "date"), tz=UTC)
    except (OverflowError, OSError, ValueError) as error:
        raise MalformedUpdate("date is not a Unix time") from error
    if chat.get("type") != "private":
        return None
    person = message.get("from") if isinstance(message.get("from"), dict) else chat

    text = _str(message.get("text")) or _str(message.get("caption"))
    caption = _str(message.get("caption"))
    normalized = NormalizedMessage(
        # The message's own identity: a redelivered update carries the same chat and message id. (update_id
        # alone is not enough: after a week without updates Telegram starts the sequence at a random number.)
        external_id=f"message:{chat_id}:{message_id}",
        sender_id=chat_id,
        sender_name=sender_name(person),
        sent_at=sent_at,
        text=text,
    )

    photo = _largest_photo(message["photo"]) if isinstance(message.get("photo"), list) else None
    document = message.get("document") if isinstance(message.get("document"), dict) else None
    if photo is not None:
        normalized.media = [_media_item(photo, "image/jpeg", caption)]
    elif document is not None and _str(document.get("mime_type")) in IMAGE_TYPES and _str(document.get("file_id")):
        normalized.media = [_media_item(document, _str(document["mime_type"]), caption)]

    location = message.get("location")
    if isinstance(location, dict):
        latitude, longitude = _coordinate(location.get("latitude"), 90), _coordinate(location.get("longitude"), 180)
        if latitude is not None and longitude is not None:
            normalized.latitude, normalized.longitude = latitude, longitude
            venue = message.get("venue") if isinstance(message.get("venue"), dict) else {}
            place = ", ".join(part for part in (_str(venue.get("title")), _str(venue.get("address"))) if part)
            normalized.location_name = place[:255]

    contact = message.get("contact")
    if isinstance(contact, dict) and _str(contact.get("phone_number")):
        normalized.contact = {key: _str(contact[key]) for key in ("phone_number", "first_name", "last_name") if key in contact}
        if isinstance(contact.get("user_id"), int) and not isinstance(contact.get("user_id"), bool):
            normalized.contact["user_id"] = contact["user_id"]
        own = isinstance(contact.get("user_id"), int) and contact.get("user_id") == person.get("id")
        if own:
            normalized.sender_phone = normalized_phone(_str(contact["phone_number"]))

    unsupported = next((kind for kind in UNSUPPORTED_KINDS if kind in message), None) if not normalized.media else None
    if unsupported is not None:
        # Kept beside any caption, so the Operator knows a voice note or video came that the inbox cannot show.
        normalized.text = "\n".join(part for part in (normalized.text, texts.unsupported(unsupported)) if part)
    if not (normalized.text or normalized.media or normalized.latitude is not None or normalized.contact):
        return None  # a service message (member joined, pinned message, ...): nothing a citizen wrote

    command, argument = "", ""
    match = COMMAND.match(_str(message.get("text")).strip())
    if match:
        command, argument = match.group("name").lower(), (match.group("argument") or "").strip()
    return ParsedUpdate(message=normalized, chat_id=chat_id, command=command, argument=argument)

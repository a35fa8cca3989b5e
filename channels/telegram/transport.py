"""Outbound messages to a Telegram chat: sendMessage with the outbox row's recipient (the chat id) and body.

sendMessage takes "1-4096 characters after entities parsing" (Bot API, sendMessage), and Telegram counts those in
UTF-16 code units (core.telegram.org/api/entities, "Entity length"): an emoji outside the Basic Multilingual Plane
counts twice. We send plain text (no parse_mode), so the text is what is counted. A longer body goes as several
messages, cut between paragraphs, else lines, else words, and never inside a character. Each part sent is counted
on the outbox row at once, so a retry after a part failed sends only the rest, and the message counts as delivered
(CONFIRMS_ON_SEND) only when send() returns, with every part in the chat.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from channels.models import OutboundMessage
from channels.telegram import api

if TYPE_CHECKING:
    from collections.abc import Iterator

TEXT_LIMIT = 4096
# Where a part may end, best first. A boundary in the first half of the room is passed over while a later kind
# exists, so a stray early blank line does not make a tiny part.
BOUNDARIES = ("\n\n", "\n", " ")
JOINERS = {"\u200d", "\u2060"}  # zero-width joiner and word joiner: cutting after one breaks the sequence it joins


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _fitting_prefix(text: str, limit: int) -> int:
    """How many characters of `text` fit in `limit` UTF-16 code units (a character never splits: str holds code points)."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def _hard_cut(text: str, end: int) -> int:
    """`end`, moved back so a combining mark, variation selector or joined emoji stays with the character before it."""
    cut = end
    while cut > 1 and (unicodedata.combining(text[cut]) or unicodedata.category(text[cut]) == "Mn" or text[cut - 1] in JOINERS
                       or "\ufe00" <= text[cut] <= "\ufe0f"):
        cut -= 1
    return cut if cut > 0 else end


def _parts(text: str, limit: int) -> Iterator[str]:
    rest = text
    while utf16_units(rest) > limit:
        room = _fitting_prefix(rest, limit)
        head = rest[:room]
        found = [(head.rfind(sep), sep) for sep in BOUNDARIES]
        found = [(at, sep) for at, sep in found if at > 0 and head[:at].strip()]
        late = [(at, sep) for at, sep in found if at >= room // 2]
        if found:
            at, sep = late[0] if late else max(found)
            yield head[:at].rstrip()
            rest = rest[at + len(sep):].lstrip("\n ")
        else:
            cut = _hard_cut(rest, room)
            yield rest[:cut]
            rest = rest[cut:]
    if rest.strip():
        yield rest


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """`text` as parts of at most `limit` UTF-16 code units each; a text that fits is its own single part."""
    if utf16_units(text) <= limit:
        return [text]
    return list(_parts(text, limit))


class TelegramTransport:
    def send(self, message: OutboundMessage) -> str:
        """Telegram's message id (of the last part). Flood control (429) and 5xx are transient; any other refusal is final."""
        parts = split_text(message.body)
        last_id = ""
        for number in range(message.parts_sent, len(parts)):
            result = api.call("sendMessage", {"chat_id": message.recipient, "text": parts[number]})
            # In the chat now: counted before anything else can fail, so no retry sends it twice.
            message.parts_sent = number + 1
            OutboundMessage.objects.filter(pk=message.pk).update(parts_sent=message.parts_sent)
            # The message went out once Telegram said ok: a missing id must not turn it into a failure (and a resend).
            message_id = result.get("message_id") if isinstance(result, dict) else None
            last_id = "" if message_id is None else str(message_id)
        return last_id

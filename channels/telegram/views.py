"""The Bot API webhook: Telegram POSTs each Update here, with the secret we gave setWebhook in a header.

The answer must come fast: Telegram redelivers an update that got no 2xx answer in time, and a slow
endpoint holds up the updates queued behind it. So the request stores the message (idempotent on the chat
and message id) and queues what follows (photo download, the bot's own replies) in the same transaction;
nothing here talks to Telegram.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from channels.models import InboundMessage, OutboundKind
from channels.outbox import queue_message
from channels.services import TRACKING_CODE, receive_message
from channels.telegram import texts
from channels.telegram.tasks import download_photo
from channels.telegram.updates import MalformedUpdate, ParsedUpdate, parse_update
from common.limits import JSONRefused, loads
from common.problems import problem_response
from complaints.models import Channel, ChannelKind, Complaint

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105  (the header's name, not a secret)
WELCOME_COMMANDS = ("start", "help")


def _problem(status: int, code: str, detail: str | None = None) -> JsonResponse:
    """The API's error shape (RFC 9457 problem details, codes in common/problems.py)."""
    return problem_response(status, code, detail)


def secret_matches(request: HttpRequest) -> bool:
    expected = settings.TELEGRAM_WEBHOOK_SECRET
    if not expected:
        # No secret configured means no way to tell Telegram from anyone else: refuse everything.
        return False
    given = request.headers.get(SECRET_HEADER, "")
    return hmac.compare_digest(given.encode(), expected.encode())


def telegram_channel() -> Channel | None:
    # One bot, one channel row; should an administrator create two, the oldest active one receives.
    return Channel.objects.filter(kind=ChannelKind.TELEGRAM, is_active=True).order_by("pk").first()


@csrf_exempt
@require_POST
def webhook(request: HttpRequest) -> JsonResponse:
    if not secret_matches(request):
        return _problem(401, "bad_secret", _("Token rahasia webhook Telegram tidak cocok."))
    channel = telegram_channel()
    if channel is None:
        return _problem(404, "no_channel", _("Tidak ada kanal Telegram yang aktif."))
    try:
        parsed = parse_update(loads(request.body))  # UTF-8, depth and size limits (common/limits.py)
    except JSONRefused as refused:
        return _problem(refused.status, refused.code, refused.message)
    except (ValueError, MalformedUpdate) as error:
        return _problem(400, "invalid_update", _("Update Telegram tidak dapat dibaca: %(error)s") % {"error": error})
    if parsed is None:
        return JsonResponse({"ok": True, "stored": False})
    with transaction.atomic():
        received = receive_message(channel, parsed.message)
        if received.created:
            for item in received.message.media:
                download_photo.enqueue(received.message.pk, item["id"])
            _answer_command(channel, received.message, parsed)
    return JsonResponse({"ok": True, "stored": received.created})


def _answer_command(channel: Channel, message: InboundMessage, parsed: ParsedUpdate) -> None:
    """The bot's own answers. A tracking code anywhere in the text is answered by channels.services already."""
    body = ""
    if parsed.command in WELCOME_COMMANDS:
        body = texts.welcome()
    elif parsed.command == "status":
        match = TRACKING_CODE.search(parsed.argument.upper())
        if match is None:
            body = texts.status_usage()
        elif not Complaint.objects.filter(code=match.group(1)).exists():
            body = texts.status_unknown(match.group(1))
    if not body:
        return
    queue_message(
        channel=channel, conversation=message.conversation, kind=OutboundKind.REPLY, recipient=parsed.chat_id, body=body,
        # One answer per stored message, however often Telegram redelivers the update.
        dedupe_key=f"telegram:{parsed.command}:{message.pk}",
    )

"""Point the Telegram bot at this server: setWebhook with our webhook URL, the shared secret and message updates only."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils.translation import gettext as _

from channels.telegram import api
from channels.transports import DeliveryError

# The ports Telegram delivers webhooks to (Bot API, setWebhook notes).
TELEGRAM_PORTS = (443, 80, 88, 8443)


class Command(BaseCommand):
    help = "Register this server's Telegram webhook (setWebhook), e.g. manage.py telegram_set_webhook https://treckk.example.org"

    def add_arguments(self, parser) -> None:
        parser.add_argument("base_url", help="The public HTTPS address of this server, e.g. https://treckk.example.org")

    def handle(self, *args, base_url: str, **options) -> None:
        if not settings.TELEGRAM_BOT_TOKEN:
            raise CommandError(_("TELEGRAM_BOT_TOKEN belum diisi."))
        if not settings.TELEGRAM_WEBHOOK_SECRET:
            # Without a secret the webhook would store whatever anyone POSTs; it refuses everything instead.
            raise CommandError(_("TELEGRAM_WEBHOOK_SECRET belum diisi."))
        url = webhook_url(base_url)
        payload = {
            "url": url,
            "secret_token": settings.TELEGRAM_WEBHOOK_SECRET,
            # The webhook stores new messages only; edits and other update kinds need not be sent at all.
            "allowed_updates": ["message"],
            "drop_pending_updates": False,
        }
        try:
            answer = api.answer("setWebhook", payload)
        except DeliveryError as error:
            raise CommandError(_("Telegram menolak setWebhook: %(error)s") % {"error": error}) from error
        self.stdout.write(_("Webhook Telegram diarahkan ke %(url)s") % {"url": url})
        self.stdout.write(json.dumps(answer, ensure_ascii=False))


def webhook_url(base_url: str) -> str:
    parts = urlsplit(base_url.strip())
    if parts.scheme != "https" or not parts.hostname:
        raise CommandError(_("Alamat harus diawali https:// (Telegram hanya mengirim webhook lewat HTTPS): %(url)s") % {"url": base_url})
    if parts.query or parts.fragment or parts.username or parts.password:
        raise CommandError(_("Alamat tidak boleh memuat kueri, fragmen, atau nama pengguna: %(url)s") % {"url": base_url})
    try:
        port = parts.port
    except ValueError as error:
        raise CommandError(str(error)) from error
    if port is not None and port not in TELEGRAM_PORTS:
        raise CommandError(_("Telegram hanya mengirim ke port 443, 80, 88 atau 8443, bukan %(port)s.") % {"port": port})
    # A server under a sub-path (https://host/treckk) keeps it; the webhook path comes from the URLconf.
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}{reverse('channels:telegram-webhook')}"

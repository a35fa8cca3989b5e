"""What the bad-input tables run against: complaints, a channel key, staff tokens and the webhooks' secrets,
and a snapshot of every table's row count, to prove a refused request wrote nothing."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from PIL import Image
from rest_framework.authtoken.models import Token

from complaints.models import Category, Channel, ChannelKind, District
from public import antispam
from roles.roles import Role
from tests.factories import make_complaint_in, role_users, standard_teams

PAYLOADS = Path(__file__).resolve().parent.parent / "channels" / "payloads"
WA_SECRET = "bad-inputs-app-secret"
WA_VERIFY = "bad-inputs-verify"
TG_SECRET = "bad-inputs-telegram-secret"
# Tables that rightly grow on a refused request: the audit trail of refusals and failed logins, login lockout
# counters, sessions of the test client's logins.
LOG_APPS = {"audit", "axes", "sessions", "admin"}


def row_counts() -> dict[str, int]:
    """Rows in every table of every installed app (but the logs above)."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in LOG_APPS and not model._meta.proxy and model._meta.managed
    }


def whatsapp_signature(body: bytes, secret: str = WA_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def payload(kind: str, name: str) -> dict:
    return json.loads((PAYLOADS / kind / f"{name}.json").read_text())


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (32, 24)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (180, 40, 40)).save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _no_rate_limit_carry_over():
    cache.clear()
    yield
    cache.clear()


# What the webhooks and the public form need to accept a well-formed request, so that only the bad part is refused.
WORLD_SETTINGS = {
    "WHATSAPP_APP_SECRET": WA_SECRET,
    "WHATSAPP_VERIFY_TOKEN": WA_VERIFY,
    "TELEGRAM_WEBHOOK_SECRET": TG_SECRET,
    "TELEGRAM_BOT_TOKEN": "0:bad-inputs",
    "TRECKK_FORM_MIN_SECONDS": 0,
}


def build_world(users: dict, complaint_in) -> dict:
    """Complaints in a few states, staff tokens, an API channel with its key, and live WhatsApp/Telegram channels."""
    api_channel = Channel.objects.create(name="Bot uji masukan buruk", kind=ChannelKind.API)
    Channel.objects.create(name="WhatsApp uji", kind=ChannelKind.WHATSAPP)
    Channel.objects.create(name="Telegram uji", kind=ChannelKind.TELEGRAM)
    complaints = {status: complaint_in(status) for status in ("submitted", "screening", "verification", "closed")}
    tokens = {role: Token.objects.create(user=users[role]).key for role in (Role.OPERATOR, Role.KASI, Role.TRC)}
    return {
        "users": users,
        "complaints": complaints,
        "codes": {status: complaint.code for status, complaint in complaints.items()},
        "versions": {status: complaint.version for status, complaint in complaints.items()},
        "tokens": tokens,
        "channel_key": api_channel.rotate_api_key(),
        "stamp": antispam.new_stamp(),
    }


@pytest.fixture
def world(users, complaint_in, settings):
    """The world, built for this test (for tests that also build their own complaints or users)."""
    for name, value in WORLD_SETTINGS.items():
        setattr(settings, name, value)
    return build_world(users, complaint_in)


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """The same world, built once per module for tests that only send requests: each test runs in its own
    savepoint inside this module's transaction (pytest-django's django_db), so whatever a test writes is rolled
    back before the next, and the world itself is rolled back after the module. A test must not keep Python
    objects of the world it changed (the rows go back, the objects do not): the bad-input table only reads it."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(**WORLD_SETTINGS, PASSWORD_HASHERS=fast), transaction.atomic():
        teams = standard_teams()
        users = role_users(teams)
        paringin = District.objects.get(slug="paringin")
        category = Category.objects.get(slug="keributan")

        def complaint_in(status: str):
            return make_complaint_in(status, users, district=paringin, category=category, team=teams["trc-paringin"])

        yield build_world(users, complaint_in)
        transaction.set_rollback(True)

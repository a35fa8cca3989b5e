"""Shared fixtures: one user per role, a team per kecamatan post plus HQ, and complaints in any status."""

from __future__ import annotations

import os

os.environ.setdefault("DEBUG", "1")

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from rest_framework.test import APIClient

from complaints.models import Category, Channel, ChannelKind, District, Team
from tests.factories import make_complaint_in, make_team, role_users


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Password hashing is deliberately slow; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def districts():
    return {d.slug: d for d in District.objects.all()}


@pytest.fixture
def paringin(districts):
    return districts["paringin"]


@pytest.fixture
def halong(districts):
    return districts["halong"]


@pytest.fixture
def category():
    return Category.objects.get(slug="keributan")


@pytest.fixture
def info_category():
    return Category.objects.get(slug="tugas-fungsi")


@pytest.fixture
def team_paringin(paringin):
    return make_team("trc-paringin", paringin)


@pytest.fixture
def team_halong(halong):
    return make_team("trc-halong", halong)


@pytest.fixture
def team_hq():
    return make_team("trc-markas", None)


@pytest.fixture
def users(team_paringin, team_halong, team_hq):
    """One user per role; TRC members of the Paringin post, the Halong post and HQ."""
    return role_users({"trc-paringin": team_paringin, "trc-halong": team_halong, "trc-markas": team_hq})


@pytest.fixture
def complaint_in(users, paringin, category, team_paringin):
    """Factory: a complaint walked through the real services to the given status."""

    def build(status: str, **kwargs):
        kwargs.setdefault("district", paringin)
        kwargs.setdefault("category", category)
        kwargs.setdefault("team", team_paringin)
        return make_complaint_in(status, users, **kwargs)

    return build


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def api_as(users):
    def client_for(who) -> APIClient:
        client = APIClient()
        client.force_authenticate(users[who])
        return client

    return client_for


@pytest.fixture
def portal_as(users):
    """A browser-like client logged in as one of the `users` fixture's people."""

    def client_for(who, **headers) -> Client:
        client = Client(**headers)
        client.force_login(users[who])
        return client

    return client_for


@pytest.fixture
def htmx_as(portal_as):
    """The same, sending the header htmx sends, so views answer with a fragment."""

    def client_for(who) -> Client:
        return portal_as(who, HTTP_HX_REQUEST="true")

    return client_for


@pytest.fixture
def channel():
    channel = Channel.objects.create(name="Bot WhatsApp uji", kind=ChannelKind.WHATSAPP)
    channel.raw_key = channel.rotate_api_key()
    return channel


__all__ = ["Group", "Team"]

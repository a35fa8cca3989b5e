"""An administrator manages channels in the Django admin: a new key is shown once, the old one stops working."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from complaints.models import Channel, ChannelKind, SlaPolicy

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = get_user_model().objects.create_superuser("root", password="x")
    client.force_login(admin)
    return client


def _status_with_key(key: str) -> int:
    api = APIClient()
    return api.get("/api/v1/complaints/", HTTP_AUTHORIZATION=f"Api-Key {key}").status_code


def test_issuing_a_new_key_shows_it_once_and_retires_the_old_one(admin_client):
    channel = Channel.objects.create(name="Bot uji", kind=ChannelKind.TELEGRAM)
    old_key = channel.rotate_api_key()
    assert _status_with_key(old_key) == 200
    response = admin_client.post(
        "/admin/complaints/channel/", {"action": "issue_new_key", "_selected_action": [channel.pk]}, follow=True
    )
    page = response.content.decode()
    new_key = re.search(r"<code>([^<]+)</code>", page).group(1)
    assert _status_with_key(new_key) == 200
    assert _status_with_key(old_key) == 401
    # Only the hash is kept: the change page never shows the key again.
    assert new_key not in admin_client.get(f"/admin/complaints/channel/{channel.pk}/change/").content.decode()


def test_disabled_channel_is_refused_with_401(admin_client):
    channel = Channel.objects.create(name="Bot lama", kind=ChannelKind.WHATSAPP)
    key = channel.rotate_api_key()
    admin_client.post("/admin/complaints/channel/", {"action": "disable", "_selected_action": [channel.pk]})
    response = APIClient().get("/api/v1/complaints/", HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert response.status_code == 401
    assert "dinonaktifkan" in response.json()["detail"]


def test_sop_time_limits_are_listed_for_editing(admin_client):
    page = admin_client.get("/admin/complaints/slapolicy/").content.decode()
    assert page.count('name="form-') >= SlaPolicy.objects.count()


def test_complaints_are_read_only_in_the_admin(admin_client, complaint_in):
    complaint = complaint_in("submitted")
    response = admin_client.get(f"/admin/complaints/complaint/{complaint.pk}/change/")
    page = response.content.decode()
    assert response.status_code == 200
    assert complaint.code in page
    assert "Siti Rahmah" not in page  # no reporter data in the admin
    assert 'name="_save"' not in page

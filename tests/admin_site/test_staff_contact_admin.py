"""The administrator records a staff member's Telegram/WhatsApp contact on the user's own admin page."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from roles.models import StaffContact

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("root", password="x"))
    return client


def _form(user, **contact) -> dict:
    return {
        "username": user.username, "is_active": "on", "date_joined_0": "2026-11-01", "date_joined_1": "08:00:00",
        "staff_contact-TOTAL_FORMS": "1", "staff_contact-INITIAL_FORMS": "0",
        "staff_contact-MIN_NUM_FORMS": "0", "staff_contact-MAX_NUM_FORMS": "1",
        "staff_contact-0-sla_alerts": "on",
        **{f"staff_contact-0-{name}": value for name, value in contact.items()},
    }


def test_a_contact_is_saved_from_the_user_page(admin_client):
    kabid = User.objects.create_user("kabid-baru", password="x")
    page = admin_client.get(f"/admin/auth/user/{kabid.pk}/change/")
    assert "ID chat Telegram" in page.content.decode()
    response = admin_client.post(f"/admin/auth/user/{kabid.pk}/change/", _form(kabid, telegram_chat_id="987654321"))
    assert response.status_code == 302
    assert StaffContact.objects.get(user=kabid).addresses == {"telegram": "987654321"}


def test_a_malformed_number_is_shown_on_the_form_and_nothing_is_saved(admin_client):
    kabid = User.objects.create_user("kabid-baru", password="x")
    response = admin_client.post(f"/admin/auth/user/{kabid.pk}/change/", _form(kabid, whatsapp_number="0812-333"))
    assert response.status_code == 200
    assert "kode negara" in response.content.decode()
    assert not StaffContact.objects.exists()

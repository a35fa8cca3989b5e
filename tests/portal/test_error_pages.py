"""Error pages in the portal's own style and the user's language, with no debug details."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from roles.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def test_unknown_page_is_the_portal_404(portal_as):
    response = portal_as(Role.OPERATOR).get("/no/such/page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in page and 'class="tabs"' in page
    assert "Resolver404" not in page and "Traceback" not in page


def test_forbidden_page_says_why(portal_as):
    response = portal_as(Role.KASI).get("/dispatch/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "Akses ditolak" in page and "Papan penugasan hanya untuk Kabid." in page


def test_server_error_page_stands_alone():
    # The 500 template renders without a request context: it may use nothing a broken request would need.
    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Terjadi kesalahan di server" in page and "portal.css" in page


def test_expired_form_gets_the_csrf_page(users, category, paringin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users[Role.OPERATOR])
    response = client.post("/intake/", {"description": "x"})
    assert response.status_code == 403
    assert "Sesi kedaluwarsa" in response.content.decode()


def test_error_pages_follow_the_language(portal_as, settings):
    client = portal_as(Role.OPERATOR)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/no/such/page/").content.decode()
    assert "Page not found" in page

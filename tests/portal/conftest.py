from __future__ import annotations

import pytest
from django.test import Client


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

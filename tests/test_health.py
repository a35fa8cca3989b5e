"""The health endpoint: no login, JSON, exactly one database query; 503 when the database does not answer."""

from __future__ import annotations

import pytest
from django.db import DatabaseError

pytestmark = pytest.mark.django_db


def test_health_answers_with_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_only_reads(client):
    assert client.post("/health/").status_code == 405


def test_health_reports_an_unreachable_database(client, monkeypatch):
    from config import health

    def broken_cursor():
        raise DatabaseError("connection refused")

    monkeypatch.setattr(health.connection, "cursor", broken_cursor)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"

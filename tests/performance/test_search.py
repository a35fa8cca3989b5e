"""Text search: a tracking code exactly, or the words of the description and address; the same answers whichever
plan PostgreSQL's full-text index gets (common words walk the newest rows, rare ones read their matches)."""

from __future__ import annotations

import pytest
from django.db import connection

from complaints import filters
from complaints.models import Complaint
from complaints.volume import generate

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the full-text index is PostgreSQL's")


@pytest.fixture
def complaints():
    generate(80, seed=4, batch_size=40, open_each=1)
    special = Complaint.objects.order_by("pk").first()
    Complaint.objects.filter(pk=special.pk).update(
        description="Gerobak sate menutup trotoar jembatan Tabalong", address="Jl. Ahmad Yani km 3"
    )
    return special


def _codes(value: str) -> set[str]:
    return set(Complaint.objects.filter(filters.search_condition(value)).values_list("code", flat=True))


@pytest.mark.parametrize("common", [True, False])
def test_search_finds_codes_and_words(complaints, common, monkeypatch):
    # Both plans on PostgreSQL: pretend every word is common, or that none is.
    monkeypatch.setattr(filters, "_estimated_share", lambda words: 1.0 if common else 0.0)
    assert _codes(complaints.code.lower()) == {complaints.code}
    assert _codes("gerobak sate") == {complaints.code}
    assert _codes("Ahmad Yani") == {complaints.code}
    assert _codes("kata-yang-tidak-ada-di-mana-pun") == set()
    assert len(_codes("warga")) > 40  # in every generated description


@postgres_only
@pytest.mark.parametrize("common", [True, False])
def test_postgres_matches_word_prefixes_all_words_required(complaints, common, monkeypatch):
    monkeypatch.setattr(filters, "_estimated_share", lambda words: 1.0 if common else 0.0)
    assert _codes("gero") == {complaints.code}
    assert _codes("gerobak balap") == set()
    assert _codes("trotoar' | '") == {complaints.code}  # tsquery syntax is not passed through


@postgres_only
def test_postgres_search_uses_the_full_text_index(complaints):
    query = Complaint.objects.filter(filters.search_condition("gerobak")).values("pk")
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "complaint_search_idx" in plan


def test_api_and_portal_search(complaints, client):
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    operator = get_user_model().objects.get(username="operator")
    api = APIClient()
    api.force_authenticate(operator)
    response = api.get("/api/v1/complaints/", {"q": "gerobak"})
    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == [complaints.code]
    client.force_login(operator)
    page = client.get("/cases/", {"q": "gerobak", "status": "closed"})
    assert page.status_code == 200
    assert [c.code for c in page.context["page"].object_list] == [complaints.code]

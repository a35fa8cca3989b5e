"""List and queue endpoints cost a fixed number of queries, whatever the page size (no N+1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.models import Complaint, Village
from complaints.services.intake import ComplaintInput, ReporterInput, submit_complaint
from complaints.workflow import Status
from roles.grants import sync_team_grants
from roles.roles import Role

pytestmark = pytest.mark.django_db

PER_GROUP = 60
MAX_QUERIES = 8


def _submit(user, category, district, village, i: int) -> Complaint:
    reporter = ReporterInput() if i % 4 == 0 else ReporterInput(
        name=f"Pelapor {i}", phone=f"0812555{i:05d}", allow_field_contact=bool(i % 2),
    )
    data = ComplaintInput(
        category=category, description=f"Aduan {i}", district=district, village=village if i % 3 else None,
        anonymous=i % 4 == 0, confidential=i % 5 == 0, reporter=reporter,
    )
    return submit_complaint(user=user, data=data).complaint


@pytest.fixture
def many_complaints(users, category, paringin, team_paringin):
    """60 submitted (Operator's queue), 60 in dispatch without a team (Kabid's queue) and
    60 in dispatch assigned to the Paringin team (that team's list and queue)."""
    village = Village.objects.create(district=paringin, name="Desa Query")
    operator = users[Role.OPERATOR]
    created = [_submit(operator, category, paringin, village, i) for i in range(3 * PER_GROUP)]
    now = timezone.now()
    unassigned = [c.pk for c in created[PER_GROUP : 2 * PER_GROUP]]
    assigned = [c.pk for c in created[2 * PER_GROUP :]]
    Complaint.objects.filter(pk__in=unassigned + assigned).update(status=Status.DISPATCH, forwarded_at=now)
    Complaint.objects.filter(pk__in=assigned).update(assigned_team=team_paringin)
    for complaint in Complaint.objects.filter(pk__in=assigned).select_related("assigned_team"):
        sync_team_grants(complaint)
    return created


def _count(client, url: str, page_size: int) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"page_size": page_size})
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == page_size
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/api/v1/complaints/", "/api/v1/queue/"])
@pytest.mark.parametrize("who", [Role.OPERATOR, Role.KABID, Role.TRC])
def test_query_count_does_not_grow_with_page_size(many_complaints, api_as, url, who):
    client = api_as(who)
    client.get(url, {"page_size": 1})  # warm per-process caches (content types, permission ids)

    small = _count(api_as(who), url, 5)
    large = _count(api_as(who), url, 50)

    assert small == large, f"{who} {url}: {small} queries for 5 rows, {large} for 50"
    assert large <= MAX_QUERIES


@pytest.mark.parametrize(
    ("who", "url", "expected"),
    [
        (Role.OPERATOR, "/api/v1/complaints/", 3 * PER_GROUP),
        (Role.OPERATOR, "/api/v1/queue/", PER_GROUP),
        (Role.KABID, "/api/v1/complaints/", 2 * PER_GROUP),
        (Role.KABID, "/api/v1/queue/", PER_GROUP),
        (Role.TRC, "/api/v1/complaints/", PER_GROUP),
        (Role.TRC, "/api/v1/queue/", PER_GROUP),
        ("trc_halong", "/api/v1/complaints/", 0),
    ],
)
def test_fixture_gives_each_user_enough_rows(many_complaints, api_as, who, url, expected):
    # Guards the test above against passing vacuously on a short page.
    response = api_as(who).get(url, {"page_size": 200})
    assert response.status_code == 200
    assert len(response.json()["results"]) == expected


def test_second_page_costs_the_same(many_complaints, api_as):
    client = api_as(Role.OPERATOR)
    first = client.get("/api/v1/complaints/", {"page_size": 50}).json()
    assert first["next"]
    with CaptureQueriesContext(connection) as ctx:
        second = api_as(Role.OPERATOR).get(first["next"])
    assert second.status_code == 200
    assert len(second.json()["results"]) == 50
    assert not {r["code"] for r in first["results"]} & {r["code"] for r in second.json()["results"]}
    assert len(ctx.captured_queries) <= MAX_QUERIES

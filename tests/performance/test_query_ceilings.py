"""Query ceilings (issue 7): each role's queue (API and portal) and the case page cost at most 12 SQL queries, and
the same number for 5 rows as for 60, and for a short timeline as for a long one. Counts, not times, so they hold on
SQLite and PostgreSQL alike; the data comes from the volume generator, so it has real histories and grants."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token

from complaints.models import Attachment, Complaint, ComplaintEvent, Team
from complaints.volume import generate
from portal.views import queues
from roles.policy import visible_complaints

pytestmark = pytest.mark.django_db

CEILING = 12
OPEN_EACH = 65
ROLE_USERS = {"operator": "operator", "kasi": "kasi", "kabid": "kabid", "trc": "trc-paringin", "kepala": "kepala"}


@pytest.fixture
def volume():
    """65 open complaints in every step, some closed ones; the TRC user belongs to every team, so its queue (still
    filtered row by row through the team grants) is long enough for a 60-row page."""
    generate(9 * OPEN_EACH + 60, seed=3, batch_size=300, open_each=OPEN_EACH)
    trc = get_user_model().objects.get(username=ROLE_USERS["trc"])
    trc.groups.add(*Group.objects.filter(team__in=Team.objects.all()))
    return {role: get_user_model().objects.get(username=name) for role, name in ROLE_USERS.items()}


def _api(user) -> Client:
    client = Client()
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.get_or_create(user=user)[0].key}"
    return client


def _portal(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _queries(client: Client, url: str, **params) -> tuple[int, object]:
    client.get(url, params)  # warm per-process caches (content types, permission ids), as a running server has
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    # Savepoints are the test transaction's: served in autocommit, the audit entry a page with an unmasked reporter
    # leaves (audit/records.py) is one INSERT, with no savepoint around it.
    issued = [q for q in captured.captured_queries if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    return len(issued), response


@pytest.mark.parametrize("role", ROLE_USERS)
def test_api_queue_has_a_ceiling(volume, role):
    client = _api(volume[role])
    small, response = _queries(client, "/api/v1/queue/", page_size=5)
    assert len(response.json()["results"]) == 5
    large, response = _queries(client, "/api/v1/queue/", page_size=60)
    assert len(response.json()["results"]) == 60
    assert small == large <= CEILING, f"{role}: {small} queries for 5 rows, {large} for 60"


@pytest.mark.parametrize("role", ROLE_USERS)
def test_portal_queue_has_a_ceiling(volume, role, monkeypatch):
    client = _portal(volume[role])
    counts = {}
    for size in (5, 60):
        monkeypatch.setattr(queues, "PAGE_SIZE", size)
        counts[size], response = _queries(client, f"/queue/{role}/")
        assert len(response.context["page"].object_list) == size
    assert counts[5] == counts[60] <= CEILING, f"{role}: {counts}"


@pytest.mark.parametrize("role", ROLE_USERS)
def test_portal_queue_poll_has_a_ceiling(volume, role):
    """The htmx refresh every 30 s (results only, with the tab counts)."""
    client = _portal(volume[role])
    client.defaults["HTTP_HX_REQUEST"] = "true"
    count, _response = _queries(client, f"/queue/{role}/")
    assert count <= CEILING


def _grow(complaint: Complaint, user) -> None:
    """A much longer timeline and many attachments on the same case."""
    now = timezone.now()
    ComplaintEvent.objects.bulk_create([
        ComplaintEvent(complaint=complaint, actor=user, actor_role="kabid", action="endorse", from_status=complaint.status,
                       to_status=complaint.status, note=f"Catatan {i}", created_at=now)
        for i in range(40)
    ])
    Attachment.objects.bulk_create([
        Attachment(complaint=complaint, kind="evidence", file=f"attachments/{complaint.pk}/{i}.jpg",
                   content_type="image/jpeg", size=1000, uploaded_by=user)
        for i in range(12)
    ])


@pytest.mark.parametrize("role", ROLE_USERS)
def test_case_page_and_detail_have_a_ceiling(volume, role):
    user = volume[role]
    # The case the role most likely works on: the first of its own queue.
    from complaints.selectors import queue_for

    complaint = queue_for(user).first() or visible_complaints(user).first()
    before = {
        "api": _queries(_api(user), f"/api/v1/complaints/{complaint.code}/")[0],
        "portal": _queries(_portal(user), f"/cases/{complaint.code}/")[0],
    }
    _grow(complaint, user)
    after = {
        "api": _queries(_api(user), f"/api/v1/complaints/{complaint.code}/")[0],
        "portal": _queries(_portal(user), f"/cases/{complaint.code}/")[0],
    }
    assert before == after, f"{role}: {before} before a long timeline, {after} after"
    assert max(after.values()) <= CEILING, f"{role}: {after}"


def test_trc_sees_only_granted_rows_in_its_queue(volume):
    """The ceiling holds with row-level filtering on: the TRC queue is exactly the granted open rows."""
    trc = volume["trc"]
    rows = _api(trc).get("/api/v1/queue/", {"page_size": 200}).json()["results"]
    granted = set(visible_complaints(trc).values_list("code", flat=True))
    assert rows and {r["code"] for r in rows} <= granted
    assert {r["status"] for r in rows} == {"field_check", "dispatch", "reporting"}

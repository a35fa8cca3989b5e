"""Pages cost a fixed number of SQL queries however long the queue, and a 10,000-case queue renders in one request."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.models import Attachment, ChannelKind, Complaint, ComplaintEvent, Reporter
from complaints.workflow import Program, Status
from roles.grants import sync_team_grants
from roles.roles import Role

pytestmark = pytest.mark.django_db


def bulk_complaints(count: int, status: str, *, category, district, team=None, with_reporters=True) -> list[Complaint]:
    """Rows written directly (not through the services), so thousands take a second."""
    now = timezone.now()
    reporters = Reporter.objects.bulk_create(
        [Reporter(name=f"Pelapor {i}", phone=f"0812{i:08d}") for i in range(count)] if with_reporters else []
    )
    rows = [
        Complaint(
            kind=category.kind, category=category, description=f"Aduan massal {i}", district=district,
            channel_kind=ChannelKind.WHATSAPP, program=Program.LALISA, status=status, step_started_at=now,
            due_at=now + timezone.timedelta(minutes=i - count // 2), forwarded_at=now, assigned_team=team,
            reporter=reporters[i] if with_reporters else None, created_at=now - timezone.timedelta(minutes=i),
        )
        for i in range(count)
    ]
    return Complaint.objects.bulk_create(rows, batch_size=2000)


def _queries(client, url: str) -> int:
    client.get(url)  # warm per-process caches (content types, permissions) so both counts compare like with like
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries)


SMALL, LARGE = 3, 40

# (who, url, status of the rows, assigned to the Paringin team?)
PAGES = [
    (Role.OPERATOR, "/queue/operator/", Status.SUBMITTED, False),
    (Role.KASI, "/queue/kasi/", Status.VERIFICATION, False),
    (Role.KABID, "/queue/kabid/", Status.DISPATCH, False),
    (Role.KABID, "/cases/", Status.REPORTING, True),
    (Role.KABID, "/dispatch/", Status.DISPATCH, True),
    (Role.TRC, "/queue/trc/", Status.DISPATCH, True),
    (Role.KEPALA, "/queue/kepala/", Status.HEAD_REVIEW, False),
    (Role.KEPALA, "/cases/?status=closed&status=dispatch", Status.DISPATCH, True),
]


@pytest.mark.parametrize(("who", "url", "status", "assigned"), PAGES)
def test_page_queries_do_not_grow_with_the_queue(portal_as, users, category, paringin, team_paringin, who, url, status, assigned):
    team = team_paringin if assigned else None
    client = portal_as(who)
    made = bulk_complaints(SMALL, status, category=category, district=paringin, team=team)
    for complaint in made:
        sync_team_grants(complaint)
    small = _queries(client, url)
    for complaint in bulk_complaints(LARGE - SMALL, status, category=category, district=paringin, team=team):
        sync_team_grants(complaint)
    assert _queries(client, url) == small


def test_htmx_poll_queries_do_not_grow_either(portal_as, category, paringin):
    client = portal_as(Role.OPERATOR, HTTP_HX_REQUEST="true")
    bulk_complaints(SMALL, Status.SUBMITTED, category=category, district=paringin)
    small = _queries(client, "/queue/operator/")
    bulk_complaints(LARGE, Status.SUBMITTED, category=category, district=paringin)
    assert _queries(client, "/queue/operator/") == small


@pytest.mark.parametrize("who", [Role.OPERATOR, Role.KABID, Role.TRC])
def test_case_page_queries_do_not_grow_with_its_history(complaint_in, portal_as, who):
    complaint = complaint_in("dispatch_assigned")
    client = portal_as(who)

    def add_history(count: int) -> None:
        now = timezone.now()
        ComplaintEvent.objects.bulk_create([
            ComplaintEvent(complaint=complaint, action="arrive", to_status=Status.DISPATCH, created_at=now, note=f"n{i}")
            for i in range(count)
        ])
        Attachment.objects.bulk_create([
            Attachment(complaint=complaint, kind="evidence", content_type="application/pdf", size=1, file=f"x/{i}.pdf")
            for i in range(count)
        ])

    add_history(SMALL)
    small = _queries(client, f"/cases/{complaint.code}/")
    add_history(LARGE)
    assert _queries(client, f"/cases/{complaint.code}/") == small


def test_a_queue_of_ten_thousand_renders_in_one_request(portal_as, category, paringin):
    bulk_complaints(10_000, Status.SUBMITTED, category=category, district=paringin)
    response = portal_as(Role.OPERATOR).get("/queue/operator/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "10000 aduan" in page
    assert "Halaman 1 dari 200" in page
    assert page.count('<tr class="sla-') == 50
    # The most urgent (most overdue) case comes first.
    first = Complaint.objects.order_by("due_at", "id").first()
    assert page.index(first.code) < page.index("</tbody>")

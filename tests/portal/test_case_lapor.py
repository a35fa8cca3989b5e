"""A complaint from SP4N-LAPOR! shows LAPOR's tracking id and LAPOR's own follow-up deadline beside the SOP's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from channels.sp4n_lapor.models import LaporReport, LaporReportType
from complaints.models import ChannelKind
from complaints.workflow import Status
from roles.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def lapor_case(complaint_in):
    complaint = complaint_in(Status.VERIFICATION, channel_kind=ChannelKind.SP4N_LAPOR)
    now = timezone.now()
    LaporReport.objects.create(
        complaint=complaint, tracking_id="LAP-2026-000123", report_type=LaporReportType.choices[0][0],
        disposed_at=now - timedelta(days=8), follow_up_due_at=now - timedelta(days=1),
    )
    return complaint


def test_the_case_page_shows_lapors_id_and_its_overdue_follow_up(portal_as, lapor_case):
    html = portal_as(Role.KASI).get(f"/cases/{lapor_case.code}/").content.decode()
    assert "SP4N-LAPOR!" in html and "LAP-2026-000123" in html
    assert 'class="late"' in html.split("LAP-2026-000123")[1].split("</dd>")[0]


def test_once_lapor_accepted_a_follow_up_it_is_not_late(portal_as, lapor_case):
    LaporReport.objects.filter(complaint=lapor_case).update(followed_up_at=timezone.now() - timedelta(days=2))
    html = portal_as(Role.KASI).get(f"/cases/{lapor_case.code}/").content.decode()
    part = html.split("LAP-2026-000123")[1].split("</dd>")[0]
    assert 'class="late"' not in part and "diterima LAPOR" in part


def test_other_channels_have_no_lapor_line(portal_as, complaint_in):
    complaint = complaint_in(Status.VERIFICATION)
    assert "SP4N-LAPOR!</dt>" not in portal_as(Role.KASI).get(f"/cases/{complaint.code}/").content.decode()


def test_the_admin_lists_lapor_reports_and_pull_state_read_only(client, lapor_case):
    client.force_login(get_user_model().objects.create_superuser("root", password="x"))
    page = client.get("/admin/channels/laporreport/")
    assert page.status_code == 200 and "LAP-2026-000123" in page.content.decode()
    assert client.get("/admin/channels/laporcursor/").status_code == 200
    assert client.get("/admin/channels/laporreport/add/").status_code == 403

"""The SLA sweep: each breach once, to the step's owner, escalated to the owner's superior."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from complaints.models import Complaint, ComplaintEvent, SlaBreach, StaffNotification
from complaints.services.sla_sweep import _record, sweep_breaches
from complaints.services.transitions import perform_action
from complaints.workflow import Status
from roles.roles import Role

pytestmark = pytest.mark.django_db


def _told(complaint) -> dict[str, bool]:
    """username -> escalation?"""
    notes = StaffNotification.objects.filter(complaint=complaint).select_related("recipient")
    return {n.recipient.username: n.is_escalation for n in notes}


def _after_due(complaint, minutes: int = 1):
    return complaint.due_at + timedelta(minutes=minutes)


def test_nothing_before_the_due_time(complaint_in):
    complaint = complaint_in(Status.SCREENING)
    assert sweep_breaches(now=complaint.due_at - timedelta(seconds=1)) == 0
    assert not SlaBreach.objects.exists()


def test_operator_step_breach_is_recorded_once_and_escalated_to_the_kabid(complaint_in):
    complaint = complaint_in(Status.SCREENING)
    later = _after_due(complaint)
    assert sweep_breaches(now=later) == 1
    assert sweep_breaches(now=later + timedelta(minutes=5)) == 0  # a second run records nothing new
    breach = SlaBreach.objects.get()
    assert (breach.complaint, breach.status, breach.due_at) == (complaint, Status.SCREENING, complaint.due_at)
    assert ComplaintEvent.objects.filter(complaint=complaint, action="sla_breach").count() == 1
    assert _told(complaint) == {"operator": False, "kabid": True}


def test_field_check_breach_goes_to_the_posts_team_and_the_kabid(complaint_in):
    complaint = complaint_in(Status.FIELD_CHECK)
    sweep_breaches(now=_after_due(complaint))
    assert _told(complaint) == {"trc_paringin": False, "kabid": True}  # not the Halong post, not HQ


def test_assigned_dispatch_breach_goes_to_the_assigned_team(complaint_in):
    complaint = complaint_in("dispatch_assigned")
    sweep_breaches(now=_after_due(complaint))
    assert _told(complaint) == {"trc_paringin": False, "kabid": True}


def test_unassigned_dispatch_is_the_kabids_and_escalates_to_the_kepala(complaint_in):
    complaint = complaint_in(Status.DISPATCH)
    sweep_breaches(now=_after_due(complaint))
    assert _told(complaint) == {"kabid": False, "kepala": True}


def test_kepala_has_no_superior(complaint_in):
    complaint = complaint_in(Status.HEAD_REVIEW)
    sweep_breaches(now=_after_due(complaint))
    assert _told(complaint) == {"kepala": False}


def test_each_step_can_breach_once(complaint_in, users):
    complaint = complaint_in(Status.SCREENING)
    sweep_breaches(now=_after_due(complaint))
    perform_action(user=users[Role.OPERATOR], complaint_id=complaint.pk, action="forward", data={})
    complaint.refresh_from_db()
    sweep_breaches(now=_after_due(complaint))
    assert list(SlaBreach.objects.filter(complaint=complaint).order_by("id").values_list("status", flat=True)) == [
        Status.SCREENING, Status.VERIFICATION,
    ]


def test_closed_cases_never_breach(complaint_in):
    complaint = complaint_in(Status.CLOSED)
    assert sweep_breaches(now=timezone.now() + timedelta(days=30)) == 0 and complaint.due_at is None


def test_a_concurrent_sweep_that_lost_the_race_records_nothing(complaint_in):
    complaint = complaint_in(Status.SCREENING)
    later = _after_due(complaint)
    assert _record(complaint, later) is True
    assert _record(complaint, later) is False
    assert SlaBreach.objects.count() == 1 and StaffNotification.objects.filter(complaint=complaint).count() == 2


def test_command_does_the_same(complaint_in, capsys):
    complaint = complaint_in(Status.SCREENING)
    Complaint.objects.filter(pk=complaint.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    call_command("sla_sweep")
    call_command("sla_sweep")
    assert "1 new breach" in capsys.readouterr().out
    assert SlaBreach.objects.count() == 1


def test_portal_lists_notifications_with_an_unread_count(complaint_in, client, users):
    complaint = complaint_in(Status.SCREENING)
    sweep_breaches(now=_after_due(complaint))
    client.force_login(users[Role.KABID])
    page = client.get("/notifications/").content.decode()
    assert complaint.code in page and "Eskalasi" in page and "lewat tenggat" in page
    assert 'id="count-notifications">1<' in page
    client.post("/notifications/read/")
    assert 'id="count-notifications">0<' in client.get("/notifications/").content.decode()


def test_staff_see_only_their_own_notifications(complaint_in, client, users):
    complaint = complaint_in(Status.SCREENING)
    sweep_breaches(now=_after_due(complaint))
    client.force_login(users[Role.KASI])
    assert complaint.code not in client.get("/notifications/").content.decode()

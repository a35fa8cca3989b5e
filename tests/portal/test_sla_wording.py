"""How the portal words a step's deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone, translation

from complaints.models import Complaint
from complaints.workflow import Status
from portal.templatetags.portal_tags import sla_state, wita


def _case(step_minutes: float, left_minutes: float, status: str = Status.SCREENING) -> Complaint:
    now = timezone.now()
    return Complaint(status=status, step_started_at=now - timedelta(minutes=step_minutes), due_at=now + timedelta(minutes=left_minutes))


@pytest.mark.parametrize(
    ("step", "left", "css", "text"),
    [
        (1, 61, "ok", "sisa 1 jam"),
        (100, 5, "soon", "sisa 4 menit"),  # less than a quarter of the window left
        (10, 0.5, "soon", "kurang dari 1 menit lagi"),
        (10, -0.5, "late", "baru lewat tenggat"),
        (10, -125, "late", "lewat 2 jam, 5 menit"),
    ],
)
def test_deadline_wording(step, left, css, text):
    with translation.override("id"):
        state = sla_state(_case(step, left))
    assert state["css"] == css
    assert state["text"].replace("\xa0", " ").startswith(text)


def test_closed_case_has_no_deadline():
    assert sla_state(_case(1, -60, Status.CLOSED)) == {"css": "done", "text": ""}


def test_times_are_shown_in_wita_with_local_formats():
    moment = datetime(2026, 11, 23, 3, 5, tzinfo=UTC)
    with translation.override("id"):
        assert wita(moment) == "23 Nov 2026 11.05 WITA"
    with translation.override("en"):
        assert wita(moment) == "23 Nov 2026 11:05 WITA"

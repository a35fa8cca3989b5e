"""How long each SOP step may take: the editable policy table, with the SOP's own times as fallback."""

from __future__ import annotations

from datetime import datetime, timedelta

from complaints.models import SlaPolicy
from complaints.workflow import OPEN_STATUSES, SOP_TIME_LIMITS, Program, Status


def step_window(status: str, program: str) -> tuple[timedelta, timedelta] | None:
    """(target, limit) of a step, or None for a closed complaint."""
    if status not in OPEN_STATUSES:
        return None
    policy = SlaPolicy.objects.filter(status=status, program=program).only("target", "limit").first()
    if policy is not None:
        return policy.target, policy.limit
    return SOP_TIME_LIMITS[(Status(status), Program(program))]


def due_at_for(status: str, program: str, entered_at: datetime) -> datetime | None:
    window = step_window(status, program)
    return None if window is None else entered_at + window[1]


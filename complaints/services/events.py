from __future__ import annotations

from django.utils import timezone

from complaints.models import Complaint, ComplaintEvent
from complaints.step_spans import record_step_left
from roles.principals import is_channel


def record_event(
    complaint: Complaint, *, actor, role: str, action: str, from_status: str, note: str = "", payload: dict | None = None,
    at=None,
) -> ComplaintEvent:
    """Append one event to the complaint's history, and the span of the step it ends, if it ends one."""
    channel = actor.channel if is_channel(actor) else None
    user = None if channel is not None or actor is None else actor
    event = ComplaintEvent.objects.create(
        complaint=complaint, actor=user, actor_role=role, channel=channel, action=action,
        from_status=from_status, to_status=complaint.status, note=note, payload=payload or {},
        created_at=at or timezone.now(),
    )
    record_step_left(complaint, event)
    return event

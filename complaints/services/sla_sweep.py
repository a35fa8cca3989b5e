"""The SLA sweep: record each step that ran past its time once, tell its owner, and escalate to the owner's superior."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from complaints.models import Complaint, SlaBreach, StaffNotification
from complaints.services.events import record_event
from complaints.signals import staff_notified
from complaints.workflow import OPEN_STATUSES, STEP_OF, Status, current_owner
from roles.grants import teams_owning
from roles.roles import SUPERIOR, Role
from roles.setup import SYSTEM_USERNAME

User = get_user_model()
BATCH = 500


def people_of(role: Role, complaint: Complaint) -> QuerySet:
    """Who answers for `role` on this complaint: the owning team's members for TRC, everyone in the role otherwise."""
    people = User.objects.filter(is_active=True).exclude(username=SYSTEM_USERNAME)
    if role == Role.TRC:
        return people.filter(groups__team__in=teams_owning(complaint)).distinct()
    return people.filter(groups__name=role.group_name).distinct()


def sweep_breaches(now: datetime | None = None) -> int:
    """Record every open step past its due time that has no breach yet. Safe to run twice, or in two workers."""
    now = now or timezone.now()
    already = SlaBreach.objects.filter(complaint=OuterRef("pk"), status=OuterRef("status"), due_at=OuterRef("due_at"))
    late = (
        Complaint.objects.filter(status__in=OPEN_STATUSES, due_at__lt=now)
        .filter(~Exists(already))
        .select_related("assigned_team")
        .order_by("due_at", "id")
    )
    recorded = 0
    for complaint in late.iterator(chunk_size=BATCH):
        if _record(complaint, now):
            recorded += 1
    return recorded


def _record(complaint: Complaint, now: datetime) -> bool:
    try:
        with transaction.atomic():
            breach = SlaBreach.objects.create(complaint=complaint, status=complaint.status, due_at=complaint.due_at, detected_at=now)
            record_event(
                complaint, actor=None, role="", action="sla_breach", from_status=complaint.status, at=now,
                payload={"step": STEP_OF[Status(complaint.status)], "due_at": complaint.due_at.isoformat()},
            )
            _notify(complaint, breach, now)
    except IntegrityError:
        return False  # another sweep recorded this breach first
    return True


def _notify(complaint: Complaint, breach: SlaBreach, now: datetime) -> None:
    owner = current_owner(complaint)
    if owner is None:  # closed meanwhile: nobody's step is late
        return
    recipients = {user.pk: False for user in people_of(owner, complaint)}
    superior = SUPERIOR.get(owner)
    if superior is not None:
        for user in people_of(superior, complaint):
            recipients.setdefault(user.pk, True)
    label = complaint.get_status_display()
    StaffNotification.objects.bulk_create([
        StaffNotification(
            recipient_id=user_id, complaint=complaint, breach=breach, is_escalation=escalation, created_at=now,
            text=f"{complaint.code}: {label} lewat tenggat"[:300],
        )
        for user_id, escalation in recipients.items()
    ])
    written = StaffNotification.objects.filter(breach=breach).select_related("recipient", "complaint")
    staff_notified.send(sender=StaffNotification, notifications=list(written))

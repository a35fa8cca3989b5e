"""How TRECKK and SP4N-LAPOR! exchange reports: one adapter, chosen by SP4N_LAPOR_MODE (docs/integrations/sp4n-lapor.md).

ApiAdapter     LAPOR's integration API, per our own written contract (client.LaporClient knows the wire format):
               the worker pulls the disposition feed (services.pull); each push is an outbox message the worker
               delivers with retries (transport.LaporTransport).
ManualAdapter  no network, for an office without API access: nothing is pulled (the Operator records LAPOR's
               reports in the portal) and each push becomes a LaporFollowUp row on the portal's "Tindak lanjut
               LAPOR" list, with its text ready to paste into LAPOR's admin and a button to record it posted.

pushes.py decides what goes to LAPOR and when, the same for both: the same Push text, the same LaporReport fields and
deadlines (mapping.follow_up_due, complaints.working_days). Only where the push goes differs.
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from channels.models import OutboundMessage
from channels.outbox import queue_message
from channels.sp4n_lapor.client import LaporClient, Push
from channels.sp4n_lapor.mapping import push_due
from channels.sp4n_lapor.models import LaporFollowUp, LaporReport
from channels.sp4n_lapor.services import PullResult, lapor_channel, pull
from complaints.models import ChannelKind, Complaint

API, MANUAL = "api", "manual"


def lapor_mode() -> str:
    """SP4N_LAPOR_MODE, or when it is empty: the API when LAPOR's base URL is set, else the manual mode."""
    return settings.SP4N_LAPOR_MODE or (API if settings.SP4N_LAPOR_BASE_URL else MANUAL)


class LaporAdapter(Protocol):
    mode: str

    def pull(self, *, max_pages: int | None = None) -> PullResult:
        """Bring in what LAPOR dispositioned to this unit since the last pull."""

    def push(
        self, report: LaporReport, complaint: Complaint, push: Push, *, kind: str, dedupe_key: str, user=None,
    ) -> OutboundMessage | LaporFollowUp:
        """Send `push` on its way to LAPOR, in the caller's transaction; the same `dedupe_key` again returns the first."""


class ApiAdapter:
    mode = API

    def __init__(self, client: LaporClient | None = None) -> None:
        self.client = client

    def pull(self, *, max_pages: int | None = None) -> PullResult:
        return pull(client=self.client, max_pages=max_pages)

    def push(self, report, complaint, push, *, kind, dedupe_key, user=None) -> OutboundMessage:
        return queue_message(
            channel_id=_outbox_channel_id(complaint), complaint=complaint, kind=kind, recipient=f"SP4N-LAPOR! {report.tracking_id}",
            body=push.text, payload=push.as_payload(), dedupe_key=dedupe_key,
            created_by=user if getattr(user, "pk", None) else None,
        )


def _outbox_channel_id(complaint: Complaint) -> int:
    """The LAPOR channel the push is sent through (its transport is LaporTransport): the complaint's own when the pull
    brought it, else the LAPOR channel (a report entered by hand, or a case that came by another channel first)."""
    if complaint.channel_id is not None and complaint.channel_kind == ChannelKind.SP4N_LAPOR:
        return complaint.channel_id
    return lapor_channel().pk


class ManualAdapter:
    mode = MANUAL

    def pull(self, *, max_pages: int | None = None) -> PullResult:
        return PullResult(status=MANUAL)

    def push(self, report, complaint, push, *, kind, dedupe_key, user=None) -> LaporFollowUp:
        existing = LaporFollowUp.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
        now = timezone.now()
        try:
            with transaction.atomic():
                return LaporFollowUp.objects.create(
                    report=report, kind=push.kind, text=push.text, payload=push.as_payload(), dedupe_key=dedupe_key,
                    created_at=now, due_at=push_due(report, now),
                )
        except IntegrityError:
            # The same transition's push, written by a concurrent request first.
            return LaporFollowUp.objects.get(dedupe_key=dedupe_key)


def lapor_adapter() -> LaporAdapter:
    return ManualAdapter() if lapor_mode() == MANUAL else ApiAdapter()

"""A real worker process, a provider that is down and then slow, and the worker killed with SIGKILL mid-send.

PostgreSQL only (the worker is a separate process and must see the test's committed rows). Bounded:
20 messages, loopback only, every wait has a deadline.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from channels.models import OutboundKind, OutboundMessage, OutboundStatus, WebhookEndpoint
from channels.outbox import queue_message
from complaints.models import Channel, ChannelKind
from tests.channels.test_outbox import SECRET

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker process needs a shared database"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MESSAGES = 20
ROOT = Path(__file__).resolve().parents[2]


def _worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--interval", "0.1"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _wait(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_down_then_killed_worker_then_back_delivers_everything(stand_in, settings):
    channel = Channel.objects.create(name="Mitra uji", kind=ChannelKind.API)
    endpoint = WebhookEndpoint.objects.create(channel=channel, url=f"{stand_in.url}/hook", secret=SECRET)
    for i in range(MESSAGES):
        queue_message(channel=channel, endpoint=endpoint, kind=OutboundKind.WEBHOOK, recipient="hook", payload={"n": i})
    db = connection.settings_dict
    env = {
        **os.environ, "DEBUG": "1",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        # Short waits so the test finishes: first retry after 1 s, leases of 2 s, a sweep every second.
        "TRECKK_OUTBOX_FIRST_RETRY_SECONDS": "1", "TRECKK_OUTBOX_MAX_RETRY_SECONDS": "2", "TRECKK_OUTBOX_LEASE_SECONDS": "2",
        "TRECKK_OUTBOX_SWEEP_SECONDS": "1",
        "TRECKK_OUTBOX_MAX_ATTEMPTS": "50",
        # Webhooks retry on their own schedule (Standard Webhooks'): here fifty short waits, so none is given up.
        "TRECKK_WEBHOOK_RETRY_SCHEDULE": ",".join(["1"] + ["2"] * 49),
    }

    # 1. The provider is down: messages wait and retry, none is lost or given up.
    stand_in.status = 503
    worker = _worker(env)
    try:
        assert _wait(lambda: len(stand_in.requests) >= MESSAGES, 30), "the worker never tried"
        assert not OutboundMessage.objects.filter(status__in=(OutboundStatus.SENT, OutboundStatus.DEAD)).exists()
        # 2. The provider answers again, slowly; the worker is killed in the middle of sending.
        stand_in.status = 200
        stand_in.delay = 0.3
        assert _wait(lambda: OutboundMessage.objects.filter(status=OutboundStatus.SENT).count() >= 3, 30)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    assert OutboundMessage.objects.exclude(status=OutboundStatus.SENT).exists(), "killed too late to prove anything"

    # 3. A new worker finishes the job.
    stand_in.delay = 0
    worker = _worker(env)
    try:
        assert _wait(lambda: OutboundMessage.objects.filter(status=OutboundStatus.SENT).count() == MESSAGES, 60)
    finally:
        worker.terminate()
        worker.wait(timeout=10)

    accepted = Counter(r.headers["webhook-id"] for r in stand_in.requests if r.status == 200)
    assert set(accepted) == {f"msg_{m.pk}" for m in OutboundMessage.objects.all()}
    # At most the message being sent at the kill can reach the provider twice, with the same webhook-id.
    assert sum(count - 1 for count in accepted.values()) <= 1

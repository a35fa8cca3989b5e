"""On PostgreSQL, with real concurrent writers: the same LAPOR report imported at once by many makes one complaint."""

from __future__ import annotations

import pytest
from django.db import connection

from channels.sp4n_lapor.client import _disposition
from channels.sp4n_lapor.models import LaporReport
from channels.sp4n_lapor.services import import_disposition, lapor_channel, pull
from complaints.models import ChannelKind, Complaint
from tests.channels.sp4n_lapor.fake_lapor import item
from tests.test_concurrency_pg import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent writers"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_twenty_concurrent_imports_of_one_report_make_one_complaint(lapor):
    channel = lapor_channel()
    disposition = _disposition(item("LAPOR-RACE"))
    results = race(20, lambda i: import_disposition(channel, disposition))
    assert all(outcome == "ok" for outcome, _ in results), [r for r in results if r[0] != "ok"][:3]
    assert len([code for _, code in results if code]) == 1
    assert Complaint.objects.filter(channel_kind=ChannelKind.SP4N_LAPOR).count() == 1
    assert LaporReport.objects.count() == 1


def test_concurrent_pulls_import_each_report_once(lapor):
    lapor.feed = [item(f"LAPOR-{n}") for n in range(1, 6)] + [item("LAPOR-1")]
    results = race(5, lambda i: pull().status)
    statuses = [value for outcome, value in results if outcome == "ok"]
    assert len(statuses) == 5 and "ok" in statuses and set(statuses) <= {"ok", "busy"}
    pull()  # whatever a busy one left, the next pull finishes
    assert sorted(Complaint.objects.values_list("external_ref", flat=True)) == [f"LAPOR-{n}" for n in range(1, 6)]

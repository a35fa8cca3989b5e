"""Real concurrency on PostgreSQL: the row lock and the unique constraint make racing writers safe."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from complaints.errors import InvalidState, StaleVersion
from complaints.models import Complaint, ComplaintEvent, Reporter
from complaints.services.intake import ComplaintInput, ReporterInput, submit_complaint
from complaints.services.transitions import perform_action
from roles.principals import ChannelPrincipal
from roles.roles import Role

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    # serialized_rollback restores the reference data (districts, groups, permissions) that the flush after
    # a transactional test would otherwise remove, keeping primary keys stable for later tests.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def race(count: int, work: Callable[[int], object]) -> list[tuple[str, object]]:
    """Run `work(i)` in `count` threads released together; each result is ("ok", value) or ("error", exc)."""
    barrier = threading.Barrier(count)
    results: list[tuple[str, object]] = [("missing", None)] * count

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = ("ok", work(i))
        except Exception as exc:  # the test inspects every outcome
            results[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    return results


def fresh_user(user):
    # Each thread gets its own user object: roles are cached on the instance.
    return get_user_model().objects.get(pk=user.pk)


@pytest.mark.parametrize(("with_version", "loser_error"), [(True, StaleVersion), (False, InvalidState)])
def test_concurrent_forward_succeeds_once(complaint_in, users, with_version, loser_error):
    complaint = complaint_in("screening")
    version = complaint.version
    events_before = complaint.events.count()
    operator = users[Role.OPERATOR]

    results = race(4, lambda i: perform_action(
        user=fresh_user(operator), complaint_id=complaint.pk, action="forward", data={"note": f"thread {i}"},
        expected_version=version if with_version else None,
    ))

    outcomes = [kind for kind, _ in results]
    assert outcomes.count("ok") == 1, results
    errors = [value for kind, value in results if kind == "error"]
    assert len(errors) == 3
    assert all(isinstance(error, loser_error) for error in errors), errors
    complaint.refresh_from_db()
    assert complaint.status == "verification"
    assert complaint.version == version + 1
    assert complaint.events.filter(action="forward").count() == 1
    assert complaint.events.count() == events_before + 1


def test_concurrent_accept_records_one_reporter(complaint_in, users):
    complaint = complaint_in("submitted", anonymous=True)
    assert Reporter.objects.count() == 0
    operator = users[Role.OPERATOR]

    results = race(5, lambda i: perform_action(
        user=fresh_user(operator), complaint_id=complaint.pk, action="accept",
        data={"anonymous": False, "reporter_name": f"Pelapor {i}", "reporter_phone": f"08125550000{i}"},
    ))

    winners = [value for kind, value in results if kind == "ok"]
    assert len(winners) == 1, results
    assert all(isinstance(value, InvalidState) for kind, value in results if kind == "error"), results
    complaint.refresh_from_db()
    assert complaint.status == "screening"
    assert complaint.events.filter(action="accept").count() == 1
    # The losers wrote nothing: one reporter, the winner's.
    assert Reporter.objects.count() == 1
    assert complaint.reporter.name == winners[0].reporter.name


def test_concurrent_channel_intakes_create_one_complaint(channel, category, paringin):
    def submit(i: int):
        data = ComplaintInput(
            category=category, description=f"Kiriman ulang {i}", district=paringin,
            reporter=ReporterInput(name="Andi", phone="081255500009"), external_ref="wa-race-1",
        )
        return submit_complaint(user=ChannelPrincipal(channel), data=data)

    results = race(20, submit)

    assert all(kind == "ok" for kind, _ in results), [v for k, v in results if k != "ok"]
    intake = [value for _, value in results]
    assert sum(result.created for result in intake) == 1
    assert len({result.complaint.pk for result in intake}) == 1
    assert Complaint.objects.filter(channel=channel, external_ref="wa-race-1").count() == 1
    assert Complaint.objects.count() == 1
    assert ComplaintEvent.objects.filter(action="submit").count() == 1
    assert Reporter.objects.count() == 1


def _race_api_intake(channel, description) -> list:
    from rest_framework.test import APIClient

    def post(i: int):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {channel.raw_key}")
        response = client.post(
            "/api/v1/complaints/",
            {"category": "keributan", "district": "paringin", "description": description(i), "anonymous": True,
             "external_ref": "wa-race-api"},
            format="json",
        )
        return response.status_code, response.json().get("code")

    results = race(10, post)
    assert all(kind == "ok" for kind, _ in results), results
    return [value for _, value in results]


def test_concurrent_channel_intakes_over_api(channel, db):
    results = _race_api_intake(channel, lambda i: "Sama di setiap percobaan.")

    statuses = sorted(status for status, _ in results)
    assert statuses == [200] * 9 + [201], statuses
    assert len({code for _, code in results}) == 1
    assert Complaint.objects.count() == 1


def test_concurrent_intakes_of_one_key_with_different_bodies(channel, db):
    """Ten different complaints under one external_ref at once: the first is stored, the nine others wait for its
    commit on the unique key and are refused (422 idempotency_key_reused), not handed the first complaint."""
    results = _race_api_intake(channel, lambda i: f"API {i}")

    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [422] * 9, statuses
    assert {code for status, code in results if status == 422} == {"idempotency_key_reused"}
    assert Complaint.objects.count() == 1

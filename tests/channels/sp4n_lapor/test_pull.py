"""Pulling SP4N-LAPOR!'s disposition feed against a local fake LAPOR: paging, repeats, slowness, errors, crashes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from channels.sp4n_lapor import services
from channels.sp4n_lapor.models import LaporCursor, LaporReport
from channels.sp4n_lapor.services import pull
from complaints.models import ChannelKind, Complaint, Reporter
from complaints.selectors import queue_for
from roles.roles import Role
from tests.channels.sp4n_lapor.fake_lapor import AGENCY, TOKEN, item
from tests.helpers import codes

pytestmark = pytest.mark.django_db


def _lapor_complaints():
    return Complaint.objects.filter(channel_kind=ChannelKind.SP4N_LAPOR).order_by("id")


def test_pull_turns_dispositions_into_complaints_the_operator_sees(lapor, users, api_as):
    lapor.feed = [item("LAPOR-1"), item("LAPOR-2"), item("LAPOR-3")]
    result = pull()
    assert (result.status, len(result.created), result.repeated, result.pages) == ("ok", 3, 0, 2)

    complaints = list(_lapor_complaints())
    assert [c.external_ref for c in complaints] == ["LAPOR-1", "LAPOR-2", "LAPOR-3"]
    first = complaints[0]
    assert first.channel.kind == ChannelKind.SP4N_LAPOR and first.channel.name == "SP4N-LAPOR!"
    assert first.status == "submitted" and first.program == "lalisa"
    assert first.district.slug == "paringin" and first.category.slug == "gangguan-lain"
    assert first.description.startswith("Balap liar di jalan poros\n\nSetiap malam Minggu")
    assert (first.reporter.name, first.reporter.phone) == ("Rahmat Hidayat", "081234567890")
    assert first.lapor.tracking_id == "LAPOR-1" and first.lapor.report_type == "pengaduan"
    assert first.lapor.disposed_at == datetime.fromisoformat("2026-11-23T10:00:00+08:00")

    # The contract's auth: the bearer token and the agency id on every call.
    request = lapor.feed_requests()[0]
    assert request.path == "/api/v1/dispositions"
    assert request.headers["authorization"] == f"Bearer {TOKEN}" and request.headers["x-lapor-agency"] == AGENCY

    # The Operator's queue, by the selector and by the API.
    assert set(queue_for(users[Role.OPERATOR]).values_list("code", flat=True)) >= {c.code for c in complaints}
    assert set(codes(api_as(Role.OPERATOR).get("/api/v1/queue/"))) >= {c.code for c in complaints}


def test_paging_follows_the_cursor_and_keeps_it_for_the_next_pull(lapor):
    lapor.feed = [item(f"LAPOR-{n}") for n in range(1, 6)]
    assert len(pull().created) == 5
    assert [r.query.get("cursor") for r in lapor.feed_requests()] == [None, "pos-2", "pos-4"]
    assert LaporCursor.objects.get().cursor == "pos-5"

    lapor.feed.append(item("LAPOR-6"))
    result = pull()
    assert result.created and _lapor_complaints().last().external_ref == "LAPOR-6"
    assert lapor.feed_requests()[-1].query["cursor"] == "pos-5"
    assert LaporCursor.objects.get().imported_total == 6


def test_max_pages_stops_and_the_next_pull_goes_on(lapor):
    lapor.feed = [item(f"LAPOR-{n}") for n in range(1, 6)]
    assert len(pull(max_pages=1).created) == 2
    assert len(pull(max_pages=1).created) == 2
    assert len(pull().created) == 1
    assert _lapor_complaints().count() == 5


def test_the_same_item_twice_makes_one_complaint(lapor):
    # Twice in one page, and again on a later page (LAPOR's feed is at-least-once).
    lapor.feed = [item("LAPOR-1"), item("LAPOR-1"), item("LAPOR-2"), item("LAPOR-1")]
    result = pull()
    assert (len(result.created), result.repeated) == (2, 2)
    assert _lapor_complaints().count() == 2 and LaporReport.objects.count() == 2

    # LAPOR resets its cursor and sends everything again: nothing new.
    LaporCursor.objects.update(cursor="")
    again = pull()
    assert (len(again.created), again.repeated) == (0, 4)
    assert _lapor_complaints().count() == 2


def test_a_slow_lapor_hits_the_timeout_and_the_next_pull_retries(lapor, settings):
    settings.TRECKK_HTTP_TIMEOUT_SECONDS = 0.3
    lapor.feed = [item("LAPOR-1"), item("LAPOR-2")]
    lapor.delay = 1.0
    result = pull()
    assert result.status == "error" and "Timeout" in result.error
    assert not _lapor_complaints().exists()
    state = LaporCursor.objects.get()
    assert state.cursor == "" and "Timeout" in state.last_error and state.lease_until is None
    assert state.last_success_at is None

    lapor.delay = 0
    assert len(pull().created) == 2
    state.refresh_from_db()
    assert state.last_error == "" and state.last_success_at is not None


def test_server_errors_then_success_lose_nothing(lapor):
    lapor.feed = [item(f"LAPOR-{n}") for n in range(1, 6)]
    lapor.fail_feed(200, 500)  # the first page arrives, the second fails
    first = pull()
    assert (first.status, len(first.created)) == ("error", 2) and "HTTP 500" in first.error
    assert LaporCursor.objects.get().cursor == "pos-2"

    lapor.fail_feed(503)
    assert pull().status == "error"

    last = pull()
    assert (last.status, len(last.created)) == ("ok", 3)
    assert lapor.feed_requests()[-2].query["cursor"] == "pos-2"
    assert sorted(_lapor_complaints().values_list("external_ref", flat=True)) == [f"LAPOR-{n}" for n in range(1, 6)]


def test_a_crash_inside_a_page_keeps_the_cursor_so_the_page_is_read_again(lapor, monkeypatch):
    lapor.feed = [item("LAPOR-1"), item("LAPOR-2"), item("LAPOR-3")]
    real = services.import_disposition
    calls = {"n": 0}

    def flaky(channel, disposition):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("database went away")
        return real(channel, disposition)

    monkeypatch.setattr(services, "import_disposition", flaky)
    result = pull()
    assert result.status == "error" and "database went away" in result.error
    assert LaporCursor.objects.get().cursor == ""
    assert list(_lapor_complaints().values_list("external_ref", flat=True)) == ["LAPOR-1"]

    again = pull()
    assert (len(again.created), again.repeated) == (2, 1)
    assert sorted(_lapor_complaints().values_list("external_ref", flat=True)) == ["LAPOR-1", "LAPOR-2", "LAPOR-3"]


def test_a_running_pull_holds_the_cursor(lapor):
    lapor.feed = [item("LAPOR-1")]
    pull()
    LaporCursor.objects.update(lease_until=timezone.now() + timedelta(minutes=1))
    assert pull().status == "busy"
    LaporCursor.objects.update(lease_until=timezone.now() - timedelta(seconds=1))  # a killed pull's lease ran out
    assert pull().status == "ok"


def test_items_without_a_tracking_id_are_left_out_and_the_rest_imported(lapor):
    lapor.feed = [item("LAPOR-1"), {"title": "tanpa id"}, "rusak", item("LAPOR-2")]
    result = pull()
    assert len(result.created) == 2 and len(result.rejected) == 2


def test_a_report_we_already_have_gets_its_lapor_side_and_no_second_complaint(lapor):
    lapor.feed = [item("LAPOR-1")]
    pull()
    complaint = _lapor_complaints().get()
    LaporReport.objects.all().delete()
    LaporCursor.objects.update(cursor="")
    result = pull()
    assert (len(result.created), result.repeated) == (0, 1)
    assert LaporReport.objects.get().complaint == complaint


def test_off_without_configuration_and_when_the_channel_is_deactivated(settings, lapor):
    settings.SP4N_LAPOR_BASE_URL = ""
    assert pull().status == "not_configured"
    with pytest.raises(CommandError, match="not configured"):
        call_command("lapor_pull")

    settings.SP4N_LAPOR_BASE_URL = lapor.url
    channel = services.lapor_channel()
    channel.is_active = False
    channel.save()
    assert pull().status == "disabled"
    assert not lapor.requests


def test_bad_token_is_an_error_that_names_it(lapor, settings):
    settings.SP4N_LAPOR_API_TOKEN = "wrong"
    lapor.feed = [item("LAPOR-1")]
    result = pull()
    assert result.status == "error" and "HTTP 401" in result.error


def test_pull_command_reports_what_it_did(lapor, capsys):
    lapor.feed = [item("LAPOR-1"), item("LAPOR-1"), item("LAPOR-2")]
    call_command("lapor_pull")
    out = capsys.readouterr().out
    assert "2 new complaint(s), 1 already imported" in out
    lapor.fail_feed(500)
    LaporCursor.objects.update(cursor="")
    with pytest.raises(CommandError, match="HTTP 500"):
        call_command("lapor_pull")


def test_the_worker_keeps_one_pull_scheduled(lapor, settings):
    from channels.tasks import lapor_pull, schedule_lapor_pull

    waiting = DBTaskResult.objects.filter(task_path="channels.tasks.lapor_pull", status="READY")
    schedule_lapor_pull(right_away=True)
    schedule_lapor_pull()
    assert waiting.count() == 1

    lapor.feed = [item("LAPOR-1")]
    assert lapor_pull.call()["created"] == 1  # the task body: pulls, then schedules the next run
    assert waiting.count() == 1

    settings.SP4N_LAPOR_BASE_URL = ""
    waiting.delete()
    schedule_lapor_pull()
    assert not waiting.exists()


def test_anonymous_reports_keep_no_reporter_whatever_lapor_sent(lapor):
    lapor.feed = [item("LAPOR-ANON", is_anonymous=True, reporter={"name": "Bocor", "phone": "081299999999"})]
    reporters = Reporter.objects.count()
    pull()
    complaint = _lapor_complaints().get()
    assert complaint.is_anonymous and complaint.reporter is None
    assert Reporter.objects.count() == reporters
    assert complaint.lapor.is_anonymous


def test_secret_reports_are_confidential(lapor):
    lapor.feed = [item("LAPOR-SECRET", is_secret=True)]
    pull()
    complaint = _lapor_complaints().get()
    assert complaint.is_confidential and not complaint.is_anonymous
    assert complaint.reporter.name == "Rahmat Hidayat"
    assert complaint.lapor.is_secret

"""Follow-ups and the final outcome go back to SP4N-LAPOR! through the outbox: retried, in order, never twice."""

from __future__ import annotations

import pytest
from django.utils import timezone

from channels.models import OutboundKind, OutboundMessage, OutboundStatus
from channels.outbox import deliver
from channels.sp4n_lapor.services import pull
from complaints.models import ChannelKind, Complaint, ComplaintEvent, FieldResult
from complaints.services.transitions import perform_action
from complaints.workflow import Outcome, Status
from roles.roles import Role
from roles.setup import SYSTEM_USERNAME
from tests.channels.sp4n_lapor.fake_lapor import TOKEN, item

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(lapor, users):
    """Factory: a complaint pulled from the fake LAPOR (the users fixture first, so roles and teams exist)."""

    def build(tracking_id: str = "LAPOR-7", **fields) -> Complaint:
        lapor.feed.append(item(tracking_id, **fields))
        assert pull().status == "ok"
        return Complaint.objects.get(channel_kind=ChannelKind.SP4N_LAPOR, external_ref=tracking_id)

    return build


def _pushes(complaint) -> list[OutboundMessage]:
    return list(OutboundMessage.objects.filter(complaint=complaint).order_by("id"))


def _due_now(message: OutboundMessage) -> None:
    OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())


def _act(users, complaint, action: str, who=Role.OPERATOR, **data) -> Complaint:
    return perform_action(user=users[who], complaint_id=complaint.pk, action=action, data=data)


def test_accept_pushes_a_follow_up_that_meets_lapors_deadline(imported, users, lapor):
    complaint = imported()
    assert not _pushes(complaint)  # importing sends nothing back
    _act(users, complaint, "accept")
    (message,) = _pushes(complaint)
    assert (message.kind, message.status, message.recipient) == (OutboundKind.FOLLOW_UP, OutboundStatus.PENDING, "SP4N-LAPOR! LAPOR-7")
    assert complaint.code in message.body and "verifikasi" in message.body

    assert deliver(message.pk) == OutboundStatus.DELIVERED
    (push,) = lapor.pushes()
    assert push.path == "/api/v1/reports/LAPOR-7/follow-ups"
    assert push.headers["authorization"] == f"Bearer {TOKEN}"
    assert push.headers["idempotency-key"] == f"treckk-outbox-{message.pk}"
    assert push.json() == {
        "status": "diproses", "content": message.body, "reference": complaint.code, "posted_at": message.payload["at"],
    }
    report = Complaint.objects.get(pk=complaint.pk).lapor
    assert report.followed_up_at is not None and report.last_pushed_status == "follow_up"
    assert OutboundMessage.objects.get(pk=message.pk).provider_message_id == f"lapor-treckk-outbox-{message.pk}"


def test_a_push_lapor_refuses_with_5xx_is_retried_and_arrives_once(imported, users, lapor):
    complaint = imported()
    _act(users, complaint, "accept")
    (message,) = _pushes(complaint)
    lapor.fail_pushes(503, 500)
    assert deliver(message.pk) == OutboundStatus.PENDING
    assert "HTTP 503" in OutboundMessage.objects.get(pk=message.pk).last_error
    assert Complaint.objects.get(pk=complaint.pk).lapor.followed_up_at is None
    _due_now(message)
    assert deliver(message.pk) == OutboundStatus.PENDING
    _due_now(message)
    assert deliver(message.pk) == OutboundStatus.DELIVERED
    assert len(lapor.pushes()) == 1 and len(lapor.pushes_accepted) == 1


def test_a_slow_lapor_times_out_and_the_retry_is_not_posted_twice(imported, users, lapor, settings):
    complaint = imported()
    _act(users, complaint, "accept")
    (message,) = _pushes(complaint)
    settings.TRECKK_HTTP_TIMEOUT_SECONDS = 0.3
    lapor.delay = 1.0  # LAPOR gets it, but answers too late
    assert deliver(message.pk) == OutboundStatus.PENDING
    assert "Timeout" in OutboundMessage.objects.get(pk=message.pk).last_error
    lapor.delay = 0
    _due_now(message)
    assert deliver(message.pk) == OutboundStatus.DELIVERED
    # Both attempts reached LAPOR with the same key, so LAPOR keeps one follow-up.
    keys = [r.headers["idempotency-key"] for r in lapor.requests if r.method == "POST"]
    assert keys == [f"treckk-outbox-{message.pk}"] * 2 and len(lapor.pushes_accepted) == 1


def test_not_our_authority_becomes_bukan_wewenang_with_the_agency(imported, users, lapor):
    complaint = imported()
    _act(users, complaint, "accept")
    _act(users, complaint, "return", reason="not_authority", agency="Polres Balangan", note="Tindak pidana.")
    follow_up, final = _pushes(complaint)
    assert final.kind == OutboundKind.RETURNED
    for message in (follow_up, final):
        assert deliver(message.pk) == OutboundStatus.DELIVERED
    body = lapor.pushes()[-1].json()
    assert lapor.pushes()[-1].path == "/api/v1/reports/LAPOR-7/status"
    assert body["status"] == "bukan_wewenang" and body["result"] is None
    assert body["target_agency"] == "Polres Balangan"
    assert body["reason"] == "Bukan kewenangan Satpol PP (dilimpahkan)"
    assert "Polres Balangan" in body["content"] and "Tindak pidana" not in body["content"]  # never internal notes
    assert Complaint.objects.get(pk=complaint.pk).lapor.last_pushed_status == "final:referred"


def test_returned_for_another_reason_is_finished_as_not_actionable(imported, users, lapor):
    complaint = imported()
    _act(users, complaint, "accept")
    _act(users, complaint, "return", reason="incomplete")
    final = _pushes(complaint)[-1]
    OutboundMessage.objects.filter(complaint=complaint).exclude(pk=final.pk).update(status=OutboundStatus.DELIVERED)
    deliver(final.pk)
    body = lapor.pushes()[-1].json()
    assert (body["status"], body["result"], body["target_agency"]) == ("selesai", "tidak_dapat_ditindaklanjuti", None)
    assert body["reason"] == "Data aduan tidak lengkap"


def test_handled_case_pushes_its_outcome_and_lapors_acceptance_closes_step_8(imported, users, lapor, walk):
    complaint = imported()
    complaint = walk(complaint, Status.HEAD_REVIEW)
    kinds = [m.kind for m in _pushes(complaint)]
    assert kinds == [OutboundKind.FOLLOW_UP] * 3  # accept, forward, assign
    complaint = _act(users, complaint, "acknowledge", who=Role.KEPALA)
    assert complaint.status == Status.NOTIFICATION
    final = _pushes(complaint)[-1]
    assert final.kind == OutboundKind.OUTCOME

    for message in _pushes(complaint):
        assert deliver(message.pk) == OutboundStatus.DELIVERED
    paths = [r.path.rsplit("/", 1)[-1] for r in lapor.pushes()]
    assert paths == ["follow-ups", "follow-ups", "follow-ups", "status"]
    body = lapor.pushes()[-1].json()
    assert (body["status"], body["result"]) == ("selesai", "ditangani")

    complaint.refresh_from_db()
    assert (complaint.status, complaint.outcome) == (Status.CLOSED, Outcome.RESOLVED)
    informed = ComplaintEvent.objects.filter(complaint=complaint, action="informed").get()
    assert informed.actor.username == SYSTEM_USERNAME and "SP4N-LAPOR!" in informed.note
    # Closing did not queue a second final status.
    assert OutboundMessage.objects.filter(complaint=complaint, kind=OutboundKind.OUTCOME).count() == 1


def test_a_team_that_could_not_act_ends_as_unfounded_on_lapor(imported, users, lapor, walk):
    complaint = walk(imported(), "dispatch_assigned")
    member = users[Role.TRC]
    perform_action(user=member, complaint_id=complaint.pk, action="unable", data={"note": "Tidak ada kejadian."})
    perform_action(user=member, complaint_id=complaint.pk, action="report", data={
        "findings": "Sepi.", "action_taken": "Patroli.", "result": FieldResult.NOT_FOUND,
    })
    complaint = _act(users, complaint, "acknowledge", who=Role.KEPALA)
    final = _pushes(complaint)[-1]
    assert final.payload["result"] == Outcome.UNFOUNDED


def test_answered_information_request_sends_the_answer(imported, users, lapor):
    complaint = imported(report_type="permintaan_informasi", title="Jam layanan?", content="Kapan kantor buka?")
    _act(users, complaint, "accept")
    _act(users, complaint, "answer", answer="Senin-Jumat 08.00-16.00 WITA.")
    final = _pushes(complaint)[-1]
    for message in _pushes(complaint):
        deliver(message.pk)
    body = lapor.pushes()[-1].json()
    assert (body["status"], body["result"]) == ("selesai", "dijawab")
    assert "Senin-Jumat 08.00-16.00 WITA." in body["content"] and final.kind == OutboundKind.OUTCOME


def test_a_follow_up_still_waiting_goes_before_the_final_status(imported, users, lapor):
    complaint = imported()
    _act(users, complaint, "accept")
    lapor.fail_pushes(500)
    follow_up = _pushes(complaint)[0]
    assert deliver(follow_up.pk) == OutboundStatus.PENDING
    _act(users, complaint, "return", reason="not_trantibum")
    final = _pushes(complaint)[-1]
    assert deliver(final.pk) == OutboundStatus.PENDING  # waits for the follow-up
    assert "earlier push" in OutboundMessage.objects.get(pk=final.pk).last_error
    _due_now(follow_up)
    assert deliver(follow_up.pk) == OutboundStatus.DELIVERED
    _due_now(final)
    assert deliver(final.pk) == OutboundStatus.DELIVERED
    assert [r.path.rsplit("/", 1)[-1] for r in lapor.pushes()] == ["follow-ups", "status"]


def test_a_refused_token_is_a_dead_letter_for_the_operator(imported, users, lapor, settings):
    complaint = imported()
    _act(users, complaint, "accept")
    settings.SP4N_LAPOR_API_TOKEN = "revoked"
    (message,) = _pushes(complaint)
    assert deliver(message.pk) == OutboundStatus.DEAD
    assert "HTTP 401" in OutboundMessage.objects.get(pk=message.pk).last_error


def test_a_duplicate_from_lapor_ends_with_the_main_cases_outcome(imported, users, lapor, complaint_in):
    main = complaint_in(Status.SCREENING)
    duplicate = imported()
    _act(users, duplicate, "accept")
    _act(users, duplicate, "mark_duplicate", duplicate_of=main.code)
    assert [m.kind for m in _pushes(duplicate)] == [OutboundKind.FOLLOW_UP, OutboundKind.FOLLOW_UP]
    assert "ditangani bersama" in _pushes(duplicate)[-1].body

    _act(users, main, "return", reason="not_authority", agency="Dinas Perhubungan")
    final = _pushes(duplicate)[-1]
    assert (final.kind, final.payload["result"], final.payload["agency"]) == (OutboundKind.RETURNED, "referred", "Dinas Perhubungan")
    assert main.code in final.body


def test_marked_duplicate_of_a_case_already_closed_gets_its_outcome_at_once(imported, users, lapor, complaint_in):
    main = complaint_in(Status.CLOSED)
    duplicate = imported()
    _act(users, duplicate, "accept")
    _act(users, duplicate, "mark_duplicate", duplicate_of=main.code)
    final = _pushes(duplicate)[-1]
    assert final.kind == OutboundKind.OUTCOME and final.payload["result"] == Outcome.RESOLVED


def test_complaints_from_other_channels_push_nothing_to_lapor(users, lapor, complaint_in):
    complaint = complaint_in(Status.CLOSED)
    assert not OutboundMessage.objects.filter(complaint=complaint).exists()
    assert not lapor.requests

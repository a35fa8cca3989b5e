"""The volume generator writes what the services would have written: same grants, timelines, deadlines and breaches."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, models
from django.utils import timezone
from rest_framework.test import APIClient

from complaints.models import (
    Channel,
    ChannelKind,
    Complaint,
    ComplaintEvent,
    ComplaintGroupObjectPermission,
    District,
    FieldReport,
    Reporter,
    SlaBreach,
    StaffNotification,
    StepSpan,
)
from complaints.sla import due_at_for
from complaints.step_spans import rebuild_step_spans
from complaints.volume import OPEN_GROUPS, TABLES, Writer, generate
from complaints.workflow import OPEN_STATUSES, Status
from roles.grants import sync_team_grants

pytestmark = pytest.mark.django_db

TOTAL = 400
OPEN_EACH = 4


@pytest.fixture
def volume():
    return generate(TOTAL, seed=11, batch_size=150, open_each=OPEN_EACH)


def test_counts_and_open_steps(volume):
    assert Complaint.objects.count() == TOTAL
    assert volume.open == OPEN_EACH * len(OPEN_GROUPS)
    for status in OPEN_STATUSES:
        expected = 2 * OPEN_EACH if status == Status.DISPATCH else OPEN_EACH
        assert Complaint.objects.filter(status=status).count() == expected, status
    assigned = Complaint.objects.filter(status=Status.DISPATCH, assigned_team__isnull=False).count()
    assert assigned == OPEN_EACH
    assert volume.rows["ComplaintEvent"] == ComplaintEvent.objects.count() > 5 * TOTAL


def test_spread_over_years_places_channels_and_reporters(volume):
    span = Complaint.objects.aggregate(first=models.Min("created_at"), last=models.Max("created_at"))
    assert span["last"] - span["first"] > timedelta(days=2 * 365)
    assert set(Complaint.objects.values_list("district", flat=True)) == set(District.objects.values_list("pk", flat=True))
    assert set(Complaint.objects.values_list("channel_kind", flat=True)) == set(ChannelKind.values)
    assert Complaint.objects.values("category").distinct().count() >= 12
    anonymous = Complaint.objects.filter(is_anonymous=True)
    assert anonymous.exists() and not anonymous.filter(reporter__isnull=False).exists()
    assert Complaint.objects.filter(is_confidential=True, reporter__isnull=False).exists()
    assert Reporter.objects.count() == Complaint.objects.filter(reporter__isnull=False).count()
    # Channel complaints carry their channel and a unique external reference; walk-ins were recorded by a person.
    for complaint in Complaint.objects.exclude(channel_kind=ChannelKind.WALK_IN)[:50]:
        assert complaint.channel.kind == complaint.channel_kind and complaint.external_ref
    assert not Complaint.objects.filter(channel_kind=ChannelKind.WALK_IN, created_by__isnull=True).exists()


def test_states_are_what_the_services_write(volume):
    closed = Complaint.objects.filter(status=Status.CLOSED)
    assert not closed.filter(models.Q(outcome="") | models.Q(closed_at__isnull=True) | models.Q(due_at__isnull=False)).exists()
    for complaint in Complaint.objects.filter(status__in=OPEN_STATUSES).select_related("assigned_team"):
        assert complaint.outcome == "" and complaint.closed_at is None
        assert complaint.due_at == due_at_for(complaint.status, complaint.program, complaint.step_started_at)
        assert complaint.created_at <= complaint.step_started_at <= timezone.now()
        # The guardian grants held are exactly the ones the services keep: recomputing changes nothing.
        assert sync_team_grants(complaint) == {"granted": [], "revoked": []}, complaint.code
    # Grants exist only for complaints a team owns now.
    owned = Complaint.objects.filter(
        models.Q(status=Status.FIELD_CHECK) | models.Q(status__in=[Status.DISPATCH, Status.REPORTING], assigned_team__isnull=False)
    )
    granted = set(ComplaintGroupObjectPermission.objects.values_list("content_object", flat=True))
    assert granted == set(owned.values_list("pk", flat=True))
    forwarded = Complaint.objects.filter(forwarded_at__isnull=False)
    assert not forwarded.filter(status__in=[Status.SUBMITTED, Status.SCREENING]).exists()
    assert FieldReport.objects.count() == Complaint.objects.filter(
        models.Q(status__in=[Status.HEAD_REVIEW, Status.NOTIFICATION]) | models.Q(outcome__in=["resolved", "unfounded"])
    ).count()


def test_every_timeline_is_a_valid_walk_through_the_sop(volume):
    for complaint in Complaint.objects.prefetch_related("events"):
        events = sorted(complaint.events.all(), key=lambda e: (e.created_at, e.pk))
        assert [e.pk for e in events] == sorted(e.pk for e in events), "ids follow time"
        status = ""
        actions = 0
        for event in events:
            assert event.from_status == status, (complaint.code, event.action)
            if event.action == "sla_breach":
                assert event.to_status == status and event.actor_id is None
                continue
            if event.action != "submit":
                actions += 1
                assert event.actor_id is not None and event.actor_role, (complaint.code, event.action)
            status = event.to_status
        assert events[0].action == "submit" and status == complaint.status
        assert complaint.version == 1 + actions
        assert complaint.updated_at == max(e.created_at for e in events if e.action != "sla_breach")


def test_breaches_and_notifications_match_the_sweep(volume):
    assert SlaBreach.objects.exists()
    for breach in SlaBreach.objects.all()[:100]:
        assert breach.detected_at > breach.due_at
        assert ComplaintEvent.objects.filter(complaint=breach.complaint, action="sla_breach", created_at=breach.detected_at).exists()
        assert StaffNotification.objects.filter(breach=breach, is_escalation=False).exists()
    # A step that is late now was already seen by the sweep: its notices are unread.
    late_now = Complaint.objects.filter(status__in=OPEN_STATUSES, due_at__lt=timezone.now() - timedelta(minutes=2))
    assert late_now.exists()
    for complaint in late_now:
        breach = SlaBreach.objects.get(complaint=complaint, status=complaint.status, due_at=complaint.due_at)
        assert StaffNotification.objects.filter(breach=breach, read_at__isnull=True).exists()


def test_every_foreign_key_points_at_a_row(volume):
    for model, _columns in TABLES:
        for field in model._meta.concrete_fields:
            if not field.is_relation:
                continue
            dangling = model.objects.filter(**{f"{field.attname}__isnull": False}).exclude(
                **{f"{field.attname}__in": field.related_model._default_manager.values("pk")}
            )
            assert not dangling.exists(), f"{model.__name__}.{field.name}"


def test_step_spans_are_what_the_events_imply(volume):
    exact = [f.attname for f in StepSpan._meta.concrete_fields if f.attname != "seconds"]

    def spans() -> tuple[list[tuple], list[float]]:
        rows = StepSpan.objects.order_by("pk")
        return list(rows.values_list(*exact)), list(rows.values_list("seconds", flat=True))

    generated, seconds = spans()
    assert len(generated) > 3 * TOTAL  # closed complaints pass through eight steps
    assert rebuild_step_spans() == len(generated)
    rebuilt, rebuilt_seconds = spans()
    assert rebuilt == generated
    assert rebuilt_seconds == pytest.approx(seconds, abs=1e-3)  # the generator's clock is finer than a microsecond


def test_a_second_run_adds_to_the_first(volume):
    generate(60, seed=11, batch_size=25, open_each=1)
    assert Complaint.objects.count() == TOTAL + 60
    assert Complaint.objects.values("code").distinct().count() == TOTAL + 60
    # New rows get the next ids from the sequences.
    assert Channel.objects.filter(kind=ChannelKind.WHATSAPP).count() == 1


def test_roles_work_on_generated_data(volume):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    for username, statuses in [
        ("operator", {"submitted", "screening", "notification"}), ("kasi", {"verification"}), ("kabid", {"dispatch"}),
        ("kepala", {"head_review"}),
    ]:
        client = APIClient()
        client.force_authenticate(users.get(username=username))
        rows = client.get("/api/v1/queue/", {"page_size": 200}).json()["results"]
        assert rows and {r["status"] for r in rows} == statuses, username
    trc = APIClient()
    trc_user = users.get(username="trc-paringin")
    trc.force_authenticate(trc_user)
    rows = trc.get("/api/v1/complaints/", {"page_size": 200}).json()["results"]
    assert {r["district"] for r in rows if r["status"] == "field_check"} <= {"paringin"}
    assert all(r["status"] in ("field_check", "dispatch", "reporting") for r in rows)
    for row in rows:
        assert trc.get(f"/api/v1/complaints/{row['code']}/").status_code == 200


def test_command_refuses_a_production_database(settings):
    from django.core.management import CommandError, call_command

    settings.DEBUG = False
    with pytest.raises(CommandError, match="production"):
        call_command("generate_volume", "10")
    assert not Complaint.objects.exists()


def test_command_generates_with_progress(settings):
    from io import StringIO

    from django.core.management import call_command

    settings.DEBUG = True
    out = StringIO()
    call_command("generate_volume", "40", "--seed", "2", "--batch", "20", stdout=out)
    text = out.getvalue()
    assert Complaint.objects.count() == 40
    assert "20 / 40 complaints" in text and "40 / 40 complaints" in text and "Done in" in text


postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the background writer is PostgreSQL's")


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the reference data comes back after
def test_outside_a_transaction_batches_are_written_on_a_second_connection_in_order():
    summary = generate(300, seed=5, batch_size=40, open_each=3)
    assert Complaint.objects.count() == 300 == summary.complaints
    assert ComplaintEvent.objects.count() == summary.rows["ComplaintEvent"]
    assert StepSpan.objects.count() == summary.rows["StepSpan"]
    # Every batch landed, in order: the ids run without a gap and every event's complaint exists.
    ids = list(Complaint.objects.order_by("pk").values_list("pk", flat=True))
    assert ids == list(range(ids[0], ids[0] + 300))
    assert not ComplaintEvent.objects.exclude(complaint_id__in=Complaint.objects.values("pk")).exists()


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the reference data comes back after
def test_a_failed_batch_stops_the_load_and_the_indexes_come_back(monkeypatch):
    written = []
    real_write = Writer.write

    def fail_on_third(self, batch):
        if len(written) == 2:
            raise DatabaseError("disk full (simulated)")
        written.append(batch)
        real_write(self, batch)

    monkeypatch.setattr(Writer, "write", fail_on_third)
    monkeypatch.setattr("complaints.volume.BULK_INDEX_THRESHOLD", 100)
    indexes_before = _plain_indexes()
    with pytest.raises(DatabaseError, match="disk full"):
        generate(400, seed=6, batch_size=50, open_each=2)
    assert Complaint.objects.count() == 100  # the two batches before the failure, committed
    assert _plain_indexes() == indexes_before


def _plain_indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename LIKE 'complaints_%'")
        return {name for (name,) in cursor.fetchall()}

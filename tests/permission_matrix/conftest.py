"""One world for the whole permission matrix, built once per module (the requests that write run in a rolled-back
transaction): every role, TRC members of the complaints' post, of another post and of headquarters, a channel with
its key, and a complaint in every state in three reporter variants, each reporter with unique marker values; and the
channel's own complaints in every state, carrying what only staff may read (notes, a draft, a field report, staff
names, teams, a staff file, a field photo with its GPS position) as markers the channel must never get back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from rest_framework.authtoken.models import Token

from channels.models import Conversation, InboundMessage, OutboundKind, OutboundMessage, OutboundStatus, WebhookEndpoint
from complaints.models import Attachment, AttachmentKind, Category, Channel, ChannelKind, Complaint, District, FieldResult
from complaints.services.attachments import store_attachments
from complaints.services.intake import ComplaintInput, ReporterInput, submit_complaint
from duty.models import FieldLogEntry, FieldLogKind, FieldLogPhoto, RosterEntry, Shift
from public.links import feedback_token, receipt_token
from roles.roles import Role
from tests.factories import jpeg_with_gps, make_complaint_in, make_team, make_user
from tests.helpers import STATE_KEYS

# The matrix's roles: the five staff roles, three TRC members (the complaints' post, another post, headquarters),
# nobody logged in, and a channel with its API key.
ROLES = ("operator", "kasi", "kabid", "kepala", "trc_post", "trc_other", "trc_hq", "anonymous", "channel")
USER_KEY = {"operator": Role.OPERATOR, "kasi": Role.KASI, "kabid": Role.KABID, "kepala": Role.KEPALA,
            "trc_post": Role.TRC, "trc_other": "trc_halong", "trc_hq": "trc_hq"}
VARIANTS = {"normal": {}, "confidential": {"confidential": True}, "contact": {"allow_field_contact": True}}
# What only staff may read, planted on the channel's own complaints (issue 14, item 3; DESIGN.md section 3, last row).
INTERNAL = {
    "draft": "Konsepmarkarahasia", "note": "Catatanmarkarahasia", "findings": "Temuanmarkarahasia",
    "action_taken": "Tindakanmarkarahasia", "staff name": "Stafmarkarahasia", "staff file": "berkasstafmarka.png",
    "field photo GPS": "GPSMARKARAHASIA",
}
# Each action on the way, with that text; at `accept` the Operator records a NIK and an address the channel never sent.
MARKED_ACTIONS = {
    "accept": {"note": INTERNAL["note"]}, "forward": {"note": INTERNAL["note"]}, "submit_draft": {"draft": INTERNAL["draft"]},
    "confirm": {"note": INTERNAL["note"]}, "assign": {"note": INTERNAL["note"]}, "handle": {"note": INTERNAL["note"]},
    "report": {"findings": INTERNAL["findings"], "action_taken": INTERNAL["action_taken"], "result": FieldResult.WARNED},
    "acknowledge": {"note": INTERNAL["note"]}, "informed": {"note": INTERNAL["note"]},
}
CHANNEL_SENDS = ("name", "phone")
FIELD_STATES = ("field_check", "dispatch", "dispatch_assigned", "reporting", "head_review", "notification", "closed")
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00"
       b"\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")


@dataclass
class Reporter:
    """Marker values that cannot occur in a page by chance."""

    name: str
    phone: str
    nik: str
    address: str

    def fields(self) -> dict[str, str]:
        return {"name": self.name, "phone": self.phone, "nik": self.nik, "address": self.address}


@dataclass
class World:
    users: dict
    tokens: dict
    channel: Channel
    channel_key: str
    complaints: dict = field(default_factory=dict)  # (state, variant) -> Complaint
    reporters: dict = field(default_factory=dict)  # complaint pk -> Reporter
    channel_complaint: Complaint | None = None
    channel_complaints: dict = field(default_factory=dict)  # state -> the channel's own complaint, walked there
    channel_sent: dict = field(default_factory=dict)  # complaint pk -> the reporter fields the channel sent
    objects: dict = field(default_factory=dict)  # other things routes point at


def _reporter(index: int) -> Reporter:
    return Reporter(name=f"Pelapormarka{index:03d}x", phone=f"0819777{index:05d}", nik=f"63119{index:011d}",
                    address=f"Jalan Penanda {index:03d} Rahasia")


def _build(media) -> World:
    teams = {"trc-paringin": make_team("trc-paringin", District.objects.get(slug="paringin")),
             "trc-halong": make_team("trc-halong", District.objects.get(slug="halong")),
             "trc-markas": make_team("trc-markas", None)}
    users = {
        Role.OPERATOR: make_user("operator", Role.OPERATOR), Role.KASI: make_user("kasi", Role.KASI),
        Role.KABID: make_user("kabid", Role.KABID), Role.KEPALA: make_user("kepala", Role.KEPALA),
        Role.TRC: make_user("trc_paringin", Role.TRC, team=teams["trc-paringin"]),
        "trc_halong": make_user("trc_halong", Role.TRC, team=teams["trc-halong"]),
        "trc_hq": make_user("trc_hq", Role.TRC, team=teams["trc-markas"]),
    }
    tokens = {key: Token.objects.create(user=user).key for key, user in users.items()}
    channel = Channel.objects.create(name="Bot matriks", kind=ChannelKind.API)
    world = World(users=users, tokens=tokens, channel=channel, channel_key=channel.rotate_api_key())
    category = Category.objects.get(slug="keributan")
    paringin = District.objects.get(slug="paringin")
    index = 0
    for state in STATE_KEYS:
        for variant, flags in VARIANTS.items():
            index += 1
            reporter = _reporter(index)
            complaint = make_complaint_in(
                state, users, district=paringin, category=category, team=teams["trc-paringin"],
                reporter=ReporterInput(**reporter.fields(), allow_field_contact=flags.get("allow_field_contact", False)),
                confidential=flags.get("confidential", False), allow_field_contact=flags.get("allow_field_contact", False),
            )
            Attachment.objects.create(
                complaint=complaint, kind=AttachmentKind.EVIDENCE, content_type="image/png", size=len(PNG),
                file=ContentFile(PNG, name="matrix.png"),
            )
            world.complaints[(state, variant)] = Complaint.objects.get(pk=complaint.pk)
            world.reporters[complaint.pk] = reporter
    # A complaint the channel filed itself: the only row a channel sees.
    index += 1
    reporter = _reporter(index)
    from roles.principals import ChannelPrincipal

    own = submit_complaint(user=ChannelPrincipal(channel), data=ComplaintInput(
        category=category, description="Dari bot.", district=paringin, reporter=ReporterInput(**reporter.fields()),
        external_ref="matrix-1",
    )).complaint
    Attachment.objects.create(complaint=own, kind=AttachmentKind.EVIDENCE, content_type="image/png", size=len(PNG),
                              file=ContentFile(PNG, name="matrix.png"))
    world.channel_complaint = own
    world.reporters[own.pk] = reporter
    world.channel_sent[own.pk] = set(reporter.fields())
    # What the non-complaint routes point at.
    conversation = Conversation.objects.create(channel=channel, sender_id="62811", sender_name="Warga")
    media_path = "channel-media/matrixmedia.png"
    from django.core.files.storage import default_storage

    default_storage.save(media_path, ContentFile(PNG))
    message = InboundMessage.objects.create(
        channel=channel, conversation=conversation, external_id="m-1", text="Halo", sent_at=own.created_at,
        media=[{"id": "x1", "path": media_path, "content_type": "image/png", "size": len(PNG)}],
    )
    dead = OutboundMessage.objects.create(
        channel=channel, conversation=conversation, kind=OutboundKind.REPLY, recipient="62811", body="Balasan",
        status=OutboundStatus.DEAD,
    )
    webhook_endpoint = WebhookEndpoint.objects.create(channel=channel, url="https://mitra.example/hooks", secret="whsec_dGVzdA==")
    shift = Shift.objects.order_by("pk").first()
    roster = RosterEntry.objects.create(team=teams["trc-paringin"], member=users[Role.TRC], date=own.created_at.date(),
                                        shift=shift, created_by=users[Role.KABID])
    entry = FieldLogEntry.objects.create(
        team=teams["trc-paringin"], kind=FieldLogKind.choices[0][0], started_at=own.created_at,
        ended_at=own.created_at + timedelta(hours=1), district=paringin,
        place="Pasar", summary="Patroli.", recorded_by=users[Role.TRC], created_at=own.created_at,
    )
    photo = FieldLogPhoto.objects.create(entry=entry, content_type="image/png", size=len(PNG), uploaded_by=users[Role.TRC],
                                         file=ContentFile(PNG, name="log.png"), created_at=own.created_at)
    _channel_complaints(world, teams, index)
    closed = world.complaints[("closed", "normal")]
    lapor_follow_up = _lapor_follow_up(closed)
    world.objects = {
        "conversation": conversation, "message": message, "dead": dead, "webhook_endpoint": webhook_endpoint,
        "roster": roster, "entry": entry, "photo": photo, "lapor_follow_up": lapor_follow_up,
        "receipt_token": receipt_token(closed.code), "feedback_token": feedback_token(closed.code),
    }
    return world


def _lapor_follow_up(complaint: Complaint):
    """A LAPOR report on the closed case, with its final status waiting for the Operator to post (manual mode)."""
    from channels.sp4n_lapor.models import LaporFollowUp, LaporReport

    report = LaporReport.objects.create(
        complaint=complaint, tracking_id="8000000", report_type="pengaduan", disposed_at=complaint.created_at,
        follow_up_due_at=complaint.created_at + timedelta(days=7),
    )
    return LaporFollowUp.objects.create(
        report=report, kind="final", text="Hasil penanganan.", dedupe_key="matrix-lapor", due_at=report.follow_up_due_at,
        payload={"kind": "final", "tracking_id": "8000000", "text": "Hasil penanganan.", "result": "resolved"},
    )


def _channel_complaints(world: World, teams: dict, index: int) -> None:
    """The channel's own complaint in every state, filed with the reporter's name and phone, walked there by staff
    whose notes, draft and field report are marked; with the channel's photo, a staff file and (from the field check
    on) a field photo that keeps its GPS position. Filed after the channel's webhook exists, so its events go out."""
    from roles.principals import ChannelPrincipal

    users, principal = world.users, ChannelPrincipal(world.channel)
    for user in users.values():
        user.last_name = INTERNAL["staff name"]
        user.save(update_fields=["last_name"])
    for state in STATE_KEYS:
        index += 1
        reporter = _reporter(index)
        marked = {**MARKED_ACTIONS, "accept": {**MARKED_ACTIONS["accept"], "reporter_nik": reporter.nik,
                                               "reporter_address": reporter.address}}
        complaint = make_complaint_in(
            state, users, district=District.objects.get(slug="paringin"), category=Category.objects.get(slug="keributan"),
            team=teams["trc-paringin"], reporter=ReporterInput(**{name: reporter.fields()[name] for name in CHANNEL_SENDS}),
            by=principal, action_data=marked, external_ref=f"matrix-{state}",
        )
        store_attachments(user=principal, complaint=complaint, kind=AttachmentKind.EVIDENCE,
                          uploads=[SimpleUploadedFile("dari-bot.png", PNG)])
        store_attachments(user=users[Role.OPERATOR], complaint=complaint, kind=AttachmentKind.EVIDENCE,
                          uploads=[SimpleUploadedFile(INTERNAL["staff file"], PNG)])
        if state in FIELD_STATES:
            store_attachments(user=users[Role.TRC], complaint=complaint, kind=AttachmentKind.FIELD_PHOTO,
                              uploads=[SimpleUploadedFile("lapangan.jpg", jpeg_with_gps(INTERNAL["field photo GPS"]))])
        world.channel_complaints[state] = Complaint.objects.get(pk=complaint.pk)
        world.reporters[complaint.pk] = reporter
        world.channel_sent[complaint.pk] = set(CHANNEL_SENDS)


@pytest.fixture(scope="module")
def matrix_media(tmp_path_factory):
    return tmp_path_factory.mktemp("matrix-media")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, matrix_media):
    # Overrides the suite's per-test media folder: the world's files are written once, for the whole module.
    settings.MEDIA_ROOT = matrix_media


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, matrix_media):
    media = matrix_media
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings_for_the_module = override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast, DEBUG=False)
    with django_db_blocker.unblock(), settings_for_the_module, transaction.atomic():
        yield _build(media)
        transaction.set_rollback(True)

"""Demo data: villages, teams, one login per role, and complaints standing in every status."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from complaints.models import Category, Channel, ChannelKind, Complaint, District, FieldResult, Team, Village
from complaints.services.intake import ComplaintInput, ReporterInput, submit_complaint
from complaints.services.transitions import perform_action
from roles.principals import ChannelPrincipal
from roles.roles import Role
from roles.setup import ensure_role_groups

DEMO_PASSWORD = "treckk-demo-2026"  # noqa: S105 - demo logins only, printed by make run
VILLAGES = {
    "paringin": ["Paringin Kota", "Paringin Timur", "Balang"],
    "paringin-selatan": ["Batu Piring", "Halubau"],
    "lampihong": ["Lampihong Kanan", "Lampihong Kiri"],
    "batumandi": ["Batumandi", "Mampari"],
    "juai": ["Juai", "Lalayau"],
    "halong": ["Halong", "Binjai Punggal"],
    "awayan": ["Awayan", "Badalungga"],
    "tebing-tinggi": ["Tebing Tinggi", "Dayak Pitap"],
}
STAFF = [
    ("operator", Role.OPERATOR, "Admin La-Lisa"),
    ("kasi", Role.KASI, "Kasi Operasi"),
    ("kabid", Role.KABID, "Kabid Trantibum"),
    ("kepala", Role.KEPALA, "Kepala Satuan"),
]
DESCRIPTIONS = [
    "Sekelompok pemuda mabuk membuat keributan di depan pasar sejak malam.",
    "Pedagang kaki lima berjualan di bahu jalan dan mengganggu lalu lintas.",
    "Balap liar setiap malam Minggu di jalan poros kecamatan.",
    "Spanduk dan reklame dipasang di pohon dan tiang listrik tanpa izin.",
    "Tempat hiburan buka melewati jam operasional dan sangat bising.",
    "Warga membuang sampah di pinggir sungai dekat jembatan.",
]
# How far along the SOP each demo complaint is walked: (actor, action, fields).
PATH = [
    (Role.OPERATOR, "accept", {}),
    (Role.OPERATOR, "forward", {}),
    (Role.KASI, "submit_draft", {"draft": "Konsep laporan: perlu cek lapangan oleh pos kecamatan."}),
    ("post", "confirm", {"note": "Fakta sesuai laporan."}),
    (Role.KABID, "assign", {"team": "__post__"}),
    ("team", "handle", {"note": "Ditangani di tempat."}),
    ("team", "report", {"findings": "Ditemukan sesuai aduan.", "action_taken": "Pembinaan dan teguran.",
                        "result": FieldResult.WARNED}),
    (Role.KEPALA, "acknowledge", {}),
    (Role.OPERATOR, "informed", {"note": "Pelapor dihubungi lewat telepon."}),
]
STOP_AFTER = {  # number of PATH steps → resulting status
    0: "submitted", 1: "screening", 2: "verification", 3: "field_check", 4: "dispatch (unassigned)",
    5: "dispatch (assigned)", 6: "reporting", 7: "head_review", 8: "notification", 9: "closed",
}


def _user(username: str, role: Role, full_name: str, team: Team | None = None):
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={"first_name": full_name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    user.groups.add(Group.objects.get(name=role.group_name))
    if team is not None:
        team.add_member(user)
    return user


def _team(slug: str, name: str, district: District | None) -> Team:
    group, _ = Group.objects.get_or_create(name=f"Tim {name}")
    team, _ = Team.objects.get_or_create(slug=slug, defaults={"name": name, "district": district, "group": group})
    return team


@transaction.atomic
def load_demo(complaints_per_status: int = 3, seed: int = 7) -> dict[str, str]:
    """Idempotent for reference rows and users; adds complaints only when there are none yet."""
    ensure_role_groups()
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    logins: dict[str, str] = {}
    for district in District.objects.all():
        for name in VILLAGES.get(district.slug, []):
            Village.objects.get_or_create(district=district, name=name)
        team = _team(f"trc-{district.slug}", f"TRC Pos {district.name}", district)
        _user(f"trc-{district.slug}", Role.TRC, f"Anggota TRC {district.name}", team)
    hq = _team("trc-markas", "TRC Markas", None)
    logins["TRC (Markas)"] = _user("trc-markas", Role.TRC, "Anggota TRC Markas", hq).username
    logins["TRC (Pos Paringin)"] = "trc-paringin"
    for username, role, full_name in STAFF:
        logins[role.label] = _user(username, role, full_name).username
    whatsapp, _ = Channel.objects.get_or_create(name="WhatsApp La-Lisa", defaults={"kind": ChannelKind.WHATSAPP})
    if not Complaint.objects.exists():
        _demo_complaints(rng, whatsapp, complaints_per_status)
    _demo_conversations(whatsapp)
    # Imported here, like the channels app below: the complaints domain does not depend on the duty app.
    from duty.demo import load_duty_demo

    load_duty_demo(DEMO_PASSWORD)
    from public.demo import load_feedback_demo

    load_feedback_demo()
    return logins


def _near(rng: random.Random, district: District) -> dict[str, Decimal]:
    """A point a few kilometres from the kecamatan's centre."""
    if district.latitude is None or district.longitude is None:
        return {}
    return {
        "latitude": (district.latitude + Decimal(rng.uniform(-0.03, 0.03))).quantize(Decimal("0.000001")),
        "longitude": (district.longitude + Decimal(rng.uniform(-0.03, 0.03))).quantize(Decimal("0.000001")),
    }


def _demo_complaints(rng: random.Random, whatsapp: Channel, per_status: int) -> None:
    users = {role: get_user_model().objects.get(username=name) for name, role, _ in STAFF}
    categories = list(Category.objects.filter(is_active=True).exclude(kind="information"))
    districts = list(District.objects.all())
    for steps in range(len(PATH) + 1):
        for index in range(per_status):
            district = rng.choice(districts)
            by_channel = index % 2 == 0
            data = ComplaintInput(
                category=rng.choice(categories), description=rng.choice(DESCRIPTIONS), district=district,
                village=rng.choice(list(district.villages.all()) or [None]),
                address=f"RT {rng.randint(1, 12)}, dekat {rng.choice(['pasar', 'masjid', 'sekolah', 'jembatan'])}",
                # Two in three shared a location (WhatsApp pin, or the post's phone), for the hotspot map's dots.
                **_near(rng, district) if index != 1 else {},
                confidential=index == 1, anonymous=index == 2,
                reporter=ReporterInput() if index == 2 else ReporterInput(
                    name=rng.choice(["Siti Rahmah", "Ahmad Fauzi", "Rusmini", "M. Yusuf"]),
                    phone=f"0812{rng.randint(10_000_000, 99_999_999)}", allow_field_contact=index == 0,
                ),
                channel_kind=ChannelKind.WHATSAPP if by_channel else ChannelKind.WALK_IN,
                external_ref=f"demo-{steps}-{index}" if by_channel else "",
            )
            actor = ChannelPrincipal(whatsapp) if by_channel else users[Role.OPERATOR]
            complaint = submit_complaint(user=actor, data=data).complaint
            post = Team.objects.get(slug=f"trc-{district.slug}")
            post_member = post.members().first()
            for role, action, fields in PATH[:steps]:
                user = post_member if role in ("post", "team") else users[role]
                fields = {k: (post.slug if v == "__post__" else v) for k, v in fields.items()}
                if action == "accept" and index == 2:
                    fields = {"anonymous": True}
                perform_action(user=user, complaint_id=complaint.pk, action=action, data=fields)
            # Spread ages so queues show both fresh and overdue work.
            age = timedelta(minutes=rng.randint(1, 60 * 8))
            Complaint.objects.filter(pk=complaint.pk).update(
                created_at=timezone.now() - age - timedelta(minutes=30),
                due_at=None if steps == len(PATH) else timezone.now() + rng.choice([-1, 1]) * age / 4,
            )


# Two citizens writing on WhatsApp, for the Operator's inbox: (sender id, name, [(minutes ago, text, location)]).
DEMO_CONVERSATIONS = [
    ("6281351234567", "Rusmini", [
        (40, "Assalamualaikum, mau lapor. Ada pedagang berjualan di trotoar depan Pasar Paringin, "
             "pejalan kaki terpaksa turun ke jalan.", None),
        (39, "", ("-2.330500", "115.467200", "Pasar Paringin")),
        (35, "Sudah dari pagi, Pak. Mohon ditertibkan.", None),
    ]),
    ("6285249876543", "Ahmad Fauzi", [
        (26 * 60, "Bagaimana cara melapor balap liar? Tiap malam Minggu di jalan poros Batumandi.", None),
        (26 * 60 - 2, "Apakah nama saya dirahasiakan?", None),
    ]),
]


def _demo_conversations(whatsapp: Channel) -> None:
    """Idempotent: the messages' external ids are fixed, so a second run stores nothing new."""
    # Imported here: the complaints domain does not depend on the channels app; only this demo loader does.
    from decimal import Decimal

    from channels.services import NormalizedMessage, receive_message

    now = timezone.now()
    for sender_id, name, lines in DEMO_CONVERSATIONS:
        for number, (minutes_ago, text, location) in enumerate(lines, start=1):
            latitude, longitude, place = location or (None, None, "")
            receive_message(whatsapp, NormalizedMessage(
                external_id=f"demo-{sender_id}-{number}", sender_id=sender_id, sender_name=name, sender_phone=sender_id,
                text=text, sent_at=now - timedelta(minutes=minutes_ago), location_name=place,
                latitude=Decimal(latitude) if latitude else None, longitude=Decimal(longitude) if longitude else None,
            ))

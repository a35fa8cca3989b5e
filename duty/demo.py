"""Demo duty data: three members per post, this week's roster (one post left without one, so the dispatch board
shows a gap), the Paringin post's leader, and a few field log entries written through the services."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from complaints.models import Complaint, Team
from complaints.workflow import Status
from duty.models import DutyType, FieldLogEntry, FieldLogKind, RosterEntry, Shift
from duty.selectors import post_members, week_start
from duty.services import FieldLogInput, add_log_correction, record_field_log
from roles.roles import Role

# Two more members per post besides the demo login trc-<kecamatan> (Banjar names, as in Balangan).
EXTRA_MEMBERS = {
    "trc-paringin": ["Ahmad Rizani", "Muhammad Noor"],
    "trc-paringin-selatan": ["Rahmadi", "Syahrani"],
    "trc-lampihong": ["Fahriannor", "Hairul Anwar"],
    "trc-batumandi": ["Noorhidayat", "Rusdiansyah"],
    "trc-juai": ["Akhmad Yani", "Supiani"],
    "trc-halong": ["Masrani", "Jainal Abidin"],
    "trc-awayan": ["Hamdani", "Abdul Halim"],
    "trc-tebing-tinggi": ["Saberi", "Fitriadi"],
    "trc-markas": ["Ramli", "Bahrudin"],
}
# This post has no roster yet in the demo, so the dispatch board shows a post with nobody on duty.
UNROSTERED = "trc-tebing-tinggi"
# The Paringin login is its post's leader ("ketua pos") and keeps its roster; the other posts' logins only read.
POST_LEADER = "trc-paringin"
SHIFT_DUTIES = {"pagi": DutyType.OFFICE_GUARD, "siang": DutyType.PATROL, "malam": DutyType.STANDBY}


def load_duty_demo(password: str) -> None:
    """Idempotent: members and roster entries are got or created; the field log is written once."""
    teams = {team.slug: team for team in Team.objects.filter(slug__in=EXTRA_MEMBERS)}
    for slug, names in EXTRA_MEMBERS.items():
        if slug in teams:
            for number, name in enumerate(names, start=2):
                _member(f"{slug}-{number}", name, teams[slug], password)
    leader = get_user_model().objects.filter(username=POST_LEADER).first()
    if leader is not None:
        leader.user_permissions.add(Permission.objects.get(codename="manage_post_roster", content_type__app_label="duty"))
    _roster(teams)
    if not FieldLogEntry.objects.exists():
        _field_log(teams)


def _member(username: str, full_name: str, team: Team, password: str):
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={"first_name": full_name})
    if created:
        user.set_password(password)
        user.save()
    user.groups.add(Group.objects.get(name=Role.TRC.group_name))
    team.add_member(user)
    return user


def _roster(teams: dict[str, Team]) -> None:
    """This week, Monday to Sunday: each member works one shift a day, turning through the three shifts."""
    monday = week_start(timezone.localdate())
    shifts = {shift.code: shift for shift in Shift.objects.filter(code__in=SHIFT_DUTIES)}
    kabid = get_user_model().objects.filter(username="kabid").first()
    for slug, team in teams.items():
        if slug == UNROSTERED:
            continue
        members = list(post_members(team).order_by("username"))
        if not members:
            continue
        for offset in range(7):
            day = monday + timedelta(days=offset)
            for index, (code, duty_type) in enumerate(SHIFT_DUTIES.items()):
                if code not in shifts:
                    continue
                member = members[(offset + index) % len(members)]
                note = ""
                if slug == "trc-paringin" and offset == 5 and code == "siang":
                    duty_type, note = DutyType.EVENT_SECURITY, "Pengamanan pasar malam Paringin"
                RosterEntry.objects.get_or_create(
                    member=member, date=day, shift=shifts[code],
                    defaults={"team": team, "duty_type": duty_type, "note": note, "created_by": kabid},
                )


def _at(days_ago: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_default_timezone())


def _field_log(teams: dict[str, Team]) -> None:
    paringin, halong = teams.get("trc-paringin"), teams.get("trc-halong")
    if paringin is None or paringin.district is None:
        return
    members = list(post_members(paringin).order_by("username"))
    recorder = next((m for m in members if m.username == "trc-paringin"), members[0])
    # A case the post handled and can still see, so the demo shows a linked complaint.
    handled = Complaint.objects.filter(assigned_team=paringin, status__in=[Status.DISPATCH, Status.REPORTING]).first()
    villages = list(paringin.district.villages.order_by("name"))
    patrol = record_field_log(user=recorder, data=FieldLogInput(
        team=paringin, kind=FieldLogKind.PATROL, started_at=_at(1, 20), ended_at=_at(1, 22, 30),
        district=paringin.district, village=villages[0] if villages else None, place="Pasar Paringin dan Taman Kota",
        summary="Patroli malam di sekitar Pasar Paringin dan Taman Kota. Sekelompok pemuda berkumpul dan "
                "membunyikan knalpot brong di depan pasar.",
        actions_taken="Pembinaan di tempat, pemuda dibubarkan dengan tertib; knalpot diminta diganti.",
        participants=members[:2], complaint_code=handled.code if handled else "",
    ))
    add_log_correction(user=recorder, entry=patrol, text="Patroli selesai pukul 22.45, bukan 22.30.")
    record_field_log(user=recorder, data=FieldLogInput(
        team=paringin, kind=FieldLogKind.EVENT_SECURITY, started_at=_at(2, 8), ended_at=_at(2, 12),
        district=paringin.district, place="Lapangan Pahlawan Paringin",
        summary="Pengamanan upacara dan jalan sehat peringatan hari jadi kabupaten, sekitar 800 peserta.",
        actions_taken="Pengaturan parkir dan arus peserta bersama Dishub dan Polsek; tidak ada gangguan.",
        participants=members,
    ))
    record_field_log(user=recorder, data=FieldLogInput(
        team=paringin, kind=FieldLogKind.OFFICE_GUARD, started_at=_at(1, 7), ended_at=_at(1, 15),
        district=paringin.district, place="Kantor Kecamatan Paringin",
        summary="Jaga kantor kecamatan. Dua warga datang menanyakan izin keramaian; diarahkan ke kecamatan.",
        participants=members[2:] or members[:1],
    ))
    if halong is not None and halong.district is not None:
        halong_members = list(post_members(halong).order_by("username"))
        if halong_members:
            record_field_log(user=halong_members[0], data=FieldLogInput(
                team=halong, kind=FieldLogKind.PATROL, started_at=_at(3, 15), ended_at=_at(3, 17),
                district=halong.district, place="Jalan poros Halong–Binjai Punggal",
                summary="Patroli siang ke lokasi tambang rakyat di pinggir jalan poros; situasi aman.",
                participants=halong_members[:2],
            ))

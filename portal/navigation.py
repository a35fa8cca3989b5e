"""The portal's navigation: one entry per queue the user works, with its count, and the pages their roles open."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from channels.selectors import nav_counts
from channels.sp4n_lapor.adapters import MANUAL, lapor_mode
from complaints.selectors import queue_counts, unread_notifications
from roles.policy import (
    field_log_access,
    may_create_complaints,
    may_dispatch,
    may_edit_knowledge,
    may_open_roster,
    may_use_inbox,
    may_view_dashboard,
    may_work_lapor,
)
from roles.principals import user_roles
from roles.roles import Role

QUEUE_LABELS = {
    Role.OPERATOR: gettext_lazy("Antrean Operator"),
    Role.KASI: gettext_lazy("Verifikasi"),
    Role.KABID: gettext_lazy("Penugasan"),
    Role.TRC: gettext_lazy("Tugas tim"),
    Role.KEPALA: gettext_lazy("Telaah Kepala"),
}


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url: str
    count: int | None = None


def queue_label(role: Role) -> str:
    return str(QUEUE_LABELS[role])


def nav_items(user) -> list[NavItem]:
    items = [
        NavItem(f"queue-{role}", queue_label(role), reverse("portal:queue", args=[role]), count)
        for role, count in queue_counts(user).items()
    ]
    inbox = may_use_inbox(user)
    # Unread messages and dead letters are the Operator's work, so only the Operator gets their counts (one query).
    counts = nav_counts() if inbox and Role.OPERATOR in user_roles(user) else {}
    if inbox:
        items.append(NavItem("inbox", _("Kotak masuk"), reverse("portal:inbox"), counts.get("unread")))
    if user_roles(user):
        items.append(NavItem("cases", _("Semua aduan"), reverse("portal:cases")))
    if may_dispatch(user):
        items.append(NavItem("dispatch", _("Papan penugasan"), reverse("portal:dispatch")))
    if may_view_dashboard(user):
        items.append(NavItem("dashboard", _("Dasbor"), reverse("portal:dashboard")))
        items.append(NavItem("hotspots", _("Peta kerawanan"), reverse("portal:hotspots")))
    if may_create_complaints(user):
        items.append(NavItem("intake", _("Aduan langsung"), reverse("portal:intake")))
    if inbox:
        items.append(NavItem("outbox", _("Pesan gagal"), reverse("portal:outbox"), counts.get("dead")))
    # In the manual mode the Operator posts LAPOR's follow-ups by hand; in the API mode the list matters only while
    # rows from a manual period are left.
    if may_work_lapor(user) and (lapor_mode() == MANUAL or counts.get("lapor")):
        items.append(NavItem("lapor", _("Tindak lanjut LAPOR"), reverse("portal:lapor"), counts.get("lapor")))
    if may_edit_knowledge(user):
        items.append(NavItem("knowledge", _("Basis pengetahuan"), reverse("portal:knowledge")))
    if may_open_roster(user):
        items.append(NavItem("roster", _("Jadwal piket"), reverse("duty:roster")))
    if field_log_access(user):
        items.append(NavItem("field-log", _("Buku kegiatan"), reverse("duty:log")))
    if user_roles(user):
        items.append(NavItem("notifications", _("Pemberitahuan"), reverse("portal:notifications"), unread_notifications(user)))
    return items


def navigation(request: HttpRequest) -> dict:
    """Context processor; the counts query runs only when a page draws the navigation."""
    if not request.user.is_authenticated:
        return {}
    return {"nav": SimpleLazyObject(lambda: nav_items(request.user))}


def home_url(user) -> str:
    """Where a user lands after logging in: their first queue."""
    roles = [role for role in Role if role in user_roles(user)]
    if roles:
        return reverse("portal:queue", args=[roles[0]])
    return reverse("portal:cases")

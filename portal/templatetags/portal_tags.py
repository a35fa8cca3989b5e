"""Dates in WITA, SLA wording, and small display helpers for the portal's templates."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote

from django import template
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.encoding import force_str
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

from complaints.workflow import action_label
from roles.roles import Role

register = template.Library()

# Balangan is in Central Indonesian Time; TIME_ZONE is Asia/Makassar, so local time is WITA.
ZONE_LABEL = "WITA"
MINUTE = timedelta(minutes=1)
SOON = 0.25  # under a quarter of the step's window left counts as "soon"


@register.filter
def wita(value: datetime | None, fmt: str = "SHORT_DATETIME_FORMAT") -> str:
    if value is None:
        return ""
    return f"{formats.date_format(timezone.localtime(value), fmt)} {ZONE_LABEL}"


@register.filter
def age(value: datetime | None) -> str:
    return timesince(value, timezone.now(), depth=1) if value else ""


@register.simple_tag
def sla_state(complaint) -> dict[str, str]:
    """How the current step stands against its time limit: a CSS class and the words for it."""
    due = complaint.due_at
    if due is None or not complaint.is_open:
        return {"css": "done", "text": ""}
    now = timezone.now()
    if due <= now:
        if now - due < MINUTE:
            return {"css": "late", "text": _("baru lewat tenggat")}
        return {"css": "late", "text": _("lewat %(span)s") % {"span": timesince(due, now, depth=2)}}
    if due - now < MINUTE:
        return {"css": "soon", "text": _("kurang dari 1 menit lagi")}
    window = (due - complaint.step_started_at).total_seconds() or 1
    css = "soon" if (due - now).total_seconds() / window < SOON else "ok"
    return {"css": css, "text": _("sisa %(span)s") % {"span": timeuntil(due, now, depth=2)}}


_CHOICE_LABELS: dict[tuple[type, str], tuple[str, dict]] = {}


@register.filter
def display(obj: models.Model, field_name: str) -> str:
    """`{{ c|display:"status" }}` is `{{ c.get_status_display }}`: the label of the field's value in the current
    language. Django's get_FOO_display rebuilds a dict of the field's choices on every call and hashes each lazy label,
    translating all of them; in a list that is every status label for every row. This keeps the dict per field (the
    labels stay lazy) and translates only the one it shows."""
    key = (type(obj), field_name)
    found = _CHOICE_LABELS.get(key)
    if found is None:
        field = obj._meta.get_field(field_name)
        found = _CHOICE_LABELS[key] = (field.attname, dict(field.flatchoices))
    attname, labels = found
    value = getattr(obj, attname)
    return force_str(labels.get(value, value), strings_only=True)


@register.filter
def map_link(complaint) -> str:
    """A link to the spot on OpenStreetMap: a link only, the portal itself loads nothing from outside."""
    if complaint.latitude is None or complaint.longitude is None:
        return ""
    lat, lng = complaint.latitude, complaint.longitude
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lng}#map=17/{lat}/{lng}"


@register.filter
def event_label(action: str) -> str:
    return action_label(action)


@register.filter
def role_label(code: str) -> str:
    try:
        return Role(code).label
    except ValueError:
        return code


_CASE_URL = "portal_tags.case_url"
_SENTINEL = "~code~"


@register.simple_tag(takes_context=True)
def case_url(context, code: str) -> str:
    """`{% url 'portal:case' code %}` for the rows of a list: the URL pattern is reversed once per page (kept in the
    render context) and each row's code put into it, quoted as reverse() quotes it; reversing it anew for each of 50
    rows was a noticeable part of drawing a queue."""
    parts = context.render_context.get(_CASE_URL)
    if parts is None:
        parts = context.render_context[_CASE_URL] = reverse("portal:case", args=[_SENTINEL]).split(_SENTINEL)
    return quote(str(code), safe=RFC3986_SUBDELIMS + "/~:@").join(parts)


@register.simple_tag(takes_context=True)
def poll_url(context) -> str:
    """This list page as it is now (filters and page number), for the results section to poll."""
    request, query, page = context["request"], context.get("query", ""), context["page"]
    params = "&".join(part for part in (query, f"page={page.number}" if page.number > 1 else "") if part)
    return f"{request.path}?{params}" if params else request.path


PROTECTION_LABELS = {
    "confidential": lambda: _("Identitas pelapor dirahasiakan"),
    "anonymous": lambda: _("Pelapor anonim"),
    "allow_field_contact": lambda: _("Pelapor bersedia dihubungi tim lapangan"),
}


@register.filter
def protection_changes(payload: dict) -> list[str]:
    """'Identitas pelapor dirahasiakan: Ya → Tidak' for each flag a protection_changed event records."""
    yes_no = {True: _("Ya"), False: _("Tidak")}
    return [
        f"{PROTECTION_LABELS[name]() if name in PROTECTION_LABELS else name}: {yes_no.get(change.get('from'), '?')} → "
        f"{yes_no.get(change.get('to'), '?')}"
        for name, change in (payload or {}).get("changes", {}).items()
    ]

"""Display helpers for the roster and the field log: names, and time spans in WITA."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils import formats, timezone

from duty.services import display_name

register = template.Library()


@register.filter
def person(user) -> str:
    return display_name(user) if user is not None else ""


@register.filter
def timespan(entry) -> str:
    """ "23 Nov 2026 19.00–21.30 WITA", or both dates when the activity ran past midnight."""
    start: datetime = timezone.localtime(entry.started_at)
    end: datetime = timezone.localtime(entry.ended_at)
    first = formats.date_format(start, "SHORT_DATETIME_FORMAT")
    if start.date() == end.date():
        return f"{first}–{formats.time_format(end, 'TIME_FORMAT')} WITA"
    return f"{first} – {formats.date_format(end, 'SHORT_DATETIME_FORMAT')} WITA"


@register.inclusion_tag("duty/phone.html")
def phone(user) -> dict:
    """The member's WhatsApp number as a link to call, when he recorded one (roles.StaffContact)."""
    try:
        number = user.staff_contact.whatsapp_number
    except ObjectDoesNotExist:  # no contact recorded
        number = ""
    return {"number": number}

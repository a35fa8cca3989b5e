"""The one path by which reporter data leaves the database for a staff member or a channel.

A channel is shown the reporter fields it sent itself (roles.policy.ReporterAccess.SENT): the intake names them,
never their values, in the complaint's `submit` event, so a NIK or an address the Operator records at `accept` never
goes back to the channel, and a confidential or anonymous reporter is not shown to it at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, fields

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from complaints.models import Complaint, ComplaintEvent
from roles.policy import ReporterAccess, reporter_access, sees_every_reporter, unmasked_reporter_rows

# The identifying fields of a reporter, and the key of the `submit` event's payload that names those sent.
IDENTIFYING_FIELDS = ("name", "phone", "nik", "address")
SENT_FIELDS_KEY = "reporter_fields"
# Where a list's prefetch leaves each complaint's `submit` event (complaints read by a channel, a page at a time).
SUBMIT_EVENTS_ATTR = "submit_events"


@dataclass(frozen=True)
class ReporterView:
    access: str
    anonymous: bool
    confidential: bool
    name: str | None = None
    phone: str | None = None
    nik: str | None = None
    address: str | None = None
    allow_field_contact: bool | None = None

    def as_dict(self) -> dict:
        # dataclasses.asdict deep-copies field by field; every value here is a str, bool or None, so a plain dict is
        # the same thing at a tenth of the cost (once per row of every API list).
        return {name: getattr(self, name) for name in _FIELD_NAMES}


_FIELD_NAMES = tuple(field.name for field in fields(ReporterView))


def _masked_view(user, complaint: Complaint) -> ReporterView:
    access = reporter_access(user, complaint)
    base = {"access": str(access), "anonymous": complaint.is_anonymous, "confidential": complaint.is_confidential}
    reporter = complaint.reporter if complaint.reporter_id else None
    if access == ReporterAccess.FULL:
        return ReporterView(
            **base, name=reporter.name, phone=reporter.phone, nik=reporter.nik, address=reporter.address,
            allow_field_contact=reporter.allow_field_contact,
        )
    if access == ReporterAccess.CONTACT:
        return ReporterView(**base, phone=reporter.phone, allow_field_contact=True)
    if access == ReporterAccess.SENT:
        sent = sent_reporter_fields(complaint)
        return ReporterView(**base, **{name: getattr(reporter, name) for name in IDENTIFYING_FIELDS if name in sent})
    return ReporterView(**base)


def sent_reporter_fields(complaint: Complaint) -> frozenset[str]:
    """The reporter fields the complaint's submission carried (none for one recorded before they were named)."""
    events = getattr(complaint, SUBMIT_EVENTS_ATTR, None)
    if events is None:
        events = list(ComplaintEvent.objects.filter(complaint=complaint, action="submit").order_by("id")[:1])
    payload = events[0].payload if events else {}
    return frozenset(payload.get(SENT_FIELDS_KEY) or ()) & frozenset(IDENTIFYING_FIELDS)


def reporter_view(user, complaint: Complaint) -> ReporterView:
    """The reporter as this user may see them; what is shown unmasked is noted for the request's audit entry."""
    view = _masked_view(user, complaint)
    if view.access in _DISCLOSING:
        _disclose(complaint.code, [name for name in IDENTIFYING_FIELDS if getattr(view, name)])
    return view


# What one response shows of reporters ------------------------------------------------------------------------------
# Everything above notes, per request, which complaints' reporters it showed unmasked; audit/middleware.py opens the
# note around each request and writes it as one audit entry (one INSERT, whatever the page size). Reads where the
# user sees less (masked, anonymous) note nothing, nor does a channel reading back the fields it sent itself.

_DISCLOSING = frozenset({ReporterAccess.FULL, ReporterAccess.CONTACT})
# At most this many codes are listed per entry; past it, the entry keeps the count (an export: its filter and count).
LISTED_MAX = 1000


@dataclass
class Disclosure:
    complaints: dict[str, None] = field(default_factory=dict)  # codes in the order shown; a dict keeps them unique
    fields: set[str] = field(default_factory=set)
    unlisted: int = 0
    export: dict | None = None

    def __bool__(self) -> bool:
        return bool(self.complaints) or self.export is not None

    def detail(self) -> dict:
        """The audit entry's details: the complaints and the fields shown, or for an export what it covers."""
        if self.export is not None:
            return dict(self.export)
        detail: dict = {"complaints": list(self.complaints), "fields": sorted(self.fields)}
        if self.unlisted:
            detail["unlisted"] = self.unlisted
        return detail


_current: ContextVar[Disclosure | None] = ContextVar("treckk_reporter_disclosure", default=None)


@contextmanager
def noting_disclosures() -> Iterator[Disclosure]:
    """Note what the code run inside shows unmasked (one request). Outside it nothing is noted."""
    token = _current.set(Disclosure())
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def _disclose(code: str, shown: Iterable[str]) -> None:
    disclosure = _current.get()
    if disclosure is None or disclosure.export is not None:  # an export is noted once, as a whole
        return
    shown = list(shown)
    if not shown:
        return
    if code not in disclosure.complaints:
        if len(disclosure.complaints) < LISTED_MAX:
            disclosure.complaints[code] = None
        else:
            disclosure.unlisted += 1
    disclosure.fields.update(shown)


def disclose_export(user, queryset: QuerySet[Complaint], *, filters: dict, fields: Iterable[str]) -> None:
    """An export of `queryset` is about to stream: note it now, as a whole, before a byte leaves. The codes of the
    rows whose reporter it shows are listed up to LISTED_MAX; a larger export keeps its filter and counts instead (a
    year is 10^5 to 10^6 codes, megabytes in one audit row; the filter, the time and the user's role give the set
    back). The rows' own masking then notes nothing more."""
    disclosure = _current.get()
    if disclosure is None:
        return
    unmasked = unmasked_reporter_rows(user, queryset).order_by("created_at", "id")
    codes = list(unmasked.values_list("code", flat=True)[: LISTED_MAX + 1])
    detail = {"filter": filters, "rows": queryset.order_by().count(), "fields": list(fields)}
    if len(codes) <= LISTED_MAX:
        detail.update(unmasked=len(codes), complaints=codes)
    else:
        detail["unmasked"] = unmasked.order_by().count()
    disclosure.export = detail


# A conversation's sender -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SenderView:
    """Who wrote a conversation, as this user may see them. Once the conversation is linked to a complaint its sender
    is that complaint's reporter, shown only to those who see every reporter (roles.policy.sees_every_reporter);
    before that it is nobody's reporter yet, and the inbox and the admin show it."""

    shown: bool
    name: str = ""
    phone: str = ""
    sender_id: str = ""

    @property
    def label(self) -> str:
        return (self.name or self.sender_id) if self.shown else str(MASKED_SENDER)


MASKED_SENDER = gettext_lazy("(dirahasiakan)")  # the word the register uses for a masked reporter


def sender_view(user, conversation, complaints: Iterable[Complaint]) -> SenderView:
    """`conversation` (channels.models.Conversation) with the complaints linked to it (a message's own complaint too)."""
    codes = [complaint.code for complaint in complaints]
    if codes and not sees_every_reporter(user):
        return SenderView(shown=False)
    view = SenderView(shown=True, name=conversation.sender_name, phone=conversation.sender_phone, sender_id=conversation.sender_id)
    shown = [name for name in ("name", "phone", "sender_id") if getattr(view, name)]
    for code in codes:
        _disclose(code, shown)
    return view

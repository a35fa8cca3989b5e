"""Writes from the public pages: a complaint through the web form, and the reporter's rating."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.errors import ActionNotAllowed, InputError, InvalidState, WorkflowError
from complaints.models import Channel, ChannelKind, Complaint
from complaints.services.intake import ComplaintInput, IntakeResult, submit_complaint
from public.links import code_from_feedback_token
from public.models import COMMENT_LIMIT, RATING_MAX, RATING_MIN, Feedback
from public.selectors import feedback_open
from roles.policy import may_rate_for_reporter
from roles.principals import ChannelPrincipal

WEB_CHANNEL_NAME = gettext_lazy("Formulir web")


class WebFormClosed(WorkflowError):
    """An administrator switched the web channel off."""

    code = "web_form_closed"
    status = 503


def web_form_channel(*, create: bool = False) -> Channel | None:
    """The active `web` channel the form files complaints under.

    A fresh installation has none: the first submission creates it, so the form works out of the box. An
    administrator closes the form by deactivating that channel in the admin; then there is an inactive one and
    none is created.
    """
    channel = Channel.objects.filter(kind=ChannelKind.WEB, is_active=True).order_by("pk").first()
    if channel is not None or not create or Channel.objects.filter(kind=ChannelKind.WEB).exists():
        return channel
    channel, _created = Channel.objects.get_or_create(name=str(WEB_CHANNEL_NAME), defaults={"kind": ChannelKind.WEB})
    return channel if channel.kind == ChannelKind.WEB and channel.is_active else None


def web_form_open() -> bool:
    return web_form_channel() is not None or not Channel.objects.filter(kind=ChannelKind.WEB).exists()


def submit_web_report(*, data: ComplaintInput, uploads: Sequence[UploadedFile] = ()) -> IntakeResult:
    """File a citizen's report from the web form, as the web channel itself (no staff member recorded it).

    The intake service checks every photo before writing anything, and the first submission's channel is created in
    the same transaction, so a refused report leaves nothing behind.
    """
    with transaction.atomic():
        channel = web_form_channel(create=True)
        if channel is None:
            raise WebFormClosed(_("Formulir aduan web sedang ditutup. Sampaikan aduan lewat WhatsApp La-Lisa atau kantor kecamatan."))
        data.channel_kind = ChannelKind.WEB
        data.external_ref = ""  # every web submission is its own complaint; the rate limit stops floods
        return submit_complaint(user=ChannelPrincipal(channel), data=data, uploads=uploads)


def check_rater(complaint: Complaint, *, token: str = "", user=None) -> None:
    """ActionNotAllowed (403 `feedback_link_required`) unless the caller speaks for the reporter: `token` is the one
    in the reporter's outcome message (signed for this complaint), or `user` is the reporter's channel."""
    if code_from_feedback_token(token or "") == complaint.code or may_rate_for_reporter(user, complaint):
        return
    raise ActionNotAllowed(
        _("Hanya pelapor yang dapat menilai aduan ini: gunakan tautan penilaian dalam pesan hasil penanganan "
          "yang dikirim kepada pelapor."),
        code="feedback_link_required",
    )


def leave_feedback(*, complaint: Complaint, rating: int, comment: str = "", token: str = "", user=None) -> Feedback:
    """Record the reporter's rating once. Only the reporter rates: `token` from the signed link in their outcome
    message (public.links.feedback_token), or `user` their channel (check_rater); otherwise ActionNotAllowed (403
    `feedback_link_required`), whatever else was sent, so a tracking code alone rates nothing.
    Then InputError (400) for a bad rating, InvalidState (409) when the case may not be rated (yet) or already was."""
    check_rater(complaint, token=token, user=user)
    errors: dict[str, list[str]] = {}
    if not isinstance(rating, int) or isinstance(rating, bool) or not RATING_MIN <= rating <= RATING_MAX:
        errors["rating"] = [_("Pilih nilai %(min)s sampai %(max)s.") % {"min": RATING_MIN, "max": RATING_MAX}]
    comment = (comment or "").strip()
    if len(comment) > COMMENT_LIMIT:
        errors["comment"] = [_("Komentar paling panjang %(limit)s karakter.") % {"limit": COMMENT_LIMIT}]
    if errors:
        raise InputError(errors)
    if Feedback.objects.filter(complaint=complaint).exists():
        raise already_rated()
    if not feedback_open(complaint):
        raise InvalidState(
            _("Aduan ini belum dapat dinilai. Penilaian dibuka setelah hasil penanganannya disampaikan."), code="feedback_not_open"
        )
    try:
        with transaction.atomic():
            return Feedback.objects.create(complaint=complaint, rating=rating, comment=comment)
    except IntegrityError:
        raise already_rated() from None  # a second submission raced the first one


def already_rated() -> InvalidState:
    return InvalidState(_("Aduan ini sudah dinilai. Penilaian hanya dapat diberikan sekali."), code="already_rated")

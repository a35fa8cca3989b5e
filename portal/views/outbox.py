"""Messages that could not be delivered (dead letters) and those still waiting, with a retry for each dead one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from channels.models import OutboundMessage
from channels.outbox import retry_now
from channels.selectors import OUTBOX_TABS, outbox_counts, outbox_messages
from portal.views.inbox import conversation_page, require_inbox
from portal.views.queues import PAGE_SIZE, _query_without_page
from roles.masking import sender_view

DEFAULT_TAB = "dead"


@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    require_inbox(request.user)
    return _outbox_page(request)


def _outbox_page(request: HttpRequest, *, alert: str = "", status: int = 200) -> HttpResponse:
    tab = request.GET.get("tab") if request.GET.get("tab") in OUTBOX_TABS else DEFAULT_TAB
    page = Paginator(outbox_messages(tab), PAGE_SIZE).get_page(request.GET.get("page"))
    for message in page.object_list:
        _with_sender(request, message)
    context = {
        "tab": tab, "counts": outbox_counts(), "page": page, "query": _query_without_page(request), "alert": alert,
        "nav_key": "outbox",
    }
    template = "portal/outbox.html#results" if request.htmx and not request.htmx.boosted else "portal/outbox.html"
    return render(request, template, context, status=status)


@login_required
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    """'Coba lagi' on a dead message: a fresh set of attempts from now. Anything not dead is left alone (409)."""
    require_inbox(request.user)
    message = OutboundMessage.objects.select_related("channel", "conversation", "complaint", "created_by").filter(pk=pk).first()
    if message is None:
        raise Http404(_("Pesan tidak ditemukan."))
    revived = retry_now(message)
    message.refresh_from_db()
    from_thread = request.POST.get("from") == "thread" and message.conversation_id is not None
    if revived:
        note, error, status = _("Dikirim ulang: pesan kembali ke antrean kirim."), "", 200
    else:
        note, status = "", 409
        error = _("Pesan ini tidak sedang gagal (status: %(status)s), jadi tidak dikirim ulang.") % {
            "status": message.get_status_display(),
        }
    if request.htmx:
        template = "portal/inbox_thread.html#outbound" if from_thread else "portal/outbox.html#row"
        if not from_thread:
            _with_sender(request, message)
        context = {"m": message, "row_note": note, "row_error": error, "oob": True, "counts": None if from_thread else outbox_counts()}
        return render(request, template, context, status=status)
    if from_thread:
        if revived:
            messages.success(request, note)
            return redirect("portal:conversation", pk=message.conversation_id)
        return conversation_page(request, message.conversation, status=status, alert=error)
    if revived:
        messages.success(request, note)
        return redirect("portal:outbox")
    return _outbox_page(request, alert=error, status=status)


def _with_sender(request: HttpRequest, message: OutboundMessage) -> None:
    """A message to a citizen names its conversation's sender beside the complaint it is about."""
    if message.conversation_id is not None:
        complaints = [message.complaint] if message.complaint_id else []
        message.sender = sender_view(request.user, message.conversation, complaints)

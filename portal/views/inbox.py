"""The Operator's inbox: citizens' conversations on messaging channels, replies, and complaints made from them."""

from __future__ import annotations

import posixpath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from channels.models import Conversation, InboundMessage
from channels.selectors import (
    StoredFile,
    complaint_draft,
    conversation_for_inbox,
    conversation_thread,
    inbox_channels,
    inbox_conversations,
    reply_mode,
    selectable_messages,
    stored_media_file,
    stored_media_indexes,
)
from channels.services import create_complaint, link_messages, mark_read, reply
from common.files import private_file_response
from common.thumbnails import jpeg_thumbnail_response
from complaints.errors import InputError, WorkflowError
from complaints.models import Complaint
from complaints.selectors import complaint_detail
from portal.forms import ConversationComplaintForm, InboxFilterForm, LinkComplaintForm, ReplyForm
from portal.views.queues import PAGE_SIZE, POLL_SECONDS, _query_without_page
from roles.masking import sender_view
from roles.policy import may_create_complaints, may_use_inbox


def require_inbox(user) -> None:
    if not may_use_inbox(user):
        raise PermissionDenied(_("Kotak masuk hanya untuk Operator dan Kepala."))


def _conversation(request: HttpRequest, pk: int) -> Conversation:
    require_inbox(request.user)
    try:
        return conversation_for_inbox(pk)
    except Conversation.DoesNotExist:
        raise Http404(_("Percakapan tidak ditemukan.")) from None


# The list ------------------------------------------------------------------------------------------------------

@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    require_inbox(request.user)
    form = InboxFilterForm(request.GET or None, channels=inbox_channels())
    valid = not form.is_bound or form.is_valid()
    data = form.cleaned_data if form.is_bound and valid else {}
    rows = inbox_conversations(channel=data.get("channel"), unread_only=bool(data.get("unread"))) if valid else Conversation.objects.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for conv in page.object_list:
        conv.sender = sender_view(request.user, conv, conv.complaints.all())  # prefetched with the page
    context = {
        "filter_form": form, "page": page, "poll_seconds": POLL_SECONDS, "query": _query_without_page(request), "nav_key": "inbox",
    }
    template = "portal/inbox.html#results" if request.htmx and not request.htmx.boosted else "portal/inbox.html"
    return render(request, template, context, status=200 if valid else 400)


# One conversation ----------------------------------------------------------------------------------------------

@login_required
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    """The thread; opening it marks the conversation read."""
    conv = _conversation(request, pk)
    if conv.unread_count:
        mark_read(conv)
        conv.unread_count = 0
    return conversation_page(request, conv)


@login_required
@require_POST
def reply_view(request: HttpRequest, pk: int) -> HttpResponse:
    conv = _conversation(request, pk)
    form = ReplyForm(request.POST)
    if request.POST.get("use_canned"):
        return conversation_page(request, conv, reply_form=form.with_canned_reply(), partial="reply")
    if form.is_valid() and not conv.channel.is_active:
        form.add_error(None, _("Kanal %(channel)s sedang nonaktif; balasan tidak dapat dikirim.") % {"channel": conv.channel.name})
    if not form.errors:
        reply(user=request.user, conversation=conv, body=form.cleaned_data["body"])
        messages.success(request, _("Balasan masuk antrean kirim."))
        return _changed(request, conv)
    return conversation_page(request, conv, status=422, reply_form=form, partial="reply")


@login_required
@require_POST
def create(request: HttpRequest, pk: int) -> HttpResponse:
    """'Buat aduan': a complaint from the chosen messages; the reporter gets the receipt over the channel."""
    conv = _conversation(request, pk)
    if not may_create_complaints(request.user):
        raise PermissionDenied(_("Peran Anda tidak dapat mencatat aduan."))
    choices = list(selectable_messages(conv))
    form = ConversationComplaintForm(request.POST, messages=choices)
    status = 422
    if form.is_valid():
        try:
            result = create_complaint(
                user=request.user, conversation=conv, data=form.complaint_input(),
                message_ids=form.cleaned_data["message_ids"], attach_media=form.cleaned_data["attach_media"],
            )
        except InputError as error:
            status = error.status if error.status == 413 else 422
            for name, problems in error.errors.items():
                form.add_error(name if name in form.fields else "attach_media" if name == "file" else None, problems)
        except WorkflowError as error:
            return conversation_page(request, conv, status=error.status, complaint_form=form, alert=str(error), partial="complaint-panel")
        else:
            messages.success(request, _("Aduan %(code)s dibuat dari percakapan; tanda terima masuk antrean kirim.") % {
                "code": result.complaint.code,
            })
            url = reverse("portal:case", args=[result.complaint.code])
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    return conversation_page(request, conv, status=status, complaint_form=form, partial="complaint-panel")


@login_required
@require_POST
def link(request: HttpRequest, pk: int) -> HttpResponse:
    """'Tautkan ke aduan': the chosen messages belong to a complaint the user can see."""
    conv = _conversation(request, pk)
    form = LinkComplaintForm(request.POST, messages=list(selectable_messages(conv)))
    if form.is_valid():
        code = form.cleaned_data["code"]
        try:
            complaint = complaint_detail(request.user, code)
        except Complaint.DoesNotExist:
            form.add_error("code", _("Tidak ada aduan dengan kode %(code)s yang dapat Anda buka.") % {"code": code})
        else:
            count = link_messages(conversation=conv, complaint=complaint, message_ids=form.cleaned_data["message_ids"])
            messages.success(request, _("Percakapan ditautkan ke aduan %(code)s (%(count)s pesan).") % {
                "code": complaint.code, "count": count,
            })
            return _changed(request, conv)
    return conversation_page(request, conv, status=422, link_form=form, partial="complaint-panel")


def _changed(request: HttpRequest, conv: Conversation) -> HttpResponse:
    """After a write: the whole conversation again (htmx), or the thread page (a plain form post)."""
    if not request.htmx:
        return redirect("portal:conversation", pk=conv.pk)
    response = conversation_page(request, conversation_for_inbox(conv.pk), partial="conversation")
    return reswap(retarget(response, "#conversation"), "outerHTML")


def conversation_page(
    request: HttpRequest, conv: Conversation, *, status: int = 200, partial: str = "", alert: str = "",
    reply_form: ReplyForm | None = None, complaint_form: ConversationComplaintForm | None = None,
    link_form: LinkComplaintForm | None = None,
) -> HttpResponse:
    choices = list(selectable_messages(conv))
    may_create = may_create_complaints(request.user)
    if complaint_form is None and may_create:
        complaint_form = ConversationComplaintForm(messages=choices, initial=complaint_draft(conv, choices))
    thread = conversation_thread(conv)
    linked = list(conv.complaints.order_by("created_at", "id").only("pk", "code"))
    context = {
        "conversation": conv,
        # Only the whole page and its head show who wrote; a fragment (a reply, a panel) does not disclose them.
        "sender": sender_view(request.user, conv, linked) if not (request.htmx and partial not in ("", "conversation")) else None,
        "thread": thread,
        "linked": linked,
        "reply_form": reply_form or ReplyForm(),
        "complaint_form": complaint_form,
        "link_form": link_form or LinkComplaintForm(messages=choices),
        "villages": complaint_form.fields["village"].queryset.order_by("name") if complaint_form else [],
        "media_to_attach": any(stored_media_indexes(m) for m in choices),
        "template_reply": reply_mode(conv) == "template",
        "alert": alert,
        "open_panel": _open_panel(complaint_form, link_form, choices),
        "nav_key": "inbox",
    }
    template = f"portal/inbox_thread.html#{partial}" if request.htmx and partial else "portal/inbox_thread.html"
    return render(request, template, context, status=status)


def _open_panel(complaint_form, link_form, choices: list[InboundMessage]) -> str:
    """The form that failed stays open; otherwise one opens only while some message belongs to no complaint yet."""
    if link_form is not None:
        return "link"
    if complaint_form is not None and complaint_form.is_bound:
        return "create"
    if any(m.complaint_id is None for m in choices):
        return "create" if complaint_form is not None else "link"
    return ""


# Media the adapters stored -------------------------------------------------------------------------------------

def _stored_item(request: HttpRequest, pk: int, message_id: int, index: int) -> tuple[StoredFile, str]:
    stored = stored_media_file(_conversation(request, pk), message_id, index)
    if stored is None:
        raise Http404(_("Lampiran tidak ditemukan."))
    return stored, stored.content_type


@login_required
def media_file(request: HttpRequest, pk: int, message_id: int, index: int) -> FileResponse:
    item, content_type = _stored_item(request, pk, message_id, index)
    return private_file_response(default_storage, item.path, content_type, f"{message_id}-{index}{posixpath.splitext(item.path)[1]}")


@login_required
def media_thumbnail(request: HttpRequest, pk: int, message_id: int, index: int) -> HttpResponse:
    item, content_type = _stored_item(request, pk, message_id, index)
    return jpeg_thumbnail_response(default_storage, item.path, content_type)

"""The administrator's screens for messaging: canned replies, conversations (read-only), the outbox, webhooks.

Conversations and outbound messages change only through the services (a citizen writes, an Operator replies,
the worker delivers), so the admin shows them read-only; the one write it offers is retrying dead letters,
the same retry the Operator has in the portal. Message texts are not shown here: the portal's inbox is where
citizens' words are read.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from channels.models import CannedReply, Conversation, OutboundMessage, OutboundStatus, WebhookEndpoint, WebhookEventType
from channels.outbox import retry_now
from channels.sp4n_lapor.models import LaporCursor, LaporFollowUp, LaporReport
from channels.webhooks import new_webhook_secret, reenable_endpoint, rotate_secret
from channels.whatsapp.versions import configured_notice, upgrade_hint
from common.admin import ReadOnlyAdmin
from complaints.admin import ChannelAdmin
from complaints.models import Channel, ChannelKind
from roles.masking import MASKED_SENDER, SenderView, sender_view


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ("title", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("title", "body")


# A conversation's sender becomes a reporter once the conversation is linked to a complaint, and the complaint admin
# shows no reporter to anyone (complaints/admin.py). These pages follow the same rule through the same path as the
# portal, roles.masking.sender_view, read as no SOP role: a linked conversation's sender and a citizen recipient tied
# to a complaint are masked, and a search by sender finds only conversations that are nobody's report yet (finding a
# linked one by its sender would tell whose report it is). An unlinked sender is shown: diagnosing a channel needs it.
ADMIN_READER = None  # the admin reads as a user without an SOP role


def _linked_to_complaint(conversation_field: str = "pk") -> Exists:
    return Exists(Conversation.complaints.through.objects.filter(conversation_id=OuterRef(conversation_field)))


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "sender", "channel", "last_message_at", "unread_count", "message_count", "complaint_codes")
    list_filter = ("channel",)
    search_fields = ("sender_id", "sender_user_id", "sender_name", "sender_phone", "complaints__code")
    search_help_text = _("Kode aduan, atau pengirim percakapan yang belum menjadi aduan.")
    date_hierarchy = "last_message_at"
    fields = (
        "channel", "sender", "sender_phone_shown", "sender_id_shown", "sender_user_id_shown", "last_message_at", "last_inbound_at",
        "unread_count", "complaint_codes",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("channel").prefetch_related("complaints").annotate(
            messages=Count("inbound_messages", distinct=True)
        )

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        by_code = Q(pk__in=Conversation.complaints.through.objects.filter(complaint__code__iexact=term).values("conversation_id"))
        by_sender = (Q(sender_id__icontains=term) | Q(sender_user_id__icontains=term) | Q(sender_name__icontains=term)
                     | Q(sender_phone__icontains=term))
        return queryset.filter(by_code | (by_sender & ~_linked_to_complaint())), False

    def _sender(self, obj: Conversation) -> SenderView:
        return sender_view(ADMIN_READER, obj, obj.complaints.all())

    @admin.display(description=_("nama pengirim"))
    def sender(self, obj: Conversation) -> str:
        return self._sender(obj).label

    @admin.display(description=_("telepon pengirim"))
    def sender_phone_shown(self, obj: Conversation) -> str:
        view = self._sender(obj)
        return view.phone if view.shown else str(MASKED_SENDER)

    @admin.display(description=_("ID pengirim"))
    def sender_id_shown(self, obj: Conversation) -> str:
        view = self._sender(obj)
        return view.sender_id if view.shown else str(MASKED_SENDER)

    @admin.display(description=_("BSUID WhatsApp"))
    def sender_user_id_shown(self, obj: Conversation) -> str:
        return getattr(obj, "sender_user_id", "") if self._sender(obj).shown else str(MASKED_SENDER)

    @admin.display(description=_("pesan masuk"), ordering="messages")
    def message_count(self, obj: Conversation) -> int:
        return obj.messages

    @admin.display(description=_("aduan"))
    def complaint_codes(self, obj: Conversation) -> str:
        return ", ".join(c.code for c in obj.complaints.all()) or "—"


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "channel", "recipient_shown", "status", "attempts", "next_attempt_at", "short_error")
    list_filter = ("status", "kind", "channel")
    search_fields = ("recipient", "complaint__code", "provider_message_id")
    search_help_text = _("Kode aduan, ID pesan penyedia, atau tujuan yang bukan pelapor sebuah aduan.")
    date_hierarchy = "created_at"
    fields = (
        "channel", "conversation", "complaint", "endpoint", "kind", "recipient_shown", "body", "payload", "status", "attempts",
        "next_attempt_at", "last_error", "provider_message_id", "created_by", "created_at", "sent_at", "delivered_at",
    )
    readonly_fields = fields
    actions = ("retry",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("channel", "conversation", "complaint").prefetch_related(
            "conversation__complaints"
        )

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        linked_by_code = Conversation.complaints.through.objects.filter(complaint__code__iexact=term).values("conversation_id")
        by_code = Q(complaint__code__iexact=term) | Q(conversation__in=linked_by_code)
        to_a_reporter = Q(conversation__isnull=False) & (Q(complaint__isnull=False) | _linked_to_complaint("conversation_id"))
        by_recipient = Q(recipient__icontains=term) & ~to_a_reporter
        return queryset.filter(by_code | by_recipient | Q(provider_message_id=term)), False

    @admin.display(description=_("tujuan"))
    def recipient_shown(self, obj: OutboundMessage) -> str:
        if obj.conversation_id is None:  # an integrator's URL, a staff member, SP4N-LAPOR!: no reporter
            return obj.recipient
        complaints = [*([obj.complaint] if obj.complaint_id else []), *obj.conversation.complaints.all()]
        return obj.recipient if sender_view(ADMIN_READER, obj.conversation, complaints).shown else str(MASKED_SENDER)

    @admin.display(description=_("galat terakhir"))
    def short_error(self, obj: OutboundMessage) -> str:
        return (obj.last_error[:80] + "…") if len(obj.last_error) > 80 else obj.last_error

    def has_retry_permission(self, request) -> bool:
        return request.user.has_perm("channels.change_outboundmessage")

    @admin.action(description=_("Coba kirim lagi (hanya pesan yang gagal)"), permissions=["retry"])
    def retry(self, request, queryset) -> None:
        revived = sum(retry_now(message) for message in queryset.filter(status=OutboundStatus.DEAD))
        skipped = queryset.count() - revived
        self.message_user(request, _("%(count)s pesan dikirim ulang.") % {"count": revived})
        if skipped:
            self.message_user(
                request, _("%(count)s pesan dilewati karena tidak dalam status gagal.") % {"count": skipped}, level=messages.WARNING,
            )


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    event_types = forms.MultipleChoiceField(
        label=_("jenis peristiwa"), choices=WebhookEventType.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Kosongkan untuk mengirim semua peristiwa."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ("channel", "url", "description", "event_types", "is_active")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Endpoints of integrators. The administrator adds them (a URL the server will call is checked by a person,
    the spec's SSRF warning); the channel lists, tests, rotates and deletes its own through the API. An endpoint
    that answered 410 Gone shows here disabled, with when and why, until it is re-enabled."""

    form = WebhookEndpointForm
    list_display = ("channel", "url", "is_active", "disabled_at", "disabled_reason", "previous_secret_expires_at")
    list_filter = ("is_active", "channel")
    search_fields = ("url", "channel__name", "description")
    list_select_related = ("channel",)
    readonly_fields = ("disabled_at", "disabled_reason", "previous_secret_expires_at", "created_at")
    actions = ("issue_new_secret", "reactivate")

    def save_model(self, request, obj: WebhookEndpoint, form, change: bool) -> None:
        if not change:
            obj.secret = new_webhook_secret()
        if obj.is_active and (obj.disabled_at or obj.disabled_reason):
            obj.disabled_at, obj.disabled_reason = None, ""  # ticked active again: the same as "Aktifkan kembali"
        super().save_model(request, obj, form, change)
        if not change:
            self._show_secret(request, obj, obj.secret)

    def _show_secret(self, request, obj: WebhookEndpoint, secret: str) -> None:
        # Shown once: the integrator verifies signatures with it; losing it means issuing another.
        self.message_user(
            request,
            format_html(
                _("Rahasia webhook untuk {}: <code>{}</code> — salin sekarang, tidak ditampilkan lagi."), obj.channel.name, secret,
            ),
            level=messages.WARNING,
        )

    @admin.action(description=_("Terbitkan rahasia webhook baru (yang lama tetap berlaku selama masa tenggang)"))
    def issue_new_secret(self, request, queryset) -> None:
        for endpoint in queryset.select_related("channel"):
            self._show_secret(request, endpoint, rotate_secret(endpoint))

    @admin.action(description=_("Aktifkan kembali endpoint yang dinonaktifkan"))
    def reactivate(self, request, queryset) -> None:
        count = 0
        for endpoint in queryset.filter(is_active=False):
            reenable_endpoint(endpoint)
            count += 1
        self.message_user(request, _("%(count)s endpoint diaktifkan kembali.") % {"count": count})


@admin.register(LaporCursor)
class LaporCursorAdmin(ReadOnlyAdmin):
    """Where each LAPOR pull stands, and its last error: the first place to look when reports stop arriving."""

    list_display = ("channel", "last_run_at", "last_success_at", "imported_total", "short_error")
    readonly_fields = ("channel", "cursor", "lease_until", "last_run_at", "last_success_at", "last_error", "imported_total")

    @admin.display(description=_("galat terakhir"))
    def short_error(self, cursor: LaporCursor) -> str:
        return cursor.last_error[:120]


@admin.register(LaporReport)
class LaporReportAdmin(ReadOnlyAdmin):
    list_display = ("tracking_id", "complaint", "report_type", "disposed_at", "follow_up_due_at", "followed_up_at", "last_pushed_status")
    list_filter = ("report_type", "district_matched", "category_matched")
    search_fields = ("tracking_id", "complaint__code")
    list_select_related = ("complaint",)
    # The report's own text and reporter fields are read in the portal, where masking applies.
    exclude = ("title",)


@admin.register(LaporFollowUp)
class LaporFollowUpAdmin(ReadOnlyAdmin):
    """The manual mode's follow-ups: what was (or is still to be) posted into LAPOR's admin, by whom and when. The
    Operator marks them posted in the portal (/sp4n-lapor/)."""

    list_display = ("report", "kind", "due_at", "posted_at", "posted_by")
    list_filter = ("kind", ("posted_at", admin.EmptyFieldListFilter))
    search_fields = ("report__tracking_id", "report__complaint__code")
    list_select_related = ("report", "posted_by")


# The Channel admin is complaints' (the core may not import channels); this one adds what only the WhatsApp adapter
# knows: that the Graph API version it calls is ending. Seen where the WhatsApp channel is managed, before replies fail.
admin.site.unregister(Channel)


@admin.register(Channel)
class MessagingChannelAdmin(ChannelAdmin):
    def _graph_api_notice(self, request, whatsapp_in_use: bool) -> None:
        found = configured_notice() if request.method == "GET" and whatsapp_in_use else None
        if found is not None:
            self.message_user(request, f"{found[1]} {upgrade_hint()}", level=messages.WARNING)

    def changelist_view(self, request, extra_context=None):
        in_use = Channel.objects.filter(kind=ChannelKind.WHATSAPP, is_active=True).exists()
        self._graph_api_notice(request, in_use)
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        in_use = Channel.objects.filter(pk=object_id, kind=ChannelKind.WHATSAPP).exists() if str(object_id).isdigit() else False
        self._graph_api_notice(request, in_use)
        return super().change_view(request, object_id, form_url, extra_context)

"""The administrator's screens for messaging: canned replies, conversations (read-only), the outbox, webhooks.

Conversations and outbound messages change only through the services (a citizen writes, an Operator replies,
the worker delivers), so the admin shows them read-only; the one write it offers is retrying dead letters,
the same retry the Operator has in the portal. Message texts are not shown here: the portal's inbox is where
citizens' words are read.
"""

from __future__ import annotations

import base64
import secrets

from django.contrib import admin, messages
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from channels.models import CannedReply, Conversation, OutboundMessage, OutboundStatus, WebhookEndpoint
from channels.outbox import retry_now
from channels.sp4n_lapor.models import LaporCursor, LaporReport
from complaints.admin import ReadOnlyAdmin


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ("title", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("title", "body")


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "channel", "last_message_at", "unread_count", "message_count", "complaint_codes")
    list_filter = ("channel",)
    search_fields = ("sender_id", "sender_name", "complaints__code")
    date_hierarchy = "last_message_at"
    fields = (
        "channel", "sender_id", "sender_name", "sender_phone", "last_message_at", "last_inbound_at", "unread_count", "complaint_codes",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("channel").prefetch_related("complaints").annotate(
            messages=Count("inbound_messages", distinct=True)
        )

    @admin.display(description=_("pesan masuk"), ordering="messages")
    def message_count(self, obj: Conversation) -> int:
        return obj.messages

    @admin.display(description=_("aduan"))
    def complaint_codes(self, obj: Conversation) -> str:
        return ", ".join(c.code for c in obj.complaints.all()) or "—"


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "channel", "recipient", "status", "attempts", "next_attempt_at", "short_error")
    list_filter = ("status", "kind", "channel")
    search_fields = ("recipient", "complaint__code", "provider_message_id")
    date_hierarchy = "created_at"
    list_select_related = ("channel",)
    fields = (
        "channel", "conversation", "complaint", "kind", "recipient", "body", "payload", "status", "attempts", "next_attempt_at",
        "last_error", "provider_message_id", "created_by", "created_at", "sent_at", "delivered_at",
    )
    readonly_fields = fields
    actions = ("retry",)

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


def new_webhook_secret() -> str:
    """A Standard Webhooks secret: whsec_ and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("channel", "url", "is_active")
    list_filter = ("is_active",)
    exclude = ("secret",)
    actions = ("issue_new_secret",)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj: WebhookEndpoint, form, change: bool) -> None:
        if not change:
            obj.secret = new_webhook_secret()
        super().save_model(request, obj, form, change)
        if not change:
            self._show_secret(request, obj)

    def _show_secret(self, request, obj: WebhookEndpoint) -> None:
        # Shown once: the integrator verifies signatures with it; losing it means issuing another.
        self.message_user(
            request,
            format_html(
                _("Rahasia webhook untuk {}: <code>{}</code> — salin sekarang, tidak ditampilkan lagi."), obj.channel.name, obj.secret,
            ),
            level=messages.WARNING,
        )

    @admin.action(description=_("Terbitkan rahasia webhook baru (yang lama langsung tidak berlaku)"))
    def issue_new_secret(self, request, queryset) -> None:
        for endpoint in queryset.select_related("channel"):
            endpoint.secret = new_webhook_secret()
            endpoint.save(update_fields=["secret"])
            self._show_secret(request, endpoint)


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

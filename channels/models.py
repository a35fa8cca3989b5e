"""Conversations with citizens over messaging channels, and the outbox of messages to them and to integrators."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Channel, Complaint


class Conversation(models.Model):
    """Everything one sender wrote on one channel: the Operator's inbox groups messages this way."""

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="conversations")
    sender_id = models.CharField(_("ID pengirim"), max_length=128, help_text="WhatsApp wa_id, Telegram chat id, or the channel's own id.")
    sender_name = models.CharField(_("nama pengirim"), max_length=150, blank=True)
    sender_phone = models.CharField(_("telepon pengirim"), max_length=32, blank=True)
    # WhatsApp's business-scoped user id (BSUID, "US.1349..."): names a citizen who hides the number behind a username.
    # Kept beside sender_id so one person is one conversation whichever of the two a message carries.
    sender_user_id = models.CharField(_("BSUID WhatsApp"), max_length=128, blank=True, db_index=True)
    last_message_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    unread_count = models.PositiveIntegerField(default=0)
    complaints = models.ManyToManyField(Complaint, blank=True, related_name="conversations")

    class Meta:
        ordering = ["-last_message_at"]
        verbose_name = _("percakapan")
        verbose_name_plural = _("percakapan")
        constraints = [models.UniqueConstraint(fields=["channel", "sender_id"], name="conversation_unique_sender")]

    def __str__(self) -> str:
        # Not the sender: once linked to a complaint the sender is its reporter, and this text is shown wherever the
        # row is named (the admin's titles and links, its change history). roles.masking.sender_view shows the sender.
        return f"{self.channel} · #{self.pk}"


class InboundMessage(models.Model):
    """One message a citizen sent, normalized; unique per (channel, external id) so provider retries store nothing new."""

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="inbound_messages")
    conversation = models.ForeignKey(Conversation, on_delete=models.PROTECT, related_name="inbound_messages")
    external_id = models.CharField(max_length=128)
    # SHA-256 of the API body that first sent this external_id/Idempotency-Key (api/idempotency.py): the same id with
    # another body is refused (422). Empty for the providers' webhooks, whose retries are compared by id alone.
    fingerprint = models.CharField(max_length=64, blank=True, default="", editable=False)
    text = models.TextField(blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    location_name = models.CharField(max_length=255, blank=True)
    media = models.JSONField(default=list, blank=True, help_text="[{id, url, content_type, caption}] as the provider gave them.")
    contact = models.JSONField(default=dict, blank=True)
    # What a message carries besides its text, e.g. the id of the button or list row a citizen chose:
    # {"reply": {"type", "id", "title"[, "description"]}, "context": {"id": <the message it answers>}}.
    data = models.JSONField(default=dict, blank=True)
    sent_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)
    complaint = models.ForeignKey(Complaint, on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound_messages")

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [models.UniqueConstraint(fields=["channel", "external_id"], name="inbound_unique_external_id")]
        indexes = [models.Index(fields=["conversation", "sent_at"], name="inbound_conversation_idx")]

    def __str__(self) -> str:
        return f"{self.channel}:{self.external_id}"


class OutboundKind(models.TextChoices):
    RECEIPT = "receipt", _("Tanda terima")
    RETURNED = "returned", _("Pengembalian")
    OUTCOME = "outcome", _("Hasil penanganan")
    STATUS = "status", _("Status atas permintaan")
    REPLY = "reply", _("Balasan Operator")
    WEBHOOK = "webhook", _("Status webhook")
    STAFF_ALERT = "staff_alert", _("Peringatan tenggat ke staf")
    FOLLOW_UP = "follow_up", _("Tindak lanjut ke SP4N-LAPOR!")


class OutboundStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu")
    SENDING = "sending", _("Sedang dikirim")
    SENT = "sent", _("Terkirim")
    DELIVERED = "delivered", _("Sampai di penerima")
    READ = "read", _("Dibaca")
    DEAD = "dead", _("Gagal (berhenti mencoba)")


class OutboundMessage(models.Model):
    """The outbox: written in the same transaction as the change that causes it, delivered by the worker."""

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="outbound_messages")
    conversation = models.ForeignKey(Conversation, on_delete=models.PROTECT, null=True, blank=True, related_name="outbound_messages")
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, null=True, blank=True, related_name="outbound_messages")
    # Webhooks only: the endpoint it goes to. Deleting the endpoint keeps what was delivered on record (recipient has the URL).
    endpoint = models.ForeignKey(
        "WebhookEndpoint", on_delete=models.SET_NULL, null=True, blank=True, related_name="outbound_messages",
    )
    kind = models.CharField(_("jenis"), max_length=20, choices=OutboundKind.choices)
    recipient = models.CharField(_("tujuan"), max_length=500)
    body = models.TextField(_("isi"), blank=True)
    payload = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=OutboundStatus.choices, default=OutboundStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # A text longer than the provider takes goes out in parts (Telegram: 4,096); a retry resumes after the last one sent.
    parts_sent = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    provider_message_id = models.CharField(max_length=200, blank=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pesan keluar")
        verbose_name_plural = _("pesan keluar")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
            models.Index(fields=["conversation", "created_at"], name="outbox_conversation_idx"),
        ]

    def __str__(self) -> str:
        # Not the recipient, who for a citizen's message is a conversation's sender (see Conversation.__str__).
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"


class CannedReply(models.Model):
    """Ready answers to common questions; an administrator edits them in the admin."""

    title = models.CharField(_("judul"), max_length=120, unique=True)
    body = models.TextField(_("isi"))
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["sort_order", "title"]
        verbose_name = _("balasan siap pakai")
        verbose_name_plural = _("balasan siap pakai")

    def __str__(self) -> str:
        return self.title


class WebhookEventType(models.TextChoices):
    """What a channel's endpoints may subscribe to (Standard Webhooks: full-stop delimited, grouped)."""

    COMPLAINT_CREATED = "complaint.created", _("Aduan tercatat")
    COMPLAINT_STATUS_CHANGED = "complaint.status_changed", _("Status aduan berubah")
    COMPLAINT_MAIN_CASE_CLOSED = "complaint.main_case_closed", _("Aduan induk dari duplikat selesai")


# A test event a channel asks for ("send a ping"); sent whatever the endpoint's event filter says.
WEBHOOK_TEST_EVENT = "webhook.test"


class WebhookEndpoint(models.Model):
    """Where a third-party channel wants events about its complaints, signed per Standard Webhooks.

    A channel may have several (fan-out), each with its own secret and event filter. During a rotation the
    previous secret keeps signing beside the new one until `previous_secret_expires_at`. An endpoint that answered
    410 Gone is disabled (`disabled_at`, `disabled_reason`) and gets nothing until an administrator re-enables it.
    """

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("keterangan"), max_length=200, blank=True)
    secret = models.CharField(max_length=100, help_text="whsec_… base64 secret; shown once when created or rotated.")
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_expires_at = models.DateTimeField(_("rahasia lama berlaku sampai"), null=True, blank=True)
    event_types = models.JSONField(
        _("jenis peristiwa"), default=list, blank=True, help_text=_("Kosong: semua peristiwa."),
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    disabled_at = models.DateTimeField(_("dinonaktifkan pada"), null=True, blank=True)
    disabled_reason = models.CharField(_("alasan dinonaktifkan"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["channel", "id"]
        verbose_name = _("webhook kanal")
        verbose_name_plural = _("webhook kanal")

    def __str__(self) -> str:
        return f"{self.channel} → {self.url}"

    def wants(self, event_type: str) -> bool:
        return event_type == WEBHOOK_TEST_EVENT or not self.event_types or event_type in self.event_types

    def signing_secrets(self, now) -> list[str]:
        """The current secret, then the previous one while its grace period lasts."""
        secrets = [self.secret]
        if self.previous_secret and self.previous_secret_expires_at and self.previous_secret_expires_at > now:
            secrets.append(self.previous_secret)
        return secrets


# The SP4N-LAPOR! connector's models live in its package and belong to this app.
from channels.sp4n_lapor.models import LaporCursor, LaporReport  # noqa: E402, F401

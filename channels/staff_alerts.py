"""SLA alerts to a staff member's own Telegram or WhatsApp, beside the portal notification (issue 5, escalation).

Written to the outbox in the sweep's transaction, so an alert exists exactly when its notification does, and
the worker retries it like any other message. A staff member without a contact gets the portal notification only.
"""

from __future__ import annotations

from django.conf import settings
from django.dispatch import receiver
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from channels.models import OutboundKind
from channels.outbox import queue_message
from complaints.models import Channel, StaffNotification
from complaints.signals import staff_notified
from roles.models import StaffContact

# Alerts go out in the office language; the portal page they link to follows the reader's own setting.
ALERT_LANGUAGE = "id"
ZONE_LABEL = "WITA"


def alert_text(notification: StaffNotification) -> str:
    complaint = notification.complaint
    with translation.override(ALERT_LANGUAGE):
        due = formats.date_format(timezone.localtime(notification.breach.due_at), "SHORT_DATETIME_FORMAT")
        lines = [
            _("TRECKK: tenggat lewat"),
            _("%(code)s · %(step)s, tenggat %(due)s %(zone)s.") % {
                "code": complaint.code, "step": notification.breach.get_status_display(), "due": due, "zone": ZONE_LABEL,
            },
        ]
        if notification.is_escalation:
            lines.append(_("Eskalasi: langkah ini milik staf yang Anda bawahi."))
        lines.append(settings.TRECKK_PUBLIC_URL + reverse("portal:case", args=[complaint.code]))
    return "\n".join(lines)


def sending_channels() -> dict[str, Channel]:
    """The active messaging channel of each kind that staff alerts leave through."""
    found: dict[str, Channel] = {}
    for channel in Channel.objects.filter(kind__in=("telegram", "whatsapp"), is_active=True).order_by("pk"):
        found.setdefault(channel.kind, channel)
    return found


@receiver(staff_notified, dispatch_uid="channels-staff-alerts")
def on_staff_notified(sender, notifications: list[StaffNotification], **kwargs) -> None:
    user_ids = [notification.recipient_id for notification in notifications]
    contacts = {
        contact.user_id: contact
        for contact in StaffContact.objects.filter(user_id__in=user_ids, sla_alerts=True)
    }
    if not contacts:
        return
    channels = sending_channels()
    for notification in notifications:
        contact = contacts.get(notification.recipient_id)
        if contact is None:
            continue
        for kind, address in contact.addresses.items():
            channel = channels.get(kind)
            if channel is None:
                continue
            queue_message(
                channel=channel, complaint=notification.complaint, kind=OutboundKind.STAFF_ALERT, recipient=address,
                body=alert_text(notification), dedupe_key=f"staff_alert:{notification.pk}:{kind}",
            )

"""What the core announces, inside the writing transaction, so other apps (channels' outbox) write in the same one.

The core does not know who listens: messaging channels, webhooks and reports plug in here.
"""

from django.dispatch import Signal

# kwargs: complaint, user
complaint_submitted = Signal()
# kwargs: complaint, action, from_status, user, data (the validated inputs)
complaint_transitioned = Signal()
# kwargs: notifications (the StaffNotification rows just written, with recipient and complaint)
staff_notified = Signal()

"""Demo ratings, so the dashboard's satisfaction figure shows something after `make run`."""

from __future__ import annotations

from complaints.models import Complaint
from complaints.workflow import Status
from public.links import feedback_token
from public.models import Feedback
from public.services import leave_feedback

# (rating, comment) for the closed demo cases, in order; the rest stay unrated, as most reporters do.
DEMO_RATINGS = [
    (5, "Petugas datang cepat, terima kasih."),
    (4, ""),
    (2, "Baru ditangani setelah malam."),
]


def load_feedback_demo() -> None:
    if Feedback.objects.exists():
        return
    closed = Complaint.objects.filter(status=Status.CLOSED).order_by("pk")
    for complaint, (rating, comment) in zip(closed, DEMO_RATINGS, strict=False):
        # As the reporters would: through the links in their outcome messages.
        leave_feedback(complaint=complaint, rating=rating, comment=comment, token=feedback_token(complaint.code))

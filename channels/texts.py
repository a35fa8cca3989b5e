"""What the reporter reads: short, plain Indonesian, no internal notes and no one else's data."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from complaints.models import Complaint
from complaints.workflow import STEP_OF, Outcome
from public.links import feedback_url, tracking_url

SIGNATURE = "Satpol PP Kab. Balangan"
# Citizens are written to in Indonesian whatever language the staff member's portal uses.
REPORTER_LANGUAGE = "id"


def _signed(text: str) -> str:
    return f"{text}\n\n— {SIGNATURE}"


def _feedback_line(complaint: Complaint) -> str:
    """Every message that tells the reporter how the case ended invites a rating (public/selectors.feedback_open)."""
    return "\n\n" + _("Nilai penanganan aduan ini (1-5): %(url)s") % {"url": feedback_url(complaint.code)}


def receipt(complaint: Complaint) -> str:
    with translation.override(REPORTER_LANGUAGE):
        return _signed(
            _("Aduan Anda sudah kami terima dengan kode lacak %(code)s. Kirim kode ini kapan saja untuk menanyakan perkembangannya.")
            % {"code": complaint.code}
            + "\n" + _("Lacak juga di %(url)s") % {"url": tracking_url(complaint.code)}
        )


def returned(complaint: Complaint) -> str:
    with translation.override(REPORTER_LANGUAGE):
        text = _("Aduan %(code)s tidak dapat kami tindak lanjuti: %(reason)s.") % {
            "code": complaint.code, "reason": complaint.get_return_reason_display(),
        }
        if complaint.outcome == Outcome.REFERRED and complaint.referred_to:
            text += " " + _("Aduan Anda kami teruskan ke %(agency)s.") % {"agency": complaint.referred_to}
        return _signed(text + _feedback_line(complaint))


def answered(complaint: Complaint) -> str:
    with translation.override(REPORTER_LANGUAGE):
        return _signed(
            _("Jawaban atas pertanyaan %(code)s:") % {"code": complaint.code} + "\n" + complaint.answer + _feedback_line(complaint)
        )


def outcome(complaint: Complaint) -> str:
    with translation.override(REPORTER_LANGUAGE):
        report = getattr(complaint, "field_report", None)
        if complaint.field_unable:
            result = _("tim lapangan tidak menemukan kejadian seperti yang dilaporkan")
        elif report is not None:
            result = report.get_result_display().lower()
        else:
            result = _("sudah ditangani")
        return _signed(_("Aduan %(code)s sudah ditindaklanjuti: %(result)s. Terima kasih atas laporan Anda.") % {
            "code": complaint.code, "result": result,
        } + _feedback_line(complaint))


def status(complaint: Complaint) -> str:
    with translation.override(REPORTER_LANGUAGE):
        if complaint.step is None:
            state = _("selesai (%(outcome)s)") % {"outcome": complaint.get_outcome_display().lower()}
        else:
            state = _("%(status)s, langkah %(step)s dari 8") % {
                "status": complaint.get_status_display().lower(), "step": STEP_OF[complaint.status],
            }
        return _signed(_("Status aduan %(code)s: %(state)s.") % {"code": complaint.code, "state": state})


def merged(complaint: Complaint) -> str:
    with translation.override(REPORTER_LANGUAGE):
        return _signed(
            _("Kejadian yang Anda laporkan (%(code)s) sudah dilaporkan juga dan sedang ditangani sebagai aduan %(main)s. "
              "Kami akan mengabarkan hasilnya.") % {"code": complaint.code, "main": complaint.duplicate_of.code}
        )


def duplicate_outcome(duplicate: Complaint, main: Complaint) -> str:
    """The main case closed: its outcome, told to the reporter of a duplicate in their own case's words."""
    with translation.override(REPORTER_LANGUAGE):
        return _signed(_("Aduan %(code)s (sama dengan %(main)s) sudah selesai: %(outcome)s.") % {
            "code": duplicate.code, "main": main.code, "outcome": main.get_outcome_display().lower(),
        } + _feedback_line(duplicate))

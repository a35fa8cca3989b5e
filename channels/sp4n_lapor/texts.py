"""What we write into a LAPOR report's thread: the reporter reads it on SP4N-LAPOR!, so the same plain Indonesian
as our own messages (channels.texts), never internal notes, staff or team names.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from channels import texts
from complaints.models import Complaint
from complaints.workflow import Outcome


def accepted(complaint: Complaint) -> str:
    with translation.override(texts.REPORTER_LANGUAGE):
        return _(
            "Laporan Anda sudah diterima Satpol PP Kabupaten Balangan dengan kode lacak %(code)s dan sedang "
            "kami verifikasi."
        ) % {"code": complaint.code}


def forwarded(complaint: Complaint) -> str:
    with translation.override(texts.REPORTER_LANGUAGE):
        return _("Laporan %(code)s sudah diverifikasi dan diteruskan untuk pengecekan fakta di lapangan.") % {
            "code": complaint.code,
        }


def team_assigned(complaint: Complaint) -> str:
    with translation.override(texts.REPORTER_LANGUAGE):
        return _("Tim Reaksi Cepat Satpol PP sudah ditugaskan menangani laporan %(code)s.") % {"code": complaint.code}


def merged(complaint: Complaint) -> str:
    with translation.override(texts.REPORTER_LANGUAGE):
        return _(
            "Kejadian yang Anda laporkan (%(code)s) juga dilaporkan orang lain dan sedang ditangani bersama. "
            "Hasilnya akan kami sampaikan di sini."
        ) % {"code": complaint.code}


def final_text(complaint: Complaint, decided_by: Complaint) -> str:
    """The closing words: those our messaging channels send for the same ending (`decided_by` is the case
    whose outcome it is: the complaint itself, or the main case of a duplicate)."""
    if decided_by.pk != complaint.pk:
        return texts.duplicate_outcome(complaint, decided_by)
    if complaint.outcome == Outcome.ANSWERED:
        return texts.answered(complaint)
    if complaint.outcome in (Outcome.RETURNED, Outcome.REFERRED):
        return texts.returned(complaint)
    return texts.outcome(complaint)

"""What the Telegram bot says by itself (commands) and how unsupported messages read in the Operator's inbox."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from channels.texts import REPORTER_LANGUAGE, SIGNATURE

# A well-formed code from the tracking alphabet, so the example shows the real shape; it belongs to no complaint.
EXAMPLE_CODE = "7K3MP-QX9RT"


def _signed(text: str) -> str:
    return f"{text}\n\n— {SIGNATURE}"


def welcome() -> str:
    # Citizens are written to in Indonesian, whatever language the request came in.
    with translation.override(REPORTER_LANGUAGE):
        return _signed(
            _(
                "Selamat datang di layanan pengaduan Satpol PP Kabupaten Balangan.\n\n"
                "Untuk melapor gangguan ketertiban umum atau pelanggaran Perda/Perkada, kirim di sini:\n"
                "• apa yang terjadi dan kapan,\n"
                "• lokasinya (alamat, atau bagikan lokasi lewat 📎 → Lokasi),\n"
                "• foto bila ada.\n\n"
                "Petugas kami akan membaca laporan Anda dan mengirimkan kode lacak. Untuk menanyakan perkembangan aduan, "
                "kirim /status diikuti kode lacaknya, misalnya /status %(example)s."
            )
            % {"example": EXAMPLE_CODE}
        )


def status_usage() -> str:
    with translation.override(REPORTER_LANGUAGE):
        return _signed(
            _("Kirim /status diikuti kode lacak aduan Anda, misalnya /status %(example)s.") % {"example": EXAMPLE_CODE}
        )


def status_unknown(code: str) -> str:
    with translation.override(REPORTER_LANGUAGE):
        return _signed(
            _("Kami tidak menemukan aduan dengan kode %(code)s. Periksa kembali kodenya pada tanda terima Anda.") % {"code": code}
        )


def unsupported(kind: str) -> str:
    """The text an unsupported message (sticker, voice note, ...) is stored with, so the Operator sees it arrived."""
    with translation.override(REPORTER_LANGUAGE):
        names = {
            "sticker": _("stiker"),
            "voice": _("pesan suara"),
            "audio": _("audio"),
            "video": _("video"),
            "video_note": _("pesan video"),
            "animation": _("animasi"),
            "document": _("dokumen"),
            "poll": _("jajak pendapat"),
            "dice": _("dadu"),
        }
        return _("[%(kind)s — jenis pesan ini belum didukung; minta pelapor mengirim teks atau foto]") % {
            "kind": names.get(kind, kind),
        }

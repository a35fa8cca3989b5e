"""The complaint register ("buku register") as rows, and its exports that stream.

Reporter columns go through roles.masking like every other reporter read, so an export shows no more
than the same user's screen does. Cells are written through complaints.spreadsheets, so a citizen's text that looks
like a formula stays text.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from complaints.spreadsheets import SafeCsvWriter, workbook
from roles.masking import reporter_view

CHUNK = 2000
COLUMNS = (
    ("no", _("No.")), ("code", _("Kode lacak")), ("received", _("Diterima")), ("channel", _("Kanal")),
    ("reporter", _("Pelapor")), ("phone", _("Telepon pelapor")), ("category", _("Kategori")),
    ("district", _("Kecamatan")), ("village", _("Desa/kelurahan")), ("address", _("Alamat/lokasi")),
    ("status", _("Status")), ("outcome", _("Hasil")), ("closed", _("Selesai")),
)
REGISTER_RELATIONS = ("category", "district", "village", "reporter")


def register_queryset(queryset: QuerySet[Complaint]) -> QuerySet[Complaint]:
    return queryset.select_related(*REGISTER_RELATIONS).order_by("created_at", "id")


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def register_rows(user, queryset: QuerySet[Complaint]) -> Iterator[list[str]]:
    """One row per complaint, oldest first, numbered; read in chunks so a year of data stays in flat memory."""
    for number, complaint in enumerate(register_queryset(queryset).iterator(chunk_size=CHUNK), start=1):
        reporter = reporter_view(user, complaint)
        if reporter.anonymous:
            who = str(_("Anonim"))
        elif reporter.name:
            who = reporter.name
        else:
            who = "" if reporter.access == "anonymous" else str(_("(dirahasiakan)"))
        yield [
            str(number), complaint.code, _local(complaint.created_at), complaint.get_channel_kind_display(), who,
            reporter.phone or "", complaint.category.name, complaint.district.name,
            complaint.village.name if complaint.village_id else "", complaint.address,
            complaint.get_status_display(), complaint.get_outcome_display() if complaint.outcome else "", _local(complaint.closed_at),
        ]


class _Echo:
    """A file-like object whose write returns the line, so csv.writer feeds a streaming response."""

    def write(self, value: str) -> str:
        return value


def csv_lines(user, queryset: QuerySet[Complaint]) -> Iterable[str]:
    writer = SafeCsvWriter(_Echo())
    yield "\ufeff"  # a BOM, so Excel on an office laptop opens the UTF-8 file with the right letters
    yield writer.writerow([str(label) for _key, label in COLUMNS])
    for row in register_rows(user, queryset):
        yield writer.writerow(row)


def xlsx_file(user, queryset: QuerySet[Complaint]):
    """The register as an .xlsx in a temporary file; xlsxwriter's constant-memory mode writes rows as they come."""

    # Not a context manager: the open file is handed to the response, which closes it once it has been sent.
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    book = workbook(handle, {"constant_memory": True, "in_memory": False, "tmpdir": tempfile.gettempdir()})
    sheet = book.add_worksheet(str(_("Register")))
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, [str(label) for _key, label in COLUMNS], bold)
    for index, row in enumerate(register_rows(user, queryset), start=1):
        sheet.write_row(index, 0, row)
    book.close()
    handle.seek(0)
    return handle

"""The daily report and monthly recap as spreadsheets: the same tables the printed page shows, one under another.

Reports are a few dozen rows, so the workbook is built in memory; only the register (complaints/exports.py)
needs to stream.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from complaints.reports import DailyReport, MonthlyRecap
from complaints.spreadsheets import workbook as safe_workbook

Cell = str | int


@dataclass(frozen=True)
class Table:
    title: str
    headers: list[str]
    rows: list[list[Cell]]


def _wita(value: datetime | None) -> str:
    return "" if value is None else f"{formats.date_format(timezone.localtime(value), 'SHORT_DATETIME_FORMAT')} WITA"


def daily_tables(report: DailyReport) -> list[Table]:
    info = report.information
    return [
        Table(_("Aduan masuk menurut kanal"), [_("Kanal"), _("Jumlah")], [list(row) for row in report.received_by_channel]),
        Table(_("Aduan masuk menurut kecamatan"), [_("Kecamatan"), _("Jumlah")], [list(row) for row in report.received_by_district]),
        Table(_("Aduan selesai menurut hasil"), [_("Hasil"), _("Jumlah")], [list(row) for row in report.closed_by_outcome]),
        Table(_("Lewat tenggat pada hari ini"), [_("Langkah"), _("Jumlah")],
              [[f"{step}. {label}", count] for step, label, count in report.breaches_by_step]),
        Table(_("Keadaan saat ini per langkah"), [_("Langkah"), _("Terbuka"), _("Lewat tenggat")],
              [[f"{step}. {label}", open_, late] for step, label, open_, late in report.open_by_step]),
        Table(_("Permintaan informasi"), [_("Keterangan"), _("Jumlah")], [
            [_("Masuk hari ini"), info.received], [_("Dijawab hari ini"), info.answered],
            [_("Belum dijawab saat ini"), info.open_now], [_("Lewat tenggat saat ini"), info.overdue_now],
        ]),
        Table(_("Paling lama lewat tenggat"), [_("Kode"), _("Status"), _("Tim"), _("Kategori"), _("Kecamatan"), _("Tenggat")], [
            [c.code, c.get_status_display(), c.assigned_team.name if c.assigned_team else "", c.category.name,
             c.district.name, _wita(c.due_at)]
            for c in report.most_overdue
        ]),
    ]


def monthly_tables(recap: MonthlyRecap) -> list[Table]:
    received, answered, unanswered = recap.information
    return [
        Table(_("Menurut kecamatan"), [_("Kecamatan"), _("Masuk"), _("Selesai"), _("Terbuka")],
              [list(row) for row in recap.by_district]),
        Table(_("Kategori"), [_("Kategori"), _("Jumlah")], [list(row) for row in recap.by_category]),
        Table(_("Kanal"), [_("Kanal"), _("Jumlah")], [list(row) for row in recap.by_channel]),
        Table(_("Hasil"), [_("Hasil"), _("Jumlah")], [list(row) for row in recap.by_outcome]),
        Table(_("Permintaan informasi"), [_("Kategori"), _("Masuk"), _("Dijawab"), _("Belum dijawab")],
              [*[list(row) for row in recap.information_by_category], [_("Jumlah"), received, answered, unanswered]]),
    ]


def workbook(title: str, summary: list[tuple[str, Cell]], tables: list[Table]) -> bytes:
    buffer = io.BytesIO()
    book = safe_workbook(buffer, {"in_memory": True})  # names and categories are written as text, never formulas
    sheet = book.add_worksheet(_("Laporan")[:31])
    heading = book.add_format({"bold": True, "font_size": 14})
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "bottom": 1})
    sheet.write(0, 0, title, heading)
    row = 2
    for label, value in summary:
        sheet.write(row, 0, label, bold)
        sheet.write(row, 1, value)
        row += 1
    for table in tables:
        row += 1
        sheet.write(row, 0, table.title, bold)
        sheet.write_row(row + 1, 0, table.headers, header)
        row += 2
        for cells in table.rows or [["—"]]:
            sheet.write_row(row, 0, cells)
            row += 1
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 5, 16)
    book.close()
    return buffer.getvalue()

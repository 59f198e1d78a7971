"""Files of an export: CSV streamed as it is read (UTF-8 with a BOM, so Excel opens it as
Chinese text), XLSX built in openpyxl's write-only mode (rows go to a temporary file, not
memory) with a 说明 sheet before the rows."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from ..sheet_cells import CSV_NOTE, csv_cell, xlsx_cell
from .exports import COLUMNS, ExportRow

CELL_MAX = 32_767
"""Excel's limit on the characters of one cell."""
TRUNCATED = "（已达导出上限，后面的记录未导出；请缩小查询范围后分批导出）"
_CANONICAL = COLUMNS.index("canonical_json")
_VERIFIABLE = COLUMNS.index("verifiable")
FLUSH_LINES = 500


def _line(cells: Iterable[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()


def csv_chunks(readme: list[str], rows: Iterable[ExportRow | None]) -> Iterator[bytes]:
    """The CSV a piece at a time: a BOM, the README as ``#`` lines, the header, the rows."""
    notes = [*readme, CSV_NOTE]
    head = "\ufeff" + "".join(_line([f"# {text}"]) for text in notes) + _line(COLUMNS)
    yield head.encode("utf-8")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for count, row in enumerate(rows, 1):
        if row is None:
            writer.writerow([f"# {TRUNCATED}"])
        else:
            writer.writerow(["" if v is None else csv_cell(v) for v in row.values])
        if count % FLUSH_LINES == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def _fits(text: str) -> bool:
    return len(text) <= CELL_MAX and not ILLEGAL_CHARACTERS_RE.search(text)


def _xlsx_cells(row: ExportRow) -> list[object]:
    """The row for a sheet; a text Excel cannot hold whole makes the row not verifiable there."""
    cells = list(row.values)
    spoiled = False
    for index, value in enumerate(cells):
        if isinstance(value, str) and (
            len(value) > CELL_MAX or ILLEGAL_CHARACTERS_RE.search(value)
        ):
            cells[index] = ILLEGAL_CHARACTERS_RE.sub("�", value)[: CELL_MAX - 1] + "…"
            spoiled = True
    if spoiled:
        cells[_CANONICAL] = None
        cells[_VERIFIABLE] = "否（内容过长或含控制字符，请用 CSV 复核）"
    return cells


def xlsx_file(readme: list[str], rows: Iterable[ExportRow | None]) -> IO[bytes]:
    """The workbook, written to a temporary file (rewound, ready to send)."""
    book = Workbook(write_only=True)
    notes = book.create_sheet("说明")
    sheet = book.create_sheet("历史记录")
    for text in readme:
        notes.append([text])
    sheet.append(list(COLUMNS))
    for row in rows:
        if row is None:
            notes.append([TRUNCATED])
            break
        sheet.append([xlsx_cell(sheet, value) for value in _xlsx_cells(row)])
    target = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    book.save(target)
    target.seek(0)
    return target

"""Reading a tracking spreadsheet for `track import`: a CSV (comma, semicolon, tab or pipe;
UTF-8 with or without a BOM) or an .xlsx workbook (`workbook.sheet_rows`), handed to
`tracking.sheet.read_table` for the columns and cells."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from ..errors import InputError, Problem
from ..tracking.sheet import SheetResult, read_table
from .rows import sniff
from .workbook import sheet_rows
from .yaml_reader import read_text

MAX_BYTES = 16 << 20  # a tracking sheet of 300 programs is ~100 KB


def read_sheet(
    path: Path, today: dt.date, *, sheet: str | None = None, ignore_unknown: bool = False
) -> SheetResult:
    file = str(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        with sheet_rows(path, sheet) as (title, header, cells):
            return read_table(
                header, cells, file, today, ignore_unknown=ignore_unknown, sheet=title
            )
    if sheet is not None:
        message = "--sheet is for .xlsx workbooks; expected a workbook, or no --sheet"
        raise InputError([Problem(file, None, None, "", message)])
    text = read_text(path, MAX_BYTES)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff(text), strict=True)
    try:
        first: list[str] | None = next(reader, None)
        if first is None or not any(cell.strip() for cell in first):
            message = "no header row; expected a first row naming the columns (Program, Status ...)"
            raise InputError([Problem(file, 1, 1, "", message)])
        # rows are counted as a spreadsheet numbers them (a quoted cell may span lines)
        rows = list(enumerate(reader, start=2))
    except csv.Error as exc:
        message = f"cannot be read as CSV ({exc}); expected separated cells, quotes closed"
        raise InputError([Problem(file, reader.line_num or 1, None, "", message)]) from None
    return read_table(first, rows, file, today, ignore_unknown=ignore_unknown)

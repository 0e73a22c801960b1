"""Excel workbooks (.xlsx) for `programs import` and `track import`: read with openpyxl (maintained, pure
Python, installed with imgplan; imported only by the import command) in read-only mode, as
values only — formulas give their last computed value, macros and external links are never
run or followed. Rows go through the same mapping and checks as a CSV; problems are located as
``Sheet!B3``."""

from __future__ import annotations

import contextlib
import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from .rows import ImportResult, Options, read_rows

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted workbook, or a legacy .xls
MAX_BYTES = 64 << 20


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@contextlib.contextmanager
def sheet_rows(
    path: Path, sheet: str | None
) -> Iterator[tuple[str, list[str], Iterator[tuple[int, list[str]]]]]:
    """(the sheet's title, its header cells, its (row number, cells) from row 2), each cell as
    text; the workbook is closed on leaving. Refused with a located message: too big, an
    encrypted or legacy workbook, not a zip, a corrupt file, no such sheet, no header row."""
    file = str(path)

    def refuse(message: str) -> InputError:
        return InputError([Problem(file, None, None, "", message)])

    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise refuse(f"cannot be read ({exc.strerror}); expected a readable .xlsx file") from None
    if size > MAX_BYTES:
        raise refuse(f"is {size:,} bytes; expected a workbook under {MAX_BYTES >> 20} MiB")
    if head == OLE:
        raise refuse(
            "is an encrypted (password-protected) workbook or an old .xls file; expected an "
            "unprotected .xlsx: open it, remove the password, save as .xlsx (or export CSV)"
        )
    if not zipfile.is_zipfile(path):
        raise refuse("is not an .xlsx workbook (not a zip archive); expected an .xlsx or a CSV")
    import openpyxl  # type: ignore[import-untyped]

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a corrupt file
        raise refuse(
            f"cannot be read as a workbook ({type(exc).__name__}); expected a valid .xlsx"
        ) from None
    try:
        names = book.sheetnames
        if sheet is not None and sheet not in names:
            raise refuse(f"has no sheet '{sheet}'; expected one of: {', '.join(names)}")
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        first = next(rows, None)
        header = [_text(v) for v in first] if first else []
        while header and not header[-1].strip():
            header.pop()
        if not any(h.strip() for h in header):
            raise refuse(
                f"sheet '{ws.title}' has no header row; expected the column names in row 1"
            )
        width = len(header)

        def cells() -> Iterator[tuple[int, list[str]]]:
            for n, values in enumerate(rows, start=2):
                row = [_text(v) for v in values[:width]]
                row += [""] * (width - len(row))
                extra = [_text(v) for v in values[width:]]
                yield n, row + [x for x in extra if x.strip()]

        yield ws.title, header, cells()
    finally:
        book.close()


def read_workbook(path: Path, sheet: str | None, options: Options) -> ImportResult:
    with sheet_rows(path, sheet) as (title, header, cells):
        result = ImportResult([], [], [], delimiter="", sheet=title)
        read_rows(header, cells, str(path), result, options)
        return result

"""Excel workbooks (.xlsx) for `programs import` and `track import`: read with openpyxl (maintained, pure
Python, installed with imgplan; imported only by the import command) in read-only mode, as
values only — formulas give their last computed value, macros and external links are never
run or followed. Rows go through the same mapping and checks as a CSV; problems are located as
``Sheet!B3``."""

from __future__ import annotations

import contextlib
import datetime as dt
import stat
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem, visible
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
    text; the workbook is closed on leaving. Refused with a located message, never a crash or
    a hang: not a regular file (a pipe, a device), too big packed or unpacked, an encrypted or
    legacy workbook, not a zip, a corrupt file or cell, no sheet, no such sheet, no header row,
    too many rows."""
    file = str(path)

    def refuse(message: str) -> InputError:
        return InputError([Problem(file, None, None, "", message)])

    book = _open_book(path, refuse)
    try:
        names = book.sheetnames
        if not names:
            raise refuse("has no sheet; expected a workbook with the list on its first sheet")
        if sheet is not None and sheet not in names:
            shown = ", ".join(visible(n) for n in names[:20])
            raise refuse(f"has no sheet '{visible(sheet)}'; expected one of: {shown}")
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        title = visible(ws.title)
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()  # a stated dimension (A1:XFD1048576) is not trusted
        rows = ws.iter_rows(values_only=True)
        try:
            first = next(rows, None)
        except Exception as exc:
            raise refuse(
                f"sheet '{title}' cannot be read ({type(exc).__name__}); expected a valid .xlsx"
            ) from None
        header = [_text(v) for v in first[:MAX_COLUMNS]] if first else []
        while header and not header[-1].strip():
            header.pop()
        if not any(h.strip() for h in header):
            raise refuse(f"sheet '{title}' has no header row; expected the column names in row 1")
        yield title, header, _cells(rows, len(header), file, title, refuse)
    finally:
        book.close()


def _open_book(path: Path, refuse: Callable[[str], InputError]) -> Any:
    """The workbook, opened read-only once the file is known to be a regular, unencrypted
    zip archive within the size limits, packed and unpacked."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO or /dev/zero would block or never end
            raise refuse("is not a regular file (a pipe or a device?); expected an .xlsx file")
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise refuse(f"cannot be read ({exc.strerror}); expected a readable .xlsx file") from None
    if info.st_size > MAX_BYTES:
        raise refuse(f"is {info.st_size:,} bytes; expected a workbook under {MAX_BYTES >> 20} MiB")
    if head == OLE:
        raise refuse(
            "is an encrypted (password-protected) workbook or an old .xls file; expected an "
            "unprotected .xlsx: open it, remove the password, save as .xlsx (or export CSV)"
        )
    if not zipfile.is_zipfile(path):
        raise refuse("is not an .xlsx workbook (not a zip archive); expected an .xlsx or a CSV")
    _check_unpacked(path, refuse)
    import openpyxl  # type: ignore[import-untyped]

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a corrupt file
        raise refuse(
            f"cannot be read as a workbook ({type(exc).__name__}); expected a valid .xlsx"
        ) from None


def _cells(
    rows: Iterator[tuple[Any, ...]],
    width: int,
    file: str,
    title: str,
    refuse: Callable[[str], InputError],
) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells as text) from row 2: ``width`` cells, then any non-empty extras (a
    shifted row is refused by the reader); a corrupt cell is a located InputError."""
    n = 1
    try:
        for n, values in enumerate(rows, start=2):
            if n > MAX_ROWS + 1:
                raise refuse(
                    f"sheet '{title}' has more than {MAX_ROWS:,} rows; expected a list of "
                    "programs (split it, or export the rows you need)"
                )
            row = [_text(v) for v in values[:width]]
            row += [""] * (width - len(row))
            extra = [_text(v) for v in values[width:MAX_COLUMNS]]
            yield n, row + [x for x in extra if x.strip()]
    except InputError:
        raise
    except Exception as exc:  # a corrupt cell: a bad number, a string index out of range
        message = f"cannot be read ({type(exc).__name__}); expected a valid .xlsx cell"
        raise InputError([Problem(file, None, None, f"{title}!row {n + 1}", message)]) from None


MAX_ROWS = 150_000  # rows read from one sheet (a program list; every row is checked)
MAX_COLUMNS = 200  # cells read per row
MAX_UNPACKED = 512 << 20  # bytes of the workbook's parts, unpacked (a zip bomb is refused)
MAX_PARTS = 10_000


def _check_unpacked(path: Path, refuse: Any) -> None:
    """The sizes the zip directory states, before anything is unpacked."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise refuse(
            f"cannot be read as a workbook ({type(exc).__name__}); expected a valid .xlsx"
        ) from None
    total = sum(i.file_size for i in infos)
    if len(infos) > MAX_PARTS or total > MAX_UNPACKED:
        raise refuse(
            f"unpacks to {total:,} bytes in {len(infos):,} parts; expected a workbook under "
            f"{MAX_UNPACKED >> 20} MiB unpacked"
        )


def read_workbook(path: Path, sheet: str | None, options: Options) -> ImportResult:
    with sheet_rows(path, sheet) as (title, header, cells):
        result = ImportResult([], [], [], delimiter="", sheet=title)
        read_rows(header, cells, str(path), result, options)
        return result

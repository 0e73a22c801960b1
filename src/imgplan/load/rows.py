"""A spreadsheet's rows as programs: the delimiter sniffed, the headers mapped to fields (or a
known layout recognised), each row's cells parsed and located (file:row:column, or Sheet!B3
for a workbook), ids made unique. CSV here; .xlsx rows come through `workbook`."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from typing import Any

from msgspec import Struct, field

from ..errors import Problem
from ..models import vocab
from ..models.programs import INFORMATICS_FIELDS
from . import layouts
from .cells import (
    _CONTROL,
    _HEADER_INDEX,
    _UNKNOWN,
    HEADERS,
    IMPORT_ONLY,
    PARSERS,
    _fold,
    cell_problem,
    column_letter,
)
from .layouts import Layout


class ImportResult(Struct):
    programs: list[dict[str, Any]]
    problems: list[Problem]  # rows that cannot be read (fatal unless skipped)
    header_problems: list[Problem]  # unknown or duplicate headers, missing required columns
    skipped_rows: list[int] = field(default_factory=list)
    more_problems: int = 0  # problems past MAX_PROBLEMS: counted, not held or printed
    ignored_columns: list[str] = field(default_factory=list)
    delimiter: str = ","
    layout: str = "plain-word sheet"  # PLAIN, or a known layout's title
    mapping: list[tuple[str, str, str]] = field(default_factory=list)  # (header, where, field)
    warnings: list[str] = field(default_factory=list)
    sheet: str | None = None  # a workbook's sheet: cells are named Sheet!B3


PLAIN = "plain-word sheet"
MAX_PROBLEMS = 1000  # problems held and printed per file; the rest are counted
MAX_ROWS = 150_000  # programs read from one sheet: what is held is bounded (about 1 GB)


class Options(Struct, frozen=True):
    """How to read the columns: ``--map FIELD=COLUMN`` overrides, ``--specialty`` for rows
    that name none, ``--ignore-unknown-columns``."""

    ignore_unknown_columns: bool = False
    overrides: tuple[tuple[str, str], ...] = ()
    specialty: str | None = None


def _where(header: list[str], i: int, result: ImportResult | None = None, row: int = 1) -> str:
    if result is not None and result.sheet is not None:
        return f"{header[i].strip()} ({result.sheet}!{column_letter(i)}{row})"
    return f"{header[i].strip()} (column {column_letter(i)})"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "program"


def read_csv(
    text: str, file: str, *, ignore_unknown_columns: bool = False, options: Options | None = None
) -> ImportResult:
    """Sniff the separator, map the header to fields, then read and parse one row at a time
    (a 200,000-row sheet is never held as rows: memory stays near the programs written)."""
    options = options or Options(ignore_unknown_columns=ignore_unknown_columns)
    delimiter = sniff(text)
    result = ImportResult([], [], [], delimiter=delimiter)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            _control_problem(text, file, result) or _no_header(file, result)
            return result
        read_rows(header, enumerate(reader, start=2), file, result, options)
    except csv.Error as exc:
        message = (
            f"cannot be read as CSV ({exc}); expected comma-, semicolon-, tab- or pipe-separated "
            "cells, quotes closed, cells under 128 KiB"
        )
        result.header_problems.append(Problem(file, reader.line_num or 1, None, "", message))
        return result
    _control_problem(text, file, result)
    return result


def read_rows(
    header: list[str],
    rows: Any,
    file: str,
    result: ImportResult,
    options: Options,
) -> None:
    """Map the header, then parse each (row number, cells) in turn into ``result``."""
    columns, seen = _map_headers(header, file, result, options)
    if result.header_problems:
        return
    used_ids: set[str] = set()
    for row_no, row in rows:  # spreadsheet rows, not text lines
        if len(result.programs) + len(result.skipped_rows) >= MAX_ROWS:
            message = (
                f"more than {MAX_ROWS:,} rows; expected a list of at most that many programs "
                "(split the file)"
            )
            result.header_problems.append(Problem(file, row_no, None, "", message))
            return
        if any(cell.strip() for cell in row):
            _read_row(row_no, row, header, columns, seen, used_ids, file, result, options)


def sniff(text: str) -> str:
    """The separator: whichever of comma, semicolon, tab and pipe the header row has most of
    (outside quotes); comma when it has none."""
    sample = text[:8192]
    first = re.sub(r'"[^"]*"', "", sample.split("\n", 1)[0] if sample else "")
    counts = {sep: first.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _control_problem(text: str, file: str, result: ImportResult) -> bool:
    """A control character anywhere in the text (a binary file?) is a header problem."""
    bad_char = _CONTROL.search(text)
    if not bad_char:
        return False
    before = text[: bad_char.start()]
    line = before.count("\n") + 1
    column = bad_char.start() - (before.rfind("\n") + 1) + 1
    message = (
        f"control character U+{ord(bad_char.group()):04X} in the text; expected printable "
        "text (is this really a CSV export?)"
    )
    result.header_problems.append(Problem(file, line, column, "", message))
    return True


def _no_header(file: str, result: ImportResult) -> bool:
    message = "no header row; expected a first row naming the columns (e.g. Program name, State)"
    result.header_problems.append(Problem(file, 1, 1, "", message))
    return True


def _map_headers(
    header: list[str], file: str, result: ImportResult, options: Options
) -> tuple[dict[int, str], dict[str, int]]:
    """(column index -> field, field -> column index) for the detected layout and the
    ``--map`` overrides; unknown, repeated and missing required columns go to
    ``result.header_problems`` (or, in a known layout, ``ignored_columns``)."""
    layout: Layout | None = layouts.detect(header)
    if layout is not None:
        result.layout = layout.title
    columns: dict[int, str] = {}
    seen: dict[str, int] = {}
    folded = [_fold(raw) for raw in header]
    forced: dict[int, str] = {}
    for wanted, column in options.overrides:
        matches = [i for i, h in enumerate(folded) if h == _fold(column)]
        if not matches:
            result.header_problems.append(
                Problem(
                    file,
                    1,
                    None,
                    "",
                    f"--map {wanted}={column}: no column '{column}'; expected one of: {', '.join(' '.join(h.split()) for h in header)}",
                )
            )
            continue
        forced[matches[0]] = wanted
    for i, raw in enumerate(header):
        if not raw.strip():
            continue
        name: str | None = forced.get(i)
        if name is None and layout is not None:
            name = layout.columns.get(folded[i])
            if name is None:
                result.ignored_columns.append(raw.strip())
                continue
        if name is None:
            name = _HEADER_INDEX.get(folded[i])
        where = (file, 1, i + 1, _where(header, i, result))
        if name is None:
            if options.ignore_unknown_columns:
                result.ignored_columns.append(raw.strip())
                continue
            hint = vocab.suggest(folded[i], list(_HEADER_INDEX))
            message = (
                f"unknown column '{raw.strip()}'{hint}; expected a known header (see docs/commands.md: "
                "import), or pass --ignore-unknown-columns to drop it, or --map FIELD=COLUMN"
            )
            result.header_problems.append(Problem(*where, message))
        elif name in seen and name != "ignore":
            message = (
                f"column '{raw.strip()}' is a second {name} column (first: column "
                f"{column_letter(seen[name])}); expected each field once (or --map)"
            )
            result.header_problems.append(Problem(*where, message))
        else:
            seen[name] = i
            columns[i] = name
            result.mapping.append((raw.strip().replace("\n", " "), column_letter(i), name))
    if "name" not in seen and "institution" not in seen:
        message = f"no name column; expected a header such as '{HEADERS['name'][0].title()}'"
        result.header_problems.append(Problem(file, 1, 1, "", message))
    if "specialty" not in seen and options.specialty is None and layout is not ACGME_LAYOUT:
        message = (
            f"no specialty column; expected a header such as '{HEADERS['specialty'][0].title()}' "
            "(or --specialty for the whole file)"
        )
        result.header_problems.append(Problem(file, 1, 1, "", message))
    return columns, seen


ACGME_LAYOUT = layouts.ACGME


def _read_row(
    row_no: int,
    row: list[str],
    header: list[str],
    columns: dict[int, str],
    seen: dict[str, int],
    used_ids: set[str],
    file: str,
    result: ImportResult,
    options: Options,
) -> None:
    """One data row: a program appended to ``result.programs``, or its problems recorded and
    the row skipped."""

    def problem(i: int, message: str) -> None:
        if len(result.problems) >= MAX_PROBLEMS:
            result.more_problems += 1
            return
        result.problems.append(
            Problem(file, row_no, i + 1, _where(header, i, result, row_no), message)
        )

    # A row with more cells than the header is refused even when the extra cells are empty:
    # an unquoted separator inside a value shifts every later value one column to the right
    # and pushes an empty last cell out (FREIDA legacy rows); read as it stands, the values
    # would land in the wrong columns. (A workbook's row carries only its non-empty extras.)
    ragged = len(row) != len(header)
    if ragged:
        message = (
            f"the row has {len(row)} cells but the header {len(header)}; expected one cell per "
            f"column (check the quoting or the '{result.delimiter}' separator)"
        )
        if len(result.problems) >= MAX_PROBLEMS:
            result.more_problems += 1
        else:
            result.problems.append(
                Problem(file, row_no, min(len(row), len(header)) + 1, "", message)
            )
        result.skipped_rows.append(row_no)
        return
    program, bad = _parse_cells(row, columns, problem)
    if not bad:
        bad = not _fill_specialty(program, seen, options, problem, row_no, file, result)
    if "name" not in program and "institution" in program and not bad:
        # A list that names the sponsor, not the program (ERAS participants): the program is
        # the sponsor's residency in the specialty.
        program["name"] = f"{program['institution']} {vocab.specialty_label(program['specialty'])}"
    if "name" not in program and not bad:
        problem(seen.get("name", seen.get("institution", 0)), "empty; expected the program's name")
        bad = True
    pid = None if bad else _unique_id(program, seen, used_ids, problem)
    if pid is None:
        result.skipped_rows.append(row_no)
        return
    used_ids.add(pid)
    warning = layouts.id_warning(pid, str(program["specialty"]))
    if warning:
        result.warnings.append(f"{file}:{row_no}: {warning}")
    code = program.get("nrmp_code")
    if code and layouts.NRMP_CODE.match(code).group(3) == "P":  # type: ignore[union-attr]
        result.warnings.append(f"{file}:{row_no}: NRMP code {code} is a preliminary track")
    result.programs.append({"id": pid, **program})


def _fill_specialty(
    program: dict[str, Any],
    seen: dict[str, int],
    options: Options,
    problem: Callable[[int, str], None],
    row_no: int,
    file: str,
    result: ImportResult,
) -> bool:
    """A row without a specialty takes the one its name spells out, else --specialty."""
    if "specialty" in program:
        return True
    named = layouts.specialty_in_name(str(program.get("name", "")))
    chosen = named or options.specialty
    if chosen is None:
        where = seen.get("specialty", seen.get("name", 0))
        problem(where, "no specialty; expected the row's specialty (or --specialty for the file)")
        return False
    program["specialty"] = chosen
    return True


def _parse_cells(
    row: list[str], columns: dict[int, str], problem: Callable[[int, str], None]
) -> tuple[dict[str, Any], bool]:
    """The row's values by field (informatics fields nested), and whether a cell was bad."""
    program: dict[str, Any] = {}
    info: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    bad = False
    for i, name in columns.items():
        cell = row[i].strip() if i < len(row) else ""
        if cell.lower() in _UNKNOWN or name == "ignore":
            continue
        message = cell_problem(cell)
        if message:
            problem(i, message)
            bad = True
            continue
        try:
            value = PARSERS[name](cell)
        except ValueError as exc:
            problem(i, str(exc))
            bad = True
            continue
        target = info if name in INFORMATICS_FIELDS else extra if name in IMPORT_ONLY else program
        target[name] = value
    _combine(program, extra)
    if info:
        program["informatics"] = info
    return program, bad


def _combine(program: dict[str, Any], extra: dict[str, Any]) -> None:
    """FREIDA legacy's H1B / J1 yes-no columns make one visa list; a hint goes to the notes."""
    if "visas" not in program and ("h1b_visa" in extra or "j1_visa" in extra):
        program["visas"] = [v for v in ("j1", "h1b") if extra.get(f"{v}_visa")]
    hint = extra.get("hint")
    if hint:
        words = layouts.informatics_hint(hint)
        note = f"hint, not scored (mentions {words}): {hint}" if words else f"features: {hint}"
        program["notes"] = f"{program['notes']} | {note}" if program.get("notes") else note


def _unique_id(
    program: dict[str, Any],
    seen: dict[str, int],
    used_ids: set[str],
    problem: Callable[[int, str], None],
) -> str | None:
    """The row's id (given, or made from specialty, name and state and numbered to be
    unique); None when a given id repeats an earlier row's."""
    pid = program.pop("id", None) or _slug(
        f"{vocab.SPECIALTY_SLUG[program['specialty']]}-{program['name']}-{program.get('state', '')}"
    )
    base, n = pid, 2
    while pid in used_ids:
        if "id" in seen:
            problem(seen["id"], f"id '{pid}' is used by an earlier row; expected unique ids")
            return None
        pid, n = f"{base}-{n}", n + 1
    return pid

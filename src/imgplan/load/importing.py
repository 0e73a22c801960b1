"""`imgplan programs import`: a spreadsheet export (CSV) to a program dataset.

Comma or semicolon separated, UTF-8 with or without a BOM, Excel-style quoting. Headers are
matched in plain words (``HEADERS``); values in the spellings people type (``J-1, H-1B``,
``40%``, ``yes``). Every problem is reported as ``file:row:column: header: what; expected``,
where row 1 is the header row, as a spreadsheet numbers it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from msgspec import Struct
from pydantic import ValidationError

from ..datasets import dataset_yaml
from ..errors import InputError, Problem, visible
from ..formats import to_record
from ..formats.programs import Dataset as DatasetFormat
from ..models.programs import Dataset
from ..models.values import plural
from .rows import PLAIN, ImportResult, Options, read_csv
from .workbook import read_workbook
from .yaml_reader import read_text

MAX_BYTES = 64 << 20


def to_dataset(
    result: ImportResult, *, name: str, as_of: dt.date, source: str, file: str
) -> tuple[Dataset | None, list[Problem]]:
    """Validate the imported programs as a dataset; problems name the program's id."""
    doc = {
        "format": 1,
        "name": name,
        "as_of": as_of.isoformat(),
        "source": source,
        "example": False,
        "programs": result.programs,
    }
    try:
        return to_record(DatasetFormat.model_validate(doc)), []
    except ValidationError as exc:
        out = []
        for error in exc.errors():
            loc = error["loc"]
            where = ".".join(str(x) for x in loc)
            if len(loc) > 1 and loc[0] == "programs" and isinstance(loc[1], int):
                where = f"program '{result.programs[loc[1]]['id']}': " + ".".join(
                    str(x) for x in loc[2:]
                )
            out.append(
                Problem(
                    file, None, None, where, str(error.get("ctx", {}).get("error", error["msg"]))
                )
            )
        return None, out


class Imported(Struct):
    """``programs import``: the dataset's YAML text and what to tell the user on stderr."""

    yaml_text: str
    count: int
    notes: list[str]
    dataset: Dataset  # the same programs as a record (merge reads a spreadsheet directly)


def _notes(result: ImportResult) -> list[str]:
    """What an import says: the layout, which column fed which field, what it ignored,
    its warnings and the rows it skipped."""
    notes = [f"layout: {result.layout}" + (f", sheet '{result.sheet}'" if result.sheet else "")]
    notes += [
        f"column '{header}' ({where}) -> {field_name}"
        for header, where, field_name in result.mapping
    ]
    word = "unknown column" if result.layout == PLAIN else "column (not used by imgplan)"
    notes += [f"ignored {word} '{column}'" for column in result.ignored_columns]
    notes += [f"warning: {w}" for w in result.warnings]
    notes += [f"skipped: {problem}" for problem in result.problems]
    return notes


def import_programs(
    path: Path,
    *,
    name: str | None,
    source: str | None,
    as_of: dt.date,
    skip_bad_rows: bool,
    ignore_unknown_columns: bool,
    overrides: tuple[tuple[str, str], ...] = (),
    specialty: str | None = None,
    sheet: str | None = None,
) -> Imported:
    """Read a CSV (or an .xlsx workbook) of programs and write it out as a dataset's YAML
    text; raise InputError (nothing written) unless every row is good or ``skip_bad_rows``
    says to drop the bad ones. The notes say which column fed which field."""

    options = Options(ignore_unknown_columns, overrides, specialty)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        result = read_workbook(path, sheet, options)
    else:
        if sheet is not None:
            raise InputError(
                [
                    Problem(
                        str(path),
                        None,
                        None,
                        "",
                        "--sheet is for .xlsx workbooks; expected a workbook, or no --sheet",
                    )
                ]
            )
        result = read_csv(read_text(path, MAX_BYTES), str(path), options=options)
    if result.header_problems:
        raise InputError(result.header_problems)
    if result.more_problems:
        more = f"… and {result.more_problems:,} more problems; fix these and run again"
        result.problems.append(Problem(str(path), None, None, "", more))
    if result.problems and not skip_bad_rows:
        hint = (
            f"{plural(len(result.skipped_rows), 'row')} cannot be read, so nothing was written; expected "
            "every row good (fix them, or pass --skip-bad-rows to write the others)"
        )
        raise InputError(result.problems + [Problem(str(path), None, None, "", hint)])
    notes = _notes(result)
    dataset, problems = to_dataset(
        result,
        # names imgplan derives from the file name are made printable (a control character
        # in a file name is the file system's, not the sheet's: never a reason to refuse)
        name=name or visible(path.stem),
        as_of=as_of,
        source=source or f"imported from {visible(path.name)}",
        file=str(path),
    )
    if dataset is None:
        raise InputError(problems)
    text = dataset_yaml(
        dataset.name,
        dataset.as_of.isoformat(),
        dataset.source,
        False,
        result.programs,
        f"# Imported from {path.name} by imgplan programs import",
    )
    skipped = (
        f", skipped {plural(len(result.skipped_rows), 'bad row')}" if result.skipped_rows else ""
    )
    return Imported(
        text,
        len(result.programs),
        notes + [f"imported {plural(len(result.programs), 'program')}{skipped}"],
        dataset,
    )

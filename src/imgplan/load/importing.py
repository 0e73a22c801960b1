"""`imgplan programs import`: a spreadsheet export (CSV) to a program dataset.

Comma or semicolon separated, UTF-8 with or without a BOM, Excel-style quoting. Headers are
matched in plain words (``HEADERS``); values in the spellings people type (``J-1, H-1B``,
``40%``, ``yes``). Every problem is reported as ``file:row:column: header: what; expected``,
where row 1 is the header row, as a spreadsheet numbers it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import CONTROL, InputError, Problem
from ..formats.programs import Dataset as DatasetFormat
from ..models import values, vocab
from ..models.programs import Dataset
from ..models.values import looks_like_formula, plural

MAX_BYTES = 64 << 20

#: field -> the header spellings accepted (compared lower-case, spaces/punctuation folded)
HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("id", "program id", "program code", "acgme id", "nrmp code", "code"),
    "name": ("program name", "name", "program"),
    "specialty": ("specialty", "speciality"),
    "state": ("state", "us state"),
    "city": ("city", "town"),
    "setting": ("setting", "program type", "type"),
    "positions": ("positions", "pgy1 positions", "pgy 1 positions", "spots", "slots"),
    "img_share": ("img %", "img percent", "img share", "% img", "imgs", "img", "img residents"),
    "visas": ("visas", "visa", "visa sponsorship", "visas sponsored", "sponsors"),
    "step2ck_min": (
        "step 2 ck minimum",
        "step 2 ck min",
        "step 2 minimum",
        "step 2 min",
        "step2 min",
        "step 2 ck cutoff",
        "step 2 cutoff",
        "minimum step 2",
        "min step 2",
        "step2ck min",
    ),
    "step2ck_preferred": (
        "step 2 ck preferred",
        "step 2 preferred",
        "preferred step 2",
        "step2 preferred",
        "step2ck preferred",
    ),
    "max_attempts": ("max attempts", "attempts allowed", "attempts", "maximum attempts"),
    "yog_max_years": (
        "yog cutoff",
        "yog",
        "yog max years",
        "years since graduation",
        "graduation cutoff",
        "yog cutoff years",
    ),
    "usce": ("usce", "usce required", "us clinical experience", "usce requirement"),
    "usce_min_months": (
        "usce months",
        "usce min months",
        "usce minimum months",
        "minimum usce months",
    ),
    "ecfmg_by": ("ecfmg by", "ecfmg certification by", "ecfmg required by", "ecfmg"),
    "ci_fellowship": ("ci fellowship", "clinical informatics fellowship", "informatics fellowship"),
    "informatics_faculty": ("informatics faculty", "cmio", "cmio on faculty"),
    "informatics_track": ("informatics track", "informatics curriculum"),
    "ehr_projects": ("ehr projects", "ehr optimization projects", "resident ehr projects"),
    "analytics_team": ("analytics team", "data analytics team"),
    "ehr_vendor": ("ehr vendor", "ehr", "emr"),
    "url": ("url", "website", "web site", "link"),
    "verified": ("verified", "last verified", "checked", "date checked"),
    "notes": ("notes", "comments", "comment"),
}
INFORMATICS_FIELDS = (
    "ci_fellowship",
    "informatics_faculty",
    "informatics_track",
    "ehr_projects",
    "analytics_team",
    "ehr_vendor",
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_UNKNOWN = {"", "?", "unknown", "n/a", "na", "-", "--", "tbd", "not listed", "not published"}
NOT_YAML = re.compile("[\ufffe\uffff\ud800-\udfff]")  # noncharacters, lone surrogates
_TICKS = {"x", "✓"}  # a ticked spreadsheet cell; other yes/no words: models.values


def _fold(text: str) -> str:
    return re.sub(r"[\s_\-./()]+", " ", text.strip().lower()).strip()


_HEADER_INDEX = {_fold(h): name for name, spellings in HEADERS.items() for h in spellings}


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (as a spreadsheet names columns)."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


# Value parsers: each returns the dataset value (None = unknown) or raises ValueError -------


def _int(bound: values.Bound, what: str) -> Callable[[str], int | None]:
    lo, hi = f"{bound.lo:g}", f"{bound.hi:g}"

    def parse(text: str) -> int | None:
        digits = re.sub(r"^(≤|<=|<|max|up to)\s*|\s*(years?|y|months?|mo)$", "", text.lower())
        if not re.fullmatch(r"\d{1,9}(\.0+)?", digits):
            raise ValueError(f"'{text}' is not a whole number; expected {what} ({lo}–{hi})")
        value = int(float(digits))
        if not bound.lo <= value <= bound.hi:
            raise ValueError(f"{value} is outside {lo}–{hi}; expected {what}")
        return value

    return parse


def _share(text: str) -> float:
    raw = text.rstrip("%").strip().replace(",", ".")
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(
            f"'{text}' is not a share; expected a percentage like 40% or 0.40"
        ) from None
    if text.endswith("%") or value > 1:
        value /= 100
    if not 0 <= value <= 1:
        raise ValueError(f"'{text}' is outside 0–100%; expected a percentage like 40%")
    return round(value, 4)


def _visas(text: str) -> list[str]:
    lowered = text.lower()
    if lowered in {"none", "no", "no visas", "citizens only", "0"}:
        return []
    out = []
    for part in re.split(r"[,;/+&]|\band\b|\s+or\s+", lowered):
        part = part.replace("only", "").strip()
        if not part:
            continue
        out.append(vocab.program_visa(part))
    if not out:
        raise ValueError(f"'{text}' names no visa; expected J-1, H-1B, both, or none")
    return list(dict.fromkeys(out))


def _bool(text: str) -> bool:
    if text.lower() in _TICKS:
        return True
    try:
        return values.yes_no(text)
    except ValueError:
        pass
    raise ValueError(f"'{text}' is not yes/no; expected yes or no (blank = unknown)")


def _usce(text: str) -> str:
    lowered = _fold(text)
    table = {
        "yes": "required",
        "required": "required",
        "mandatory": "required",
        "preferred": "preferred",
        "recommended": "preferred",
        "no": "not_required",
        "not required": "not_required",
        "none": "not_required",
        "optional": "not_required",
    }
    if lowered in table:
        return table[lowered]
    raise ValueError(
        f"'{text}' is not a USCE requirement; expected required, preferred or not required"
    )


def _ecfmg(text: str) -> str:
    lowered = _fold(text)
    for word, value in (
        ("application", "application"),
        ("apply", "application"),
        ("rank", "rank_list"),
        ("start", "start"),
        ("residency", "start"),
    ):
        if word in lowered:
            return value
    raise ValueError(f"'{text}' is not an ECFMG deadline; expected application, rank list or start")


def _ci(text: str) -> str:
    lowered = _fold(text)
    if lowered in {"yes", "in house", "inhouse", "own", "y"}:
        return "in_house"
    if lowered in {"affiliated", "partner", "partnership", "affiliate"}:
        return "affiliated"
    if lowered in {"no", "none", "n"}:
        return "none"
    raise ValueError(
        f"'{text}' is not understood; expected in-house (yes), affiliated or none (no)"
    )


def _date(text: str) -> str:
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            dt.date.fromisoformat(text)
            return text
        match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        if match:
            month, day, year = (int(g) for g in match.groups())
            return dt.date(year, month, day).isoformat()
    except ValueError:
        raise ValueError(
            f"'{text}' is not a real calendar date; expected YYYY-MM-DD (or M/D/YYYY)"
        ) from None
    raise ValueError(f"'{text}' is not a date; expected YYYY-MM-DD (or M/D/YYYY)")


def _setting(text: str) -> str:
    lowered = _fold(text)
    if "affiliat" in lowered:
        return "community_university_affiliated"
    return vocab.choose(text, vocab.Setting, "setting")


PARSERS: dict[str, Callable[[str], Any]] = {
    "id": lambda t: t.strip(),
    "name": lambda t: t.strip(),
    "specialty": vocab.specialty,
    "state": vocab.state,
    "city": lambda t: t.strip(),
    "setting": _setting,
    "positions": _int(values.POSITIONS, "a number of positions"),
    "img_share": _share,
    "visas": _visas,
    "step2ck_min": _int(values.SCORE, "a Step 2 CK score"),
    "step2ck_preferred": _int(values.SCORE, "a Step 2 CK score"),
    "max_attempts": _int(values.ATTEMPT_LIMIT, "an attempt limit"),
    "yog_max_years": _int(values.YOG_YEARS, "a number of years"),
    "usce": _usce,
    "usce_min_months": _int(values.MONTHS, "a number of months"),
    "ecfmg_by": _ecfmg,
    "ci_fellowship": _ci,
    "informatics_faculty": _bool,
    "informatics_track": _bool,
    "ehr_projects": _bool,
    "analytics_team": _bool,
    "ehr_vendor": lambda t: t.strip().lower(),
    "url": lambda t: t.strip(),
    "verified": _date,
    "notes": lambda t: t.strip(),
}


@dataclass
class ImportResult:
    programs: list[dict[str, Any]]
    problems: list[Problem]  # rows that cannot be read (fatal unless skipped)
    header_problems: list[Problem]  # unknown or duplicate headers, missing required columns
    skipped_rows: list[int] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    delimiter: str = ","


def _where(header: list[str], i: int) -> str:
    return f"{header[i].strip()} (column {column_letter(i)})"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "program"


def read_csv(text: str, file: str, *, ignore_unknown_columns: bool = False) -> ImportResult:
    """Sniff the separator, map the header to fields, then read and parse one row at a time
    (a 200,000-row sheet is never held as rows: memory stays near the programs written)."""
    delimiter = _sniff(text)
    result = ImportResult([], [], [], delimiter=delimiter)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            _control_problem(text, file, result) or _no_header(file, result)
            return result
        columns, seen = _map_headers(header, file, ignore_unknown_columns, result)
        if result.header_problems:
            return result
        used_ids: set[str] = set()
        for row_no, row in enumerate(reader, start=2):  # spreadsheet rows, not text lines
            if any(cell.strip() for cell in row):
                _read_row(row_no, row, header, columns, seen, used_ids, file, result)
    except csv.Error as exc:
        message = (
            f"cannot be read as CSV ({exc}); expected comma- or semicolon-separated cells, "
            "quotes closed, cells under 128 KiB"
        )
        result.header_problems.append(Problem(file, reader.line_num or 1, None, "", message))
        return result
    _control_problem(text, file, result)
    return result


def _sniff(text: str) -> str:
    """The separator: ';' when the first line has more of them than commas, else ','."""
    sample = text[:4096]
    first = sample.splitlines()[0] if sample else ""
    return ";" if first.count(";") > first.count(",") else ","


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
    header: list[str], file: str, ignore_unknown: bool, result: ImportResult
) -> tuple[dict[int, str], dict[str, int]]:
    """(column index -> field, field -> column index); unknown, repeated and missing
    required columns go to ``result.header_problems`` (or ``ignored_columns``)."""
    columns: dict[int, str] = {}
    seen: dict[str, int] = {}
    for i, raw in enumerate(header):
        name = _HEADER_INDEX.get(_fold(raw))
        where = (file, 1, i + 1, f"{raw.strip()} (column {column_letter(i)})")
        if not raw.strip():
            continue
        if name is None:
            if ignore_unknown:
                result.ignored_columns.append(raw.strip())
                continue
            hint = vocab.suggest(_fold(raw), list(_HEADER_INDEX))
            message = (
                f"unknown column '{raw.strip()}'{hint}; expected a known header (see README: "
                "import), or pass --ignore-unknown-columns to drop it"
            )
            result.header_problems.append(Problem(*where, message))
        elif name in seen:
            message = (
                f"column '{raw.strip()}' is a second {name} column (first: column "
                f"{column_letter(seen[name])}); expected each field once"
            )
            result.header_problems.append(Problem(*where, message))
        else:
            seen[name] = i
            columns[i] = name
    for required in ("name", "specialty"):
        if required not in seen:
            message = (
                f"no {required} column; expected a header such as '{HEADERS[required][0].title()}'"
            )
            result.header_problems.append(Problem(file, 1, 1, "", message))
    return columns, seen


def _read_row(
    row_no: int,
    row: list[str],
    header: list[str],
    columns: dict[int, str],
    seen: dict[str, int],
    used_ids: set[str],
    file: str,
    result: ImportResult,
) -> None:
    """One data row: a program appended to ``result.programs``, or its problems recorded and
    the row skipped."""

    def problem(i: int, message: str) -> None:
        result.problems.append(Problem(file, row_no, i + 1, _where(header, i), message))

    ragged = len(row) != len(header) and not (
        len(row) > len(header) and not any(cell.strip() for cell in row[len(header) :])
    )
    if ragged:
        message = (
            f"the row has {len(row)} cells but the header {len(header)}; expected one cell per "
            f"column (check the quoting or the '{result.delimiter}' separator)"
        )
        result.problems.append(Problem(file, row_no, min(len(row), len(header)) + 1, "", message))
        result.skipped_rows.append(row_no)
        return
    program, bad = _parse_cells(row, columns, problem)
    for required in ("name", "specialty"):
        if required not in program and not bad:
            problem(seen[required], f"empty; expected the program's {required}")
            bad = True
    pid = None if bad else _unique_id(program, seen, used_ids, problem)
    if pid is None:
        result.skipped_rows.append(row_no)
        return
    used_ids.add(pid)
    result.programs.append({"id": pid, **program})


def cell_problem(cell: str) -> str | None:
    """What makes a cell unusable in a YAML file imgplan writes, or None: a control character,
    a character YAML cannot hold, a formula."""
    control = CONTROL.search(cell)
    if control:
        return (
            f"control character U+{ord(control.group()):04X} in the cell (a line break "
            "inside a quoted cell?); expected printable text on one line"
        )
    odd = NOT_YAML.search(cell)
    if odd:
        return (
            f"character U+{ord(odd.group()):04X} cannot be written to a YAML dataset; "
            "expected printable text"
        )
    if looks_like_formula(cell):
        return (
            f"{cell!r:.60} would run as a formula when a spreadsheet opens it; expected "
            "plain text (remove the leading '=', '+', '-' or '@')"
        )
    return None


def _parse_cells(
    row: list[str], columns: dict[int, str], problem: Callable[[int, str], None]
) -> tuple[dict[str, Any], bool]:
    """The row's values by field (informatics fields nested), and whether a cell was bad."""
    program: dict[str, Any] = {}
    info: dict[str, Any] = {}
    bad = False
    for i, name in columns.items():
        cell = row[i].strip() if i < len(row) else ""
        if cell.lower() in _UNKNOWN:
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
        (info if name in INFORMATICS_FIELDS else program)[name] = value
    if info:
        program["informatics"] = info
    return program, bad


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
        from ..formats import to_record

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


@dataclass
class Imported:
    """``programs import``: the dataset's YAML text and what to tell the user on stderr."""

    yaml_text: str
    count: int
    notes: list[str]


def import_programs(
    path: Path,
    *,
    name: str | None,
    source: str | None,
    as_of: dt.date,
    skip_bad_rows: bool,
    ignore_unknown_columns: bool,
) -> Imported:
    """Read a CSV of programs and write it out as a dataset's YAML text; raise InputError
    (nothing written) unless every row is good or ``skip_bad_rows`` says to drop the bad ones."""
    from ..datasets import dataset_yaml
    from .yaml_reader import read_text

    result = read_csv(
        read_text(path, MAX_BYTES), str(path), ignore_unknown_columns=ignore_unknown_columns
    )
    if result.header_problems:
        raise InputError(result.header_problems)
    if result.problems and not skip_bad_rows:
        hint = (
            f"{plural(len(result.skipped_rows), 'row')} cannot be read, so nothing was written; expected "
            "every row good (fix them, or pass --skip-bad-rows to write the others)"
        )
        raise InputError(result.problems + [Problem(str(path), None, None, "", hint)])
    notes = [f"ignored unknown column '{column}'" for column in result.ignored_columns]
    notes += [f"skipped: {problem}" for problem in result.problems]
    dataset, problems = to_dataset(
        result,
        name=name or path.stem,
        as_of=as_of,
        source=source or f"imported from {path.name}",
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
    )

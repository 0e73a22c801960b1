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
from ..models.programs import INFORMATICS_FIELDS, Dataset
from ..models.values import looks_like_formula, plural
from . import layouts
from .layouts import SHEET_EXTRA, Layout, fold

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
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_UNKNOWN = {"", "?", "unknown", "n/a", "na", "-", "--", "tbd", "not listed", "not published"}
NOT_YAML = re.compile("[\ufffe\uffff\ud800-\udfff]")  # noncharacters, lone surrogates
_TICKS = {"x", "✓"}  # a ticked spreadsheet cell; other yes/no words: models.values


_fold = fold
_HEADER_INDEX = {_fold(h): name for name, spellings in HEADERS.items() for h in spellings}
_HEADER_INDEX.update(SHEET_EXTRA)


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
        digits = re.sub(
            r"^(≤|<=|<|max|up to)\s*|\s*(years?|yrs?|y|months?|mos?)$", "", text.lower().strip()
        )
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


_NO_VISA = re.compile(r"^(none|no|no visas?|no visa sponsorship|citizens only|0)$")
_VISA_WORDS = (("j1", re.compile(r"\bj-?1\b", re.I)), ("h1b", re.compile(r"\bh-?1b\b", re.I)))


def _visas(text: str) -> list[str]:
    """'J-1, H-1B', 'J1 + H1B', 'J-1 only', 'none', and FREIDA's sentences ('J-1 visa
    sponsorship through ECFMG; H-1B visa sponsorship', 'No visa sponsorship')."""
    lowered = text.lower().strip()
    if _NO_VISA.match(lowered):
        return []
    out = []
    for part in re.split(r"[,;/+&]|\band\b|\s+or\s+", lowered):
        part = part.replace("only", "").strip()
        if not part:
            continue
        try:
            out.append(vocab.program_visa(part))
        except ValueError:
            named = [v for v, rx in _VISA_WORDS if rx.search(part)]
            if len(named) != 1:  # 'TN': the plain message says which visas are known
                raise
            out.append(named[0])  # a sentence: 'J-1 visa sponsorship through ECFMG'
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
    lowered = _fold(re.sub(r"\(.*?\)", "", text))
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
    if re.search(r"\(.*affiliat.*\)", text, re.I):  # 'no (affiliated nearby)'
        return "affiliated"
    lowered = _fold(re.sub(r"\(.*?\)", "", text))
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
    """FREIDA's 'University hospital', 'Community-based, university-affiliated hospital',
    'Community-based' and the plain words."""
    lowered = _fold(text)
    if "affiliat" in lowered:
        return "community_university_affiliated"
    if lowered.startswith("university"):
        return "university"
    if lowered.startswith("community"):
        return "community"
    return vocab.choose(text, vocab.Setting, "setting")


def _nrmp(text: str) -> str:
    code = text.strip().upper()
    if not layouts.NRMP_CODE.match(code):
        raise ValueError(
            f"'{text}' is not an NRMP program code; expected 4 digits (institution), 3 digits "
            "(specialty), a track letter C, P, A or R and a digit, e.g. 1203140C0"
        )
    return code


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
    "my_notes": lambda t: t.strip(),
    "nrmp_code": _nrmp,
    "h1b_visa": _bool,
    "j1_visa": _bool,
    "hint": lambda t: t.strip(),
    "ignore": lambda t: t,
}
#: Fields that only exist while importing (see load/layouts.py).
IMPORT_ONLY = ("h1b_visa", "j1_visa", "hint", "ignore")


@dataclass
class ImportResult:
    programs: list[dict[str, Any]]
    problems: list[Problem]  # rows that cannot be read (fatal unless skipped)
    header_problems: list[Problem]  # unknown or duplicate headers, missing required columns
    skipped_rows: list[int] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    delimiter: str = ","
    layout: str = "plain-word sheet"  # PLAIN, or a known layout's title
    mapping: list[tuple[str, str, str]] = field(default_factory=list)  # (header, where, field)
    warnings: list[str] = field(default_factory=list)
    sheet: str | None = None  # a workbook's sheet: cells are named Sheet!B3


PLAIN = "plain-word sheet"


@dataclass(frozen=True)
class Options:
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
                f"unknown column '{raw.strip()}'{hint}; expected a known header (see README: "
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
    if "name" not in seen:
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
        result.problems.append(
            Problem(file, row_no, i + 1, _where(header, i, result, row_no), message)
        )

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
    if not bad:
        bad = not _fill_specialty(program, seen, options, problem, row_no, file, result)
    if "name" not in program and not bad:
        problem(seen["name"], "empty; expected the program's name")
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
    overrides: tuple[tuple[str, str], ...] = (),
    specialty: str | None = None,
    sheet: str | None = None,
) -> Imported:
    """Read a CSV (or an .xlsx workbook) of programs and write it out as a dataset's YAML
    text; raise InputError (nothing written) unless every row is good or ``skip_bad_rows``
    says to drop the bad ones. The notes say which column fed which field."""
    from ..datasets import dataset_yaml
    from .yaml_reader import read_text

    options = Options(ignore_unknown_columns, overrides, specialty)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from .workbook import read_workbook

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
    if result.problems and not skip_bad_rows:
        hint = (
            f"{plural(len(result.skipped_rows), 'row')} cannot be read, so nothing was written; expected "
            "every row good (fix them, or pass --skip-bad-rows to write the others)"
        )
        raise InputError(result.problems + [Problem(str(path), None, None, "", hint)])
    notes = [f"layout: {result.layout}" + (f", sheet '{result.sheet}'" if result.sheet else "")]
    notes += [
        f"column '{header}' ({where}) -> {field_name}"
        for header, where, field_name in result.mapping
    ]
    word = "unknown column" if result.layout == PLAIN else "column (not used by imgplan)"
    notes += [f"ignored {word} '{column}'" for column in result.ignored_columns]
    notes += [f"warning: {w}" for w in result.warnings]
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

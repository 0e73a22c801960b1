"""`imgplan fellowships import`: the fellowship directory's spreadsheet layout (the columns of
`ci-fellowships.csv`, FACTS §9) read into a format-1 directory YAML, with the same located
messages and all-or-nothing rule as `programs import`.

Two fields are imgplan's reading of free text, never a fact: ``visas`` (the visas a
``visa_policy`` sentence names; unknown when it is empty, says "not stated" or reports a
conflict) and ``open_to_any_specialty`` / ``restricted_tracks`` (from ``eligible_specialties``).
The text itself is kept beside them and shown with them.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from msgspec import Struct, field
from pydantic import ValidationError

from ..datasets import scalar
from ..errors import InputError, Problem, visible
from ..formats.fellowships import FellowshipDirectory
from ..models import vocab
from .cells import cell_problem, column_letter
from .located import rows_problems
from .rows import sniff
from .yaml_reader import read_text

MAX_BYTES = 8 << 20

#: CSV column -> directory field (the layout of ci-fellowships.csv; a few plain spellings too).
COLUMNS = {
    "id": "id",
    "program_name": "name",
    "name": "name",
    "program": "name",
    "institution": "institution",
    "city": "city",
    "state": "state",
    "department": "department",
    "department_note": "department_note",
    "acgme_id": "acgme_id",
    "fellows_per_year": "fellows_per_year",
    "eligible_specialties": "eligibility",
    "eligibility": "eligibility",
    "visa_policy": "visa_policy",
    "sources": "sources",
    "source_dates": "source_dates",
    "confidence": "confidence",
    "notes": "notes",
}
_J1 = re.compile(r"\bJ-?1\b", re.I)
_H1B = re.compile(r"\bH-?1B\b", re.I)
_NOT_BEFORE = re.compile(r"\b(no|not|never|without|none|neither|nor|doesn't|don't|cannot)\b", re.I)
_NOT_AFTER = re.compile(r"^\s*(\)|:|=|-|–)?\s*(is\s+|are\s+)?(no|not|none|never)\b", re.I)
_UNKNOWN_VISA = re.compile(r"conflict|not stated|verify", re.I)
_ANY = re.compile(r"\bany\b|all residency types|any physician", re.I)
_ONLY = re.compile(r"[^;.]*\bonly\b[^;.]*", re.I)
_MILITARY = re.compile(r"uniformed service members only|\bmilitary program\b", re.I)


def _negated(text: str, start: int, end: int) -> bool:
    """A negation governs the visa named at text[start:end] when it comes before it in the
    same clause ('no J-1 or H-1B', 'J-1 but not H-1B') or right after it ('H-1B: no',
    'H-1B not sponsored'). A clause before the visa starts after ';', '.', ':', ')' or a line
    break ('(not CI-specific): J-1' is a J-1): a negation is never a yes."""
    clause_start = max(text.rfind(c, 0, start) for c in ";.\n:)") + 1
    ends = [i for i in (text.find(c, end) for c in ";.\n") if i >= 0]
    clause_end = min(ends) if ends else len(text)
    return bool(_NOT_BEFORE.search(text[clause_start:start])) or bool(
        _NOT_AFTER.match(text[end:clause_end])
    )


def read_visas(text: str) -> tuple[list[str] | None, str | None]:
    """(visas named, scope) — imgplan's reading of a visa-policy sentence; (None, None) when
    it names none, says "not stated", or reports a conflict."""
    if not text or _UNKNOWN_VISA.search(text):
        return None, None
    mentions = [(v, m) for v, rx in (("j1", _J1), ("h1b", _H1B)) for m in rx.finditer(text)]
    visas = [
        v
        for v, rx in (("j1", _J1), ("h1b", _H1B))
        if any(not _negated(text, m.start(), m.end()) for m in rx.finditer(text))
    ]
    if not visas:
        if mentions:  # every visa named is negated: it sponsors none of them
            scope = "institution" if text.lower().startswith("institution-wide") else "program"
            return [], scope
        return None, None
    scope = "institution" if text.lower().startswith("institution-wide") else "program"
    return visas, scope


def read_eligibility(text: str) -> tuple[bool | None, str | None]:
    """(open to any specialty?, the restricted track's words) from an eligibility sentence."""
    if not text:
        return None, None
    restricted = _ONLY.search(text)
    return (True if _ANY.search(text) else None), (
        restricted.group().strip() if restricted else None
    )


class DirectoryImport(Struct):
    yaml_text: str
    count: int
    notes: list[str] = field(default_factory=list)


def _split(cell: str) -> list[str]:
    """A ';'-separated list; a ';' inside parentheses belongs to its item ('(ACGME's report;
    read through an extract)')."""
    parts: list[str] = []
    depth, current = 0, list[str]()
    for ch in cell:
        depth += (ch == "(") - (ch == ")")
        if ch == ";" and depth <= 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def _row(cells: dict[str, str]) -> dict[str, Any]:
    f: dict[str, Any] = {
        k: v for k, v in cells.items() if v and k not in ("sources", "source_dates")
    }
    f["sources"] = _split(cells.get("sources", ""))
    f["source_dates"] = _split(cells.get("source_dates", ""))
    if "department" in f:
        with contextlib.suppress(ValueError):  # validation locates a bad one
            f["department"] = str(vocab.specialty(f["department"]))
        f["department_from"] = "directory"
    visas, scope = read_visas(cells.get("visa_policy", ""))
    if visas is not None:
        f["visas"], f["visa_scope"] = visas, scope
    if _MILITARY.search(cells.get("visa_policy", "") + " " + cells.get("notes", "")):
        f["military_only"] = True
    open_any, restricted = read_eligibility(cells.get("eligibility", ""))
    if open_any is not None:
        f["open_to_any_specialty"] = open_any
    if restricted:
        f["restricted_tracks"] = restricted
    return f


def _columns(header: list[str], file: str) -> tuple[dict[int, str], list[Problem]]:
    """(column index -> field, problems): unknown and repeated columns, missing id or name."""
    columns: dict[int, str] = {}
    problems: list[Problem] = []
    for i, raw in enumerate(header):
        key = re.sub(r"[\s\-]+", "_", raw.strip().lstrip("\ufeff").lower())
        name = COLUMNS.get(key)
        where = (file, 1, i + 1, f"{raw.strip()} (column {column_letter(i)})")
        if name is None:
            known = ", ".join(sorted(set(COLUMNS)))
            hint = vocab.suggest(key, list(COLUMNS))
            problems.append(
                Problem(*where, f"unknown column '{raw.strip()}'{hint}; expected one of: {known}")
            )
        elif name in columns.values():
            problems.append(Problem(*where, f"a second {name} column; expected each field once"))
        else:
            columns[i] = name
    for required, header_word in (("id", "id"), ("name", "program_name")):
        if required not in columns.values():
            message = f"no {required} column; expected a header '{header_word}'"
            problems.append(Problem(file, 1, 1, "", message))
    return columns, problems


def read_directory_csv(
    text: str, file: str
) -> tuple[list[dict[str, Any]], list[Problem], list[int]]:
    """(entries, problems, the spreadsheet row of each entry)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff(text), strict=True)
    entries: list[dict[str, Any]] = []
    rows: list[int] = []
    try:
        header = next(reader, None)
        if not header or not any(h.strip() for h in header):
            message = "no header row; expected the directory's columns (id, program_name, city, state, ...)"
            return [], [Problem(file, 1, 1, "", message)], []
        columns, problems = _columns(header, file)
        if problems:
            return [], problems, []
        for row_no, row in enumerate(reader, start=2):
            if not any(c.strip() for c in row):
                continue
            if len(row) != len(header):
                message = f"the row has {len(row)} cells but the header {len(header)}; expected one cell per column"
                problems.append(Problem(file, row_no, None, "", message))
                continue
            cells: dict[str, str] = {}
            for i, name in columns.items():
                cell = row[i].strip()
                message = cell_problem(cell) or ""
                if message:
                    where = f"{header[i].strip()} (column {column_letter(i)})"
                    problems.append(Problem(file, row_no, i + 1, where, message))
                cells[name] = cell
            entries.append(_row(cells))
            rows.append(row_no)
    except csv.Error as exc:
        message = f"cannot be read as CSV ({exc}); expected quotes closed and cells under 128 KiB"
        problems = [Problem(file, reader.line_num or 1, None, "", message)]
    return entries, problems, rows


def import_directory(
    path: Path, *, name: str | None, source: str | None, as_of: dt.date
) -> DirectoryImport:
    """Read the CSV, validate it as a directory (every problem located at its row), and
    return the YAML text; InputError (nothing written) on any problem."""

    file = str(path)
    entries, problems, rows = read_directory_csv(read_text(path, MAX_BYTES), file)
    if problems and not entries:
        raise InputError(problems)
    doc = {
        "format": 1,
        "name": name or visible(path.stem),  # a derived name is made printable, never refused
        "as_of": as_of.isoformat(),
        "source": source or f"imported from {visible(path.name)}",
        "note": (
            "May be incomplete: ACGME's 2026 list has 62 programs housed in Family Medicine, "
            "Internal Medicine, Pathology and Pediatrics, and EM- or Anesthesiology-housed "
            "programs may be missing; verify every entry on AMIA's and ACGME's lists and on the "
            "program's own site."
        ),
        "fellowships": entries,
    }

    try:
        valid = FellowshipDirectory.model_validate(doc)
    except ValidationError as exc:  # every problem at once: the cells', then the entries'
        problems += rows_problems(exc, file, rows, FellowshipDirectory, "fellowships")
    if problems:
        problems.sort(key=lambda x: (x.line or 0, x.column or 0))
        raise InputError(problems)
    lines = [f"# Imported from {visible(path.name)} by imgplan fellowships import"]
    lines += [f"{k}: {scalar(v)}" for k, v in doc.items() if k != "fellowships"]
    lines.append("fellowships:" if entries else "fellowships: []")
    for fellowship in valid.fellowships:  # as validated: a department read from the ACGME ID
        entry = fellowship.model_dump(exclude_none=True, mode="json")
        items = [(k, v) for k, v in entry.items() if v != []]
        lines.append(f"  - {items[0][0]}: {scalar(items[0][1])}")
        lines += [f"    {k}: {scalar(v)}" for k, v in items[1:]]
    return DirectoryImport(
        "\n".join(lines) + "\n", len(entries), [f"imported {len(entries)} fellowships"]
    )

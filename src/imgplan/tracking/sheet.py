"""The tracker as a spreadsheet: the columns imgplan's CSV export writes (``EXPORT``), and the
reading of a sheet — that export, or the applicant's own ("Program", "Applied", "Interview
date", "Status", "Notes" ...) — into rows of checked values, each problem located as
``file:row:column`` (or ``Sheet!B3`` in a workbook).

Round trip: what ``track export --format csv`` writes, ``track import`` reads back unchanged
(an empty cell means "not known", never "clear it"; a note already held is not added twice).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from msgspec import Struct, field

from ..errors import CONTROL, Problem
from ..load.cells import _date as us_or_iso_date
from ..load.cells import column_letter, fold
from ..models.tracker import Tracked, Tracker
from . import values

#: (column label, the field it holds); ratings follow as "Rating: NAME", notes and the
#: dataset last.
EXPORT = (
    ("Program ID", "program_id"),
    ("Program", "name"),
    ("Specialty", "specialty"),
    ("State", "state"),
    ("City", "city"),
    ("Status", "status"),
    ("Status date", "status_date"),
    ("Applied", "applied"),
    ("Invited", "invited"),
    ("Interview", "interview"),
    ("Format", "virtual"),
    ("Thank-you note", "thank_you"),
    ("Letter of intent", "letter_of_intent"),
    ("Signal", "signal"),
    ("Fee", "fee_cents"),
    ("Rank", "rank"),
)
TAIL = (("Notes", "notes"), ("Dataset", "dataset"), ("Dataset as of", "dataset_as_of"))
RATING_PREFIX = "Rating: "
NOTE_LINE = re.compile(r"^\[(\d{4}-\d{2}-\d{2} \d{2}:\d{2})\] ", re.M)

#: Plain words people use for each column (folded: lower case, letters and digits only).
HEADERS: dict[str, str] = {
    **dict.fromkeys(("programid", "id", "acgmeid", "acgme", "acgmeprogramid"), "program_id"),
    **dict.fromkeys(("program", "programname", "name", "residencyprogram", "residency"), "name"),
    **dict.fromkeys(("nrmpcode", "nrmpprogramcode", "nrmp"), "nrmp_code"),
    "specialty": "specialty",
    "state": "state",
    "city": "city",
    **dict.fromkeys(("status", "stage", "applicationstatus"), "status"),
    **dict.fromkeys(("statusdate", "lastupdate", "updated"), "status_date"),
    **dict.fromkeys(
        ("applied", "dateapplied", "appliedon", "submitted", "applicationdate"), "applied"
    ),
    **dict.fromkeys(
        (
            "invited",
            "invitation",
            "interviewinvite",
            "invitedate",
            "inviteddate",
            "dateinvited",
            "ii",
            "iidate",
        ),
        "invited",
    ),
    **dict.fromkeys(
        ("interview", "interviewdate", "interviewday", "interviewdatetime", "interviewtime"),
        "interview",
    ),
    **dict.fromkeys(("timezone", "tz", "interviewtimezone", "zone"), "interview_tz"),
    **dict.fromkeys(("format", "virtual", "interviewformat", "virtualinperson"), "virtual"),
    **dict.fromkeys(("thankyounote", "thankyou", "thankyousent", "tynote"), "thank_you"),
    **dict.fromkeys(("letterofintent", "loi", "loisent"), "letter_of_intent"),
    **dict.fromkeys(("signal", "signaled", "signalled", "programsignal"), "signal"),
    **dict.fromkeys(("fee", "cost", "paid", "applicationfee"), "fee_cents"),
    **dict.fromkeys(("rank", "rankposition", "myrank"), "rank"),
    **dict.fromkeys(("notes", "note", "mynotes", "comments", "impressions"), "notes"),
    "gut": "rating:gut",
    **dict.fromkeys(("dataset",), "dataset"),
    **dict.fromkeys(("datasetasof",), "dataset_as_of"),
}
#: Status words in applicants' sheets.
STATUS_WORDS = {
    **dict.fromkeys(
        ("saved", "interested", "considering", "toapply", "wishlist", "planned"), "saved"
    ),
    **dict.fromkeys(("applied", "submitted", "sent"), "applied"),
    **dict.fromkeys(("invited", "ii", "interviewinvite", "invitation", "invite"), "invited"),
    **dict.fromkeys(("scheduled", "interviewscheduled", "booked"), "scheduled"),
    **dict.fromkeys(("interviewed", "done", "completed", "interviewdone"), "interviewed"),
    "ranked": "ranked",
    **dict.fromkeys(("withdrawn", "withdrew", "declined", "cancelled", "canceled"), "withdrawn"),
    **dict.fromkeys(("rejected", "rejection", "reject", "no"), "rejected"),
    **dict.fromkeys(("waitlisted", "waitlist", "wl"), "waitlisted"),
    "matched": "matched",
}
FORMAT_WORDS = {
    **dict.fromkeys(("virtual", "online", "zoom", "video", "remote", "yes"), True),
    **dict.fromkeys(("inperson", "onsite", "person", "no", "live"), False),
}
#: Columns the export writes that import does not set (they describe the program).
DESCRIPTIVE = ("specialty", "state", "city", "dataset", "dataset_as_of")


class SheetRow(Struct):
    where: str  # file:row
    row: int
    program_id: str | None
    name: str | None
    nrmp_code: str | None
    specialty: str | None
    state: str | None = None  # tells apart programs of one name
    values: dict[str, Any] = field(default_factory=dict)  # tracked field -> checked value
    ratings: dict[str, int] = field(default_factory=dict)
    notes: list[tuple[dt.datetime | None, str]] = field(default_factory=list)


class SheetResult(Struct):
    rows: list[SheetRow]
    problems: list[Problem]
    header_problems: list[Problem]
    mapping: list[tuple[str, str]]  # (header, field)
    ignored: list[str]


def _fold(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


def map_headers(
    header: list[str], file: str, *, ignore_unknown: bool, sheet: str | None = None
) -> tuple[dict[int, str], SheetResult]:
    result = SheetResult([], [], [], [], [])
    columns: dict[int, str] = {}
    seen: dict[str, int] = {}
    for i, label in enumerate(header):
        text = label.strip().lstrip("\ufeff")
        where = f"{sheet}!{column_letter(i)}1" if sheet else None
        if not text:
            continue
        if text.lower().startswith("rating:") or text.lower().startswith("rating "):
            name = text.split(":", 1)[1] if ":" in text else text[7:]
            try:
                criterion, _ = values.rating(f"{name}=1")
            except ValueError as exc:
                result.header_problems.append(_at(file, 1, i, where, text, str(exc)))
                continue
            found = f"rating:{criterion}"
        else:
            found = HEADERS.get(_fold(text), "")
        if not found:
            if ignore_unknown:
                result.ignored.append(text)
                continue
            message = (
                f"'{text}' is not a column imgplan knows; expected one of: Program, Program ID, "
                "Status, Applied, Invited, Interview, Time zone, Format, Thank-you note, Letter of "
                "intent, Signal, Fee, Rank, Rating: NAME, Gut, Notes (or pass --ignore-unknown-columns)"
            )
            result.header_problems.append(_at(file, 1, i, where, text, message))
            continue
        if found in seen:
            message = f"a second column for {found} (the first is column {column_letter(seen[found])}); expected one"
            result.header_problems.append(_at(file, 1, i, where, text, message))
            continue
        seen[found] = i
        columns[i] = found
        result.mapping.append((text, found))
    if not any(f in seen for f in ("program_id", "name", "nrmp_code")):
        result.header_problems.append(
            Problem(
                file,
                1,
                1,
                "",
                "no column names the program; expected 'Program' (its name) or 'Program ID'",
            )
        )
    return columns, result


def _at(file: str, row: int, i: int, where: str | None, label: str, message: str) -> Problem:
    if where:
        return Problem(file, None, None, f"{label} ({where})", message)
    return Problem(file, row, i + 1, label, message)


def read_table(
    header: list[str],
    rows: Iterable[tuple[int, list[str]]],
    file: str,
    today: dt.date,
    *,
    ignore_unknown: bool = False,
    sheet: str | None = None,
) -> SheetResult:
    """Map the header, then check each row's cells (empty rows skipped)."""
    columns, result = map_headers(header, file, ignore_unknown=ignore_unknown, sheet=sheet)
    if result.header_problems:
        return result
    for row_no, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        problems = _row(row_no, cells, header, columns, file, today, sheet, result)
        result.problems += problems
    return result


def _row(
    row_no: int,
    cells: list[str],
    header: list[str],
    columns: dict[int, str],
    file: str,
    today: dt.date,
    sheet: str | None,
    result: SheetResult,
) -> list[Problem]:
    found = SheetRow(f"{file}:{row_no}", row_no, None, None, None, None)
    problems = []
    zone_text = None
    interview: tuple[str, str, Problem] | None = None  # (cell, label, where) read last
    for i, name in columns.items():
        cell = cells[i].strip() if i < len(cells) else ""
        if not cell or cell.lower() in ("?", "-", "n/a", "na", "tbd"):
            continue
        where = f"{sheet}!{column_letter(i)}{row_no}" if sheet else None
        label = header[i].strip()
        bad = CONTROL.search(cell)
        if bad:
            message = (
                f"control character U+{ord(bad.group()):04X} in the cell; expected printable text"
            )
            problems.append(_at(file, row_no, i, where, label, message))
            continue
        try:
            if name == "interview_tz":
                zone_text = cell
            elif name == "interview":
                interview = (cell, label, _at(file, row_no, i, where, label, ""))
            else:
                _cell(found, name, cell, today)
        except ValueError as exc:
            problems.append(_at(file, row_no, i, where, label, str(exc)))
    if interview is not None:
        cell, label, at = interview
        try:
            _interview_cell(found, cell, zone_text, today)
        except ValueError as exc:
            problems.append(Problem(at.file, at.line, at.column, at.path, str(exc)))
    elif zone_text is not None:
        try:
            values.zone(zone_text)
        except ValueError as exc:
            problems.append(Problem(file, row_no, None, "Time zone", str(exc)))
    if found.program_id is None and found.name is None and found.nrmp_code is None:
        problems.append(
            Problem(file, row_no, None, "", "no program named on this row; expected its name or id")
        )
    if not problems:
        result.rows.append(found)
    return problems


def _cell(found: SheetRow, name: str, cell: str, today: dt.date) -> None:
    """Read one cell into ``found`` (ValueError says what was expected)."""
    if name in ("program_id", "name", "nrmp_code"):
        setattr(found, name, cell)
    elif name == "specialty":
        found.specialty = cell
    elif name == "state":
        found.state = cell
    elif name in DESCRIPTIVE:
        return
    elif name == "status":
        word = STATUS_WORDS.get(_fold(cell))
        if word is None:
            raise ValueError(
                f"'{cell}' is not a status; expected one of: {', '.join(sorted(set(STATUS_WORDS.values())))}"
            )
        found.values["status"] = word
    elif name in ("status_date", "applied", "invited", "thank_you", "letter_of_intent"):
        found.values[name] = _day(cell, today, future=name != "applied")
    elif name == "virtual":
        form = FORMAT_WORDS.get(_fold(cell))
        if form is None:
            raise ValueError(f"'{cell}' is not an interview format; expected virtual or in person")
        found.values["virtual"] = form
    elif name == "signal":
        found.values["signal"] = values.signal(cell)
    elif name == "fee_cents":
        found.values["fee_cents"] = values.fee(cell)
    elif name == "rank":
        if not cell.isdigit() or not 1 <= int(cell) <= 300:
            raise ValueError(
                f"'{cell}' is not a rank; expected a whole number 1-300 (NRMP's limit)"
            )
        found.values["rank"] = int(cell)
    elif name.startswith("rating:"):
        criterion = name.split(":", 1)[1]
        found.ratings[criterion] = values.score_1_5(cell, criterion)
    elif name == "notes":
        found.notes = split_notes(cell)


def _day(cell: str, today: dt.date, *, future: bool) -> dt.date:
    text = us_or_iso_date(cell.split("T")[0].split(" ")[0]) if cell[:1].isdigit() else cell
    return values.day(text, today, future=future)


def _interview_cell(found: SheetRow, cell: str, zone: str | None, today: dt.date) -> None:
    """The interview cell ('2027-01-12 09:00 America/Chicago', '1/12/2027 9:00', a date
    alone), its time read in the row's Time zone column when the cell names none."""
    head, _, rest = cell.strip().partition(" ")
    if "/" in head:  # a US date: 1/12/2027 09:00 CT
        head = us_or_iso_date(head)
    rest = rest.strip()
    if zone and rest and len(rest.split()) == 1:
        rest = f"{rest} {zone}"
    elif zone and rest and rest.split()[-1] != zone:
        _, named = values.zone(rest.split()[-1])
        if values.zone(zone)[1] != named:
            raise ValueError(
                f"'{cell}': its zone differs from the Time zone column ({zone}); expected one zone"
            )
    text = f"{head} {rest}".strip()
    found.values["interview"], found.values["interview_tz"] = values.interview(text, today)


def split_notes(cell: str) -> list[tuple[dt.datetime | None, str]]:
    """Notes as the export writes them ('[2026-12-01 10:22] text', one per line, a note's own
    line breaks kept), or one note of free text."""
    marks = list(NOTE_LINE.finditer(cell))
    if not marks:
        return [(None, values.note(cell))]
    out: list[tuple[dt.datetime | None, str]] = []
    head = cell[: marks[0].start()].strip()
    if head:
        out.append((None, values.note(head)))
    for m, nxt in zip(marks, [*marks[1:], None], strict=True):
        text = cell[m.end() : nxt.start() if nxt else len(cell)].rstrip("\n")
        at = dt.datetime.fromisoformat(m.group(1)).replace(tzinfo=dt.UTC)
        out.append((at, values.note(text)))
    return out


# Export -----------------------------------------------------------------------------------


def export_header(tracker: Tracker) -> list[str]:
    criteria = sorted({c for t in tracker.programs for c in t.ratings})
    return [
        *(label for label, _ in EXPORT),
        *(f"{RATING_PREFIX}{c}" if c != "gut" else "Gut" for c in criteria),
        *(label for label, _ in TAIL),
    ]


def export_cell(t: Tracked, name: str) -> str:
    value = t.get(name) if hasattr(t, name) else None
    if name == "interview":
        return interview_text(t)
    if name == "virtual":
        return "" if value is None else ("virtual" if value else "in person")
    if name == "fee_cents":
        return "" if value is None else f"{value / 100:.2f}"
    if name == "notes":
        return "\n".join(f"[{n.at.astimezone(dt.UTC):%Y-%m-%d %H:%M}] {n.text}" for n in t.notes)
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def interview_text(t: Tracked) -> str:
    """'2027-01-12 09:00 America/Chicago' (as typed), or the day alone."""
    if t.interview is None:
        return ""
    at = t.interview_at
    if at is None:
        return t.interview.isoformat()
    return f"{at:%Y-%m-%d %H:%M} {t.interview_tz or at.strftime('%z')}"


def export_rows(tracker: Tracker) -> list[list[str]]:
    header = export_header(tracker)
    criteria = [h for h in header if h.startswith(RATING_PREFIX) or h == "Gut"]
    out = []
    for t in tracker.programs:
        row = [export_cell(t, name) for _, name in EXPORT]
        for label in criteria:
            key = "gut" if label == "Gut" else label[len(RATING_PREFIX) :]
            row.append(str(t.ratings[key]) if key in t.ratings else "")
        row += [export_cell(t, name) for _, name in TAIL]
        out.append(row)
    return out

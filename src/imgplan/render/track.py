"""`imgplan track`: the tracked programs (table, JSON, CSV, Markdown), one program, the
history, what a change did, and the calendar export (ICS: each interview at its time in its
zone, with a VTIMEZONE and alarms; a reminder for each unanswered invitation).

Every name and note is data: rich prints no markup, Markdown escapes, CSV cells that look
like formulas are marked as text, ICS text is one line per property."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from typing import TYPE_CHECKING, Any

from ..models.tracker import Changed, Edit, HistoryEntry, HistoryView, Tracked
from ..models.values import plural
from ..tracking.alerts import INTERVIEW_HOURS, Alert
from ..tracking.sheet import export_header, export_rows, interview_text
from .common import (
    Writer,
    csv_cell,
    dumps,
    grid,
    md,
    now_next_markdown,
    stage_fields,
    write_now_next,
)
from .formats import Format, View

if TYPE_CHECKING:
    from ..commands.track import TrackView

COLUMNS = (
    "#",
    "Id",
    "Program",
    "State",
    "Status",
    "Applied",
    "Invited",
    "Interview",
    "Thanks",
    "Rating",
)


def _money(cents: int | None) -> str:
    return "" if cents is None else f"${cents / 100:,.2f}"


def _rating(t: Tracked) -> str:
    scores = [v for k, v in t.ratings.items() if k != "gut"]
    parts = []
    if scores:
        parts.append(f"{sum(scores) / len(scores):.1f} ({len(scores)})")
    if "gut" in t.ratings:
        parts.append(f"gut {t.ratings['gut']}")
    return ", ".join(parts)


def _status(t: Tracked) -> str:
    return t.status + (f" {t.status_date.isoformat()}" if t.status_date else "")


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _interview(t: Tracked) -> str:
    text = interview_text(t)
    if text and t.virtual is not None:
        text += " (virtual)" if t.virtual else " (in person)"
    return text


def _counts(programs: list[Tracked]) -> dict[str, int]:
    out: dict[str, int] = {}
    for t in programs:
        out[t.status] = out.get(t.status, 0) + 1
    return out


def summary_of(programs: list[Tracked]) -> str:
    counts = _counts(programs)
    said = ", ".join(f"{n} {status}" for status, n in counts.items())
    fees = sum(t.fee_cents or 0 for t in programs)
    money = f"; fees recorded {_money(fees)}" if fees else ""
    return f"{plural(len(programs), 'program')} tracked ({said or 'none yet'}){money}"


def _summary(view: TrackView) -> str:
    return summary_of(view.tracker.programs)


# list ---------------------------------------------------------------------------------------


def _rows(programs: list[Tracked]) -> list[list[str]]:
    return [
        [
            str(i),
            t.program_id,
            t.name,
            t.state or "",
            _status(t),
            _day(t.applied),
            _day(t.invited),
            _interview(t),
            _day(t.thank_you),
            _rating(t),
        ]
        for i, t in enumerate(programs, 1)
    ]


def list_table(view: TrackView, v: View) -> str:
    """Plain text (a fixed-width grid, not rich: 300 rows in rich take over a second)."""
    tr = view.tracker
    w = Writer(v.width, v.color)
    w.para(f"imgplan track — {tr.key}", "bold")
    write_now_next(w, view.now)
    w.raw("")
    w.para(_summary(view), "bold")
    w.para(f"Tracker: {tr.path}", "dim")
    if view.filters.active:
        w.para(f"Showing {len(view.programs)} of {len(tr.programs)} (filters)", "dim")
    if not tr.programs:
        w.para(
            "Nothing tracked yet: imgplan track add PROFILE PROGRAM (or --top 20 to take the "
            "first 20 of your list)."
        )
        return w.text()
    w.raw("")
    w.raw(
        grid(
            COLUMNS,
            _rows(view.programs),
            right={0},
            flex=(2, 1, 7),
            width=v.width,
            wrap=frozenset({2, 7}),
        )
    )
    return w.text()


def _alert_json(a: Alert) -> dict[str, Any]:
    return {
        "kind": a.kind,
        "text": a.text,
        "source": a.source,
        "programs": list(a.programs),
        "urgent": a.urgent,
    }


def tracked_json(t: Tracked) -> dict[str, Any]:
    at = t.interview_at
    return {
        "id": t.program_id,
        "name": t.name,
        "specialty": t.specialty,
        "state": t.state,
        "city": t.city,
        "status": t.status,
        "status_date": _day(t.status_date) or None,
        "applied": _day(t.applied) or None,
        "invited": _day(t.invited) or None,
        "interview": {
            "day": _day(t.interview_day),
            "start": at.isoformat() if at else None,
            "time_zone": t.interview_tz,
            "virtual": t.virtual,
        }
        if t.interview is not None
        else None,
        "thank_you": _day(t.thank_you) or None,
        "letter_of_intent": _day(t.letter_of_intent) or None,
        "signal": t.signal,
        "fee": None if t.fee_cents is None else t.fee_cents / 100,
        "rank": t.rank,
        "ratings": t.ratings,
        "notes": [{"at": n.at.isoformat(), "text": n.text} for n in t.notes],
        "dataset": {"name": t.dataset, "as_of": t.dataset_as_of.isoformat()},
        "figures_when_added": t.figures,
        "added": t.added.isoformat() if t.added else None,
    }


def list_json(view: TrackView, v: View) -> str:
    tr = view.tracker
    return dumps(
        {
            "format": 1,
            "command": "track list",
            "applicant": tr.key,
            "database": tr.path,
            **(stage_fields(view.now.stage, view.now) if view.now else {}),
            "alerts": [_alert_json(a) for a in view.alerts],
            "counts": _counts(tr.programs),
            "programs": [tracked_json(t) for t in view.programs],
        }
    )


def list_csv(view: TrackView, v: View) -> str:
    """The export's columns (track import reads them back)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(export_header(view.tracker))
    kept = {t.program_id for t in view.programs}
    rows = [
        r
        for t, r in zip(view.tracker.programs, export_rows(view.tracker), strict=True)
        if t.program_id in kept
    ]
    for row in rows:
        writer.writerow([csv_cell(c) for c in row])
    return buffer.getvalue()


def list_markdown(view: TrackView, v: View) -> str:
    tr = view.tracker
    lines = [f"# imgplan track — {md(tr.key)}", ""]
    lines += now_next_markdown(view.now)
    lines += [md(_summary(view)), ""]
    if view.programs:
        lines += ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
        for i, t in enumerate(view.programs, 1):
            cells = [
                str(i),
                t.program_id,
                t.name,
                t.state or "",
                _status(t),
                _day(t.applied),
                _day(t.invited),
                _interview(t),
                _day(t.thank_you),
                _rating(t),
            ]
            lines.append("| " + " | ".join(md(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


# show ---------------------------------------------------------------------------------------


def _edit_words(e: Edit) -> str:
    if e.field == "tracked":
        return "tracked" if e.new is not None else "no longer tracked"
    if e.field == "note":
        if e.new is None:
            return "note withdrawn"
        return f"note: {e.new.get('text', '') if isinstance(e.new, dict) else e.new}"
    old = "—" if e.old is None else str(e.old)
    new = "—" if e.new is None else str(e.new)
    return f"{e.field}: {old} -> {new}"


def _history_lines(entries: list[HistoryEntry]) -> list[str]:
    out = []
    for h in entries:
        mark = f" (undone by #{h.undone_by})" if h.undone_by else ""
        mark += f" (undoes #{h.undoes})" if h.undoes else ""
        out.append(f"#{h.id} {h.at:%Y-%m-%d %H:%M} UTC {h.command} by {h.who}{mark}")
        out += [f"    {_edit_words(e)}" for e in h.edits[:50]]
        if len(h.edits) > 50:
            out.append(f"    … and {len(h.edits) - 50} more edits")
    return out


def show_table(view: TrackView, v: View) -> str:
    t = view.programs[0]
    w = Writer(v.width, v.color)
    w.para(f"{t.name} ({t.program_id})", "bold")
    rows = [
        ("Specialty", t.specialty),
        ("Where", ", ".join(x for x in (t.city, t.state) if x)),
        ("Status", _status(t)),
        ("Applied", _day(t.applied)),
        ("Invited", _day(t.invited)),
        ("Interview", _interview(t)),
        ("Thank-you note", _day(t.thank_you)),
        ("Letter of intent", _day(t.letter_of_intent)),
        ("Signal", t.signal or ""),
        ("Fee", _money(t.fee_cents)),
        ("Rank", str(t.rank) if t.rank else ""),
        ("Ratings", ", ".join(f"{k} {s}" for k, s in sorted(t.ratings.items()))),
    ]
    for label, value in rows:
        if value:
            w.para(f"{label}: {value}", indent="    ")
    figures = ", ".join(f"{k} {x}" for k, x in sorted(t.figures.items())) or "none stated"
    w.para(
        f"Figures when added (from {t.dataset}, as of {t.dataset_as_of.isoformat()}): {figures}",
        "dim",
        indent="    ",
    )
    if view.alerts:
        w.raw("")
        w.para("Alerts", "bold")
        for a in view.alerts:
            w.para(f"  ! {a.text}", "yellow", indent="    ")
    if t.notes:
        w.raw("")
        w.para("Notes", "bold")
        for n in t.notes:
            head = f"  {n.at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC: "
            for k, line in enumerate(n.text.splitlines() or [""]):
                w.para((head if k == 0 else "    ") + line, indent="    ")
    if view.history:
        w.raw("")
        w.para("History", "bold")
        for line in _history_lines(view.history):
            w.para(f"  {line}", "dim", indent="      ")
    return w.text()


def show_json(view: TrackView, v: View) -> str:
    t = view.programs[0]
    return dumps(
        {
            "format": 1,
            "command": "track show",
            "applicant": view.tracker.key,
            "program": tracked_json(t),
            "alerts": [_alert_json(a) for a in view.alerts],
            "history": [_entry_json(h) for h in view.history],
        }
    )


# history, change ----------------------------------------------------------------------------


def _entry_json(h: HistoryEntry) -> dict[str, Any]:
    return {
        "id": h.id,
        "at": h.at.isoformat(),
        "who": h.who,
        "command": h.command,
        "undoes": h.undoes,
        "undone_by": h.undone_by,
        "edits": [
            {"program": e.program_id, "field": e.field, "old": e.old, "new": e.new} for e in h.edits
        ],
    }


def history_table(view: HistoryView, v: View) -> str:
    w = Writer(v.width, v.color)
    w.para(f"imgplan track history — {view.applicant} ({view.path})", "bold")
    if not view.entries:
        w.para("No change recorded yet.")
    for line in _history_lines(view.entries):
        w.para(line, indent="      ")
    return w.text()


def history_json(view: HistoryView, v: View) -> str:
    return dumps(
        {
            "format": 1,
            "command": "track history",
            "applicant": view.applicant,
            "database": view.path,
            "changes": [_entry_json(h) for h in view.entries],
        }
    )


def change_table(c: Changed, v: View) -> str:
    w = Writer(v.width, v.color)
    if c.change_id is None:
        w.para(f"Nothing changed in {c.applicant}'s tracker ({c.tracker_path}).")
    else:
        programs = {e.program_id for e in c.change.edits}
        w.para(
            f"{c.command}: {plural(len(c.change.edits), 'edit')} to "
            f"{plural(len(programs), 'program')} in {c.applicant}'s tracker (change "
            f"#{c.change_id}; undo with imgplan track undo)",
            "bold",
        )
        for e in c.change.edits[:40]:
            w.para(f"  {e.program_id}: {_edit_words(e)}", indent="      ")
        if len(c.change.edits) > 40:
            w.para(f"  … and {len(c.change.edits) - 40} more")
        w.para(f"Tracker: {c.tracker_path}", "dim")
    for n in c.change.notes:
        w.para(f"Note: {n}", "yellow", indent="  ")
    return w.text()


def change_json(c: Changed, v: View) -> str:
    return dumps(
        {
            "format": 1,
            "command": c.command,
            "applicant": c.applicant,
            "database": c.tracker_path,
            "change": c.change_id,
            "undoes": c.change.undoes,
            "edits": [
                {"program": e.program_id, "field": e.field, "old": e.old, "new": e.new}
                for e in c.change.edits
            ],
            "notes": c.change.notes,
        }
    )


# calendar -----------------------------------------------------------------------------------


def _uid(key: str, what: str) -> str:
    digest = hashlib.sha256(f"{key}\0{what}".encode()).hexdigest()[:20]
    return f"{what}-{digest}@imgplan"


def export_ics(view: TrackView, v: View) -> str:
    # icalendar is imported only here (~0.1 s): only the calendar export needs it.
    from icalendar import Alarm, Calendar, Event

    from .timeline import one_line

    tr = view.tracker
    cal = Calendar()
    cal.add("prodid", "-//imgplan//tracker//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", one_line(f"imgplan interviews: {tr.key}"))
    today = view.now.today if view.now else dt.date.today()
    stamp = dt.datetime.combine(today, dt.time(0, 0), tzinfo=dt.UTC)
    for t in tr.programs:
        if t.interview is None or t.status in ("withdrawn", "rejected"):
            continue
        event = Event()
        event.add("uid", _uid(tr.key, f"interview-{t.program_id}"))
        event.add("dtstamp", stamp)
        form = {True: " (virtual)", False: " (in person)", None: ""}[t.virtual]
        event.add("summary", one_line(f"Interview: {t.name}{form}"))
        at = t.interview_at
        if at is not None:
            event.add("dtstart", at)
            event.add("dtend", at + dt.timedelta(hours=INTERVIEW_HOURS))
            for before, words in (
                (dt.timedelta(days=1), "tomorrow"),
                (dt.timedelta(hours=1), "in an hour"),
            ):
                alarm = Alarm()
                alarm.add("action", "DISPLAY")
                alarm.add("description", one_line(f"Interview {words}: {t.name}"))
                alarm.add("trigger", -before)
                event.add_component(alarm)
        else:
            event.add("dtstart", t.interview_day)
            event.add("dtend", t.interview_day + dt.timedelta(days=1))  # type: ignore[operator]
        where = ", ".join(x for x in (t.city, t.state) if x)
        if where and t.virtual is not True:
            event.add("location", one_line(where))
        event.add("description", f"{t.program_id}; status {t.status}; from your imgplan tracker")
        cal.add_component(event)
    for a in view.alerts:
        if a.kind != "invitation":
            continue
        inv = tr.by_id(a.programs[0])
        assert inv is not None and inv.invited is not None
        event = Event()
        event.add("uid", _uid(tr.key, f"invitation-{inv.program_id}"))
        event.add("dtstamp", stamp)
        event.add("summary", one_line(f"Answer the interview invitation: {inv.name}"))
        due = max(inv.invited, today)
        event.add("dtstart", due)
        event.add("dtend", due + dt.timedelta(days=1))
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", one_line(f"Answer the invitation from {inv.name}"))
        alarm.add("trigger", dt.timedelta(hours=9))  # 9 am of that day
        event.add_component(alarm)
        event.add("description", one_line(a.text))
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical().decode("utf-8")


VIEWS = {
    ("track list", Format.table): list_table,
    ("track list", Format.json): list_json,
    ("track list", Format.csv): list_csv,
    ("track list", Format.markdown): list_markdown,
    ("track show", Format.table): show_table,
    ("track show", Format.json): show_json,
    ("track history", Format.table): history_table,
    ("track history", Format.json): history_json,
    ("track export", Format.csv): list_csv,
    ("track export", Format.ics): export_ics,
    ("track export", Format.json): list_json,
    **{
        (f"track {name}", fmt): view
        for name in ("add", "update", "rate", "remove", "undo", "import")
        for fmt, view in ((Format.table, change_table), (Format.json, change_json))
    },
}

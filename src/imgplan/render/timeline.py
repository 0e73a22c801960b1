"""`imgplan timeline`: the dated plan as a rich table by phase, JSON, Markdown and an iCalendar
file (RFC 5545, built with the icalendar library: all-day events whose UIDs come from the
profile's name and each event's stable key, so re-importing an updated plan updates events
instead of duplicating them)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from ..errors import CONTROL
from ..timeline import PHASES, Timeline
from .common import dumps, md, now_next_markdown, stage_fields, stage_line
from .formats import Format, View
from .richkit import Table, Text, now_next_parts, render

STATUS_STYLE = {
    "done": "dim",
    "missed": "red",
    "now": "bold green",
    "next": "bold yellow",
    "upcoming": "",
}


def _table(t: Timeline, *, width: int = 120, color: bool = False) -> str:

    parts: list[Any] = [
        Text(
            f"imgplan timeline — {t.name or 'generic roadmap'} (today {t.today.isoformat()})",
            style="bold",
        )
    ]
    if t.now is not None:
        parts += now_next_parts(t.now, width)
    else:
        line = stage_line(t.stage)
        if line:
            parts.append(Text(line, style="bold"))
        parts += [Text(f"! {w}", style="bold red") for w in t.warnings]
    parts += [Text(note, style="yellow") for note in t.notes]
    for phase in PHASES:
        events = [e for e in t.events if e.phase == phase]
        if not events:
            continue
        table = Table(title=f"\n{phase}", title_justify="left", show_header=True)
        for col in ("date", "until", "event", "status", "certainty"):
            table.add_column(col)
        for e in events:
            label = "▶ next" if e.status == "next" else e.status
            title = Text(e.title)
            if e.detail:
                title.append(f"\n{e.detail}", style="dim")
            table.add_row(
                e.date.isoformat(),
                e.end.isoformat() if e.end else "",
                title,
                Text(label, style=STATUS_STYLE.get(e.status, "")),
                e.certainty,
            )
        parts.append(table)
    parts.append(
        Text(
            "Certainty: published = from a published calendar (data/calendar.yaml); "
            "estimated = from the pattern of past seasons, verify when published; "
            "personal = your own dates. JSON output lists each event's source.",
            style="dim",
        )
    )
    return render(parts, width=width, color=color)


def table_view(result: Timeline, view: View) -> str:
    return _table(result, width=view.width, color=view.color)


def to_json(t: Timeline) -> dict[str, Any]:
    return {
        "format": 1,
        "command": "timeline",
        "today": t.today.isoformat(),
        "profile": t.name,
        **stage_fields(t.stage, t.now),
        "generic": t.generic,
        "notes": t.notes,
        "warnings": t.warnings,
        "warning_rules": [getattr(w, "rule", None) for w in t.warnings],
        "events": [
            {
                "date": e.date.isoformat(),
                **({"end": e.end.isoformat()} if e.end else {}),
                "title": e.title,
                "kind": e.kind,
                "certainty": e.certainty,
                "source": e.source,
                "phase": e.phase,
                "status": e.status,
                "detail": e.detail,
                "key": e.key,
            }
            for e in t.events
        ],
    }


def json_view(result: Timeline, view: View) -> str:
    return dumps(to_json(result))


def _markdown(t: Timeline) -> str:

    lines = [f"# Timeline — {md(t.name or 'generic roadmap')}", "", f"As of {t.today.isoformat()}."]
    if t.now is not None:
        lines += ["", *now_next_markdown(t.now)]
    else:
        line = stage_line(t.stage)
        if line:
            lines += ["", f"**{md(line)}**"]
        lines += [f"\n> **Warning:** {md(w)}" for w in t.warnings]
    lines += [f"\n> {md(note)}" for note in t.notes]
    for phase in PHASES:
        events = [e for e in t.events if e.phase == phase]
        if not events:
            continue
        lines += [
            "",
            f"## {phase}",
            "",
            "| date | until | event | status | certainty | source |",
            "|---|---|---|---|---|---|",
        ]
        for e in events:
            title = md(e.title) + (f"<br>{md(e.detail)}" if e.detail else "")
            lines.append(
                f"| {e.date.isoformat()} | {e.end.isoformat() if e.end else ''} | "
                f"{title} | {e.status} | {e.certainty} | {md(e.source)} |"
            )
    return "\n".join(lines) + "\n"


def markdown_view(result: Timeline, view: View) -> str:
    return _markdown(result)


def uid(timeline: Timeline, key: str) -> str:
    owner = timeline.name or "generic"
    digest = hashlib.sha256(f"{owner}\0{key}".encode()).hexdigest()[:20]
    return f"{key}-{digest}@imgplan"


CONTROL_OR_BREAK = re.compile(f"[\\r\\n\\t]|{CONTROL.pattern}")


def one_line(text: str) -> str:
    """Text for a one-line iCalendar property: line breaks and control characters become
    spaces here, before the library (whose only guard is an assert, gone under python -O)."""
    return CONTROL_OR_BREAK.sub(" ", text)


def _ics(timeline: Timeline) -> str:
    # icalendar is imported only here: it takes ~0.1 s, and only the .ics view needs it.
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//imgplan//timeline//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", one_line(f"imgplan: {timeline.name or 'generic roadmap'}"))
    stamp = dt.datetime.combine(timeline.today, dt.time(0, 0), tzinfo=dt.UTC)
    for e in timeline.events:
        event = Event()
        event.add("uid", uid(timeline, e.key))
        event.add("dtstamp", stamp)
        event.add("summary", one_line(e.title))
        event.add("dtstart", e.date)
        event.add("dtend", (e.end or e.date) + dt.timedelta(days=1))
        description = [e.detail] if e.detail else []
        description.append(f"{e.certainty}; source: {e.source}")
        event.add("description", "\n".join(description))
        event.add("categories", [e.kind])
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical().decode("utf-8")


def ics_view(result: Timeline, view: View) -> str:
    return _ics(result)


VIEWS = {
    ("timeline", Format.table): table_view,
    ("timeline", Format.json): json_view,
    ("timeline", Format.markdown): markdown_view,
    ("timeline", Format.ics): ics_view,
}

"""The timeline as an iCalendar file (RFC 5545) built with the icalendar library.

All-day events; each UID is derived from the profile's name and the event's stable key, so
re-importing an updated plan updates events instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from icalendar import Calendar, Event

from ..errors import CONTROL
from ..timeline import Timeline
from .formats import View


def uid(timeline: Timeline, key: str) -> str:
    owner = timeline.name or "generic"
    digest = hashlib.sha256(f"{owner}\0{key}".encode()).hexdigest()[:20]
    return f"{key}-{digest}@imgplan"


CONTROL_OR_BREAK = re.compile(f"[\\r\\n\\t]|{CONTROL.pattern}")


def one_line(text: str) -> str:
    """Text for a one-line iCalendar property: line breaks and control characters become
    spaces here, before the library (whose only guard is an assert, gone under python -O)."""
    return CONTROL_OR_BREAK.sub(" ", text)


def render(timeline: Timeline) -> str:
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


def render_view(result: Timeline, view: View) -> str:
    return render(result)

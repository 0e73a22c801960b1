"""The tracker's dated events in the timeline: each interview (its day, its time and zone
in the title), from the applicant's own tracker (docs/season.md)."""

from __future__ import annotations

from ..models.tracker import Tracker
from .model import Event

PHASE = "Residency application"


def interview_events(tracker: Tracker) -> list[Event]:
    out = []
    for t in tracker.programs:
        day = t.interview_day
        if day is None or t.status in ("withdrawn", "rejected"):
            continue
        at = t.interview_at
        when = f" {at:%H:%M} {t.interview_tz or at.strftime('%z')}" if at is not None else ""
        form = {True: ", virtual", False: ", in person", None: ""}[t.virtual]
        out.append(
            Event(
                f"interview-{t.program_id}",
                day,
                f"Interview: {t.name}{form}{when}",
                "application",
                "personal",
                f"your tracker ({t.status})",
                PHASE,
            )
        )
    return out

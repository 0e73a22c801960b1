"""Program-signal counts as the core sees them (validated from data/signals.yaml by
`imgplan.formats.signals`; the fields are the same, in the same order)."""

from __future__ import annotations

import datetime as dt

from .record import Record


class SignalCount(Record):
    service: str = "ERAS"
    gold: int | None = None
    silver: int | None = None
    single: int | None = None
    note: str = ""
    source: str = ""  # this specialty's own source, when not the season's


class SignalSeason(Record):
    source: str
    tag: str
    specialties: dict[str, SignalCount]


class SignalsData(Record):
    format: int
    as_of: dt.date
    seasons: dict[int, SignalSeason]

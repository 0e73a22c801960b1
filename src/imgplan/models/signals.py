"""Program-signal counts as the core sees them (validated from data/signals.yaml by
`imgplan.formats.signals`; the fields are the same, in the same order)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .record import Record


@dataclass(slots=True)
class SignalCount(Record):
    service: str = "ERAS"
    gold: int | None = None
    silver: int | None = None
    single: int | None = None
    note: str = ""
    source: str = ""  # this specialty's own source, when not the season's


@dataclass(slots=True)
class SignalSeason(Record):
    source: str
    tag: str
    specialties: dict[str, SignalCount]


@dataclass(slots=True)
class SignalsData(Record):
    format: int
    as_of: dt.date
    seasons: dict[int, SignalSeason]

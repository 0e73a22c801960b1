"""The timeline's records (`Event`, `Timeline`) and what every phase function shares
(`Plan`: the inputs, and the events and warnings the phases add)."""

from __future__ import annotations

import datetime as dt

from msgspec import Struct, field

from ..calendar import add_years, match_season
from ..models import vocab
from ..models.calendar import CalendarData
from ..models.profile import Profile
from ..models.reference import Reference
from ..models.signals import SignalsData
from ..nownext import NowNext
from ..rules.findings import Note
from ..season import Stage

KINDS = (
    "study",
    "exam",
    "ecfmg",
    "application",
    "match",
    "residency",
    "informatics",
    "fellowship",
    "visa",
    "boards",
)
PHASES = (
    "Step 2 CK",
    "Licensing and certification",
    "Residency application",
    "Residency",
    "CI fellowship",
    "Boards",
)


class Event(Struct):
    key: str  # stable identity (for calendar UIDs)
    date: dt.date
    title: str
    kind: str
    certainty: str  # published | estimated | personal
    source: str
    phase: str
    end: dt.date | None = None
    detail: str = ""
    status: str = "upcoming"  # done | missed | pending | now | next | upcoming


class Timeline(Struct):
    events: list[Event]
    warnings: list[Note]
    generic: bool
    today: dt.date
    name: str | None = None
    notes: list[str] = field(default_factory=list)
    stage: Stage | None = None
    now: NowNext | None = None  # set by the timeline command (commands.timeline)


class Plan(Struct, dict=True):
    """What every phase needs, and the events and warnings they add."""

    profile: Profile | None
    ref: Reference
    data: CalendarData
    today: dt.date
    match_year: int
    spec: str
    in_residency_start: dt.date | None
    signals: SignalsData
    stage: Stage
    failed_step2: bool = False
    events: list[Event] = field(default_factory=list)
    warnings: list[Note] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.season = match_season(self.match_year, self.data)
        self.release = dt.timedelta(weeks=self.data.pattern.score_release_weeks)
        self.guide = self.ref.cite("guide")
        self.start = self.in_residency_start or self.season.residency_start
        self.years = self.data.residency_years.get(str(self.spec), 3)
        self.label = vocab.specialty_label(self.spec)
        self.end = add_years(self.start, self.years)  # residency ends, fellowship starts
        self.fyears = self.data.fellowship_years
        fellowship = self.profile.fellowship if self.profile else None
        self.fstart = fellowship.start if fellowship else self.end
        self.fend = (
            fellowship.end if fellowship and fellowship.end else add_years(self.fstart, self.fyears)
        )
        cas = self.data.residencycas.specialties
        self.service = "ResidencyCAS" if str(self.spec) in cas else "ERAS"

    def add(
        self,
        key: str,
        date: dt.date,
        title: str,
        kind: str,
        certainty: str,
        source: str,
        phase: str,
        end: dt.date | None = None,
        detail: str = "",
    ) -> None:
        self.events.append(Event(key, date, title, kind, certainty, source, phase, end, detail))

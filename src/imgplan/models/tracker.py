"""The season tracker as the core sees it: plain records read from the database
(`imgplan.store`), and the changes the core decides, which the store writes back in one
transaction."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field

from ..errors import UsageError

if TYPE_CHECKING:
    from .profile import Profile

MAX_KEY = 200  # characters in an applicant's key


#: Statuses that mean the applicant has (or had) an interview with the program.
INTERVIEW_STATUSES = ("scheduled", "interviewed", "ranked", "matched")


class NoteEntry(Struct):
    at: dt.datetime
    text: str


class Tracked(Struct):
    """One tracked program: what it was when added (its dataset and figures) and where the
    applicant stands with it."""

    program_id: str
    name: str
    specialty: str
    state: str | None
    city: str | None
    dataset: str
    dataset_as_of: dt.date
    figures: dict[str, Any]
    status: str = "saved"
    status_date: dt.date | None = None
    applied: dt.date | None = None
    invited: dt.date | None = None
    interview: dt.datetime | dt.date | None = None  # an aware datetime, or a day (time not known)
    interview_tz: str | None = None  # the IANA zone it was given in
    virtual: bool | None = None
    thank_you: dt.date | None = None
    letter_of_intent: dt.date | None = None
    signal: str | None = None
    fee_cents: int | None = None
    rank: int | None = None
    added: dt.datetime | None = None
    ratings: dict[str, int] = field(default_factory=dict)
    notes: list[NoteEntry] = field(default_factory=list)

    def get(self, name: str) -> Any:
        return getattr(self, name)

    @property
    def interview_day(self) -> dt.date | None:
        """The interview's day where it takes place."""
        if isinstance(self.interview, dt.datetime):
            return self.interview.date()
        return self.interview

    @property
    def interview_at(self) -> dt.datetime | None:
        """The interview's start, time-zone aware (None when only its day is known)."""
        return self.interview if isinstance(self.interview, dt.datetime) else None

    @property
    def interviewing(self) -> bool:
        """An interview is set, done or behind a ranking (statuses scheduled ... matched)."""
        return self.status in INTERVIEW_STATUSES or (
            self.interview is not None and self.status not in ("withdrawn", "rejected")
        )


class Edit(Struct, frozen=True):
    """One field of one tracked program: old -> new (JSON-able values). The pseudo-fields
    ``tracked`` (a program added or removed: the row as a dict), ``rating:CRITERION`` and
    ``note`` (a note added) are edits too."""

    program_id: str
    field: str
    old: Any
    new: Any


class Change(Struct):
    """What a command decided to change, written in one transaction with its history."""

    command: str
    edits: list[Edit]
    undoes: int | None = None  # the change this one undoes
    notes: list[str] = field(default_factory=list)  # what to tell the user


class HistoryEntry(Struct):
    id: int
    at: dt.datetime
    who: str
    command: str
    undoes: int | None
    undone_by: int | None
    edits: list[Edit]


class Tracker(Struct):
    """One applicant's tracked programs, as read from the database."""

    key: str
    name: str | None
    programs: list[Tracked]
    path: str  # the database file (said in outputs)
    problem: str | None = None  # why it could not be read (a read-only look says so, goes on)

    def by_id(self, program_id: str) -> Tracked | None:
        return next((t for t in self.programs if t.program_id == program_id), None)


def applicant_key(profile: Profile, path: Path, given: str | None = None) -> str:
    """The applicant's key in the database: ``--applicant``, else the profile's name, else
    the profile file's stem."""
    key = (given if given is not None else profile.name or path.stem).strip()
    if not key or len(key) > MAX_KEY:
        raise UsageError(
            f"the applicant key '{key[:40]}' is empty or too long; expected 1-{MAX_KEY} characters "
            "(--applicant KEY)"
        )
    return key


class Changed(Struct):
    """What a changing command did: the change's number (None: nothing changed), its edits
    and what to say."""

    command: str
    change_id: int | None
    change: Change
    tracker_path: str
    applicant: str

    @property
    def count(self) -> int:
        return len(self.change.edits)


class HistoryView(Struct):
    applicant: str
    path: str
    entries: list[HistoryEntry]

"""The change each tracker command makes, decided from the current state (pure: the store
reads the state and writes the `Change` in the same transaction, so two processes never
decide from a stale state).

A change is a list of `Edit` (program, field, old -> new); values are JSON-able (dates as ISO
text). A program added is one ``tracked`` edit holding its whole row (its dataset, its
figures at that moment); a program removed is the same edit reversed, so ``undo`` of a
removal brings back every field and rating.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from msgspec import Struct

from ..errors import UsageError
from ..models import vocab
from ..models.programs import Dataset, Program
from ..models.tracker import Change, Edit, HistoryEntry, Tracked, Tracker
from ..models.values import plural
from ..store.schema import FIELDS

#: The program facts kept with a tracked program, as they were when it was added.
FIGURES = (
    "step2ck_min",
    "step2ck_preferred",
    "img_share",
    "visas",
    "max_attempts",
    "yog_max_years",
    "usce",
    "ecfmg_by",
    "positions",
    "nrmp_code",
    "url",
    "verified",
)
#: Statuses that move past an earlier one (a program "invited" was applied to, and so on).
ORDER = ("saved", "applied", "invited", "scheduled", "interviewed", "ranked", "matched")


def figures_of(program: Program, tier: str | None = None) -> dict[str, Any]:
    """The program's stated figures (unknown ones left out), its CI link and its tier."""
    out: dict[str, Any] = {}
    for name in FIGURES:
        value = getattr(program, name)
        if value is None:
            continue
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, list):
            value = [str(v) for v in value]
        out[name] = value if isinstance(value, int | float | list) else str(value)
    if program.informatics.ci_fellowship is not None:
        out["ci_fellowship"] = str(program.informatics.ci_fellowship)
    if program.link is not None:
        out["ci_link"] = program.link.kind
        if program.link.miles is not None:
            out["ci_link_miles"] = round(program.link.miles)
    if tier is not None:
        out["tier"] = tier
    return out


def row_of(program: Program, dataset: Dataset, at: dt.datetime, tier: str | None) -> dict[str, Any]:
    return {
        "name": program.name,
        "specialty": str(program.specialty),
        "state": program.state,
        "city": program.city,
        "dataset": dataset.name,
        "dataset_as_of": dataset.as_of.isoformat(),
        "figures": figures_of(program, tier),
        "status": "saved",
        "added": at.isoformat(timespec="seconds"),
    }


def add(
    tracker: Tracker,
    chosen: Iterable[tuple[Program, str | None]],
    dataset: Dataset,
    at: dt.datetime,
    *,
    status: str = "saved",
    day: dt.date | None = None,
) -> Change:
    """Track each program not tracked yet (those already tracked are named, left as they
    are). ``status`` (saved or applied) with ``day`` sets where each one starts."""
    change = Change("track add", [])
    seen: set[str] = set()
    already = []
    for program, tier in chosen:
        if program.id in seen:
            continue
        seen.add(program.id)
        if tracker.by_id(program.id) is not None:
            already.append(program.id)
            continue
        row = row_of(program, dataset, at, tier)
        change.edits.append(Edit(program.id, "tracked", None, row))
        if status != "saved":
            change.edits += _status_edits(None, program.id, status, day or at.date())
    if already:
        change.notes.append(
            f"already tracked, left as they are: {', '.join(already[:10])}"
            + (f" and {len(already) - 10} more" if len(already) > 10 else "")
        )
    return change


def _status_edits(current: Tracked | None, pid: str, status: str, day: dt.date) -> list[Edit]:
    """The status, its date, and the applied / invited date it implies when not set."""
    old = current.status if current else "saved"
    edits = []
    if status != old:
        edits.append(Edit(pid, "status", old, status))
    old_date = current.status_date.isoformat() if current and current.status_date else None
    if (status != old or old_date is None) and old_date != day.isoformat():
        edits.append(Edit(pid, "status_date", old_date, day.isoformat()))
    for implied, field in (("applied", "applied"), ("invited", "invited")):
        if status == implied and (current is None or current.get(field) is None):
            edits.append(Edit(pid, field, None, day.isoformat()))
    return edits


class Update(Struct, frozen=True):
    """What `track update` was given (None: not given). Values are already checked."""

    status: str | None = None
    day: dt.date | None = None  # the status's date (default today)
    interview: dt.datetime | dt.date | None = None
    interview_tz: str | None = None
    virtual: bool | None = None
    thank_you: dt.date | None = None
    letter_of_intent: dt.date | None = None
    signal: str | None = None
    fee_cents: int | None = None
    note: str | None = None
    applied: dt.date | None = None
    invited: dt.date | None = None
    rank: int | None = None


def _json(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def update(tracked: Tracked, given: Update, today: dt.date, at: dt.datetime) -> Change:
    """The edits ``given`` makes to ``tracked`` (unchanged values make none), with notes on
    what looks wrong (an interview marked done before its day, a second match)."""
    pid = tracked.program_id
    change = Change("track update", [])
    if given.status is not None:
        change.edits += _status_edits(tracked, pid, given.status, given.day or today)
    elif given.day is not None:
        raise UsageError("--date is the date of a --status; expected --status with it")
    for field in FIELDS:
        if field in ("status", "status_date"):
            continue
        value = getattr(given, field, None)
        if value is None:
            continue
        if field == "interview" and given.interview_tz is None and tracked.interview_tz:
            change.edits.append(Edit(pid, "interview_tz", tracked.interview_tz, None))
        old, new = _json(tracked.get(field)), _json(value)
        if old != new and not any(e.field == field for e in change.edits):
            change.edits.append(Edit(pid, field, old, new))
    if given.note is not None:
        text = given.note
        change.edits.append(
            Edit(pid, "note", None, {"at": at.isoformat(timespec="seconds"), "text": text})
        )
    change.notes += _update_notes(tracked, given, today)
    return change


def _update_notes(tracked: Tracked, given: Update, today: dt.date) -> list[str]:
    status = given.status or tracked.status
    interview = given.interview if given.interview is not None else tracked.interview
    day = interview.date() if isinstance(interview, dt.datetime) else interview
    notes = []
    if status == "interviewed" and day is not None and day > today:
        notes.append(
            f"marked interviewed, but the interview is on {day.isoformat()}, after today: "
            "check the date"
        )
    if status == "scheduled" and interview is None:
        notes.append("scheduled without a date: add it with --interview 'YYYY-MM-DD HH:MM ZONE'")
    return notes


def rate(tracked: Tracked, scores: Mapping[str, int]) -> Change:
    pid = tracked.program_id
    edits = [
        Edit(pid, f"rating:{name}", tracked.ratings.get(name), score)
        for name, score in scores.items()
        if tracked.ratings.get(name) != score
    ]
    return Change("track rate", edits)


def remove(tracked: Tracked) -> Change:
    """Stop tracking a program; the edit holds its whole row, so undo brings it back."""
    return Change("track remove", [Edit(tracked.program_id, "tracked", whole_row(tracked), None)])


def whole_row(t: Tracked) -> dict[str, Any]:
    row: dict[str, Any] = {
        "name": t.name,
        "specialty": t.specialty,
        "state": t.state,
        "city": t.city,
        "dataset": t.dataset,
        "dataset_as_of": t.dataset_as_of.isoformat(),
        "figures": t.figures,
        "added": t.added.isoformat(timespec="seconds") if t.added else None,
        "ratings": dict(t.ratings),
    }
    for field in FIELDS:
        row[field] = _json(t.get(field))
    return row


def undo(history: list[HistoryEntry], tracker: Tracker) -> Change:
    """Revert the latest change that is not an undo and not undone yet: each of its edits
    reversed, last first. Undo again to walk further back."""
    target = next((h for h in history if h.undoes is None and h.undone_by is None), None)
    if target is None:
        raise UsageError("nothing to undo: no change in this tracker is left to revert")
    change = Change("track undo", [], undoes=target.id)
    for e in reversed(target.edits):
        change.edits.append(Edit(e.program_id, e.field, e.new, e.old))
    drifted = [
        e.field
        for e in target.edits
        if e.field in FIELDS
        and (t := tracker.by_id(e.program_id)) is not None
        and _json(t.get(e.field)) != e.new
    ]
    if drifted:
        change.notes.append(
            f"changed again since: {', '.join(drifted)}; restored the earlier value anyway"
        )
    word = plural(len(target.edits), "edit")
    change.notes.append(
        f"undid change #{target.id} ({target.command}, {word}, {target.at:%Y-%m-%d %H:%M})"
    )
    return change


def imported(
    tracker: Tracker,
    rows: Iterable[tuple[Any, Program | None]],
    dataset: Dataset,
    at: dt.datetime,
) -> Change:
    """A sheet's rows (`tracking.sheet.SheetRow`, each with the program it names) as one
    change: a program not tracked yet is added; a tracked one gets the sheet's values where
    they differ. An empty cell changes nothing; a note already held is not added again."""
    change = Change("track import", [])
    seen_notes: dict[str, set[str]] = {}
    for row, program in rows:
        if program is None:
            continue
        pid = program.id
        current = tracker.by_id(pid)
        if current is None and not any(
            e.program_id == pid and e.field == "tracked" for e in change.edits
        ):
            change.edits.append(Edit(pid, "tracked", None, row_of(program, dataset, at, None)))
            current = Tracked(
                pid, program.name, str(program.specialty), None, None, "", at.date(), {}
            )
        elif current is None:
            current = Tracked(
                pid, program.name, str(program.specialty), None, None, "", at.date(), {}
            )
        values = dict(row.values)
        status = values.pop("status", None)
        if status is not None and status != current.status:
            change.edits.append(Edit(pid, "status", current.status, status))
        for field, value in values.items():
            old, new = _json(current.get(field)), _json(value)
            if old != new:
                change.edits.append(Edit(pid, field, old, new))
        for name, score in row.ratings.items():
            if current.ratings.get(name) != score:
                change.edits.append(Edit(pid, f"rating:{name}", current.ratings.get(name), score))
        held = seen_notes.setdefault(pid, {n.text for n in current.notes})
        for when, text in row.notes:
            if text in held:
                continue
            held.add(text)
            stamp = (when or at).isoformat(timespec="seconds")
            change.edits.append(Edit(pid, "note", None, {"at": stamp, "text": text}))
    return change


def tracked_one(tracker: Tracker, given: str) -> Tracked:
    """The tracked program ``given`` names: its id, or the start of exactly one id."""
    text = given.strip()
    found = tracker.by_id(text)
    if found is not None:
        return found
    starting = [t for t in tracker.programs if t.program_id.startswith(text)] if text else []
    if len(starting) == 1:
        return starting[0]
    named = [t for t in tracker.programs if text and text.lower() in t.name.lower()]
    if len(named) == 1 and not starting:
        return named[0]
    if not tracker.programs:
        raise UsageError(
            f"'{given}' is not tracked: {tracker.key} tracks no program yet; expected "
            "imgplan track add PROFILE PROGRAM first"
        )
    close = vocab.suggest(text, [t.program_id for t in tracker.programs])
    several = starting or named
    many = (
        f" ({plural(len(several), 'program')} match: {', '.join(t.program_id for t in several[:5])})"
        if several
        else ""
    )
    raise UsageError(
        f"'{given}' is not a tracked program{many}{close}; expected an id from imgplan track list"
    )

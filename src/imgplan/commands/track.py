"""`imgplan track`: the season tracker's core calls. The cli opens the database (`store`),
reads the applicant's tracker, calls one function here, and writes the `Change` it returns
in the same transaction; the views (`list`, `show`, `history`) are results to render.

Who is the applicant: the profile's ``name``, else the profile file's name without its
extension (``--applicant KEY`` overrides both): one database holds an advisor's applicants,
each under their key.
"""

from __future__ import annotations

import datetime as dt

from msgspec import Struct, field

from ..errors import UsageError
from ..lookup import find_program
from ..models import vocab
from ..models.profile import Profile
from ..models.programs import Dataset, Program
from ..models.tracker import HistoryEntry, Tracked, Tracker
from ..nownext import NowNext
from ..tracking.alerts import Alert
from ..tracking.decide import tracked_one
from ..tracking.sheet import SheetResult, SheetRow
from . import Data, situate


class Filters(Struct):
    statuses: list[str] = field(default_factory=list)
    specialties: list[str] = field(default_factory=list)
    since: dt.date | None = None  # an applied, invited or interview date on or after
    until: dt.date | None = None

    def keep(self, t: Tracked) -> bool:
        if self.statuses and t.status not in self.statuses:
            return False
        if self.specialties and t.specialty not in self.specialties:
            return False
        if self.since is None and self.until is None:
            return True
        days = [d for d in (t.applied, t.invited, t.interview_day, t.status_date) if d is not None]
        return any(
            (self.since is None or d >= self.since) and (self.until is None or d <= self.until)
            for d in days
        )

    @property
    def active(self) -> bool:
        return bool(self.statuses or self.specialties or self.since or self.until)


class TrackView(Struct):
    """`track list` / `track show`: the tracked programs (filtered), with the alerts and the
    Now / Next block."""

    tracker: Tracker
    programs: list[Tracked]
    alerts: list[Alert]
    now: NowNext | None
    filters: Filters = field(default_factory=Filters)
    history: list[HistoryEntry] = field(default_factory=list)  # show: this program's changes


def view(
    tracker: Tracker,
    profile: Profile,
    data: Data,
    today: dt.date,
    filters: Filters | None = None,
) -> TrackView:
    """`track list`: every tracked program (or those the filters keep), led by Now / Next
    with the tracker's alerts."""
    filters = filters or Filters()
    situation = situate(profile, data, today, tracker=tracker)
    kept = [t for t in tracker.programs if filters.keep(t)]
    return TrackView(tracker, kept, situation.alerts, situation.now, filters)


def show(
    tracker: Tracker,
    program_id: str,
    history: list[HistoryEntry],
    profile: Profile,
    data: Data,
    today: dt.date,
) -> TrackView:
    t = tracked_one(tracker, program_id)
    situation = situate(profile, data, today, tracker=tracker)
    mine = [
        HistoryEntry(
            h.id,
            h.at,
            h.who,
            h.command,
            h.undoes,
            h.undone_by,
            [e for e in h.edits if e.program_id == t.program_id],
        )
        for h in history
    ]
    mine = [h for h in mine if h.edits]
    alerts = [a for a in situation.alerts if t.program_id in a.programs]
    return TrackView(tracker, [t], alerts, None, history=mine)


def choose(
    dataset: Dataset,
    given: list[str],
    *,
    ranked: list[tuple[str, str]] | None = None,
    top: int | None = None,
    listed: list[str] | None = None,
) -> list[tuple[Program, str | None]]:
    """The programs `track add` takes: named ones (id, ACGME ID, short id), the ``top`` of
    the ranked list (``ranked``: (id, tier) in order), and ids from a recommend output."""
    by_id = {p.id: p for p in dataset.programs}
    tiers = dict(ranked or [])
    out: list[tuple[Program, str | None]] = []
    for text in given:
        program = find_program(dataset, text)
        out.append((program, tiers.get(program.id)))
    if top is not None:
        if not ranked:
            raise UsageError("--top: your list has no program to take (recommend ranks none)")
        out += [(by_id[pid], tier) for pid, tier in ranked[:top]]
    for pid in listed or []:
        if pid not in by_id:
            raise UsageError(
                f"--from-list: '{pid}' is not in {dataset.name}; expected the list made from "
                "the same programs (--programs)"
            )
        out.append((by_id[pid], tiers.get(pid)))
    if not out:
        raise UsageError("no program named; expected ids, --top N or --from-list FILE")
    return out


def match_rows(
    sheet: SheetResult, dataset: Dataset
) -> tuple[list[tuple[SheetRow, Program]], list[tuple[str, str]]]:
    """Each sheet row's program in the dataset: by id (or ACGME ID), NRMP code, exact name,
    then the one program whose name holds the cell's words (within the row's specialty).
    Returns the matched rows and (where, why) for the rows that name none or several."""
    by_id = {p.id: p for p in dataset.programs}
    by_code = {p.nrmp_code: p for p in dataset.programs if p.nrmp_code}
    by_name: dict[str, list[Program]] = {}
    for p in dataset.programs:
        by_name.setdefault(_words(p.name), []).append(p)
    matched, missing = [], []
    for row in sheet.rows:
        found, why = _one(row, by_id, by_code, by_name, dataset)
        if found is None:
            missing.append((row.where, why))
        else:
            matched.append((row, found))
    return matched, missing


def _words(text: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _one(
    row: SheetRow,
    by_id: dict[str, Program],
    by_code: dict[str, Program],
    by_name: dict[str, list[Program]],
    dataset: Dataset,
) -> tuple[Program | None, str]:
    if row.program_id:
        found = by_id.get(row.program_id.strip())
        if found is not None:
            return found, ""
        return None, f"program id '{row.program_id}' is not in {dataset.name}"
    if row.nrmp_code:
        found = by_code.get(row.nrmp_code.strip().upper())
        if found is not None:
            return found, ""
    name = _words(row.name or "")
    spec, state = _spec(row.specialty), _state(row.state)

    def fits(p: Program) -> bool:
        return (spec is None or str(p.specialty) == spec) and (state is None or p.state == state)

    exact = [p for p in by_name.get(name, []) if fits(p)]
    if len(exact) == 1:
        return exact[0], ""
    within = [p for key, ps in by_name.items() if name and name in key for p in ps if fits(p)]
    if len(within) == 1:
        return within[0], ""
    if within or len(exact) > 1:
        few = ", ".join(p.id for p in (exact or within)[:4])
        return (
            None,
            f"'{row.name}' names {len(exact or within)} programs ({few} …); expected its id (a Program ID column), or Specialty and State columns",
        )
    return (
        None,
        f"no program named '{row.name}' in {dataset.name}; expected its name as the list writes it, or its ACGME ID",
    )


def _state(text: str | None) -> str | None:
    if not text:
        return None
    try:
        return str(vocab.state(text))
    except ValueError:
        return None


def _spec(text: str | None) -> str | None:
    if not text:
        return None
    try:
        return str(vocab.specialty(text))
    except ValueError:
        return None

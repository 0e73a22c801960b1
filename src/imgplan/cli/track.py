"""`imgplan track add | update | rate | remove | list | show | history | undo | import |
export | backup`: the season tracker (docs/season.md). Each changing command
opens the database, and in one transaction reads the applicant's tracker, asks the core
(`tracking.decide`) for the change, and writes it with its history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import UsageError, tell
from ..load.session import Run
from .options import choose_format, parsed, today_from
from .params import (
    ApplicantOpt,
    DbOpt,
    NoCacheOpt,
    OutputOpt,
    ProfileArg,
    ProgramsOpt,
    TodayOpt,
    TrackChangeFormat,
    TrackExportFormat,
    TrackHistoryFormat,
    TrackListFormat,
    TrackShowFormat,
)
from .show import show

if TYPE_CHECKING:
    from ..models.profile import Profile
    from ..models.tracker import Change, Tracker
    from ..store.db import Store

app = typer.Typer(
    help="Track the season: applications, invitations, interviews, notes (a SQLite file).",
    no_args_is_help=True,
)

ProgramArg = Annotated[str, typer.Argument(help="A tracked program: its id (or its start).")]


def _who() -> str:
    import getpass  # lazy: only a change recorded in the tracker asks (termios, pwd)

    try:
        return getpass.getuser()[:100]
    except Exception:  # no user name in this environment
        return "unknown"


class Session:
    """A tracker command's run: today, the profile, the applicant's key and the database."""

    def __init__(
        self,
        profile: Path,
        db: Path | None,
        applicant: str | None,
        today: str | None,
        no_cache: bool = False,
    ) -> None:
        from ..models.tracker import applicant_key
        from ..store import default_path

        self.run = Run.start(today_from(today), no_cache)
        self.profile_path = profile
        self.person: Profile = self.run.profile(profile)
        self.key = applicant_key(self.person, profile, applicant)
        self.db = db or default_path()
        self.now = dt.datetime.now(dt.UTC).replace(microsecond=0)

    def open(self, *, create: bool) -> Store | None:
        # lazy: sqlite3 and the store load only for tracker commands
        from ..store.db import Store

        return Store.open(self.db, create=create)

    def read(self, *, history: bool = False, notes: bool = True) -> tuple[Tracker, list]:
        """The tracker (and its history when asked), read-only (an empty tracker when there
        is none)."""
        from ..models.tracker import Tracker

        store = self.open(create=False)
        if store is None:
            return Tracker(self.key, self.person.name, [], str(self.db)), []
        try:
            found = store.applicant(self.key, self.person.name, create=False)
            if found is None:
                return Tracker(self.key, self.person.name, [], str(self.db)), []
            tracker = store.read(found, self.key, self.person.name, notes=notes)
            return tracker, store.history(found) if history else []
        finally:
            store.close()

    def change(
        self, decide: Callable[[Tracker, list], Change], words: str, *, notes: bool = False
    ) -> None:
        """Read, decide and write in one transaction; print what changed."""
        from ..models.tracker import Changed

        store = self.open(create=True)
        assert store is not None
        try:
            with store.transaction():
                aid = store.applicant(self.key, self.person.name, create=True)
                assert aid is not None
                tracker = store.read(aid, self.key, self.person.name, notes=notes)
                history = store.history(aid, limit=50) if words == "track undo" else []
                change = decide(tracker, history)
                change.command = words
                cid = store.apply(aid, change, self.now, _who())
        finally:
            store.close()
        self.result = Changed(words, cid, change, str(self.db), self.key)


def _done(session: Session, fmt: str, output: Path | None) -> None:
    command = session.result.command
    show(command, choose_format(command, fmt), session.result, output, (session.profile_path,))


@app.command("add")
def track_add(
    profile: ProfileArg,
    programs_: Annotated[
        list[str] | None,
        typer.Argument(metavar="[PROGRAM]...", help="Program ids (ACGME ID, id or short id)."),
    ] = None,
    top: Annotated[
        int | None,
        typer.Option("--top", min=1, max=300, help="Take the first N of your recommend list."),
    ] = None,
    from_list: Annotated[
        Path | None,
        typer.Option(
            "--from-list", help="Take every program of a recommend output (--format json or csv)."
        ),
    ] = None,
    status: Annotated[str, typer.Option(help="Where they start: saved or applied.")] = "saved",
    date: Annotated[
        str | None,
        typer.Option("--date", help="With --status applied: the day sent (default today)."),
    ] = None,
    programs: ProgramsOpt = None,
    db: DbOpt = None,
    applicant: ApplicantOpt = None,
    fmt: TrackChangeFormat = "table",
    output: OutputOpt = None,
    today: TodayOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Track programs: by id, the top of your list (--top N), or a saved recommend list."""
    # lazy: only the command run loads its core (start-up, benchmarks/README.md)
    from ..commands import recommend as rec_command
    from ..commands import track as command
    from ..tracking import decide, values
    from .inputs import programs as load_programs

    s = Session(profile, db, applicant, today, no_cache)
    start = parsed("--status", values.status, status)
    if start not in ("saved", "applied"):
        raise UsageError(
            f"--status {status}: a program starts saved or applied; expected one of them (then track update)"
        )
    day = parsed("--date", lambda t: values.day(t, s.run.today, future=False), date)
    dataset = load_programs(s.run, programs)
    ranked = None
    if top is not None or from_list is not None:
        result = rec_command.run(
            s.person, dataset, s.run.bundled, s.run.today, rec_command.Options()
        )
        ranked = [(e.id, e.tier) for e in result.rec.ranked]
    listed = _recommend_ids(from_list) if from_list is not None else None
    chosen = command.choose(dataset, programs_ or [], ranked=ranked, top=top, listed=listed)
    s.change(lambda t, h: decide.add(t, chosen, dataset, s.now, status=start, day=day), "track add")
    _done(s, fmt, output)


def _recommend_ids(path: Path) -> list[str]:
    """The program ids of a recommend output: JSON (programs[].id) or CSV (an id column)."""
    import csv
    import io
    import json

    from ..load.yaml_reader import read_text

    text = read_text(path, 64 << 20)
    try:
        if text.lstrip().startswith("{"):
            doc = json.loads(text)
            rows = doc.get("programs") if isinstance(doc, dict) else None
            if not isinstance(rows, list):
                raise ValueError("no 'programs' list")
            return [str(r["id"]) for r in rows if isinstance(r, dict) and "id" in r]
        reader = csv.DictReader(io.StringIO(text))
        if reader.fieldnames is None or "id" not in reader.fieldnames:
            raise ValueError("no 'id' column")
        return [row["id"] for row in reader if row.get("id")]
    except (ValueError, KeyError, csv.Error) as exc:
        raise UsageError(
            f"--from-list {path}: not a recommend output ({exc}); expected the file "
            "`imgplan recommend PROFILE --format json` (or csv) wrote"
        ) from None


@app.command("update")
def track_update(
    profile: ProfileArg,
    program: ProgramArg,
    status: Annotated[
        str | None,
        typer.Option(
            help="saved, applied, invited, scheduled, interviewed, ranked, withdrawn, rejected, waitlisted, matched."
        ),
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="The status's date (default today).")
    ] = None,
    interview: Annotated[
        str | None,
        typer.Option(
            help="'YYYY-MM-DD HH:MM ZONE' (e.g. '2027-01-12 09:00 America/Chicago', or CT), or a date alone."
        ),
    ] = None,
    virtual: Annotated[
        bool | None, typer.Option("--virtual/--in-person", help="The interview's format.")
    ] = None,
    thank_you: Annotated[
        str | None, typer.Option("--thank-you", help="Thank-you note sent (date).")
    ] = None,
    letter_of_intent: Annotated[
        str | None, typer.Option("--letter-of-intent", help="Letter of intent sent (date).")
    ] = None,
    signal: Annotated[str | None, typer.Option(help="gold, silver or signal.")] = None,
    fee: Annotated[str | None, typer.Option(help="What it cost, in dollars.")] = None,
    note: Annotated[str | None, typer.Option(help="Add a note (kept with its time).")] = None,
    applied: Annotated[str | None, typer.Option(help="The day you applied.")] = None,
    rank_: Annotated[
        int | None,
        typer.Option(
            "--rank",
            min=1,
            max=300,
            help="Where it stands on your rank list (imgplan rank uses it).",
        ),
    ] = None,
    invited: Annotated[str | None, typer.Option(help="The day you were invited.")] = None,
    db: DbOpt = None,
    applicant: ApplicantOpt = None,
    fmt: TrackChangeFormat = "table",
    output: OutputOpt = None,
    today: TodayOpt = None,
) -> None:
    """Record news about a tracked program: a status, an interview, a note."""
    from ..tracking import decide, values

    s = Session(profile, db, applicant, today)
    d = s.run.today
    when, zone = parsed("--interview", lambda t: values.interview(t, d), interview) or (None, None)
    given = decide.Update(
        status=parsed("--status", values.status, status),
        day=parsed("--date", lambda t: values.day(t, d), date),
        interview=when,
        interview_tz=zone,
        virtual=virtual,
        thank_you=parsed("--thank-you", lambda t: values.day(t, d, future=False), thank_you),
        letter_of_intent=parsed(
            "--letter-of-intent", lambda t: values.day(t, d, future=False), letter_of_intent
        ),
        signal=parsed("--signal", values.signal, signal),
        fee_cents=parsed("--fee", values.fee, fee),
        note=parsed("--note", values.note, note),
        applied=parsed("--applied", lambda t: values.day(t, d, future=False), applied),
        invited=parsed("--invited", lambda t: values.day(t, d, future=False), invited),
        rank=rank_,
    )
    if given == decide.Update():
        raise UsageError(
            "nothing to record; expected --status, --interview, --note or another option (see --help)"
        )
    s.change(
        lambda t, h: decide.update(decide.tracked_one(t, program), given, d, s.now), "track update"
    )
    _done(s, fmt, output)


@app.command("rate")
def track_rate(
    profile: ProfileArg,
    program: ProgramArg,
    scores: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[CRITERION=SCORE]...", help="Your ratings 1-5, e.g. informatics=4 location=3."
        ),
    ] = None,
    gut: Annotated[
        int | None, typer.Option(min=1, max=5, help="Your overall feeling, 1-5.")
    ] = None,
    db: DbOpt = None,
    applicant: ApplicantOpt = None,
    fmt: TrackChangeFormat = "table",
    output: OutputOpt = None,
    today: TodayOpt = None,
) -> None:
    """Rate a tracked program on your own criteria (1-5), for the rank list."""
    from ..tracking import decide, values

    s = Session(profile, db, applicant, today)
    given = dict(parsed("CRITERION=SCORE", values.rating, x) for x in scores or [])
    if gut is not None:
        given["gut"] = gut
    if not given:
        raise UsageError("no rating given; expected CRITERION=SCORE (1-5) or --gut N")
    weights = s.person.ranking.weights if s.person.ranking else {}
    unweighted = sorted(c for c in given if c != "gut" and weights and c not in weights)

    def rate(t: Tracker, h: list) -> Change:
        change = decide.rate(decide.tracked_one(t, program), given)
        if unweighted:
            change.notes.append(
                f"{', '.join(unweighted)} not in your profile's ranking.weights: kept, but it "
                "does not count in imgplan rank until you give it a weight"
            )
        return change

    s.change(rate, "track rate")
    _done(s, fmt, output)


@app.command("remove")
def track_remove(
    profile: ProfileArg,
    program: ProgramArg,
    db: DbOpt = None,
    applicant: ApplicantOpt = None,
    fmt: TrackChangeFormat = "table",
    output: OutputOpt = None,
    today: TodayOpt = None,
) -> None:
    """Stop tracking a program (its history stays; track undo brings it back)."""
    from ..tracking import decide

    s = Session(profile, db, applicant, today)
    s.change(lambda t, h: decide.remove(decide.tracked_one(t, program)), "track remove")
    _done(s, fmt, output)


@app.command("undo")
def track_undo(
    profile: ProfileArg,
    db: DbOpt = None,
    applicant: ApplicantOpt = None,
    fmt: TrackChangeFormat = "table",
    output: OutputOpt = None,
    today: TodayOpt = None,
) -> None:
    """Revert the last change (again: the one before it). Nothing is deleted: the undo is
    itself a change in the history."""
    from ..tracking import decide

    s = Session(profile, db, applicant, today)
    s.change(lambda t, h: decide.undo(h, t), "track undo")
    _done(s, fmt, output)


@app.command("list")
def track_list(
    profile: ProfileArg,
    status: Annotated[list[str] | None, typer.Option(help="Only this status (repeatable).")] = None,
    specialty: Annotated[
        list[str] | None, typer.Option(help="Only this specialty (repeatable).")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Only programs with a date on or after this day.")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Only programs with a date on or before this day.")
    ] = None,
    db: DbOpt = None,
    applicant: ApplicantOpt = None,
    fmt: TrackListFormat = "table",
    output: OutputOpt = None,
    today: TodayOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Your tracked programs, led by what needs doing (Now / Next and the tracker's alerts)."""
    from ..commands import track as command
    from ..tracking import values
    from .options import vocabulary

    chosen = choose_format("track list", fmt)
    s = Session(profile, db, applicant, today, no_cache)
    d = s.run.today
    filters = command.Filters(
        statuses=[parsed("--status", values.status, x) for x in status or []],
        specialties=[str(x) for x in vocabulary(specialty, None)[0]],
        since=parsed("--since", lambda t: values.day(t, d), since),
        until=parsed("--until", lambda t: values.day(t, d), until),
    )
    tracker, _ = s.read()  # an older database is migrated by the listing too (Store.open)
    show(
        "track list",
        chosen,
        command.view(tracker, s.person, s.run.bundled, d, filters),
        output,
        (profile,),
    )


@app.command("show")
def track_show(
    profile: ProfileArg,
    program: ProgramArg,
    db: DbOpt = None,
    applicant: ApplicantOpt = None,
    fmt: TrackShowFormat = "table",
    output: OutputOpt = None,
    today: TodayOpt = None,
) -> None:
    """One tracked program: its state, ratings, notes, alerts and history."""
    from ..commands import track as command

    chosen = choose_format("track show", fmt)
    s = Session(profile, db, applicant, today)
    tracker, history = s.read(history=True)
    result = command.show(tracker, program, history, s.person, s.run.bundled, s.run.today)
    show("track show", chosen, result, output, (profile,))


@app.command("history")
def track_history(
    profile: ProfileArg,
    limit: Annotated[int | None, typer.Option(min=1, help="Only the last N changes.")] = None,
    db: DbOpt = None,
    applicant: ApplicantOpt = None,
    fmt: TrackHistoryFormat = "table",
    output: OutputOpt = None,
    today: TodayOpt = None,
) -> None:
    """Every change to this applicant's tracker, newest first (what, when, who, old -> new)."""
    from ..models.tracker import HistoryView

    chosen = choose_format("track history", fmt)
    s = Session(profile, db, applicant, today)
    _, history = s.read(history=True)
    entries = history[:limit] if limit else history
    show("track history", chosen, HistoryView(s.key, str(s.db), entries), output, (profile,))


@app.command("import")
def track_import(
    profile: ProfileArg,
    file: Annotated[
        Path, typer.Argument(help="Your tracking sheet (CSV or .xlsx), or a track export.")
    ],
    sheet: Annotated[
        str | None, typer.Option(help="A workbook's sheet (default: the first).")
    ] = None,
    ignore_unknown_columns: Annotated[
        bool,
        typer.Option(
            "--ignore-unknown-columns", help="Skip columns imgplan does not know (reported)."
        ),
    ] = False,
    skip_bad_rows: Annotated[
        bool, typer.Option("--skip-bad-rows", help="Import the good rows; report the others.")
    ] = False,
    programs: ProgramsOpt = None,
    db: DbOpt = None,
    applicant: ApplicantOpt = None,
    fmt: TrackChangeFormat = "table",
    output: OutputOpt = None,
    today: TodayOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Bring in your own tracking sheet: nothing is written unless every row is good (or
    --skip-bad-rows). Empty cells change nothing; notes already held are not added twice."""
    from ..commands import track as command
    from ..errors import InputError, Problem
    from ..load.tracksheet import read_sheet
    from ..tracking import decide
    from .inputs import programs as load_programs

    s = Session(profile, db, applicant, today, no_cache)
    result = read_sheet(file, s.run.today, sheet=sheet, ignore_unknown=ignore_unknown_columns)
    if result.header_problems:
        raise InputError(result.header_problems)
    dataset = load_programs(s.run, programs)
    matched, missing = command.match_rows(result, dataset)
    problems = result.problems + [Problem(where, None, None, "", why) for where, why in missing]
    if problems and not skip_bad_rows:
        hint = "nothing was imported; expected every row good (fix them, or pass --skip-bad-rows)"
        raise InputError(problems + [Problem(str(file), None, None, "", hint)])
    said = ", ".join(f"{header} -> {field}" for header, field in result.mapping)
    tell(f"columns read: {said}")
    for column in result.ignored:
        tell(f"ignored unknown column '{column}'")
    for p in problems:
        tell(f"skipped: {p}")
    s.change(lambda t, h: decide.imported(t, matched, dataset, s.now), "track import", notes=True)
    _done(s, fmt, output)


@app.command("export")
def track_export(
    profile: ProfileArg,
    fmt: TrackExportFormat = "csv",
    output: OutputOpt = None,
    db: DbOpt = None,
    applicant: ApplicantOpt = None,
    today: TodayOpt = None,
) -> None:
    """Your tracker as a CSV (track import reads it back), a calendar (ICS: every interview
    with its time zone and an alarm; a reminder for each unanswered invitation) or JSON."""
    from ..commands import track as command

    chosen = choose_format("track export", fmt)
    s = Session(profile, db, applicant, today)
    tracker, _ = s.read()
    result = command.view(tracker, s.person, s.run.bundled, s.run.today)
    show("track export", chosen, result, output, (profile,))


@app.command("backup")
def track_backup(
    output: Annotated[Path, typer.Option("--output", "-o", help="The copy to write (a new file).")],
    db: DbOpt = None,
) -> None:
    """A consistent copy of the whole database (SQLite's backup API), made while others
    may be writing. The copy is private (0600) and is refused over an existing file."""
    from ..store import default_path
    from ..store.db import Store

    source = db or default_path()
    store = Store.open(source, create=False)
    if store is None:
        raise UsageError(f"no tracker database at {source}; expected one (track add makes it)")
    try:
        store.backup_to(output)
    finally:
        store.close()
    tell(f"backed up {source} to {output}")

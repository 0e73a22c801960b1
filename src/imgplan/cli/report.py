"""`imgplan report`: the whole plan on one self-contained HTML page. It renders the result
values the other commands compute (recommend, timeline, chances, assess, check-step3, the
application plan): one implementation of each (`commands.report.run`)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ..errors import UsageError
from ..load.files import check_first
from ..load.session import Run
from ..render.formats import Format
from .options import today_from
from .params import FellowshipsOpt, NoCacheOpt, OutputOpt, ProfileArg, ProgramsOpt, TodayOpt
from .show import show


def report(
    profile: ProfileArg,
    programs: ProgramsOpt = None,
    output: OutputOpt = None,
    top: Annotated[
        int,
        typer.Option(
            help="Rows of the ranked list in the page (the list is sortable).", min=1, max=2000
        ),
    ] = 200,
    today: TodayOpt = None,
    fellowships: FellowshipsOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Write the plan as one self-contained HTML page (no network, prints on A4/Letter)."""
    # lazy: only the command run loads its core (start-up, benchmarks/README.md)
    from ..commands import report as command
    from .inputs import programs as load_programs

    if output is None and sys.stdout is not None and sys.stdout.isatty():
        raise UsageError(
            "the report is an HTML page, not for the terminal: nothing was written; expected "
            "--output FILE.html (then open the file in your browser), or a redirect (> FILE.html)"
        )
    check_first(output, (profile, programs, fellowships))
    r = Run.start(today_from(today), no_cache)
    r.directory_path = fellowships
    person = r.profile(profile)
    dataset = load_programs(r, programs)
    tracker = r.tracker(person, profile)
    result = command.run(
        person, dataset, r.bundled, r.today, top=top, directory=r.directory, tracker=tracker
    )
    note = r.directory_note()
    if note:
        result.result.notes.append(note)
    show("report", Format.html, result, output, (profile, programs, fellowships))

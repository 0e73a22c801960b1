"""`imgplan explain`: every rule's finding for one program, with the figures used."""

from __future__ import annotations

from typing import Annotated

import typer

from ..load.files import check_first
from ..load.session import Run
from .options import choose_format, today_from
from .params import (
    ExplainFormat,
    FellowshipsOpt,
    NoCacheOpt,
    OutputOpt,
    ProfileArg,
    ProgramsOpt,
    TodayOpt,
)
from .show import show


def explain(
    profile: ProfileArg,
    program_id: Annotated[
        str,
        typer.Argument(
            help="A program: its id, its short id or the start of its id, or its # in your "
            "list (for a resident: a CI fellowship's id or its # on your fellowship list)."
        ),
    ],
    programs: ProgramsOpt = None,
    fmt: ExplainFormat = "table",
    output: OutputOpt = None,
    today: TodayOpt = None,
    fellowships: FellowshipsOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Every rule's finding for one program, with the figures and weights used."""
    # lazy: only the command run loads its core (start-up, benchmarks/README.md)
    from ..commands import explain as command
    from .inputs import programs as load_programs

    chosen = choose_format("explain", fmt)
    check_first(output, (profile, programs, fellowships))
    r = Run.start(today_from(today), no_cache)
    r.directory_path = fellowships
    person = r.profile(profile)
    dataset = load_programs(r, programs)
    result = command.run(
        person,
        dataset,
        program_id,
        r.bundled,
        r.today,
        directory=r.directory,
        tracker=r.tracker(person, profile),
    )
    note = r.directory_note()
    if note:
        result.notes.append(note)
    show("explain", chosen, result, output, (profile, programs, fellowships))

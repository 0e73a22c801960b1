"""`imgplan explain`: every rule's finding for one program, with the figures used."""

from __future__ import annotations

from typing import Annotated

import typer

from ..load.session import Run, find_program
from ..rules.stage import stage_of
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
            help="A program: its id, its short id or the start of its id, or its # in your list."
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
    from ..commands import explain as run
    from ..recommend import recommend as rank

    chosen = choose_format("explain", fmt)
    r = Run.start(today_from(today), no_cache)
    r.directory_path = fellowships
    person, dataset, ref = r.profile(profile), r.programs(programs), r.bundled.reference
    ranked = None
    if program_id.strip().isdigit() and dataset.by_id(program_id.strip()) is None:
        ranked = [e[2] for e in rank(person, dataset, ref, r.today).ranked]
    program = find_program(dataset, program_id, ranked)
    stage = stage_of(person, r.bundled.calendar, r.today)
    result = run(person, dataset, program, ref, r.today, stage)
    note = r.directory_note()
    if note:
        result.notes.append(note)
    show("explain", chosen, result, output, (profile, programs, fellowships))

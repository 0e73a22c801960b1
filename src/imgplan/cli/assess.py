"""`imgplan assess`: the informatics portfolio and the next actions."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..load.session import Run
from .options import choose_format, today_from
from .params import AssessFormat, NoCacheOpt, OutputOpt, ProfileArg, TodayOpt
from .show import show


def assess(
    profile: ProfileArg,
    programs: Annotated[
        Path | None,
        typer.Option("--programs", help="Not needed: assess reads only your profile."),
    ] = None,
    fmt: AssessFormat = "table",
    output: OutputOpt = None,
    today: TodayOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Informatics-portfolio strength on the guide's four core elements, and next actions."""
    # lazy: only the command run loads its core (start-up, benchmarks/README.md)
    from ..commands import assess as command

    chosen = choose_format("assess", fmt)
    r = Run.start(today_from(today), no_cache)
    if programs is not None:
        sys.stderr.write(
            "imgplan: note: assess reads only your profile (the portfolio is about you, not "
            "programs): --programs is not needed and was not read\n"
        )
    person = r.profile(profile)
    result = command.run(person, r.bundled, r.today, tracker=r.tracker(person, profile))
    show("assess", chosen, result, output, (profile,))

"""`imgplan timeline`: the dated personal plan."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import tell
from ..load.session import Run, resolve_profile
from ..render.formats import Format
from .options import choose_format, today_from
from .params import NoCacheOpt, OutputOpt, TimelineFormat, TodayOpt
from .show import show


def timeline(
    profile: Annotated[
        Path | None,
        typer.Argument(
            help="Profile (default $IMGPLAN_PROFILE, then ./profile.yaml; none: the generic roadmap)."
        ),
    ] = None,
    fmt: TimelineFormat = "table",
    output: OutputOpt = None,
    today: TodayOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Dated personal plan from Step 2 CK study to the CI fellowship match and boards."""
    # lazy: only the command run loads its core (start-up, benchmarks/README.md)
    from ..commands import timeline as command

    chosen = choose_format("timeline", fmt)
    r = Run.start(today_from(today), no_cache)
    path = resolve_profile(profile)
    person = r.profile(path) if path is not None else None
    tracker = r.tracker(person, path) if person is not None and path is not None else None
    plan = command.run(person, r.bundled, r.today, tracker=tracker)
    if plan.generic and chosen in (Format.json, Format.ics):
        tell("no profile given: this is the generic roadmap")
    show("timeline", chosen, plan, output, (path,))

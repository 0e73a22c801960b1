"""`imgplan report`: the whole plan on one self-contained HTML page (issue #19). It renders the
result values the other commands compute (recommend, timeline, chances, assess, check-step3,
the application plan): one implementation of each."""

from __future__ import annotations

from typing import Annotated

import typer

from ..load.session import Run
from .options import today_from
from .params import FellowshipsOpt, NoCacheOpt, OutputOpt, ProfileArg, ProgramsOpt, TodayOpt


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
    from .. import commands
    from ..chances import chances
    from ..recommend import recommend
    from ..render.formats import Format
    from ..rules.stage import stage_of
    from ..timeline import build
    from .show import show

    r = Run.start(today_from(today), no_cache)
    r.directory_path = fellowships
    person = r.profile(profile)
    dataset, b = r.programs(programs), r.bundled
    stage = stage_of(person, b.calendar, r.today)
    rec = commands.add_plans(
        recommend(person, dataset, b.reference, r.today, stage=stage),
        person,
        directory=r.directory,
        coords=lambda: b.cities,
        outcomes=b.outcomes,
        calendar=b.calendar,
        signals=b.signals,  # the report always shows the application plan
        note=r.directory_note(),
    )
    result = commands.Report(
        person,
        r.today,
        rec,
        build(person, b.reference, b.calendar, r.today, signals=b.signals),
        chances(person, rec, b.outcomes, stage),
        commands.assess(person, b.reference, r.today, stage),
        commands.check_step3(person, {}, dataset, b.reference, r.today, stage),
        commands.curves(person, b.outcomes),
        top,
    )
    show("report", Format.html, result, output, (profile, programs, fellowships))

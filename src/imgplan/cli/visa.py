"""`imgplan visa PROFILE`: the visa and travel rules for this applicant, each dated."""

from __future__ import annotations

import typer

from ..load.session import Run
from .options import choose_format, today_from
from .params import NoCacheOpt, OutputOpt, ProfileArg, TodayOpt, VisaFormat
from .show import EXIT_NO, show


def visa(
    profile: ProfileArg,
    fmt: VisaFormat = "table",
    output: OutputOpt = None,
    today: TodayOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Which training visas are open to you, whether the $100,000 H-1B fee would apply, the
    J-1 and H-1B clocks across residency and the CI fellowship, and the steps each visa takes:
    every line dated ("status as of ...: verify") and sourced. Uses the profile's citizenship,
    location and us_status. Exit 1 when no visa you need is open. Not legal advice."""
    # lazy: only the command run loads its core (start-up, benchmarks/README.md)
    from ..commands import visa as command

    chosen = choose_format("visa", fmt)
    r = Run.start(today_from(today), no_cache)
    result = command.run(r.profile(profile), r.bundled, r.today)
    show("visa", chosen, result, output, (profile,))
    if result.report.blocked:
        raise typer.Exit(EXIT_NO)

"""`imgplan chances`: specialty-level odds from public figures, programs and fees."""

from __future__ import annotations

from ..load.files import check_first
from ..load.session import Run
from .options import choose_format, today_from
from .params import (
    ChancesFormat,
    NoCacheOpt,
    OutputOpt,
    ProfileArg,
    ProgramsOpt,
    SeasonOpt,
    TodayOpt,
)
from .show import show


def chances(
    profile: ProfileArg,
    programs: ProgramsOpt = None,
    fmt: ChancesFormat = "table",
    output: OutputOpt = None,
    today: TodayOpt = None,
    season: SeasonOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Specialty match likelihood and percentile from public figures; programs and fees."""
    # lazy: only the command run loads its core (start-up, benchmarks/README.md)
    from ..commands import chances as command
    from .inputs import programs as load_programs

    chosen = choose_format("chances", fmt)
    check_first(output, (profile, programs))
    r = Run.start(today_from(today), no_cache)
    person = r.profile(profile)
    result = command.run(
        person,
        load_programs(r, programs),
        r.bundled,
        r.today,
        season=season,
        tracker=r.tracker(person, profile),
    )
    show("chances", chosen, result, output, (profile, programs))

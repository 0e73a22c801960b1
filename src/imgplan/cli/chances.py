"""`imgplan chances`: specialty-level odds from public figures, programs and fees."""

from __future__ import annotations

from ..load.session import Run
from ..rules.stage import stage_of
from .options import choose_format, today_from
from .params import ChancesFormat, NoCacheOpt, OutputOpt, ProfileArg, ProgramsOpt, TodayOpt
from .show import show


def chances(
    profile: ProfileArg,
    programs: ProgramsOpt = None,
    fmt: ChancesFormat = "table",
    output: OutputOpt = None,
    today: TodayOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Specialty match likelihood and percentile from public figures; programs and fees."""
    from ..chances import chances as run
    from ..recommend import recommend as recommend_run

    chosen = choose_format("chances", fmt)
    r = Run.start(today_from(today), no_cache)
    person = r.profile(profile)
    stage = stage_of(person, r.bundled.calendar, r.today)
    rec = recommend_run(person, r.programs(programs), r.bundled.reference, r.today, stage=stage)
    result = run(person, rec, r.bundled.outcomes, stage)
    show("chances", chosen, result, output, (profile, programs))

"""`imgplan check-step3`: the Step 3 verdict; its exit code is the answer (0: take it now)."""

from __future__ import annotations

import sys

import typer

from ..errors import UsageError
from ..load.files import check_first
from ..load.session import Run, resolve_profile
from .options import choose_format, step3_flags, today_from
from .params import (
    AttemptsOpt,
    ConfidentFlag,
    EcfmgFlag,
    NoCacheOpt,
    OutputOpt,
    PracticeFlag,
    ProgramsOpt,
    QuietOpt,
    ResidencyStartFlag,
    Step1Flag,
    Step2DateFlag,
    Step2Flag,
    Step3Flag,
    Step3Format,
    Step3ProfileArg,
    StudyWeeksFlag,
    TodayOpt,
    VisaFlag,
)
from .show import show


def check_step3(
    profile: Step3ProfileArg = None,
    programs: ProgramsOpt = None,
    fmt: Step3Format = "table",
    output: OutputOpt = None,
    today: TodayOpt = None,
    quiet: QuietOpt = False,
    step1: Step1Flag = None,
    step1_attempts: AttemptsOpt = None,
    step2: Step2Flag = None,
    step2_attempts: AttemptsOpt = None,
    step2_date: Step2DateFlag = None,
    visa: VisaFlag = None,
    ecfmg: EcfmgFlag = None,
    step3: Step3Flag = None,
    step3_attempts: AttemptsOpt = None,
    study_weeks: StudyWeeksFlag = None,
    practice_percent: PracticeFlag = None,
    confident: ConfidentFlag = None,
    residency_start: ResidencyStartFlag = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Step 3 go/no-go verdict with reasons; exit 0 only for 'take it now'."""
    # lazy: only the command run loads its core (start-up, benchmarks/README.md)
    from ..commands import step3 as command
    from .inputs import programs as load_programs

    chosen = choose_format("check-step3", fmt)
    r = Run.start(today_from(today), no_cache)
    flags = step3_flags(
        step1=step1,
        step1_attempts=step1_attempts,
        step2=step2,
        step2_attempts=step2_attempts,
        step2_date=step2_date,
        ecfmg=ecfmg,
        visa=visa,
        step3=step3,
        step3_attempts=step3_attempts,
        study_weeks=study_weeks,
        practice_percent=practice_percent,
        confident=confident,
        residency_start=residency_start,
    )
    path = resolve_profile(profile)
    check_first(output, (path, programs))
    if path is None and all(v is None for v in flags.values()):
        raise UsageError(
            "no profile: give PROFILE, set IMGPLAN_PROFILE, create ./profile.yaml, "
            "or give the facts as flags (--step1 pass --step2 224 --ecfmg yes ...)"
        )
    person = r.profile(path) if path is not None else None
    dataset = load_programs(r, programs) if programs is not None else None
    tracker = r.tracker(person, path) if person is not None and path is not None else None
    result = command.run(person, flags, dataset, r.bundled, r.today, tracker=tracker)
    if not quiet:
        if result.example_dataset:
            sys.stderr.write(
                f"imgplan: note: the H-1B-only count comes from '{result.example_dataset}', "
                "example data (illustrative programs)\n"
            )
        show("check-step3", chosen, result, output, (path, programs))
    raise typer.Exit(result.verdict.exit_code)

"""The command line's declared arguments and options: names, help text, bounds. The values
are checked and turned into inputs in `options`; cli.py uses these declarations."""

import math
from pathlib import Path
from typing import Annotated, Any

import typer

from ..models import values
from ..render.formats import help_text

ProfileArg = Annotated[Path, typer.Argument(help="Your profile YAML.")]
OptionalProfileArg = Annotated[
    Path | None,
    typer.Argument(help="Profile (default $IMGPLAN_PROFILE, then ./profile.yaml)."),
]
ProgramsOpt = Annotated[
    Path | None,
    typer.Option(
        "--programs",
        help="Program dataset: a file, or 'eras' (the bundled 2,137 real ERAS 2026 programs, "
        "every figure unknown: the default) or 'example' (fictional programs with figures). "
        "Default also from IMGPLAN_PROGRAMS.",
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="Write here instead of stdout (atomically: never half-written)."
    ),
]
TodayOpt = Annotated[
    str | None,
    typer.Option(
        "--today", envvar="IMGPLAN_TODAY", help="Pretend today is YYYY-MM-DD (also IMGPLAN_TODAY)."
    ),
]
NoCacheOpt = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Read and validate the files again; neither use nor update "
        "the cache (also IMGPLAN_NO_CACHE=1).",
    ),
]
SpecialtyOpt = Annotated[list[str] | None, typer.Option(help="Only this specialty (repeatable).")]
StateOpt = Annotated[list[str] | None, typer.Option(help="Only this state (repeatable).")]


def score_option(help: str) -> Any:
    return typer.Option(help=help, min=values.SCORE.lo, max=values.SCORE.hi)


AttemptsOpt = Annotated[int | None, typer.Option(min=values.ATTEMPTS.lo, max=values.ATTEMPTS.hi)]

# recommend's what-if and list options
WhatIfStep2 = Annotated[int | None, score_option("What-if: a Step 2 CK score.")]


def finite(value: float | None) -> float | None:
    """A number option: nan and inf are not numbers a person means (click's range check lets
    nan through, since every comparison with it is false)."""
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a number; expected a finite number")
    return value


WhatIfUsce = Annotated[
    float | None,
    typer.Option(
        help="What-if: months of clinical USCE.",
        min=values.MONTHS.lo,
        max=values.MONTHS.hi,
        callback=finite,
    ),
]
WhatIfStep3 = Annotated[str | None, typer.Option(help="What-if: 'pass' = Step 3 passed.")]
WhatIfEcfmg = Annotated[
    bool | None, typer.Option("--ecfmg/--no-ecfmg", help="What-if: ECFMG certified.")
]
UnlockOpt = Annotated[
    bool, typer.Option("--unlock", help="Which single change opens the most excluded programs.")
]
TopOpt = Annotated[
    int | None,
    typer.Option(help="Show the first N programs (the table shows 25 unless --all).", min=1),
]
AllOpt = Annotated[
    bool, typer.Option("--all", help="Table: show every ranked program, not the first 25.")
]
IncludeExcludedOpt = Annotated[
    bool, typer.Option("--include-excluded", help="List excluded programs, grouped by reason.")
]
FailIfEmptyOpt = Annotated[
    bool, typer.Option("--fail-if-empty", help="Exit 1 when no program is left.")
]
OutputDirOpt = Annotated[
    Path | None,
    typer.Option("--output-dir", help="Batch: write one file per profile here (NAME.FORMAT)."),
]

# check-step3's facts given as flags
Step3ProfileArg = Annotated[
    Path | None,
    typer.Argument(
        help="Profile (default $IMGPLAN_PROFILE, then ./profile.yaml; optional when flags give the facts)."
    ),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No output, only the exit code.")]
Step1Flag = Annotated[str | None, typer.Option(help="pass | fail | a legacy numeric score.")]
Step2Flag = Annotated[int | None, score_option("Step 2 CK score (taken).")]
Step2DateFlag = Annotated[
    str | None, typer.Option(help="Step 2 CK test date YYYY-MM-DD (its passing score applies).")
]
VisaFlag = Annotated[str | None, typer.Option(help="none | j1 | h1b | any.")]
EcfmgFlag = Annotated[str | None, typer.Option(help="ECFMG certified: yes | no.")]
Step3Flag = Annotated[str | None, typer.Option(help="none | pass | fail | a score.")]
StudyWeeksFlag = Annotated[
    int | None,
    typer.Option(
        help="Weeks you can study for Step 3.", min=values.STUDY_WEEKS.lo, max=values.STUDY_WEEKS.hi
    ),
]
PracticeFlag = Annotated[
    float | None,
    typer.Option(
        help="Latest practice test, percent correct.", min=values.PERCENT.lo, max=values.PERCENT.hi
    ),
]
ConfidentFlag = Annotated[
    bool | None,
    typer.Option("--confident/--not-confident", help="Confident of a comfortable pass."),
]
ResidencyStartFlag = Annotated[
    str | None, typer.Option(help="Matched/in residency: start date YYYY-MM-DD.")
]


def _format(command: str) -> Any:
    """``--format`` with the command's real list of formats in its help (render/formats.py)."""
    return typer.Option("--format", "-f", help=help_text(command))


RecommendFormat = Annotated[str, _format("recommend")]
ExplainFormat = Annotated[str, _format("explain")]
TimelineFormat = Annotated[str, _format("timeline")]
Step3Format = Annotated[str, _format("check-step3")]
ChancesFormat = Annotated[str, _format("chances")]
AssessFormat = Annotated[str, _format("assess")]
ValidateFormat = Annotated[str, _format("validate")]
FellowshipsListFormat = Annotated[str, _format("fellowships list")]
FellowshipsShowFormat = Annotated[str, _format("fellowships show")]
FellowshipsDiffFormat = Annotated[str, _format("fellowships diff")]
ListFormat = Annotated[str, _format("programs list")]
ShowFormat = Annotated[str, _format("programs show")]
DiffFormat = Annotated[str, _format("programs diff")]
DataFormat = Annotated[str, _format("data")]
TrackListFormat = Annotated[str, _format("track list")]
MatchFormat = Annotated[str, _format("match run")]
RankFormat = Annotated[str, _format("rank")]
VisaFormat = Annotated[str, _format("visa")]
TrackShowFormat = Annotated[str, _format("track show")]
TrackHistoryFormat = Annotated[str, _format("track history")]
TrackExportFormat = Annotated[str, _format("track export")]
TrackChangeFormat = Annotated[str, _format("track add")]

# The tracker --------------------------------------------------------------------------------
DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="The tracker database (default $IMGPLAN_DB, else tracker.sqlite3 in your user "
        "data folder).",
    ),
]
ApplicantOpt = Annotated[
    str | None,
    typer.Option(
        "--applicant",
        help="Whose tracker (default: the profile's name, else the profile file's name): "
        "one database holds an advisor's applicants.",
    ),
]


# Output -----------------------------------------------------------------------------------
SignalsOpt = Annotated[
    bool,
    typer.Option(
        "--signals",
        help="Add the application plan: program signals (or a check of targets.signals), "
        "how many to apply to, and the fees.",
    ),
]
SeasonOpt = Annotated[
    int | None,
    typer.Option(
        "--season",
        help="Plan this Match year instead of your profile's targets.match_year (e.g. the next "
        "season once this season's applications are out).",
        min=2000,
        max=2100,
    ),
]
FellowshipsOpt = Annotated[
    Path | None,
    typer.Option(
        "--fellowships",
        help="Your own CI fellowship directory (default: the bundled data/fellowships.yaml).",
    ),
]

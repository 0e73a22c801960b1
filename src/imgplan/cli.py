"""Command line: parse options, load the inputs, call one core function, render, map the
outcome to an exit code. Nothing else lives here.

The one error boundary is :func:`main`: bad input exits 2 with located messages, a bug exits
70 with its traceback. Heavy modules (pydantic, rich, the rules) are imported inside the
commands that need them, so ``imgplan --version`` stays fast.
"""

import gc
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from . import __version__
from .cli_fellowships import app as fellowships_app
from .cli_programs import programs_import, programs_merge
from .cli_report import report
from .errors import InputError, OutputError, UsageError
from .load.files import batch_targets, deliver, write_output
from .load.session import Run, find_program, resolve_profile
from .options import (
    choose_format,
    plain_help,
    step3_flags,
    today_from,
    vocabulary,
    what_if_of,
)
from .params import (
    AllOpt,
    AssessFormat,
    AttemptsOpt,
    ChancesFormat,
    ConfidentFlag,
    DiffFormat,
    EcfmgFlag,
    ExplainFormat,
    FailIfEmptyOpt,
    FellowshipsOpt,
    IncludeExcludedOpt,
    ListFormat,
    NoCacheOpt,
    OutputDirOpt,
    OutputOpt,
    PracticeFlag,
    ProfileArg,
    ProgramsOpt,
    QuietOpt,
    RecommendFormat,
    ResidencyStartFlag,
    ShowFormat,
    SignalsOpt,
    SpecialtyOpt,
    StateOpt,
    Step1Flag,
    Step2DateFlag,
    Step2Flag,
    Step3Flag,
    Step3Format,
    Step3ProfileArg,
    StudyWeeksFlag,
    TimelineFormat,
    TodayOpt,
    TopOpt,
    UnlockOpt,
    ValidateFormat,
    VisaFlag,
    WhatIfEcfmg,
    WhatIfStep2,
    WhatIfStep3,
    WhatIfUsce,
)
from .process import Terminated, on_sigterm, quiet_stdout, say
from .render.formats import Format
from .rules.stage import stage_of

EXIT_OK, EXIT_NO, EXIT_INPUT, EXIT_BUG, EXIT_OUTPUT = 0, 1, 2, 70, 74
TABLE_TOP = 25  # programs a table shows by default (--all for every one)

APP_SETTINGS: dict[str, Any] = {
    "name": "imgplan",
    "help": "Offline planner for international medical graduates heading for a Clinical "
    "Informatics fellowship: program list, timeline, Step 3 verdict, chances. "
    "Exit codes: 0 success, 1 a negative answer, 2 bad input or usage, 70 a bug.",
    "no_args_is_help": True,
    "add_completion": False,
    "pretty_exceptions_enable": False,
    "rich_markup_mode": None,
}
app = typer.Typer(**APP_SETTINGS)
programs_app = typer.Typer(
    help="Browse, import and compare program datasets.", no_args_is_help=True
)
app.add_typer(programs_app, name="programs")
programs_app.command("import")(programs_import)
programs_app.command("merge")(programs_merge)
app.add_typer(fellowships_app, name="fellowships")
app.command("report")(report)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"imgplan {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """imgplan: plan the road from Step 2 CK to a Clinical Informatics fellowship."""


def show(
    command: str,
    fmt: Format,
    result: Any,
    output: Path | None,
    inputs: tuple[Path | None, ...],
    **choices: Any,
) -> None:
    """Render ``result`` and print it, or write ``output`` atomically."""
    deliver(render_for(command, fmt, result, output, **choices), output, inputs)


def render_for(
    command: str, fmt: Format, result: Any, output: Path | None, **choices: Any
) -> str | bytes:
    from .render.formats import render, terminal_view

    return render(command, fmt, result, terminal_view(output, **choices))


def _write_recommendations(
    profiles: list[Path],
    recs: list[Any],
    chosen: Format,
    output: Path | None,
    output_dir: Path | None,
    inputs: tuple[Path | None, ...],
    include_excluded: bool,
) -> None:
    """One file per profile in ``output_dir`` (all rendered before any is written), else one
    output: a single list, or a batch under one document."""
    from .commands import Batch
    from .render.formats import EXTENSIONS

    if output_dir is not None:
        targets = batch_targets(profiles, output_dir, EXTENSIONS[chosen], inputs)
        texts = [
            render_for("recommend", chosen, rec, target, include_excluded=include_excluded)
            for rec, target in zip(recs, targets, strict=True)
        ]
        for text, target in zip(texts, targets, strict=True):  # written only when all are ready
            deliver(text, target, inputs)
        return
    result = (
        recs[0]
        if len(recs) == 1
        else Batch([(str(p), x) for p, x in zip(profiles, recs, strict=True)])
    )
    show("recommend", chosen, result, output, inputs, include_excluded=include_excluded)


# Commands ---------------------------------------------------------------------------------


@app.command()
def recommend(
    profiles: Annotated[
        list[Path],
        typer.Argument(help="Your profile YAML; several for a batch (an advisor's list)."),
    ],
    programs: ProgramsOpt = None,
    fmt: RecommendFormat = "table",
    output: OutputOpt = None,
    today: TodayOpt = None,
    step2: WhatIfStep2 = None,
    usce_months: WhatIfUsce = None,
    step3: WhatIfStep3 = None,
    ecfmg: WhatIfEcfmg = None,
    unlock: UnlockOpt = False,
    specialty: SpecialtyOpt = None,
    state: StateOpt = None,
    top: TopOpt = None,
    show_all: AllOpt = False,
    include_excluded: IncludeExcludedOpt = False,
    fail_if_empty: FailIfEmptyOpt = False,
    output_dir: OutputDirOpt = None,
    signals: SignalsOpt = False,
    fellowships: FellowshipsOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Ranked, tiered, explained program list, with profile findings on top.

    With several profiles, the dataset is read once and each profile gets its own output:
    concatenated on stdout (JSON: one object with a `results` list), or one file per
    profile with --output-dir.
    """
    from .commands import add_plans
    from .recommend import recommend as run
    from .recommend import with_overrides

    chosen = choose_format("recommend", fmt)
    if step3 is not None and step3.strip().lower() != "pass":
        raise UsageError(f"--step3 '{step3}' is not understood; expected --step3 pass")
    specialties, states = vocabulary(specialty, state)
    r = Run.start(today_from(today), no_cache)
    r.directory_path = fellowships
    if output_dir is not None and not output_dir.is_dir():
        raise UsageError(f"--output-dir {output_dir} is not a folder; expected an existing folder")
    if output_dir is not None and output is not None:
        raise UsageError("--output and --output-dir cannot be used together; expected one of them")
    # Every profile is read and validated before anything is written.
    people = [r.profile(path) for path in profiles]
    what_if = what_if_of(step2=step2, usce_months=usce_months, step3=step3, ecfmg=ecfmg)
    dataset, ref = r.programs(programs), r.bundled.reference

    recs = [
        run(
            with_overrides(
                person,
                step2=step2,
                usce_months=usce_months,
                step3_pass=step3 is not None,
                ecfmg=ecfmg,
            ),
            dataset,
            ref,
            r.today,
            specialties=specialties or None,
            states=states or None,
            top=top or (TABLE_TOP if chosen is Format.table and not show_all else None),
            unlock=unlock,
            what_if=what_if,
            stage=stage_of(person, r.bundled.calendar, r.today),
        )
        for person in people
    ]
    b = r.bundled
    for person, rec in zip(people, recs, strict=True):
        training = rec.stage is not None and rec.stage.in_training
        if signals or training or fellowships is not None:  # else nothing to add: load nothing
            add_plans(
                rec,
                person,
                directory=r.directory,
                coords=lambda: b.cities,
                outcomes=b.outcomes,
                calendar=b.calendar,
                signals=b.signals if signals else None,
                note=r.directory_note(),
            )
    inputs = (*profiles, programs, fellowships)
    _write_recommendations(profiles, recs, chosen, output, output_dir, inputs, include_excluded)
    if fail_if_empty and any(not rec.programs for rec in recs):
        raise typer.Exit(EXIT_NO)


@app.command()
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
    from .commands import explain as run
    from .recommend import recommend as rank

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


@app.command()
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
    from .timeline import build

    chosen = choose_format("timeline", fmt)
    r = Run.start(today_from(today), no_cache)
    path = resolve_profile(profile)
    person = r.profile(path) if path is not None else None
    plan = build(
        person, r.bundled.reference, r.bundled.calendar, r.today, signals=r.bundled.signals
    )
    if plan.generic and chosen in (Format.json, Format.ics):
        sys.stderr.write("imgplan: no profile given: this is the generic roadmap\n")
    show("timeline", chosen, plan, output, (path,))


@app.command("check-step3")
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
    from .commands import check_step3 as run

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
    if path is None and all(v is None for v in flags.values()):
        raise UsageError(
            "no profile: give PROFILE, set IMGPLAN_PROFILE, create ./profile.yaml, "
            "or give the facts as flags (--step1 pass --step2 224 --ecfmg yes ...)"
        )
    person = r.profile(path) if path is not None else None
    dataset = r.programs(programs) if programs is not None else None
    stage = stage_of(person, r.bundled.calendar, r.today) if person is not None else None
    result = run(person, flags, dataset, r.bundled.reference, r.today, stage)
    if not quiet:
        if result.example_dataset:
            sys.stderr.write(
                f"imgplan: note: the H-1B-only count comes from '{result.example_dataset}', "
                "example data (illustrative programs)\n"
            )
        show("check-step3", chosen, result, output, (path, programs))
    raise typer.Exit(result.verdict.exit_code)


@app.command()
def chances(
    profile: ProfileArg,
    programs: ProgramsOpt = None,
    fmt: ChancesFormat = "table",
    output: OutputOpt = None,
    today: TodayOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Specialty match likelihood and percentile from public figures; programs and fees."""
    from .chances import chances as run
    from .recommend import recommend as recommend_run

    chosen = choose_format("chances", fmt)
    r = Run.start(today_from(today), no_cache)
    person = r.profile(profile)
    stage = stage_of(person, r.bundled.calendar, r.today)
    rec = recommend_run(person, r.programs(programs), r.bundled.reference, r.today, stage=stage)
    result = run(person, rec, r.bundled.outcomes, stage)
    show("chances", chosen, result, output, (profile, programs))


@app.command()
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
    from .commands import assess as run

    chosen = choose_format("assess", fmt)
    r = Run.start(today_from(today), no_cache)
    if programs is not None:
        sys.stderr.write(
            "imgplan: note: assess reads only your profile (the portfolio is about you, not "
            "programs): --programs is not needed and was not read\n"
        )
    person = r.profile(profile)
    result = run(
        person, r.bundled.reference, r.today, stage_of(person, r.bundled.calendar, r.today)
    )
    show("assess", chosen, result, output, (profile,))


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Profiles and/or program datasets.")],
    fmt: ValidateFormat = "table",
    today: TodayOpt = None,
) -> None:
    """Check profiles and datasets; report every problem at once, located. Exit 1 on problems,
    2 if a file cannot be read at all (missing, a folder or a pipe, too big)."""
    from .load.cache import from_settings
    from .load.validate import validate_files

    chosen = choose_format("validate", fmt)
    from_settings(False)  # a setting that cannot mean anything is refused here too
    report = validate_files(files, today_from(today))
    show("validate", chosen, report, None, ())
    summary = report.summary()
    if summary and chosen is Format.table:
        sys.stderr.write(summary + "\n")
    raise typer.Exit(report.exit_code)


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the starter profile.")] = Path(
        "profile.yaml"
    ),
) -> None:
    """Write a commented starter profile (never overwrites an existing file)."""
    from .errors import clip
    from .load.bundled import data_path

    text = data_path("starter-profile.yaml").read_text(encoding="utf-8")
    write_output(path, text, overwrite=False)
    typer.echo(
        f"Wrote {clip(str(path))}. Edit it, then run: imgplan validate {clip(str(path))}", err=True
    )


@app.command()
def schema(
    kind: Annotated[str, typer.Argument(help="'profile', 'programs' or 'fellowships'.")],
    output: OutputOpt = None,
) -> None:
    """Print the JSON Schema of a file format (for editors' YAML plugins)."""
    from .formats import json_schema

    try:
        doc = json_schema(kind)
    except KeyError:
        raise UsageError(
            f"unknown schema '{kind}'; expected profile, programs or fellowships"
        ) from None
    deliver(doc, output)


@programs_app.command("list")
def programs_list(
    programs: ProgramsOpt = None,
    specialty: SpecialtyOpt = None,
    state: StateOpt = None,
    fmt: ListFormat = "table",
    output: OutputOpt = None,
    today: TodayOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """List the programs of a dataset (unknown figures shown as '?')."""
    from .commands import list_programs

    chosen = choose_format("programs list", fmt)
    specialties, states = vocabulary(specialty, state)
    r = Run.start(today_from(today), no_cache)
    result = list_programs(r.programs(programs), set(specialties), set(states))
    show("programs list", chosen, result, output, (programs,))


@programs_app.command("show")
def programs_show(
    program_id: Annotated[str, typer.Argument(help="The program's id.")],
    programs: ProgramsOpt = None,
    fmt: ShowFormat = "table",
    today: TodayOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Show every figure of one program (unknown ones said so)."""
    from .commands import ProgramView

    chosen = choose_format("programs show", fmt)
    dataset = Run.start(today_from(today), no_cache).programs(programs)
    show("programs show", chosen, ProgramView(dataset, find_program(dataset, program_id)), None, ())


@programs_app.command("diff")
def programs_diff(
    old: Annotated[Path, typer.Argument(help="The older dataset.")],
    new: Annotated[Path, typer.Argument(help="The newer dataset.")],
    fmt: DiffFormat = "table",
    output: OutputOpt = None,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 when the datasets differ (like git diff).")
    ] = False,
    today: TodayOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """What changed between two datasets, program by program and field by field."""
    from .commands import compare

    chosen = choose_format("programs diff", fmt)
    r = Run.start(today_from(today), no_cache)
    result = compare(r.programs(old), r.programs(new), str(old), str(new))
    show("programs diff", chosen, result, output, (old, new))
    if exit_code and not result.changes.empty:
        raise typer.Exit(EXIT_NO)


def only(args: list[str]) -> typer.Typer:
    """The app with only the command ``args`` names (and its subcommands): Typer builds a
    click command, options and all, for every command it holds before running one (~12 ms for
    all of imgplan's); the others are not needed. The whole app for --help, a bad name, or
    no command."""
    name = args[0] if args else None
    if name is None or name.startswith("-"):
        return app
    commands = [
        c
        for c in app.registered_commands
        if (c.name or (c.callback.__name__ if c.callback else "")).replace("_", "-") == name
    ]
    groups = [g for g in app.registered_groups if g.name == name]
    if not commands and not groups:
        return app
    small = typer.Typer(**APP_SETTINGS)
    small.registered_callback = app.registered_callback
    small.registered_commands = commands
    small.registered_groups = groups
    return small


# The error boundary -----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    # A run builds many small objects and few reference cycles, then exits: the cyclic
    # garbage collector only costs time here (about 2x on a 13,000-program dataset).
    gc.disable()
    previous = on_sigterm()
    args = sys.argv[1:] if argv is None else argv
    if "--help" in args or "-h" in args or not args:
        plain_help()
    try:
        only(args)(args=argv, prog_name="imgplan")
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else EXIT_INPUT)
    except InputError as exc:
        say("".join(f"{problem}\n" for problem in exc.problems))
        return EXIT_INPUT
    except UsageError as exc:
        say(f"imgplan: error: {exc}\n")
        return EXIT_INPUT
    except OutputError as exc:
        say(f"imgplan: error: {exc}\n")
        return EXIT_OUTPUT
    except Terminated:
        say("imgplan: terminated; nothing half-written was left\n")
        return 143
    except KeyboardInterrupt:
        say("imgplan: interrupted; nothing half-written was left\n")
        return 130
    except BrokenPipeError:
        quiet_stdout()
        return 0
    except Exception:
        import traceback

        traceback.print_exc()
        sys.stderr.write(
            f"imgplan {__version__}: internal error (a bug); please report it "
            "with the traceback above.\n"
        )
        return EXIT_BUG
    finally:
        gc.enable()
        if previous is not None:
            import signal

            signal.signal(signal.SIGTERM, previous)
    return EXIT_OK

"""Command line: parse options, call one core function, render, map the outcome to an exit code.

The one error boundary is :func:`main`: bad input exits 2 with located messages, a bug exits
70 with its traceback. Heavy modules (pydantic, rich, the rules) are imported inside the
commands that need them, so ``imgplan --version`` stays fast.
"""

import datetime as dt
import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from . import __version__
from .errors import InputError, UsageError
from .files import same_file, write_output

if TYPE_CHECKING:
    from .models.profile import Profile
    from .models.programs import Dataset, Program

EXIT_OK, EXIT_NO, EXIT_INPUT, EXIT_BUG = 0, 1, 2, 70

app = typer.Typer(
    name="imgplan",
    help="Offline planner for international medical graduates heading for a Clinical "
    "Informatics fellowship: program list, timeline, Step 3 verdict, chances. "
    "Exit codes: 0 success, 1 a negative answer, 2 bad input or usage, 70 a bug.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
programs_app = typer.Typer(
    help="Browse, import and compare program datasets.", no_args_is_help=True
)
app.add_typer(programs_app, name="programs")


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


# Shared options ---------------------------------------------------------------------------

ProfileArg = Annotated[Path, typer.Argument(help="Your profile YAML.")]
ProgramsOpt = Annotated[
    Path | None,
    typer.Option(
        "--programs", help="Program dataset (default: the bundled example data/programs.yaml)."
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
FormatOpt = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        help="table (for people) or json (for scripts); also csv and "
        "markdown for lists, markdown and ics for the timeline.",
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


def bypass_cache(no_cache: bool) -> None:
    from .cache import check_settings

    check_settings()
    if no_cache:
        os.environ["IMGPLAN_NO_CACHE"] = "1"  # read by imgplan.cache for this process


TODAY_RANGE = (dt.date(2000, 1, 1), dt.date(2099, 12, 31))


def today_from(value: str | None, option: str = "--today / IMGPLAN_TODAY") -> dt.date:
    """A date option (today's date when empty), between 2000 and 2099."""
    if not value:
        return dt.date.today()
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"{option} {value!r:.80} is not a date; expected YYYY-MM-DD") from None
    low, high = TODAY_RANGE
    if not low <= day <= high:
        raise UsageError(
            f"{option} {day.isoformat()} is outside {low.isoformat()} to "
            f"{high.isoformat()}; expected a date this planner's calendar can reason about"
        )
    return day


def check_format(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise UsageError(
            f"--format '{value}' is not available here; expected one of: {', '.join(allowed)}"
        )
    return value


def load_profile(path: Path, today: dt.date) -> "Profile":
    from .loading import load_profile as load

    return load(path, today)


def load_programs(path: Path | None, today: dt.date) -> "Dataset":
    from .loading import load_dataset
    from .reference import data_path

    target = path or data_path("programs.yaml")
    progress = Progress(target) if sys.stderr.isatty() else None
    try:
        return load_dataset(target, today, progress=progress)
    finally:
        if progress is not None:
            progress.close()


def find_program(dataset: "Dataset", program_id: str) -> "Program":
    """The program with this id, or a usage error with a "did you mean"."""
    from .models import vocab

    program = dataset.by_id(program_id)
    if program is None:
        hint = vocab.suggest(program_id, [p.id for p in dataset.programs])
        raise UsageError(
            f"no program with id '{program_id}' in {dataset.name}{hint}; "
            "expected an id from `imgplan programs list`"
        )
    return program


class Progress:
    """'reading FILE: 42%' on stderr while a large file is parsed (only on a terminal, and
    only when the file is actually parsed: a cache hit prints nothing)."""

    def __init__(self, path: Path) -> None:
        self.path, self.shown = path, False

    def __call__(self, fraction: float) -> None:
        self.shown = True
        from .cache import disabled

        note = "" if disabled() else " (once: later runs use the cache)"
        sys.stderr.write(f"\rimgplan: reading {self.path.name}{note}: {fraction:.0%}")
        sys.stderr.flush()

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def emit(text: str, output: Path | None, inputs: tuple[Path | None, ...] = ()) -> None:
    """Print, or write ``output`` atomically; never overwrite an input file."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    if any(p is not None and same_file(output, p) for p in inputs):
        raise UsageError(f"--output {output} is one of the input files; expected another path")
    write_output(output, text, overwrite=True)


def is_tty() -> bool:
    return sys.stdout.isatty()


def width() -> int:
    try:
        return max(80, os.get_terminal_size().columns) if is_tty() else 120
    except OSError:
        return 120


# Commands ---------------------------------------------------------------------------------


@app.command()
def recommend(
    profiles: Annotated[
        list[Path],
        typer.Argument(help="Your profile YAML; several for a batch (an advisor's list)."),
    ],
    programs: ProgramsOpt = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    today: TodayOpt = None,
    step2: Annotated[
        int | None, typer.Option(help="What-if: a Step 2 CK score.", min=1, max=300)
    ] = None,
    usce_months: Annotated[
        float | None, typer.Option(help="What-if: months of clinical USCE.", min=0, max=120)
    ] = None,
    step3: Annotated[str | None, typer.Option(help="What-if: 'pass' = Step 3 passed.")] = None,
    ecfmg: Annotated[
        bool | None, typer.Option("--ecfmg/--no-ecfmg", help="What-if: ECFMG certified.")
    ] = None,
    unlock: Annotated[
        bool, typer.Option("--unlock", help="Which single change opens the most excluded programs.")
    ] = False,
    specialty: Annotated[
        list[str] | None, typer.Option(help="Only this specialty (repeatable).")
    ] = None,
    state: Annotated[list[str] | None, typer.Option(help="Only this state (repeatable).")] = None,
    top: Annotated[int | None, typer.Option(help="Show the first N programs.", min=1)] = None,
    include_excluded: Annotated[
        bool, typer.Option("--include-excluded", help="List excluded programs, grouped by reason.")
    ] = False,
    fail_if_empty: Annotated[
        bool, typer.Option("--fail-if-empty", help="Exit 1 when no program is left.")
    ] = False,
    output_dir: Annotated[
        Path | None,
        typer.Option("--output-dir", help="Batch: write one file per profile here (NAME.FORMAT)."),
    ] = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Ranked, tiered, explained program list, with profile findings on top.

    With several profiles, the dataset is read once and each profile gets its own output:
    concatenated on stdout (JSON: one object with a `results` list), or one file per
    profile with --output-dir.
    """
    from .models import vocab
    from .recommend import recommend as run
    from .recommend import with_overrides
    from .reference import reference

    check_format(fmt, ("table", "json", "csv", "markdown"))
    day = today_from(today)
    if step3 is not None and step3.strip().lower() != "pass":
        raise UsageError(f"--step3 '{step3}' is not understood; expected --step3 pass")
    try:
        specialties = [vocab.specialty(s) for s in specialty or []]
        states = [vocab.state(s) for s in state or []]
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    bypass_cache(no_cache)
    if output_dir is not None and not output_dir.is_dir():
        raise UsageError(f"--output-dir {output_dir} is not a folder; expected an existing folder")
    # Every profile is read and validated before anything is written.
    people = [load_profile(path, day) for path in profiles]
    dataset = load_programs(programs, day)
    ref = reference()
    texts: list[tuple[Path, str]] = []
    docs = []
    empty = False
    for path, person in zip(profiles, people, strict=True):
        person = with_overrides(
            person, step2=step2, usce_months=usce_months, step3_pass=step3 is not None, ecfmg=ecfmg
        )
        rec = run(
            person,
            dataset,
            ref,
            day,
            specialties=specialties or None,
            states=states or None,
            top=top,
            unlock=unlock,
        )
        empty = empty or not rec.programs
        if fmt == "json":
            from .render import json_out

            doc = json_out.recommend(rec)
            docs.append({"path": str(path), **doc})
            texts.append((path, json_out.dumps(doc)))
        elif fmt == "csv":
            from .render.text import recommend_csv

            one_file = len(profiles) > 1 and output_dir is None
            texts.append(
                (
                    path,
                    recommend_csv(
                        rec,
                        profile=str(path) if one_file else None,
                        header=not one_file or not texts,
                    ),
                )
            )
        elif fmt == "markdown":
            from .render.text import recommend_markdown

            texts.append((path, recommend_markdown(rec)))
        else:
            from .render import plain

            texts.append(
                (
                    path,
                    plain.recommend(
                        rec,
                        width=width(),
                        color=is_tty() and output is None and output_dir is None,
                        include_excluded=include_excluded,
                    ),
                )
            )
    inputs = (*profiles, programs)
    if output_dir is not None:
        ext = {"table": "txt", "json": "json", "csv": "csv", "markdown": "md"}[fmt]
        for path, text in texts:
            emit(text, output_dir / f"{path.stem}.{ext}", inputs)
    elif len(texts) == 1:
        emit(texts[0][1], output, inputs)
    elif fmt == "json":
        from .render import json_out

        emit(json_out.dumps({"format": 1, "command": "recommend", "results": docs}), output, inputs)
    elif fmt == "csv":
        emit("".join(text for _, text in texts), output, inputs)
    else:
        emit("\n".join(f"==> {path} <==\n{text}" for path, text in texts), output, inputs)
    if fail_if_empty and empty:
        raise typer.Exit(EXIT_NO)


@app.command()
def explain(
    profile: ProfileArg,
    program_id: Annotated[str, typer.Argument(help="A program id from the dataset.")],
    programs: ProgramsOpt = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    today: TodayOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Every rule's finding for one program, with the figures and weights used."""
    bypass_cache(no_cache)
    from .recommend import assess
    from .reference import reference
    from .rules.context import Context

    check_format(fmt, ("table", "json"))
    day = today_from(today)
    person = load_profile(profile, day)
    dataset = load_programs(programs, day)
    program = find_program(dataset, program_id)
    result = assess(Context.of(person, reference(), day), program, dataset.as_of)
    if fmt == "json":
        from .render import json_out

        text = json_out.dumps(json_out.explain(result, dataset))
    else:
        from .render import table

        text = table.explain(result, dataset, width=width(), color=is_tty() and output is None)
    emit(text, output, (profile, programs))


@app.command()
def timeline(
    profile: Annotated[
        Path | None,
        typer.Argument(
            help="Profile (default $IMGPLAN_PROFILE, then ./profile.yaml; none: the generic roadmap)."
        ),
    ] = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    today: TodayOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Dated personal plan from Step 2 CK study to the CI fellowship match and boards."""
    bypass_cache(no_cache)
    from .reference import reference
    from .timeline import build

    check_format(fmt, ("table", "json", "ics", "markdown"))
    day = today_from(today)
    path = resolve_profile(profile)
    person = load_profile(path, day) if path is not None else None
    plan = build(person, reference(), day)
    if fmt == "json":
        from .render import json_out

        text = json_out.dumps(json_out.timeline(plan))
    elif fmt == "ics":
        from .render import ics

        text = ics.render(plan)
    elif fmt == "markdown":
        from .render.text import timeline_markdown

        text = timeline_markdown(plan)
    else:
        from .render import table

        text = table.timeline(plan, width=width(), color=is_tty() and output is None)
    if plan.generic and fmt in ("json", "ics"):
        sys.stderr.write("imgplan: no profile given: this is the generic roadmap\n")
    emit(text, output, (path,))


def resolve_profile(given: Path | None) -> Path | None:
    """PROFILE, else $IMGPLAN_PROFILE, else ./profile.yaml if it exists, else None."""
    if given is not None:
        return given
    env = os.environ.get("IMGPLAN_PROFILE")
    if env:
        return Path(env)
    default = Path("profile.yaml")
    return default if default.exists() else None


def _yes_no(value: str | None, option: str) -> bool | None:
    if value is None:
        return None
    text = value.strip().lower()
    if text in {"yes", "true", "y", "1"}:
        return True
    if text in {"no", "false", "n", "0"}:
        return False
    raise UsageError(f"{option} '{value}' is not understood; expected yes or no")


def _step_result(value: str | None, option: str, allowed: tuple[str, ...]) -> str | int | None:
    if value is None:
        return None
    text = value.strip().lower()
    if text in allowed:
        return text
    if text.isdigit() and 1 <= int(text) <= 300:
        return int(text)
    raise UsageError(
        f"{option} '{value}' is not understood; expected {' | '.join(allowed)} or a score 1-300"
    )


@app.command("check-step3")
def check_step3(
    profile: Annotated[
        Path | None,
        typer.Argument(
            help="Profile (default $IMGPLAN_PROFILE, then ./profile.yaml; optional when flags give the facts)."
        ),
    ] = None,
    programs: ProgramsOpt = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    today: TodayOpt = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No output, only the exit code.")
    ] = False,
    step1: Annotated[str | None, typer.Option(help="pass | fail | a legacy numeric score.")] = None,
    step1_attempts: Annotated[int | None, typer.Option(min=1, max=4)] = None,
    step2: Annotated[
        int | None, typer.Option(help="Step 2 CK score (taken).", min=1, max=300)
    ] = None,
    step2_attempts: Annotated[int | None, typer.Option(min=1, max=4)] = None,
    visa: Annotated[str | None, typer.Option(help="none | j1 | h1b | any.")] = None,
    ecfmg: Annotated[str | None, typer.Option(help="ECFMG certified: yes | no.")] = None,
    step3: Annotated[str | None, typer.Option(help="none | pass | fail | a score.")] = None,
    step3_attempts: Annotated[int | None, typer.Option(min=1, max=4)] = None,
    study_weeks: Annotated[
        int | None, typer.Option(help="Weeks you can study for Step 3.", min=0, max=104)
    ] = None,
    practice_percent: Annotated[
        float | None, typer.Option(help="Latest practice test, percent correct.", min=0, max=100)
    ] = None,
    confident: Annotated[
        bool | None,
        typer.Option("--confident/--not-confident", help="Confident of a comfortable pass."),
    ] = None,
    residency_start: Annotated[
        str | None, typer.Option(help="Matched/in residency: start date YYYY-MM-DD.")
    ] = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Step 3 go/no-go verdict with reasons; exit 0 only for 'take it now'."""
    bypass_cache(no_cache)
    from .models import vocab
    from .reference import reference
    from .rules.step3 import Step3Facts, decide

    check_format(fmt, ("table", "json"))
    day = today_from(today)
    path = resolve_profile(profile)
    flags = {
        "step1": _step_result(step1, "--step1", ("pass", "fail")),
        "step1_attempts": step1_attempts,
        "step2": step2,
        "step2_attempts": step2_attempts,
        "ecfmg": _yes_no(ecfmg, "--ecfmg"),
        "step3": _step_result(step3, "--step3", ("none", "pass", "fail")),
        "step3_attempts": step3_attempts,
        "study_weeks": study_weeks,
        "practice_percent": practice_percent,
        "confident": confident,
        "residency_start": today_from(residency_start, "--residency-start")
        if residency_start
        else None,
    }
    if visa is not None:
        try:
            flags["visa"] = vocab.visa(visa)
        except ValueError as exc:
            raise UsageError(f"--visa: {exc}") from None
    if path is None and all(v is None for v in flags.values()):
        raise UsageError(
            "no profile: give PROFILE, set IMGPLAN_PROFILE, create ./profile.yaml, "
            "or give the facts as flags (--step1 pass --step2 224 --ecfmg yes ...)"
        )
    person = load_profile(path, day) if path is not None else None
    facts = Step3Facts.from_profile(person) if person else Step3Facts()
    if step2 is not None:
        flags["step2_planned"] = False
    facts = facts.override(**flags)
    if programs is not None:
        count, example = _h1b_only(person, programs, day)
        facts = facts.override(h1b_only_programs=count)
        if example and not quiet:
            sys.stderr.write(
                f"imgplan: note: the H-1B-only count comes from '{example}', "
                "example data (illustrative programs)\n"
            )
    verdict = decide(facts, reference(), day)
    if not quiet:
        from .render.step3 import verdict_json, verdict_text

        text = verdict_text(verdict) if fmt == "table" else verdict_json(verdict, facts)
        emit(text, output, (path, programs))
    raise typer.Exit(verdict.exit_code)


def _h1b_only(person: "Profile | None", programs: Path, day: dt.date) -> tuple[int, str | None]:
    """Programs that sponsor only the H-1B: on the applicant's list, or in the whole dataset."""
    from .recommend import recommend as run
    from .reference import reference

    dataset = load_programs(programs, day)
    example = dataset.name if dataset.example else None
    if person is None:
        return sum(1 for p in dataset.programs if p.visas == ["h1b"]), example
    rec = run(person, dataset, reference(), day)
    return sum(1 for a in rec.programs if a.status == "conditional"), example


@app.command()
def chances(
    profile: ProfileArg,
    programs: ProgramsOpt = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    today: TodayOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Specialty match likelihood and percentile from public figures; programs and fees."""
    bypass_cache(no_cache)
    from .chances import chances as run
    from .recommend import recommend as recommend_run
    from .reference import reference

    check_format(fmt, ("table", "json"))
    day = today_from(today)
    person = load_profile(profile, day)
    rec = recommend_run(person, load_programs(programs, day), reference(), day)
    result = run(person, rec)
    if fmt == "json":
        from .render import json_out

        text = json_out.dumps(json_out.chances(result))
    else:
        from .render import table

        text = table.chances(result, width=width(), color=is_tty() and output is None)
    emit(text, output, (profile, programs))


@app.command()
def assess(
    profile: ProfileArg,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    today: TodayOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Informatics-portfolio strength on the guide's four core elements, and next actions."""
    bypass_cache(no_cache)
    from .reference import reference
    from .rules.portfolio import current_pgy, fellowship_readiness, strength

    check_format(fmt, ("table", "json", "markdown"))
    day = today_from(today)
    person = load_profile(profile, day)
    result = strength(person)
    readiness = fellowship_readiness(person) if person.residency else None
    pgy = current_pgy(person, day)
    source = reference().cite("exceptional_strength")
    if fmt == "json":
        from .render import json_out

        text = json_out.dumps(json_out.assess(person.name, result, readiness, pgy, source))
    elif fmt == "markdown":
        from .render.text import assess_markdown

        text = assess_markdown(person.name, result, readiness, pgy, source)
    else:
        from .render import table

        text = table.assess(
            person.name,
            result,
            readiness,
            pgy,
            source,
            width=width(),
            color=is_tty() and output is None,
        )
    emit(text, output, (profile,))


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Profiles and/or program datasets.")],
    fmt: FormatOpt = "table",
    today: TodayOpt = None,
) -> None:
    """Check profiles and datasets; report every problem at once, located. Exit 1 on problems,
    2 if a file cannot be read at all (missing, a folder or a pipe, too big)."""
    from .validate import validate_files

    check_format(fmt, ("table", "json"))
    results = validate_files(files, today_from(today))
    if fmt == "json":
        from .render import json_out

        doc = {
            "format": 1,
            "command": "validate",
            "files": [
                {
                    "path": r.path,
                    "kind": r.kind,
                    "valid": not r.problems,
                    "problems": [p.as_json() for p in r.problems],
                }
                for r in results
            ],
        }
        sys.stdout.write(json_out.dumps(doc))
    else:
        for r in results:
            if r.problems:
                for problem in r.problems:
                    typer.echo(str(problem))
            else:
                typer.echo(f"{r.path}: valid {r.kind}")
        bad = sum(1 for r in results if r.problems)
        count = sum(len(r.problems) for r in results)
        if bad:
            typer.echo(f"{count} problem(s) in {bad} of {len(results)} file(s)", err=True)
    if any(r.unreadable for r in results):
        raise typer.Exit(EXIT_INPUT)
    if any(r.problems for r in results):
        raise typer.Exit(EXIT_NO)


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the starter profile.")] = Path(
        "profile.yaml"
    ),
) -> None:
    """Write a commented starter profile (never overwrites an existing file)."""
    from .reference import data_path

    text = data_path("starter-profile.yaml").read_text(encoding="utf-8")
    write_output(path, text, overwrite=False)
    typer.echo(f"Wrote {path}. Edit it, then run: imgplan validate {path}", err=True)


@app.command()
def schema(
    kind: Annotated[str, typer.Argument(help="'profile' or 'programs'.")],
    output: OutputOpt = None,
) -> None:
    """Print the JSON Schema of a file format (for editors' YAML plugins)."""
    import json

    from .formats.profile import Profile
    from .formats.programs import Dataset

    models: dict[str, Any] = {"profile": Profile, "programs": Dataset}
    if kind not in models:
        raise UsageError(f"unknown schema '{kind}'; expected profile or programs")
    doc = models[kind].model_json_schema()
    doc = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"imgplan {kind} format 1",
        **doc,
    }
    emit(json.dumps(doc, indent=2) + "\n", output)


@programs_app.command("list")
def programs_list(
    programs: ProgramsOpt = None,
    specialty: Annotated[
        list[str] | None, typer.Option(help="Only this specialty (repeatable).")
    ] = None,
    state: Annotated[list[str] | None, typer.Option(help="Only this state (repeatable).")] = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    today: TodayOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """List the programs of a dataset (unknown figures shown as '?')."""
    bypass_cache(no_cache)
    from .models import vocab
    from .render import listing

    check_format(fmt, ("table", "json", "csv", "markdown"))
    day = today_from(today)
    try:
        specialties = {vocab.specialty(s) for s in specialty or []}
        states = {vocab.state(s) for s in state or []}
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    dataset = load_programs(programs, day)
    chosen = [
        p
        for p in dataset.programs
        if (not specialties or p.specialty in specialties) and (not states or p.state in states)
    ]
    text = listing.render_list(dataset, chosen, fmt, width=width())
    emit(text, output, (programs,))


@programs_app.command("show")
def programs_show(
    program_id: Annotated[str, typer.Argument(help="The program's id.")],
    programs: ProgramsOpt = None,
    fmt: FormatOpt = "table",
    today: TodayOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Show every figure of one program (unknown ones said so)."""
    bypass_cache(no_cache)
    from .render import listing

    check_format(fmt, ("table", "json"))
    dataset = load_programs(programs, today_from(today))
    program = find_program(dataset, program_id)
    sys.stdout.write(listing.render_show(dataset, program, fmt, width=width()))


@programs_app.command("import")
def programs_import(
    file: Annotated[Path, typer.Argument(help="A CSV export of your spreadsheet.")],
    output: OutputOpt = None,
    name: Annotated[str | None, typer.Option(help="Dataset name (default: the file name).")] = None,
    source: Annotated[str | None, typer.Option(help="Where the figures come from.")] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date of the figures (default: today).")
    ] = None,
    skip_bad_rows: Annotated[
        bool, typer.Option("--skip-bad-rows", help="Write the good rows; report the skipped ones.")
    ] = False,
    ignore_unknown_columns: Annotated[
        bool,
        typer.Option(
            "--ignore-unknown-columns", help="Drop columns imgplan does not know (reported)."
        ),
    ] = False,
    today: TodayOpt = None,
) -> None:
    """Turn a spreadsheet (CSV) of programs into a dataset; nothing is written unless every row is good."""
    from .datasets import dataset_yaml
    from .errors import InputError
    from .importing import MAX_BYTES, read_csv, to_dataset
    from .loading import read_text

    day = today_from(today)
    dated = today_from(as_of, "--as-of") if as_of else day
    text = read_text(file, MAX_BYTES)
    result = read_csv(text, str(file), ignore_unknown_columns=ignore_unknown_columns)
    if result.header_problems:
        raise InputError(result.header_problems)
    if result.problems and not skip_bad_rows:
        raise InputError(result.problems + [_hint_skip(file, result)])
    for column in result.ignored_columns:
        sys.stderr.write(f"imgplan: ignored unknown column '{column}'\n")
    for problem in result.problems:
        sys.stderr.write(f"skipped: {problem}\n")
    dataset, problems = to_dataset(
        result,
        name=name or file.stem,
        as_of=dated,
        source=source or f"imported from {file.name}",
        file=str(file),
    )
    if dataset is None:
        raise InputError(problems)
    yaml_text = dataset_yaml(
        dataset.name,
        dataset.as_of.isoformat(),
        dataset.source,
        False,
        result.programs,
        f"# Imported from {file.name} by imgplan programs import",
    )
    emit(yaml_text, output, (file,))
    skipped = f", skipped {len(result.skipped_rows)} bad row(s)" if result.skipped_rows else ""
    sys.stderr.write(
        f"imgplan: imported {len(result.programs)} program(s){skipped}"
        + (f" into {output}\n" if output else "\n")
    )


def _hint_skip(file: Path, result: Any) -> Any:
    from .errors import Problem

    return Problem(
        str(file),
        None,
        None,
        "",
        (
            f"{len(result.skipped_rows)} row(s) cannot be read, so nothing was written; expected "
            "every row good (fix them, or pass --skip-bad-rows to write the others)"
        ),
    )


@programs_app.command("diff")
def programs_diff(
    old: Annotated[Path, typer.Argument(help="The older dataset.")],
    new: Annotated[Path, typer.Argument(help="The newer dataset.")],
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 when the datasets differ (like git diff).")
    ] = False,
    today: TodayOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """What changed between two datasets, program by program and field by field."""
    bypass_cache(no_cache)
    from .datasets import diff
    from .render import listing

    check_format(fmt, ("table", "json"))
    day = today_from(today)
    result = diff(load_programs(old, day), load_programs(new, day))
    emit(listing.render_diff(result, str(old), str(new), fmt), output, (old, new))
    if exit_code and not result.empty:
        raise typer.Exit(EXIT_NO)


# The error boundary -----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    # A run builds many small objects and few reference cycles, then exits: the cyclic
    # garbage collector only costs time here (about 2x on a 13,000-program dataset).
    gc.disable()
    no_cache = os.environ.get("IMGPLAN_NO_CACHE")  # --no-cache sets it for this run only
    try:
        app(args=argv, prog_name="imgplan")
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else EXIT_INPUT)
    except InputError as exc:
        for problem in exc.problems:
            sys.stderr.write(f"{problem}\n")
        return EXIT_INPUT
    except UsageError as exc:
        sys.stderr.write(f"imgplan: error: {exc}\n")
        return EXIT_INPUT
    except KeyboardInterrupt:
        sys.stderr.write("imgplan: interrupted\n")
        return 130
    except BrokenPipeError:
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
        if no_cache is None:
            os.environ.pop("IMGPLAN_NO_CACHE", None)
        else:
            os.environ["IMGPLAN_NO_CACHE"] = no_cache
    return EXIT_OK

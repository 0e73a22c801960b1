"""`imgplan programs list | show | diff | import | merge`: browse a dataset, bring your real
list — the spreadsheets applicants actually have — and combine several sources with
provenance."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError, tell
from ..load.cache import from_settings
from ..load.files import check_first, deliver
from ..load.session import Run
from ..models.programs import Dataset
from .options import choose_format, parsed, printable, today_from, vocabulary
from .params import (
    DiffFormat,
    ListFormat,
    NoCacheOpt,
    OutputOpt,
    ProgramsOpt,
    ShowFormat,
    SpecialtyOpt,
    StateOpt,
    TodayOpt,
)
from .show import EXIT_NO, show

app = typer.Typer(help="Browse, import and compare program datasets.", no_args_is_help=True)


def _overrides(items: list[str] | None) -> tuple[tuple[str, str], ...]:

    out = []
    for item in items or []:
        field, sep, column = item.partition("=")
        field, column = field.strip(), column.strip()
        if not sep or not field or not column:
            raise UsageError(
                f"--map {item!r:.80} is not FIELD=COLUMN; expected e.g. --map step2ck_min='Step 2 (min)'"
            )
        # lazy: the cell parsers and the layouts they read are ~5 ms of every command's start
        from ..load.cells import PARSERS

        if field not in PARSERS:
            raise UsageError(
                f"--map {item!r:.80}: '{field:.40}' is not a field; expected one of: "
                + ", ".join(sorted(PARSERS))
            )
        out.append((field, column))
    return tuple(out)


@app.command("import")
def programs_import(
    file: Annotated[
        Path, typer.Argument(help="Your spreadsheet: CSV (any of the known layouts) or .xlsx.")
    ],
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
    map_: Annotated[
        list[str] | None,
        typer.Option("--map", help="FIELD=COLUMN: read FIELD from COLUMN (repeatable)."),
    ] = None,
    specialty: Annotated[
        str | None,
        typer.Option(help="The specialty of rows that name none (an ACGME listing, say)."),
    ] = None,
    sheet: Annotated[
        str | None, typer.Option(help="A workbook's sheet (default: the first).")
    ] = None,
    today: TodayOpt = None,
) -> None:
    """Turn a spreadsheet of programs into a dataset; nothing is written unless every row is
    good. Says which column fed which field."""
    # lazy: only the command run loads its core (start-up, benchmarks/README.md)
    from ..load.importing import import_programs

    from_settings(False)  # a setting that cannot mean anything is refused here too
    for option, text in (("--name", name), ("--source", source), ("--sheet", sheet)):
        parsed(option, printable, text)
    check_first(output, (file,))
    default = vocabulary([specialty], None)[0][0] if specialty else None
    day = today_from(today)
    result = import_programs(
        file,
        name=name,
        source=source,
        as_of=today_from(as_of, "--as-of") if as_of else day,
        skip_bad_rows=skip_bad_rows,
        ignore_unknown_columns=ignore_unknown_columns,
        overrides=_overrides(map_),
        specialty=default,
        sheet=sheet,
    )
    deliver(result.yaml_text, output, (file,))
    where = f" into {output}" if output else ""
    for note in result.notes:
        tell(f"{note}{where if note.startswith('imported') else ''}")


def _same(a: Path, b: Path) -> bool:
    """Two paths name the same file (a symbolic-link loop or a missing file names nothing)."""
    try:
        return a.resolve(strict=True) == b.resolve(strict=True)
    except (OSError, RuntimeError):
        return False


SHEETS = (".csv", ".tsv", ".psv", ".txt", ".xlsx", ".xlsm")


def _merged_input(r: Run, path: Path) -> Dataset:
    """A dataset to merge: a spreadsheet is imported first (its notes said on stderr)."""
    if path.suffix.lower() not in SHEETS:
        return r.programs(path)
    # lazy: only the command run loads its core (start-up, benchmarks/README.md)
    from ..load.importing import import_programs

    imported = import_programs(
        path,
        name=path.stem,
        source=f"imported from {path.name}",
        as_of=r.today,
        skip_bad_rows=False,
        ignore_unknown_columns=True,
    )
    for note in imported.notes:
        tell(f"{path}: {note}")
    return imported.dataset


@app.command("merge")
def programs_merge(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Datasets about the same programs: YAML datasets, 'eras' or 'example' (the "
            "bundled ones), or spreadsheets (CSV, .xlsx: imported as `programs import` reads "
            "them, unknown columns dropped)."
        ),
    ],
    output: OutputOpt = None,
    prefer: Annotated[
        Path | None,
        typer.Option(
            help="Your own file: its values win over newer ones (conflicts still listed)."
        ),
    ] = None,
    fail_on_conflict: Annotated[
        bool, typer.Option("--fail-on-conflict", help="Exit 1 when two sources disagree.")
    ] = False,
    name: Annotated[str | None, typer.Option(help="The merged dataset's name.")] = None,
    today: TodayOpt = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Read the files again.")] = False,
) -> None:
    """Combine datasets about the same programs; every field keeps where it came from."""
    # lazy: only the command run loads its core (start-up, benchmarks/README.md)
    from ..datasets import merge

    if len(files) < 2:
        raise UsageError("programs merge needs two or more datasets; expected A.yaml B.yaml ...")
    if prefer is not None and all(not _same(prefer, f) for f in files):
        raise UsageError(f"--prefer {prefer} is not one of the files merged; expected one of them")
    parsed("--name", printable, name)
    r = Run.start(today_from(today), no_cache)
    check_first(output, tuple(files))
    datasets = [(str(f), _merged_input(r, f)) for f in files]
    preferred = None if prefer is None else next(str(f) for f in files if _same(f, prefer))
    result = merge(datasets, preferred=preferred, name=name)
    deliver(result.chunks, output, tuple(files))  # written as made: the report follows it
    for line in result.report():
        tell(line)
    if fail_on_conflict and result.conflicts:
        raise typer.Exit(EXIT_NO)


@app.command("list")
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
    # lazy: only the command run loads its core (start-up, benchmarks/README.md)
    from ..commands.programs import list_programs

    chosen = choose_format("programs list", fmt)
    specialties, states = vocabulary(specialty, state)
    r = Run.start(today_from(today), no_cache)
    result = list_programs(r.programs(programs), set(specialties), set(states))
    show("programs list", chosen, result, output, (programs,))


@app.command("show")
def programs_show(
    program_id: Annotated[str, typer.Argument(help="The program's id.")],
    programs: ProgramsOpt = None,
    fmt: ShowFormat = "table",
    today: TodayOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Show every figure of one program (unknown ones said so)."""
    # lazy: only the command run loads its core (start-up, benchmarks/README.md)
    from ..commands.programs import ProgramView
    from ..lookup import find_program

    chosen = choose_format("programs show", fmt)
    dataset = Run.start(today_from(today), no_cache).programs(programs)
    show("programs show", chosen, ProgramView(dataset, find_program(dataset, program_id)), None, ())


@app.command("diff")
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
    # lazy: only the command run loads its core (start-up, benchmarks/README.md)
    from ..commands.programs import compare

    chosen = choose_format("programs diff", fmt)
    r = Run.start(today_from(today), no_cache)
    result = compare(r.programs(old), r.programs(new), str(old), str(new))
    show("programs diff", chosen, result, output, (old, new))
    if exit_code and not result.changes.empty:
        raise typer.Exit(EXIT_NO)

"""`imgplan programs import` and `programs merge` (issue #18): bring your real list — the
spreadsheets applicants actually have — and combine several sources with provenance."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .errors import UsageError
from .load.files import deliver
from .options import parsed, printable, today_from, vocabulary
from .params import OutputOpt, TodayOpt


def _overrides(items: list[str] | None) -> tuple[tuple[str, str], ...]:
    from .load.importing import PARSERS

    out = []
    for item in items or []:
        field, sep, column = item.partition("=")
        field, column = field.strip(), column.strip()
        if not sep or not field or not column:
            raise UsageError(
                f"--map {item!r:.80} is not FIELD=COLUMN; expected e.g. --map step2ck_min='Step 2 (min)'"
            )
        if field not in PARSERS:
            raise UsageError(
                f"--map {item!r:.80}: '{field:.40}' is not a field; expected one of: "
                + ", ".join(sorted(PARSERS))
            )
        out.append((field, column))
    return tuple(out)


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
    from .load.cache import from_settings
    from .load.importing import import_programs

    from_settings(False)  # a setting that cannot mean anything is refused here too
    for option, text in (("--name", name), ("--source", source), ("--sheet", sheet)):
        parsed(option, printable, text)
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
        sys.stderr.write(f"imgplan: {note}{where if note.startswith('imported') else ''}\n")


def programs_merge(
    files: Annotated[list[Path], typer.Argument(help="Datasets about the same programs (YAML).")],
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
    from .cli import EXIT_NO
    from .datasets import merge
    from .load.session import Run

    if len(files) < 2:
        raise UsageError("programs merge needs two or more datasets; expected A.yaml B.yaml ...")
    if prefer is not None and all(prefer.resolve() != f.resolve() for f in files):
        raise UsageError(f"--prefer {prefer} is not one of the files merged; expected one of them")
    parsed("--name", printable, name)
    r = Run.start(today_from(today), no_cache)
    datasets = [(str(f), r.programs(f)) for f in files]
    preferred = (
        None if prefer is None else next(str(f) for f in files if f.resolve() == prefer.resolve())
    )
    result = merge(datasets, preferred=preferred, name=name)
    deliver(result.yaml_text, output, tuple(files))
    for line in result.report():
        sys.stderr.write(f"imgplan: {line}\n")
    if fail_on_conflict and result.conflicts:
        raise typer.Exit(EXIT_NO)

"""`imgplan validate`, `init` and `schema`: the files a user writes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError, clip
from ..load.bundled import data_path
from ..load.cache import from_settings
from ..load.files import deliver, write_output
from ..render.formats import Format
from .options import choose_format, today_from
from .params import OutputOpt, TodayOpt, ValidateFormat
from .show import show


def validate(
    files: Annotated[list[Path], typer.Argument(help="Profiles and/or program datasets.")],
    fmt: ValidateFormat = "table",
    today: TodayOpt = None,
) -> None:
    """Check profiles and datasets; report every problem at once, located. Exit 1 on problems,
    2 if a file cannot be read at all (missing, a folder or a pipe, too big)."""
    # lazy: only the command run loads its core (start-up, benchmarks/README.md)
    from ..load.validate import validate_files

    chosen = choose_format("validate", fmt)
    from_settings(False)  # a setting that cannot mean anything is refused here too
    report = validate_files(files, today_from(today))
    show("validate", chosen, report, None, ())
    summary = report.summary()
    if summary and chosen is Format.table:
        sys.stderr.write(summary + "\n")
    raise typer.Exit(report.exit_code)


def init(
    path: Annotated[Path, typer.Argument(help="Where to write the starter profile.")] = Path(
        "profile.yaml"
    ),
) -> None:
    """Write a commented starter profile (never overwrites an existing file)."""

    text = data_path("starter-profile.yaml").read_text(encoding="utf-8")
    write_output(path, text, overwrite=False)
    typer.echo(
        f"Wrote {clip(str(path))}. Edit it, then run: imgplan validate {clip(str(path))}", err=True
    )


def schema(
    kind: Annotated[str, typer.Argument(help="'profile', 'programs' or 'fellowships'.")],
    output: OutputOpt = None,
) -> None:
    """Print the JSON Schema of a file format (for editors' YAML plugins)."""
    # lazy: only the command run loads its core (start-up, benchmarks/README.md)
    from ..formats import json_schema

    try:
        doc = json_schema(kind)
    except KeyError:
        raise UsageError(
            f"unknown schema '{kind}'; expected profile, programs or fellowships"
        ) from None
    deliver(doc, output)

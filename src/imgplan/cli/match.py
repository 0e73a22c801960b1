"""`imgplan match run MARKET`: the match engine (docs/season.md: The match engine). Couples are not
supported."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .options import choose_format
from .params import MatchFormat, OutputOpt
from .show import show

app = typer.Typer(
    help="The NRMP's matching algorithm (applicant-proposing deferred acceptance) on a market "
    "you give. Couples are not supported.",
    no_args_is_help=True,
)


@app.command("run")
def match_run(
    market: Annotated[
        Path,
        typer.Argument(
            help="A YAML file {programs: {P: {quota: N, ranks: [...]}}, applicants: {A: [...]}}, "
            "or a folder of applicants.csv, programs.csv, program_ranks.csv (and supplemental.csv)."
        ),
    ],
    fmt: MatchFormat = "table",
    output: OutputOpt = None,
    explain: Annotated[
        str | None, typer.Option(help="Say why this applicant matched where they did.")
    ] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Every match in the table (default: the first 50).")
    ] = False,
) -> None:
    """Run the applicant-proposing deferred-acceptance algorithm (Roth–Peranson, with program
    quotas and supplemental lists): the applicant-optimal stable matching. Couples are not
    supported. MARKET: a YAML file or a folder of CSV files (docs/season.md: The match engine). Bad
    markets (an unknown program, duplicates, quotas under 1, 300+ ranks) are exit 2 with
    located messages."""
    # lazy: only the command run loads its core (start-up, benchmarks/README.md)
    from ..commands.match import match
    from ..load.market import read_market

    chosen = choose_format("match run", fmt)
    result = match(read_market(market), str(market), explain)
    show("match run", chosen, result, output, (market,), include_excluded=show_all)

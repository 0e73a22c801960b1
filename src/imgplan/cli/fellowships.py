"""`imgplan fellowships list | show | diff | import`: the Clinical Informatics fellowship
directory (issue #16). The same shape as cli.py: options -> load -> one core call -> render."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError, tell
from ..load.cache import from_settings
from ..load.files import deliver
from ..load.loading import load_directory
from ..load.session import Run
from ..models import vocab
from ..models.fellowships import city_key
from .options import choose_format, parsed, printable, today_from, vocabulary
from .params import (
    FellowshipsDiffFormat,
    FellowshipsListFormat,
    FellowshipsOpt,
    FellowshipsShowFormat,
    NoCacheOpt,
    OutputOpt,
    StateOpt,
    TodayOpt,
    finite,
)
from .show import EXIT_NO, show

app = typer.Typer(
    help="The Clinical Informatics fellowship directory: list, show, compare, import.",
    no_args_is_help=True,
)


def _run(today: str | None, no_cache: bool, directory: Path | None) -> Run:
    r = Run.start(today_from(today), no_cache)
    r.directory_path = directory
    return r


def _which(directory: Path | None) -> str:
    return "bundled" if directory is None else str(directory)


def _near(
    text: str, coords: dict[tuple[str, str], tuple[float, float]]
) -> tuple[str, tuple[float, float]]:
    """'Boston,MA' -> ('Boston, MA', coordinates); a usage error when the place is unknown."""

    city, _, state = text.rpartition(",")
    if not city.strip() or not state.strip():
        raise UsageError(
            f"--near {text!r:.80} is not a place; expected CITY,ST (e.g. --near 'Boston,MA')"
        )
    try:
        code = vocab.state(state.strip())
    except ValueError as exc:
        raise UsageError(f"--near {text!r:.80}: {exc}") from None
    point = coords.get(city_key(city, code))
    if point is None:
        raise UsageError(
            f"--near {text!r:.80}: {city.strip()!r:.60}, {code} is not in imgplan's city table "
            "(US places of 1,000+ inhabitants, GeoNames); expected a US city or town"
        )
    return f"{city.strip()}, {code}", point


@app.command("list")
def fellowships_list(
    state: StateOpt = None,
    department: Annotated[
        list[str] | None,
        typer.Option(help="Only programs housed in this department (repeatable), e.g. IM, Peds."),
    ] = None,
    visa: Annotated[
        str | None, typer.Option(help="Only programs known to take this visa: j1 | h1b.")
    ] = None,
    near: Annotated[
        str | None, typer.Option(help="Sort by distance from CITY,ST (e.g. 'Boston,MA').")
    ] = None,
    within: Annotated[
        float | None,
        typer.Option(
            help="With --near: only programs within MILES.", min=1, max=3000, callback=finite
        ),
    ] = None,
    fellowships: FellowshipsOpt = None,
    fmt: FellowshipsListFormat = "table",
    output: OutputOpt = None,
    today: TodayOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """List the directory's programs (every row with its confidence; unknown = verify)."""
    # lazy: only the command run loads its core (start-up, benchmarks/README.md)
    from ..commands.fellowships import list_fellowships

    chosen = choose_format("fellowships list", fmt)
    from ..models import vocab

    _, states = vocabulary(None, state)
    departments = [parsed("--department", vocab.specialty, d) for d in department or []]
    if visa is not None and visa.strip().lower().replace("-", "") not in ("j1", "h1b"):
        raise UsageError(f"--visa {visa!r:.40} is not understood; expected j1 or h1b")
    if within is not None and near is None:
        raise UsageError("--within needs --near CITY,ST; expected both")
    r = _run(today, no_cache, fellowships)
    place = _near(near, r.bundled.cities) if near is not None else None
    result = list_fellowships(
        r.directory,
        _which(fellowships),
        states=states,
        departments=departments,
        visa=visa.strip().lower().replace("-", "") if visa else None,
        near=place,
        within=within,
        coords=r.bundled.cities,
    )
    show("fellowships list", chosen, result, output, (fellowships,))


@app.command("show")
def fellowships_show(
    fellowship_id: Annotated[str, typer.Argument(help="The fellowship's id (or its start).")],
    fellowships: FellowshipsOpt = None,
    fmt: FellowshipsShowFormat = "table",
    today: TodayOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Every fact the directory holds about one program, with its sources and their dates."""
    # lazy: only the command run loads its core (start-up, benchmarks/README.md)
    from ..commands.fellowships import FellowshipView
    from ..models import vocab
    from .show import show

    chosen = choose_format("fellowships show", fmt)
    directory = _run(today, no_cache, fellowships).directory
    by_id = {f.id: f for f in directory.fellowships}
    text = fellowship_id.strip()
    found = by_id.get(text)
    starting = [fid for fid in by_id if text and fid.startswith(text)]
    if found is None and len(starting) == 1:
        found = by_id[starting[0]]
    if found is None:
        hint = vocab.suggest(text, list(by_id))
        raise UsageError(
            f"no fellowship with id '{text:.80}' in {directory.name}{hint}; expected an id from "
            "`imgplan fellowships list` (or the start of exactly one)"
        )
    show(
        "fellowships show", chosen, FellowshipView(directory, found, _which(fellowships)), None, ()
    )


@app.command("diff")
def fellowships_diff(
    old: Annotated[Path, typer.Argument(help="The older directory.")],
    new: Annotated[Path, typer.Argument(help="The newer directory.")],
    fmt: FellowshipsDiffFormat = "table",
    output: OutputOpt = None,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 when the directories differ.")
    ] = False,
    today: TodayOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """What changed between two directories, entry by entry and field by field."""
    # lazy: only the command run loads its core (start-up, benchmarks/README.md)
    from ..commands.fellowships import diff_fellowships

    chosen = choose_format("fellowships diff", fmt)
    r = Run.start(today_from(today), no_cache)
    a = load_directory(old, r.today, cache=r.cache)
    b = load_directory(new, r.today, cache=r.cache)
    result = diff_fellowships(a, b, str(old), str(new))
    show("fellowships diff", chosen, result, output, (old, new))
    if exit_code and not result.empty:
        raise typer.Exit(EXIT_NO)


@app.command("import")
def fellowships_import(
    file: Annotated[
        Path, typer.Argument(help="A CSV in the directory's layout (ci-fellowships.csv).")
    ],
    output: OutputOpt = None,
    name: Annotated[
        str | None, typer.Option(help="Directory name (default: the file name).")
    ] = None,
    source: Annotated[str | None, typer.Option(help="Where the facts come from.")] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date of the facts (default: today).")
    ] = None,
    today: TodayOpt = None,
) -> None:
    """Turn a directory spreadsheet (CSV) into a directory YAML for --fellowships; nothing is
    written unless every row is good."""
    # lazy: only the command run loads its core (start-up, benchmarks/README.md)
    from ..load.directory import import_directory

    from_settings(False)
    for option, text in (("--name", name), ("--source", source)):
        parsed(option, printable, text)
    day = today_from(today)
    result = import_directory(
        file, name=name, source=source, as_of=today_from(as_of, "--as-of") if as_of else day
    )
    deliver(result.yaml_text, output, (file,))
    where = f" into {output}" if output else ""
    for note in result.notes:
        tell(f"{note}{where}")

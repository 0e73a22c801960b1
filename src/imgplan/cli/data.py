"""`imgplan data`: every bundled data file with its source and age."""

from __future__ import annotations

from ..load.bundled import cities_source, data_path
from ..load.session import Run
from .options import choose_format, today_from
from .params import DataFormat, NoCacheOpt, OutputOpt, TodayOpt
from .show import show


def data(
    fmt: DataFormat = "table",
    output: OutputOpt = None,
    today: TodayOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Every bundled data file: what it holds, its source, edition and age, the season it
    serves."""
    # lazy: only the command run loads its core (start-up, benchmarks/README.md)
    from ..commands import data as command

    chosen = choose_format("data", fmt)
    r = Run.start(today_from(today), no_cache)
    b = r.bundled
    aliases = (
        sum(
            1
            for line in data_path("city-aliases.csv").read_text(encoding="utf-8").splitlines()[1:]
            if line and not line.startswith("#")
        )
        - 1
    )  # the header row
    bundle = command.Bundle(
        programs=r.programs(data_path("programs.yaml")),
        example=r.programs(data_path("example-programs.yaml")),
        directory=b.fellowships,
        reference=b.reference,
        calendar=b.calendar,
        outcomes=b.outcomes,
        signals=b.signals,
        advice=b.advice,
        visa_policy=b.visa_policy,
        cities=(cities_source(), len(b.cities)),
        aliases=aliases,
    )
    show("data", chosen, command.run(bundle, r.today), output, ())

"""imgplan's own data files (``data/``): the reference figures, the calendar, the outcome
figures. Loaded here, like any input, and handed to the core as records."""

from __future__ import annotations

import csv
import datetime as dt
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct

from ..models.fellowships import city_key
from .cache import Cache
from .kinds import Kind
from .loading import load_directory, load_file

if TYPE_CHECKING:
    from ..models.advice import AdviceData
    from ..models.calendar import CalendarData
    from ..models.fellowships import FellowshipDirectory
    from ..models.outcomes import Outcomes
    from ..models.reference import Reference
    from ..models.signals import SignalsData
    from ..models.visa_policy import VisaPolicy

MAX_BYTES = 1 << 20


def data_path(name: str) -> Path:
    """A bundled data file, found the same way in a wheel and in a source checkout (next to
    this package: `importlib.resources` would find the same file and cost ~8 ms of imports
    on every run, tempfile and random among them)."""
    return Path(__file__).resolve().parent.parent / "data" / name


def _load(name: str, fmt: Kind, cache: Cache | None) -> Any:
    return load_file(
        data_path(name),
        MAX_BYTES,
        fmt,
        dt.date.max,
        f"imgplan's {name}",
        kind=f"bundled:{name}",
        cache=cache,
    )


def reference(cache: Cache | None) -> Reference:
    return _load("reference.yaml", Kind.reference, cache)


def calendar(cache: Cache | None) -> CalendarData:
    return _load("calendar.yaml", Kind.calendar, cache)


def outcomes(cache: Cache | None) -> Outcomes:
    return _load("outcomes.yaml", Kind.outcomes, cache)


def signals(cache: Cache | None) -> SignalsData:
    return _load("signals.yaml", Kind.signals, cache)


def advice(cache: Cache | None) -> AdviceData:
    return _load("advice.yaml", Kind.advice, cache)


def visa_policy(cache: Cache | None) -> VisaPolicy:
    return _load("visa-policy.yaml", Kind.visa_policy, cache)


def fellowships(cache: Cache | None) -> FellowshipDirectory:

    return load_directory(data_path("fellowships.yaml"), dt.date.max, cache=cache)


def cities_source() -> str:
    """The city table's first line: where its places come from."""
    with data_path("us-cities.csv").open(encoding="utf-8") as fh:
        return fh.readline().lstrip("# ").strip()


def cities() -> dict[tuple[str, str], tuple[float, float]]:
    """US and Puerto Rico places' coordinates by (folded name, state): data/us-cities.csv
    (GeoNames, CC BY 4.0; see tools/make_cities.py), plus the places data/city-aliases.csv
    reads as one of them. About 17,000 rows, read in ~20 ms."""
    out: dict[tuple[str, str], tuple[float, float]] = {}
    with data_path("us-cities.csv").open(encoding="utf-8", newline="") as fh:
        rows = csv.reader(line for line in fh if not line.startswith("#"))
        next(rows)
        for name, state, lat, lon in rows:
            out.setdefault(city_key(name, state), (float(lat), float(lon)))
    with data_path("city-aliases.csv").open(encoding="utf-8", newline="") as fh:
        rows = csv.reader(line for line in fh if not line.startswith("#"))
        next(rows)
        for name, state, place, _ in rows:
            found = out.get(city_key(place, state))
            if found is not None:
                out.setdefault(city_key(name, state), found)
    return out


class Bundled(Struct, dict=True):
    """Every bundled data file a command may need, each loaded once, on first use."""

    cache: Cache | None

    @cached_property
    def reference(self) -> Reference:
        return reference(self.cache)

    @cached_property
    def calendar(self) -> CalendarData:
        return calendar(self.cache)

    @cached_property
    def outcomes(self) -> Outcomes:
        return outcomes(self.cache)

    @cached_property
    def signals(self) -> SignalsData:
        return signals(self.cache)

    @cached_property
    def advice(self) -> AdviceData:
        return advice(self.cache)

    @cached_property
    def visa_policy(self) -> VisaPolicy:
        return visa_policy(self.cache)

    @cached_property
    def fellowships(self) -> FellowshipDirectory:
        return fellowships(self.cache)

    @cached_property
    def cities(self) -> dict[tuple[str, str], tuple[float, float]]:
        return cities()

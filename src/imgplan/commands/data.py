"""`imgplan data`: every bundled data file, what it holds, where it comes from, how old it is
and the season it serves. Pure: the loaded records and the files' sizes are parameters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from msgspec import Struct

from ..ages import age_months, edition_year
from ..models.advice import AdviceData
from ..models.calendar import CalendarData
from ..models.fellowships import FellowshipDirectory
from ..models.outcomes import Outcomes
from ..models.programs import Dataset
from ..models.reference import Reference
from ..models.signals import SignalsData
from ..models.values import plural
from ..models.visa_policy import VisaPolicy


class DataFile(Struct, frozen=True):
    name: str  # the file in data/
    holds: str
    source: str
    edition: str
    as_of: dt.date | None
    age_months: int | None
    serves: str  # the season (or use) it serves


class DataReport(Struct):
    today: dt.date
    files: list[DataFile]


class Bundle(Struct, frozen=True):
    """Every bundled data file, loaded; the plain files by their header line and row count."""

    programs: Dataset
    example: Dataset
    directory: FellowshipDirectory
    reference: Reference
    calendar: CalendarData
    outcomes: Outcomes
    signals: SignalsData
    advice: AdviceData
    visa_policy: VisaPolicy
    cities: tuple[str, int]  # (the table's source line, places)
    aliases: int  # places read as another


def run(b: Bundle, today: dt.date) -> DataReport:
    def age(day: dt.date | None) -> int | None:
        return None if day is None else age_months(day, today)

    rows = [*_program_files(b, age), *_figure_files(b, age), *_rule_files(b, age)]
    return DataReport(today, rows)


def _program_files(b: Bundle, age: Callable[[dt.date | None], int | None]) -> list[DataFile]:
    """The program lists and the fellowship directory."""
    return [
        DataFile(
            "programs.yaml",
            f"{len(b.programs.programs):,} real residency programs (`--programs eras`, the "
            "default): names, ACGME IDs, places, ERAS flags; every policy figure unknown",
            b.programs.source,
            b.programs.name,
            b.programs.as_of,
            age(b.programs.as_of),
            f"the {b.programs.as_of.year} Match (ERAS {b.programs.as_of.year} season); later "
            "seasons: re-import",
        ),
        DataFile(
            "example-programs.yaml",
            f"{len(b.example.programs):,} fictional programs with figures (`--programs "
            "example`): every rule at work",
            b.example.source,
            b.example.name,
            b.example.as_of,
            age(b.example.as_of),
            "demonstration and tests only",
        ),
        DataFile(
            "fellowships.yaml",
            f"{len(b.directory.fellowships)} Clinical Informatics fellowships, each with its "
            "sources, dates and confidence",
            b.directory.source,
            b.directory.name,
            b.directory.as_of,
            age(b.directory.as_of),
            "CI applications from July; the directory may be incomplete",
        ),
    ]


def _figure_files(b: Bundle, age: Callable[[dt.date | None], int | None]) -> list[DataFile]:
    """The published figures and calendars."""
    co = b.outcomes.charting_outcomes
    cotm = edition_year(co.edition)
    seasons = sorted(b.signals.seasons)
    published = sorted(b.calendar.seasons)
    return [
        DataFile(
            "outcomes.yaml",
            "NRMP Charting Outcomes for non-US IMGs, match results, ERAS / ResidencyCAS / NRMP "
            "and fellowship fees",
            co.source,
            co.edition,
            None,
            None,
            f"the {cotm} Match (odds for later Matches assume they are like it)"
            if cotm
            else co.edition,
        ),
        DataFile(
            "calendar.yaml",
            "application calendars: published season dates and the pattern for later ones",
            b.calendar.pattern.source,
            f"published: {', '.join(map(str, published))}",
            b.calendar.as_of,
            age(b.calendar.as_of),
            f"the Matches {published[0]}-{published[-1]} as published; later ones estimated"
            if published
            else "estimated seasons",
        ),
        DataFile(
            "signals.yaml",
            "program signal counts by season and specialty",
            "; ".join(dict.fromkeys(b.signals.seasons[y].source for y in seasons)),
            f"seasons {', '.join(map(str, seasons))}",
            b.signals.as_of,
            age(b.signals.as_of),
            f"up to the {seasons[-1]} season; later seasons carry {seasons[-1]}'s counts "
            "forward (verify)",
        ),
    ]


def _rule_files(b: Bundle, age: Callable[[dt.date | None], int | None]) -> list[DataFile]:
    """What the rules read: reference figures, advice, visa rules and places."""
    return [
        DataFile(
            "reference.yaml",
            f"{plural(len(b.reference.figures), 'figure')} the rules use (pass marks, the "
            "guide's thresholds, survey figures), each with its source",
            f"{plural(len(b.reference.sources), 'source')} (official, secondary, the guide, "
            "imgplan's conventions)",
            "as_of " + b.reference.as_of.isoformat(),
            b.reference.as_of,
            age(b.reference.as_of),
            "every season (each figure dated by its source)",
        ),
        DataFile(
            "advice.yaml",
            f"{plural(len(b.advice.advice), 'line')} of what matters now, by stage and phase",
            "NRMP, AAMC, ECFMG, USMLE, AMIA and surveys (each line names its source)",
            "as_of " + b.advice.as_of.isoformat(),
            b.advice.as_of,
            age(b.advice.as_of),
            "every season",
        ),
        DataFile(
            "visa-policy.yaml",
            f"{plural(len(b.visa_policy.rules), 'visa and travel rule')} (the H-1B fee, the "
            "travel ban, J-1 and H-1B clocks, Statements of Need ...), each with its status and date",
            "proclamations, federal rules, USCIS, ECFMG, institutional summaries (each rule tagged)",
            "as_of "
            + b.visa_policy.as_of.isoformat()
            + f"; oldest rule checked {min(r.as_of for r in b.visa_policy.rules).isoformat()}",
            b.visa_policy.as_of,
            age(b.visa_policy.as_of),
            "until the rules change: each line says 'verify'; a rule checked over six months ago is marked stale",
        ),
        DataFile(
            "us-cities.csv",
            f"{b.cities[1]:,} US and Puerto Rico places with coordinates (distances to CI "
            f"fellowships), and {b.aliases} places read as one of them (city-aliases.csv)",
            b.cities[0],
            "GeoNames cities1000",
            None,
            None,
            "any season",
        ),
    ]

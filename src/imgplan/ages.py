"""How old each bundled figure is against the season it is applied to (imgplan data): a
command that uses a figure older than the season it plans says so, once. Pure: the records
and the season are parameters."""

from __future__ import annotations

import datetime as dt
import re

from .models.fellowships import FellowshipDirectory
from .models.outcomes import Outcomes
from .models.programs import Dataset
from .models.signals import SignalsData
from .nownext import Line
from .signals import allowance


def edition_year(edition: str) -> int | None:
    """The year an edition names ('2026 Main Residency Match' -> 2026), or None."""
    found = re.search(r"\b(19|20)\d{2}\b", edition)
    return int(found.group()) if found else None


def age_lines(
    season: int | None,
    *,
    dataset: Dataset | None = None,
    outcomes: Outcomes | None = None,
    signals: SignalsData | None = None,
    specialties: list[str] | None = None,
    directory: FellowshipDirectory | None = None,
    fellowship_year: int | None = None,
) -> list[Line]:
    """One line per figure older than ``season`` (the Match planned): the program list, the
    Charting Outcomes edition, carried-forward signal counts; and the fellowship directory
    against the July of ``fellowship_year``."""
    out: list[Line] = []
    if (
        season is not None
        and dataset is not None
        and not dataset.example
        and season > dataset.as_of.year
    ):
        out.append(
            Line(
                f"The program list is {dataset.name} (as of {dataset.as_of.isoformat()}); "
                f"programs for the {season} Match may differ: verify, and re-import the "
                "next list when it is published (`imgplan programs import`).",
                dataset.source,
            )
        )
    if season is not None and outcomes is not None:
        co = outcomes.charting_outcomes
        year = edition_year(co.edition)
        if year is not None and season > year:
            out.append(
                Line(
                    f"NRMP Charting Outcomes {year} describe the {year} Match: no edition for "
                    f"{season} exists yet, so the odds assume the {season} Match is like "
                    f"{year}'s.",
                    f"{co.source} ({co.edition})",
                )
            )
    if season is not None and signals is not None:
        carried = {}
        for spec in specialties or []:
            share = allowance(season, spec, signals)
            if share.carried_from is not None:
                carried[share.carried_from] = share.source
        for year, source in carried.items():
            out.append(
                Line(
                    f"Signal counts for the {season} season are not published: the {year} "
                    "counts are carried forward (verify before you submit).",
                    source,
                )
            )
    if (
        fellowship_year is not None
        and directory is not None
        and fellowship_year > directory.as_of.year
    ):
        out.append(
            Line(
                f"The CI fellowship directory is as of {directory.as_of.isoformat()}; for "
                f"the July {fellowship_year} applications verify each program on AMIA's "
                "and ACGME's lists.",
                directory.source,
            )
        )
    return out


def age_months(as_of: dt.date, today: dt.date) -> int:
    return (today.year - as_of.year) * 12 + (today.month - as_of.month)

"""Application calendars: published seasons from data/calendar.yaml, later ones estimated.

Pure: every function takes the calendar figures (a `models.calendar.CalendarData` record,
loaded by `load.bundled`) as a parameter.

Every date comes back with its certainty (``published`` or ``estimated``) and source.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .models.calendar import CalendarData


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th (1-based) weekday (Mon=0) of a month."""
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


WED, THU, FRI = 2, 3, 4


@dataclass(frozen=True)
class Dated:
    date: dt.date
    certainty: str  # published | estimated
    source: str


@dataclass(frozen=True)
class MatchSeason:
    match_year: int
    published: bool
    source: str
    eras_opens: dt.date
    eras_submit: dt.date
    programs_review: dt.date
    rank_list_deadline: dt.date
    soap_start: dt.date
    soap_end: dt.date
    match_day: dt.date

    @property
    def certainty(self) -> str:
        return "published" if self.published else "estimated"

    @property
    def residency_start(self) -> dt.date:
        return dt.date(self.match_year, 7, 1)


def match_season(year: int, data: CalendarData) -> MatchSeason:
    if year in data.seasons:
        s = data.seasons[year]
        return MatchSeason(
            year,
            True,
            s.source,
            s.eras_opens,
            s.eras_submit,
            s.programs_review,
            s.rank_list_deadline,
            s.soap_start,
            s.soap_end,
            s.match_day,
        )
    p = data.pattern
    submit = nth_weekday(year - 1, 9, WED, 1)
    match_day = nth_weekday(year, 3, FRI, 3)
    return MatchSeason(
        year,
        False,
        p.source,
        eras_opens=nth_weekday(year - 1, 6, WED, 1),
        eras_submit=submit,
        programs_review=submit + dt.timedelta(days=p.programs_review_days_after_submit),
        rank_list_deadline=match_day - dt.timedelta(days=p.rank_list_deadline_days_before_match),
        soap_start=match_day - dt.timedelta(days=4),
        soap_end=match_day - dt.timedelta(days=1),
        match_day=match_day,
    )


def _pair(first: dt.date, second: dt.date, certainty: str, source: str) -> tuple[Dated, Dated]:
    return Dated(first, certainty, source), Dated(second, certainty, source)


def fellowship_submit(year: int, data: CalendarData) -> tuple[Dated, Dated]:
    """(ERAS fellowship July-cycle submission opens, programs review) for applications in year."""
    if year in data.fellowship_seasons:
        f = data.fellowship_seasons[year]
        return _pair(f.eras_submit, f.programs_review, "published", f.source)
    submit = nth_weekday(year, 7, WED, 1)
    review = submit + dt.timedelta(days=data.pattern.fellowship_review_days_after_submit)
    return _pair(submit, review, "estimated", data.pattern.source)


def amia_match(year: int, data: CalendarData) -> tuple[Dated, Dated]:
    """(rank commit deadline, results) of the AMIA CI fellowship match in December of year."""
    if year in data.amia_match:
        m = data.amia_match[year]
        return _pair(m.commit_deadline, m.results, "published", m.source)
    commit = nth_weekday(year, 12, THU, 1)
    results = commit + dt.timedelta(days=data.pattern.amia_results_days_after_commit)
    return _pair(commit, results, "estimated", data.pattern.source)

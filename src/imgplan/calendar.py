"""Application calendars: published seasons from data/calendar.yaml, later ones estimated.

Pure: every function takes the calendar figures (a `models.calendar.CalendarData` record,
loaded by `load.bundled`) as a parameter.

Every date comes back with its certainty (``published`` or ``estimated``) and source.
"""

from __future__ import annotations

import datetime as dt
import functools

from msgspec import Struct

from .models.calendar import CalendarData


def add_years(date: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (28 February for a 29 February)."""
    try:
        return date.replace(year=date.year + years)
    except ValueError:
        return date.replace(year=date.year + years, day=28)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th (1-based) weekday (Mon=0) of a month."""
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


MON, WED, THU, FRI, SAT, SUN = 0, 2, 3, 4, 5, 6


def _observed(day: dt.date) -> dt.date:
    """A fixed-date federal holiday on a Saturday is observed the Friday before, on a Sunday
    the Monday after (5 U.S.C. 6103; OPM)."""
    if day.weekday() == SAT:
        return day - dt.timedelta(days=1)
    if day.weekday() == SUN:
        return day + dt.timedelta(days=1)
    return day


def _last_weekday(year: int, month: int, weekday: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


@functools.cache  # a year's holidays are fixed; a batch of profiles places dates 1,000 times
def federal_holidays(year: int) -> frozenset[dt.date]:
    """The US federal holidays of ``year`` (5 U.S.C. 6103), the fixed-date ones on their
    observed day as well: New Year's Day, Martin Luther King Jr. Day, Washington's Birthday,
    Memorial Day, Juneteenth, Independence Day, Labor Day, Columbus Day, Veterans Day,
    Thanksgiving Day, Christmas Day. Written here rather than imported from the `holidays`
    package (~0.1 s to import, and every command builds the timeline); a test compares the
    two over 2020-2040."""
    dates = (
        ((1, 1), (6, 19), (7, 4), (11, 11), (12, 25))
        if year >= 2021
        else ((1, 1), (7, 4), (11, 11), (12, 25))
    )  # Juneteenth from 2021
    fixed = [dt.date(year, m, d) for m, d in dates]
    days = set(fixed) | {_observed(d) for d in fixed}
    days |= {_observed(dt.date(year + 1, 1, 1))} & {dt.date(year, 12, 31)}
    days |= {
        nth_weekday(year, 1, MON, 3),
        nth_weekday(year, 2, MON, 3),
        _last_weekday(year, 5, MON),
        nth_weekday(year, 9, MON, 1),
        nth_weekday(year, 10, MON, 2),
        nth_weekday(year, 11, THU, 4),
    }
    return frozenset(d for d in days if d.year == year)


def working_day(day: dt.date) -> dt.date:
    """``day``, or the next day that is neither a weekend nor a US federal holiday: where
    imgplan places an estimated date (an exam, an application window opening)."""
    while day.weekday() >= SAT or day in federal_holidays(day.year):
        day += dt.timedelta(days=1)
    return day


class Dated(Struct, frozen=True):
    date: dt.date
    certainty: str  # published | estimated
    source: str


SEASON_DATES = (
    "eras_opens",
    "eras_submit",
    "programs_review",
    "rank_list_deadline",
    "soap_start",
    "soap_end",
    "match_day",
)


class MatchSeason(Struct, frozen=True):
    """One Match season's dates, each with its own certainty and source: a date the calendar
    data gives is ``published`` (its source says whether official or secondary); any other is
    ``estimated`` from the pattern."""

    match_year: int
    dates: dict[str, Dated]

    def dated(self, name: str) -> Dated:
        return self.dates[name]

    @property
    def eras_opens(self) -> dt.date:
        return self.dates["eras_opens"].date

    @property
    def eras_submit(self) -> dt.date:
        return self.dates["eras_submit"].date

    @property
    def programs_review(self) -> dt.date:
        return self.dates["programs_review"].date

    @property
    def rank_list_deadline(self) -> dt.date:
        return self.dates["rank_list_deadline"].date

    @property
    def soap_start(self) -> dt.date:
        return self.dates["soap_start"].date

    @property
    def soap_end(self) -> dt.date:
        return self.dates["soap_end"].date

    @property
    def match_day(self) -> dt.date:
        return self.dates["match_day"].date

    @property
    def residency_start(self) -> dt.date:
        return dt.date(self.match_year, 7, 1)


def pattern_dates(
    year: int, data: CalendarData, match_day: dt.date | None = None
) -> dict[str, dt.date]:
    """The season's dates by the pattern (FACTS §4): ERAS opens the first Wednesday of June and
    takes submissions from the first Wednesday of September of the year before the Match;
    Match Day is the third Friday of March; the rank-list deadline is 16 days before it (the
    pattern's figure); SOAP runs Monday to Thursday of Match week."""
    p = data.pattern
    submit = nth_weekday(year - 1, 9, WED, 1)
    match_day = match_day or nth_weekday(year, 3, FRI, 3)
    return {
        "eras_opens": nth_weekday(year - 1, 6, WED, 1),
        "eras_submit": submit,
        "programs_review": submit + dt.timedelta(days=p.programs_review_days_after_submit),
        "rank_list_deadline": match_day - dt.timedelta(days=p.rank_list_deadline_days_before_match),
        "soap_start": match_day - dt.timedelta(days=4),
        "soap_end": match_day - dt.timedelta(days=1),
        "match_day": match_day,
    }


def match_season(year: int, data: CalendarData) -> MatchSeason:
    given = data.seasons.get(year)
    published = {
        name: getattr(given, name)
        for name in SEASON_DATES
        if given is not None and getattr(given, name) is not None
    }
    # Dates tied to Match Day follow a published Match Day.
    estimated = pattern_dates(year, data, published.get("match_day"))
    dates = {}
    for name in SEASON_DATES:
        if name in published:
            dates[name] = Dated(published[name], "published", given.source)  # type: ignore[union-attr]
        else:
            dates[name] = Dated(estimated[name], "estimated", data.pattern.source)
    return MatchSeason(year, dates)


def month_day(year: int, text: str) -> dt.date:
    """'MM-DD' of the calendar data, in ``year``."""
    month, day = (int(part) for part in text.split("-"))
    return dt.date(year, month, day)


def nrmp_dates(year: int, data: CalendarData) -> dict[str, Dated]:
    """NRMP registration opens (mid-September), its standard deadline (about 31 January, then
    a late fee) and ranking opens (about 1 February), for the Match of ``year``: NRMP's
    published pattern, each year's exact date estimated."""
    p = data.pattern
    return {
        "registration_opens": Dated(
            month_day(year - 1, p.nrmp_registration_opens), "estimated", p.nrmp_source
        ),
        "registration_deadline": Dated(
            month_day(year, p.nrmp_registration_deadline), "estimated", p.nrmp_source
        ),
        "ranking_opens": Dated(month_day(year, p.ranking_opens), "estimated", p.nrmp_source),
    }


def _pair(first: dt.date, second: dt.date, certainty: str, source: str) -> tuple[Dated, Dated]:
    return Dated(first, certainty, source), Dated(second, certainty, source)


def fellowship_submit(year: int, data: CalendarData) -> tuple[Dated, Dated]:
    """(ERAS fellowship July-cycle submission opens, programs review) for applications in year."""
    if year in data.fellowship_seasons:
        f = data.fellowship_seasons[year]
        return _pair(f.eras_submit, f.programs_review, "published", f.source)
    submit = working_day(nth_weekday(year, 7, WED, 1))  # 4 July is a holiday
    review = working_day(
        submit + dt.timedelta(days=data.pattern.fellowship_review_days_after_submit)
    )
    return _pair(submit, review, "estimated", data.pattern.source)


def amia_match(year: int, data: CalendarData) -> tuple[Dated, Dated]:
    """(rank commit deadline, results) of the AMIA CI fellowship match in December of year."""
    if year in data.amia_match:
        m = data.amia_match[year]
        return _pair(m.commit_deadline, m.results, "published", m.source)
    commit = nth_weekday(year, 12, THU, 1)
    results = commit + dt.timedelta(days=data.pattern.amia_results_days_after_commit)
    return _pair(commit, results, "estimated", data.pattern.source)

"""The application calendar as the core sees it (validated from data/calendar.yaml by
`imgplan.formats.calendar`; the fields are the same, in the same order)."""

from __future__ import annotations

import datetime as dt

from msgspec import field

from .record import Record


class Season(Record):
    source: str
    eras_opens: dt.date | None = None  # a date left out is estimated from the pattern
    eras_submit: dt.date | None = None
    programs_review: dt.date | None = None
    rank_list_deadline: dt.date | None = None
    soap_start: dt.date | None = None
    soap_end: dt.date | None = None
    match_day: dt.date | None = None


class FellowshipSeason(Record):
    source: str
    eras_submit: dt.date
    programs_review: dt.date


class AmiaMatch(Record):
    source: str
    commit_deadline: dt.date
    results: dt.date


class Pattern(Record):
    source: str
    eras_opens: str
    eras_submit: str
    programs_review_days_after_submit: int
    nrmp_registration: str
    interviews: str
    match_day: str
    rank_list_deadline_days_before_match: int
    soap: str
    residency_start: str
    fellowship_submit: str
    fellowship_review_days_after_submit: int
    amia_commit: str
    amia_results_days_after_commit: int
    score_release_weeks: int
    nrmp_source: str
    nrmp_registration_opens: str  # MM-DD, the year before the Match
    nrmp_registration_deadline: str  # MM-DD, the Match year
    nrmp_late_fee: int
    ranking_opens: str  # MM-DD, the Match year
    amia_pattern_note: str
    ecfmg_source: str
    ecfmg_pathway_opens: str  # MM-DD, the year before the Match
    ecfmg_pathway_deadline: str  # MM-DD, the Match year (estimated)
    interviews_from: str  # MM-DD, the year before the Match
    interviews_until: str  # MM-DD, the Match year
    fellowship_letters_weeks_before: int  # before the fellowship submission (imgplan's)
    amia_membership_weeks_before: int
    primary_boards_days_after_residency: int
    ci_boards_days_after_fellowship: int


class ResidencyCas(Record):
    source: str
    specialties: list[str]
    released_to_programs: str  # MM-DD, the year before the Match


class CalendarData(Record):
    format: int
    as_of: dt.date
    pattern: Pattern
    residencycas: ResidencyCas
    residency_years: dict[str, int]
    fellowship_years: int
    seasons: dict[int, Season] = field(default_factory=dict)
    fellowship_seasons: dict[int, FellowshipSeason] = field(default_factory=dict)
    amia_match: dict[int, AmiaMatch] = field(default_factory=dict)

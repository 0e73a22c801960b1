"""The bundled application calendar's format (data/calendar.yaml): validation only (the core uses the records in
`imgplan.models.calendar`; the fields are the same, in the same order)."""

from __future__ import annotations

from pydantic import Field

from .types import Date, Strict, Text


class Season(Strict):
    source: Text
    eras_opens: Date | None = None  # a date left out is estimated from the pattern
    eras_submit: Date | None = None
    programs_review: Date | None = None
    rank_list_deadline: Date | None = None
    soap_start: Date | None = None
    soap_end: Date | None = None
    match_day: Date | None = None


class FellowshipSeason(Strict):
    source: Text
    eras_submit: Date
    programs_review: Date


class AmiaMatch(Strict):
    source: Text
    commit_deadline: Date
    results: Date


class Pattern(Strict):
    source: Text
    eras_opens: Text
    eras_submit: Text
    programs_review_days_after_submit: int
    nrmp_registration: Text
    interviews: Text
    match_day: Text
    rank_list_deadline_days_before_match: int
    soap: Text
    residency_start: Text
    fellowship_submit: Text
    fellowship_review_days_after_submit: int
    amia_commit: Text
    amia_results_days_after_commit: int
    score_release_weeks: int
    nrmp_source: Text
    nrmp_registration_opens: Text  # MM-DD, the year before the Match
    nrmp_registration_deadline: Text  # MM-DD, the Match year
    nrmp_late_fee: int
    ranking_opens: Text  # MM-DD, the Match year
    amia_pattern_note: Text
    ecfmg_source: Text
    ecfmg_pathway_opens: Text  # MM-DD, the year before the Match
    ecfmg_pathway_deadline: Text  # MM-DD, the Match year (estimated)
    interviews_from: Text  # MM-DD, the year before the Match
    interviews_until: Text  # MM-DD, the Match year
    fellowship_letters_weeks_before: int  # before the fellowship submission (imgplan's)
    amia_membership_weeks_before: int
    primary_boards_days_after_residency: int
    ci_boards_days_after_fellowship: int


class ResidencyCas(Strict):
    source: Text
    specialties: list[Text]
    released_to_programs: Text  # MM-DD, the year before the Match


class CalendarData(Strict):
    format: int
    as_of: Date
    pattern: Pattern
    residencycas: ResidencyCas
    residency_years: dict[str, int]
    fellowship_years: int
    seasons: dict[int, Season] = Field(default_factory=dict)
    fellowship_seasons: dict[int, FellowshipSeason] = Field(default_factory=dict)
    amia_match: dict[int, AmiaMatch] = Field(default_factory=dict)

"""Public outcome figures and fees as the core sees it (validated from data/outcomes.yaml by
`imgplan.formats.outcomes`; the fields are the same, in the same order)."""

from __future__ import annotations

import datetime as dt

from .record import Record


class SpecialtyOutcome(Record):
    matched: int
    ranked: int
    step2_matched: list[float]
    step2_unmatched: list[float]
    ranks: list[float]

    @property
    def rate(self) -> float:
        return self.matched / self.ranked


class Pooled(Record):
    matched: int
    ranked: int
    step2_median_matched: float
    step2_median_unmatched: float
    ranks: list[float]


class Charting(Record):
    source: str
    tag: str
    edition: str
    published: dt.date
    applicants: str
    specialties: dict[str, SpecialtyOutcome]
    pooled: Pooled


class MatchResult(Record):
    year: int
    group: str
    rate: float
    source: str
    tag: str
    matched: int | None = None
    applicants: int | None = None


class FeeTier(Record):
    up_to: int | None
    per_program: int


class ErasFees(Record):
    source: str
    edition: str
    tiers: list[FeeTier]
    transcript: int  # the USMLE transcript, once per season
    per: str


class NrmpFees(Record):
    source: str
    edition: str
    ranks_included: int
    per_extra_rank: int
    note: str


class ResidencyCasFees(Record):
    source: str
    edition: str
    specialties: list[str]
    flat: int
    flat_up_to: int
    tiers: list[FeeTier]
    transcript: int  # the USMLE transcript, once per season


class Fees(Record):
    eras: ErasFees
    residencycas: ResidencyCasFees
    nrmp: NrmpFees


class FellowshipMatch(Record):
    source: str
    tag: str
    edition: str
    matched_share: float
    median_applications: int
    programs: str
    fee_source: str
    fee_flat: int
    fee_flat_up_to: int
    fee_tiers: list[FeeTier]


class Outcomes(Record):
    format: int
    charting_outcomes: Charting
    match_results: list[MatchResult]
    fellowship_match: FellowshipMatch
    fees: Fees

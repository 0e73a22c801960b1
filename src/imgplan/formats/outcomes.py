"""The bundled outcome figures' format (data/outcomes.yaml): validation only (the core uses the records in
`imgplan.models.outcomes`; the fields are the same, in the same order)."""

from __future__ import annotations

from pydantic import Field

from .types import Date, Strict, Text


class SpecialtyOutcome(Strict):
    matched: int
    ranked: int
    step2_matched: list[float] = Field(min_length=5, max_length=5)
    step2_unmatched: list[float] = Field(min_length=5, max_length=5)
    ranks: list[float] = Field(min_length=2, max_length=2)


class Pooled(Strict):
    matched: int
    ranked: int
    step2_median_matched: float
    step2_median_unmatched: float
    ranks: list[float]


class Charting(Strict):
    source: Text
    tag: Text
    edition: Text
    published: Date
    applicants: Text
    specialties: dict[str, SpecialtyOutcome]
    pooled: Pooled


class MatchResult(Strict):
    year: int
    group: Text
    rate: float
    source: Text
    tag: Text
    matched: int | None = None
    applicants: int | None = None


class FeeTier(Strict):
    up_to: int | None
    per_program: int


class ErasFees(Strict):
    source: Text
    edition: Text
    tiers: list[FeeTier]
    transcript: int  # the USMLE transcript, once per season
    per: Text


class NrmpFees(Strict):
    source: Text
    edition: Text
    ranks_included: int
    per_extra_rank: int
    note: Text


class ResidencyCasFees(Strict):
    source: Text
    edition: Text
    specialties: list[Text]
    flat: int
    flat_up_to: int
    tiers: list[FeeTier]
    transcript: int  # the USMLE transcript, once per season


class Fees(Strict):
    eras: ErasFees
    residencycas: ResidencyCasFees
    nrmp: NrmpFees


class FellowshipMatch(Strict):
    source: Text
    tag: Text
    edition: Text
    matched_share: float
    median_applications: int
    programs: Text
    fee_source: Text
    fee_flat: int
    fee_flat_up_to: int
    fee_tiers: list[FeeTier]


class Outcomes(Strict):
    format: int
    charting_outcomes: Charting
    match_results: list[MatchResult]
    fellowship_match: FellowshipMatch
    fees: Fees

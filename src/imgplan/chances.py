"""Specialty-level chances from public figures (data/outcomes.yaml), with the derivation said.

Two models, both fitted to NRMP Charting Outcomes' published Step 2 CK quartiles:

* **Percentile** among matched (and among unmatched) applicants: each group's distribution is
  a two-piece normal through its Q1, median and Q3, so it reproduces the three figures exactly.
* **Likelihood of matching given the score**: Bayes' rule with the specialty's match rate as the
  prior and each group modelled as a normal centred on its median with one shared spread (from
  the two interquartile ranges). The shared spread makes the likelihood rise steadily with the
  score and equal the base rate halfway between the two medians. Where the medians differ by
  less than ``MIN_SEPARATION`` points the score does not separate the groups, and the base rate
  is reported unchanged.
"""

from __future__ import annotations

import math

from msgspec import Struct, field

from .applications import (
    APPLICATION_COUNTS,
    _cas_words,
    application_fee,
    fellowship_fee,
    goal_words,
    nrmp_extra,
)
from .models import vocab
from .models.outcomes import (
    Outcomes,
    SpecialtyOutcome,
)
from .models.profile import Profile
from .models.programs import Dataset
from .nownext import NowNext
from .recommend import Assessed, Recommendation
from .season import Stage

Z75 = 0.6744897501960817  # the standard normal's 75th percentile
MIN_SEPARATION = 3  # points between the medians below which the score does not separate
RANK_COUNTS = (10, 15, 20, 25, 30)


# The models -------------------------------------------------------------------------------


def _phi(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def percentile(score: float, q1: float, median: float, q3: float) -> float:
    """Percent of a group below ``score`` (two-piece normal through Q1, median, Q3)."""
    sigma = (median - q1) / Z75 if score < median else (q3 - median) / Z75
    return 100 * _phi((score - median) / sigma)


def shared_sigma(o: SpecialtyOutcome) -> float:
    m, u = o.step2_matched, o.step2_unmatched
    return ((m[2] - m[0]) + (u[2] - u[0])) / 2 / (2 * Z75)


def separates(o: SpecialtyOutcome) -> bool:
    return o.step2_matched[1] - o.step2_unmatched[1] >= MIN_SEPARATION


def likelihood(score: float, o: SpecialtyOutcome) -> float:
    """P(match | Step 2 CK = score) among applicants who ranked the specialty first."""
    p = o.rate
    if not separates(o):
        return p
    mu_m, mu_u, sigma = o.step2_matched[1], o.step2_unmatched[1], shared_sigma(o)
    log_lr = (mu_m - mu_u) / sigma**2 * (score - (mu_m + mu_u) / 2)
    lr = math.exp(max(-50.0, min(50.0, log_lr)))
    return p * lr / (p * lr + (1 - p))


# The result -------------------------------------------------------------------------------


class SpecialtyChances(Struct):
    specialty: str
    base_rate: float
    matched: int
    ranked: int
    score: int | None
    percentile_matched: float | None
    percentile_unmatched: float | None
    likelihood: float | None
    separates: bool
    ranks_matched: float
    ranks_unmatched: float
    tiers: dict[str, int]
    fees: list[tuple[int, int]]  # (applications, fee under the specialty's service)
    eligible: int
    notes: list[str] = field(default_factory=list)
    service: str = "ERAS"  # the application service: ERAS, or ResidencyCAS for Emergency Medicine


class Chances(Struct):
    profile: Profile
    specialties: list[SpecialtyChances]
    derivation: str
    source: str
    limits: list[str]
    nrmp: list[tuple[int, int]]  # (ranks, extra fee)
    eras_source: str
    nrmp_source: str
    score_note: str
    dataset: Dataset | None = None  # where the eligible programs come from
    stage: Stage | None = None
    fellowship: FellowshipOdds | None = None  # in training: the CI fellowship match instead
    now: NowNext | None = None  # set by the command (commands.chances)
    closed: str | None = None  # this season's applications are out: no "how many to apply to"


class FellowshipOdds(Struct):
    """The AMIA CI fellowship match, for a profile past the residency Match."""

    matched_share: float
    median_applications: int
    fee_for_median: int  # ERAS fellowship fee for the median number of applications
    fees: list[tuple[int, int]]  # (applications, ERAS fellowship fee)
    source: str
    fee_source: str
    programs: str


def chances(
    profile: Profile,
    rec: Recommendation,
    figures: Outcomes,
    stage: Stage | None = None,
    *,
    failed_step2: bool = False,
    closed: str | None = None,
) -> Chances:
    """Residency-match odds by target specialty; for a profile matched or in residency, the
    CI fellowship match figures instead (residency odds no longer apply), and none for a
    fellow. ``failed_step2``: the figures apply after a passing retake; ``closed``: why this
    season's "how many to apply to" is not given."""
    if stage is not None and stage.in_training:
        found = _fellowship_chances(profile, figures, stage)
        found.closed = closed
        return found
    co = figures.charting_outcomes
    score = profile.step2
    out = []
    for spec in profile.targets.specialties:
        mine = [a for a in rec.programs if a.program.specialty == spec]
        o = co.specialties.get(str(spec))
        one = _specialty(spec, o, score, mine, figures)
        one.service = application_fee(1, str(spec), figures.fees)[0]
        if o is not None and closed is None:
            one.notes.append(
                f"How many to apply to: {goal_words(o)}. `imgplan recommend PROFILE --signals` "
                "turns that into applications per tier of your list, signals, and the plan's "
                "total fee."
            )
        out.append(one)
    derivation = (
        "Likelihood = Bayes' rule: base rate × f_matched(score) / (base rate × f_matched(score) + "
        "(1 − base rate) × f_unmatched(score)), each group a normal centred on its published "
        "median with one spread from the two interquartile ranges; percentiles from a two-piece "
        "normal through each group's published Q1, median and Q3."
    )
    limits = _limits(profile, figures)
    first = 1 if profile.visa == vocab.Visa.none and limits[0].startswith("If you are a US") else 0
    limits[first:first] = _risks(profile)
    score_note = ""
    if failed_step2:
        step2ck = profile.usmle.step2ck
        failed = step2ck.score if step2ck else None
        score_note = (
            f"Your Step 2 CK {failed} is a fail: these figures apply only after a passing "
            f"retake{f' (they use your retake target {score})' if profile.step2_planned else ''}, "
            "and the failure stays on your transcript, which many programs screen on."
        )
    elif profile.step2_planned:
        score_note = f"Step 2 CK not taken: figures use your planned target {score}."
    elif score is None:
        score_note = "No Step 2 CK score or target: percentiles and likelihoods are unknown."
    nrmp = [(r, nrmp_extra(r, figures.fees.nrmp)) for r in RANK_COUNTS]
    eras = figures.fees.eras
    return Chances(
        profile,
        out,
        derivation,
        f"{co.source} ({co.edition}; secondary)",
        limits,
        nrmp,
        f"{eras.source} ({eras.edition}): ${eras.tiers[0].per_program} per "
        f"program up to {eras.tiers[0].up_to}, then ${eras.tiers[-1].per_program}, per "
        "specialty" + (_cas_words(figures.fees) if any(s.service != "ERAS" for s in out) else ""),
        f"{figures.fees.nrmp.source}: {figures.fees.nrmp.ranks_included} "
        f"ranks included, ${figures.fees.nrmp.per_extra_rank} per extra rank; "
        f"{figures.fees.nrmp.note}",
        score_note,
        rec.dataset,
        stage,
        closed=closed,
    )


def _specialty(
    spec: str,
    o: SpecialtyOutcome | None,
    score: int | None,
    mine: list[Assessed],
    figures: Outcomes,
) -> SpecialtyChances:
    """One target specialty: base rate, percentiles, likelihood, tiers on the list, fees."""
    tiers = {
        t: sum(1 for a in mine if a.tier == t) for t in ("safety", "target", "reach", "unknown")
    }
    counts = sorted({*APPLICATION_COUNTS, len(mine)} - {0})
    fees = [(n, application_fee(n, str(spec), figures.fees)[1]) for n in counts]
    if o is None:
        return SpecialtyChances(
            str(spec),
            math.nan,
            0,
            0,
            score,
            None,
            None,
            None,
            False,
            math.nan,
            math.nan,
            tiers,
            fees,
            len(mine),
            ["No Charting Outcomes figures for this specialty in data/outcomes.yaml."],
        )
    m, u = o.step2_matched, o.step2_unmatched
    notes = []
    if not separates(o):
        notes.append(
            f"In {vocab.specialty_label(spec)} Step 2 CK does not separate matched (median "
            f"{m[1]:g}) from unmatched (median {u[1]:g}) applicants: the likelihood is the "
            "base rate; contiguous ranks matter more."
        )
    notes.append(
        f"Matched applicants ranked a median of {o.ranks[0]:g} programs in the specialty, "
        f"unmatched {o.ranks[1]:g} (Charting Outcomes)."
    )
    return SpecialtyChances(
        str(spec),
        o.rate,
        o.matched,
        o.ranked,
        score,
        None if score is None else percentile(score, *m[:3]),
        None if score is None else percentile(score, *u[:3]),
        None if score is None else likelihood(score, o),
        separates(o),
        o.ranks[0],
        o.ranks[1],
        tiers,
        fees,
        len(mine),
        notes,
    )


def _fellowship_chances(profile: Profile, figures: Outcomes, stage: Stage) -> Chances:
    if stage.name == "fellow":
        limits = [
            "You are in the CI fellowship: no match is ahead of you, so imgplan gives no odds."
        ]
        return Chances(profile, [], "", "", limits, [], "", "", "", None, stage)
    f = figures.fellowship_match
    odds = FellowshipOdds(
        f.matched_share,
        f.median_applications,
        fellowship_fee(f.median_applications, f),
        [(n, fellowship_fee(n, f)) for n in (5, 10, 15, 20, 30)],
        f"{f.source} ({f.edition})",
        f.fee_source,
        f.programs,
    )
    limits = [
        "These are all applicants' figures, not IMGs' alone; no IMG-specific CI fellowship "
        "match figures are published. Verify each program's visa policy and eligibility.",
    ]
    return Chances(profile, [], "", odds.source, limits, [], "", "", "", None, stage, odds)


def _risks(profile: Profile) -> list[str]:
    """What this profile carries that the model does not include: the likelihoods above do
    not move for it, but programs do."""
    out = []
    usmle = profile.usmle
    failed = [
        name
        for name, step in (("Step 1", usmle.step1), ("Step 2 CK", usmle.step2ck))
        if step is not None
        and (getattr(step, "result", None) == "fail" or (step.attempts or 1) > 1)
    ]
    if failed:
        out.append(
            f"Not in the model, for you: a failed attempt ({', '.join(failed)}), which many "
            "programs screen on (see recommend's red-flag finding)."
        )
    years = profile.targets.match_year - profile.graduation_year
    if years > 3:
        out.append(
            f"Not in the model, for you: {years} years since graduation at the "
            f"{profile.targets.match_year} Match; many programs set limits of 3–5 years."
        )
    if profile.hands_on_usce_months == 0 and profile.observership_months > 0:
        out.append(
            "Not in the model, for you: your US clinical experience is observership only, "
            "which many programs do not count as USCE."
        )
    if profile.visa != vocab.Visa.none:
        out.append(
            "Not in the model, for you: you need visa sponsorship, which only some programs "
            "offer (recommend screens on it)."
        )
    return out


def _limits(profile: Profile, figures: Outcomes) -> list[str]:
    """What the model leaves out, said to the reader."""
    co = figures.charting_outcomes
    limits = [
        "The groups are self-selected: applicants who ranked the specialty first, not a random "
        "sample; the figures describe them, not you.",
        "Step 2 CK is only one factor: letters, US clinical experience, visa, interviews and "
        "the number of programs ranked matter as much.",
        f"Figures are for {co.applicants}.",
        "There are no public interview-rate figures for IMGs: imgplan gives no interview "
        "probabilities.",
    ]
    if profile.visa == vocab.Visa.none:
        us = next((r for r in figures.match_results if r.group == "US IMGs"), None)
        non = next((r for r in figures.match_results if r.group == "non-US IMGs"), None)
        if us and non:
            limits.insert(
                0,
                (
                    f"If you are a US citizen or permanent resident who studied abroad (a US IMG), "
                    f"these non-US IMG figures do not describe your group: in {us.year} US IMGs "
                    f"matched {us.rate:.1%} and non-US IMGs {non.rate:.1%} ({us.source})."
                ),
            )
    return limits

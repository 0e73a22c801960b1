"""`imgplan rank`: the rank order list from the tracker — the draft (or the applicant's own
order), its checks, and its odds under imgplan's model (docs/season.md: Your rank list)."""

from __future__ import annotations

import datetime as dt

from msgspec import Struct, field

from ..models.outcomes import Outcomes, SpecialtyOutcome
from ..models.profile import Profile
from ..models.programs import Dataset
from ..models.tracker import Tracked, Tracker
from ..nownext import NowNext
from ..ranking.checks import Check, checks
from ..ranking.draft import NRMP_ADVICE, NRMP_SOURCE, Draft, Standing, draft
from ..ranking.odds import MODEL, ListOdds, Odds, deviation, list_odds, median_p, odds_for
from ..recommend.evaluate import Assessed, assessed_all, evaluate
from ..rules.context import Context
from . import Data, situate


class RankResult(Struct):
    tracker: Tracker
    draft: Draft
    odds: list[Odds]  # one per entry
    list_odds: ListOdds
    low: ListOdds  # every unknown program at the low end of its band
    high: ListOdds
    checks: list[Check]
    medians: dict[str, tuple[float, float]]  # specialty -> (median p, calibration gap)
    now: NowNext
    advice: str = NRMP_ADVICE
    advice_source: str = NRMP_SOURCE
    model: str = MODEL
    notes: list[str] = field(default_factory=list)


def _specialty_outcome(outcomes: Outcomes, specialty: str) -> SpecialtyOutcome:
    co = outcomes.charting_outcomes
    found = co.specialties.get(specialty)
    if found is not None:
        return found
    pooled = co.pooled
    return SpecialtyOutcome(pooled.matched, pooled.ranked, [], [], list(pooled.ranks))


def standings_of(tracked: list[Tracked], dataset: Dataset, ctx: Context) -> dict[str, Standing]:
    """The applicant at each program: every screen run through the list's own path (one
    evaluation of the programs in the dataset); else what the tracker kept of a program when
    it was added."""
    ids = {t.program_id for t in tracked}
    programs = [p for p in dataset.programs if p.id in ids]
    small = Dataset(
        dataset.format, dataset.name, dataset.as_of, dataset.source, dataset.example, programs
    )
    found = evaluate(ctx, small, None, every_screen=True)
    assessed = {a.program.id: a for a in assessed_all(small, found, list(range(len(programs))))}
    return {t.program_id: _standing(t, assessed.get(t.program_id)) for t in tracked}


def _standing(t: Tracked, a: Assessed | None) -> Standing:
    if a is None:
        tier = t.figures.get("tier")
        share = t.figures.get("img_share")
        return Standing(
            tier if isinstance(tier, str) else None,
            share if isinstance(share, int | float) else None,
            unknown=("dataset",),
            in_dataset=False,
        )
    fails = tuple((f.rule, f.message) for f in a.findings if f.status == "fail")
    unknown = tuple(sorted({f.rule for f in a.findings if f.status == "verify"}))
    return Standing(a.tier, a.program.img_share, fails, unknown)


def run(
    profile: Profile,
    tracker: Tracker,
    dataset: Dataset,
    data: Data,
    today: dt.date,
    *,
    order: list[str] | None = None,
    order_name: str | None = None,
) -> RankResult:
    situation = situate(profile, data, today, tracker=tracker)
    ctx = Context.of(profile, data.reference, today, outcomes=data.outcomes)
    standings = standings_of([t for t in tracker.programs if t.interviewing], dataset, ctx)
    made = draft(tracker.programs, standings, profile.ranking, order, order_name)
    own = profile.ranking.odds if profile.ranking else {}
    medians: dict[str, tuple[float, float]] = {}
    odds = []
    for e in made.entries:
        spec = e.tracked.specialty
        if spec not in medians:
            o = _specialty_outcome(data.outcomes, spec)
            medians[spec] = (median_p(o), deviation(o))
        odds.append(
            odds_for(
                e.standing.tier,
                e.standing.img_share,
                medians[spec][0],
                own.get(e.tracked.program_id),
            )
        )
    result = RankResult(
        tracker,
        made,
        odds,
        list_odds([o.p for o in odds]),
        list_odds([o.low for o in odds]),
        list_odds([o.high for o in odds]),
        checks(made.entries, profile, data.outcomes, situation.timeline.events, today),
        medians,
        situation.now,
    )
    unknown_ids = [pid for pid in own if pid not in {e.tracked.program_id for e in made.entries}]
    if unknown_ids:
        result.notes.append(
            f"ranking.odds names programs not on this list ({', '.join(unknown_ids[:5])}): ignored"
        )
    return result

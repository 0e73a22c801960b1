"""The ranked, tiered, explained program list: a composition of rule findings.

Pure functions of (profile, dataset, reference, today). The weights and tier thresholds are
imgplan's convention (`scoring`); `explain` prints them for every program and the README
documents them. One evaluation path (`evaluate`) serves the list, `explain` and `--unlock`.
"""

from __future__ import annotations

import datetime as dt

from ..models import vocab
from ..models.outcomes import Outcomes
from ..models.profile import Profile
from ..models.programs import Dataset, Program
from ..models.reference import Reference
from ..rules.context import Context
from ..rules.profile_findings import list_findings, profile_findings
from ..season import Stage
from .evaluate import Assessed, assess, assess_one, evaluate
from .result import Listed, Recommendation, Shown, Unlock
from .scoring import ESTIMATES, WEIGHTS, points
from .unlock import unlock_note, unlock_report, with_overrides

__all__ = [
    "ESTIMATES",
    "WEIGHTS",
    "Assessed",
    "Listed",
    "Recommendation",
    "Shown",
    "Unlock",
    "assess",
    "as_ranked",
    "assess_one",
    "evaluate",
    "points",
    "recommend",
    "with_overrides",
]


def as_ranked(profile: Profile, stage: Stage | None) -> Profile:
    """The profile the list is ranked for: between seasons (and after a Match Day) the next
    open season, never the Match that is over (`explain` uses the same)."""
    if (
        stage is not None
        and stage.season is not None
        and (stage.name == "between-seasons" or stage.phase == "results")
    ):
        return profile.copy_with(targets=profile.targets.copy_with(match_year=stage.season))
    return profile


def _in_view(p: Program, specialties: list[str] | None, states: list[str] | None) -> bool:
    return (not specialties or p.specialty in specialties) and (not states or p.state in states)


def recommend(
    profile: Profile,
    dataset: Dataset,
    ref: Reference,
    today: dt.date,
    *,
    specialties: list[str] | None = None,
    states: list[str] | None = None,
    top: int | None = None,
    unlock: bool = False,
    what_if: dict[str, object] | None = None,
    stage: Stage | None = None,
    outcomes: Outcomes | None = None,
) -> Recommendation:
    """The ranked list. ``what_if`` names the values overridden for this run (the profile
    passed in already carries them): every output says they are not the profile's facts.
    ``stage`` (season.stage_of) changes what is ranked: once matched or in residency no
    residency program is; between seasons (and after a Match Day) the next open season is
    planned, and the Now / Next block says why."""
    if stage is not None and stage.in_training:
        trained = _in_training(profile, dataset, ref, today, stage)
        trained.top = top
        return trained
    profile = as_ranked(profile, stage)
    ctx = Context.of(profile, ref, today, what_if=what_if or {}, outcomes=outcomes)
    programs = dataset.programs
    view = None
    if specialties or states:
        view = [i for i, p in enumerate(programs) if _in_view(p, specialties, states)]
    found = evaluate(ctx, dataset, view)
    findings = profile_findings(ctx)
    findings += list_findings(ctx, sum(1 for e in found.ranked if e.status == "conditional"))
    result = Recommendation(
        profile,
        dataset,
        findings,
        ctx.strength.score,
        ranked=found.ranked,
        failed=found.failed,
        others=found.others,
        top=top,
        what_if=what_if or {},
        stage=stage,
    )
    outside = [s for s in specialties or [] if s not in profile.targets.specialties]
    if outside:
        names = ", ".join(vocab.specialty_label(s) for s in outside)
        result.notes.append(
            f"--specialty {names}: not among your target specialties (targets.specialties), "
            "so the specialty screen excludes every such program. Add it to your targets to "
            "rank its programs."
        )
    if unlock:
        result.unlocks = unlock_report(profile, dataset, ref, today, result.excluded_targets)
        result.unlock_note = unlock_note(profile, ref)
    return result


STAGE_WORDS = {
    "matched": "matched for residency",
    "resident": "in residency",
    "fellowship-applicant": "in your final residency year",
    "graduate": "past residency",
    "fellow": "in the CI fellowship",
}


def _in_training(
    profile: Profile, dataset: Dataset, ref: Reference, today: dt.date, stage: Stage
) -> Recommendation:
    """Matched or in residency: residency programs are no longer ranked; the profile findings
    stay, and a note says why and where the next list is."""
    ctx = Context.of(profile, ref, today)
    result = Recommendation(profile, dataset, [], ctx.strength.score, stage=stage)
    residency = profile.residency
    where = f" ({vocab.specialty_label(residency.specialty)})" if residency else ""
    if stage.name == "fellow":
        result.notes.append(
            f"You are {STAGE_WORDS[stage.name]}: imgplan ranks no programs for you. What comes "
            "next is board certification (`imgplan timeline` dates it)."
        )
        return result
    result.notes.append(
        f"You are {STAGE_WORDS[stage.name]}{where}: imgplan no longer ranks residency programs. "
        "Your next list is the Clinical Informatics fellowships: AMIA's and ACGME's program "
        "lists (verify each program's visa and eligibility), applied to through ERAS in July "
        "of your final residency year; `imgplan timeline` dates it and `imgplan assess` "
        "checks your fellowship readiness."
    )
    return result

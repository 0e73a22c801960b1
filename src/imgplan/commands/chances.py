"""`imgplan chances`: specialty-level odds from public figures (or the CI fellowship match's
for a resident), led by the Now / Next block."""

from __future__ import annotations

import datetime as dt

from ..ages import age_lines
from ..chances import Chances, chances
from ..models import vocab
from ..models.profile import Profile
from ..models.programs import Dataset
from ..models.tracker import Tracker
from ..recommend import recommend
from ..season import stage_of
from . import Data, situate
from .fellowships import fellowship_closed
from .recommend import closed_words, for_season


def run(
    profile: Profile,
    dataset: Dataset,
    data: Data,
    today: dt.date,
    *,
    season: int | None = None,
    tracker: Tracker | None = None,
) -> Chances:
    """``season`` (--season): the odds for that Match as if the profile aimed at it."""
    ref = data.reference
    profile = for_season(profile, season)
    stage = stage_of(profile, data.calendar, today, ref.marks("step2ck_pass_history"))
    rec = recommend(profile, dataset, ref, today, stage=stage, outcomes=data.outcomes)
    situation = situate(profile, data, today, findings=rec.findings, stage=stage, tracker=tracker)
    closed = closed_words(stage, data) if stage.applications_closed else None
    if stage.name == "fellowship-applicant" and profile.residency is not None:
        years = data.calendar.residency_years.get(str(profile.residency.specialty), 3)
        final = profile.residency.start.year + years - 1
        closed = fellowship_closed(final, data.calendar, stage, today)
    result = chances(
        rec.profile,
        rec,
        data.outcomes,
        stage,
        failed_step2=situation.failed_step2,
        closed=closed,
    )
    if not stage.in_training:
        situation.now.ages = age_lines(
            rec.profile.targets.match_year, dataset=dataset, outcomes=data.outcomes
        )
    result.now = situation.now
    result.limits[:0] = visa_limits(profile, data, today)
    return result


def visa_limits(profile: Profile, data: Data, today: dt.date) -> list[str]:
    """The visa risk, which the odds do not model: the rules that bite, dated."""
    if profile.visa == vocab.Visa.none:
        return []
    from .visa import report_for  # the visa core, only for an applicant who needs a visa

    report = report_for(profile, data, today)
    bites = [
        f"{line.text} ({line.dated})" for line in report.bites if line.kind in ("route", "fee")
    ]
    if bites:
        return ["Not in these odds — visa rules that bite for you: " + " ".join(bites)]
    return [
        "Not in these odds: the visa and travel rules (a travel ban, the H-1B fee from abroad) "
        "that can close a program to you; see imgplan visa PROFILE."
    ]

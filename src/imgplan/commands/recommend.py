"""`imgplan recommend`: the ranked list, with the Now / Next block, the application plan
(--signals) or, once the residency Match is behind the applicant, the CI fellowship list."""

from __future__ import annotations

import datetime as dt

from msgspec import Struct, field

from ..ages import age_lines
from ..calendar import match_season
from ..chances import likelihood
from ..fellowships import FellowshipPlan
from ..models import vocab
from ..models.fellowships import FellowshipDirectory
from ..models.profile import Profile
from ..models.programs import Dataset
from ..models.tracker import Tracker
from ..nownext import NowNext
from ..plan import ApplicationPlan, application_plan
from ..recommend import Recommendation, recommend
from ..season import Stage, stage_of
from . import Data, situate
from .fellowships import fellowship_plan


class Options(Struct, frozen=True):
    """What the command line asked for (docs/commands.md: recommend)."""

    specialties: list[str] | None = None
    states: list[str] | None = None
    top: int | None = None
    unlock: bool = False
    what_if: dict[str, object] = field(default_factory=dict)
    signals: bool = False  # add the application plan
    season: int | None = None  # plan this Match year instead of the profile's (--season)


class RecommendResult(Struct):
    rec: Recommendation
    now: NowNext
    plan: ApplicationPlan | None = None  # with --signals, for a season still open
    plan_closed: str | None = None  # --signals for a season whose applications went out
    fellowships: FellowshipPlan | None = None  # in training: the CI fellowship list
    notes: list[str] = field(default_factory=list)
    tracked: dict[str, str] = field(default_factory=dict)  # program id -> its tracker status

    @property
    def stage(self) -> Stage:
        return self.now.stage


class Batch(Struct):
    """Several profiles' recommendations (an advisor's list), in the order given."""

    items: list[tuple[str, RecommendResult]]


def for_season(profile: Profile, season: int | None) -> Profile:
    """The profile aimed at ``season`` (--season): a copy, the file untouched."""
    if season is None or season == profile.targets.match_year:
        return profile
    return profile.copy_with(targets=profile.targets.copy_with(match_year=season))


def closed_words(stage: Stage, data: Data) -> str:
    """Why no signals or application plan is proposed for a season whose applications are
    out (AAMC: signals cannot be changed after submission)."""

    year = stage.season or stage.coming_match
    season = match_season(year, data.calendar)
    return (
        f"Applications and signals for the {year} Match went out with the applications "
        f"(submission opened {season.eras_submit.isoformat()}; programs have reviewed them "
        f"since {season.programs_review.isoformat()}), and a signal cannot be changed after "
        "an application is submitted (AAMC). What matters now is in the Now / Next block: "
        f"interviews, then the rank list. To plan the next season: --season {year + 1}."
    )


MERGE = "imgplan programs merge eras my-freida.csv --output my-programs.yaml"


def real_list_notes(rec: Recommendation, data: Data) -> list[str]:
    """For a list of real programs whose figures are mostly unknown (the bundled ERAS list):
    how many there are, that their policies are not public, the one command that fills them;
    and each target specialty's odds from NRMP Charting Outcomes (imgplan's model)."""
    dataset = rec.dataset
    if dataset.example:
        return []
    known = sum(
        1
        for p in dataset.programs
        if p.reference_score is not None or p.visas is not None or p.img_share is not None
    )
    if known * 2 >= len(dataset.programs):
        return []
    notes = [
        f"{len(dataset.programs):,} real programs ({dataset.name}, as of "
        f"{dataset.as_of.isoformat()}): their cutoffs, visa policies, IMG shares and "
        f"graduation limits are not public here, so {len(dataset.programs) - known:,} of them "
        "are 'figures unknown'. Fill them from your FREIDA export or your own sheet: "
        f"`{MERGE}`, then `--programs my-programs.yaml`."
    ]
    co = data.outcomes.charting_outcomes
    score = rec.profile.step2
    for spec in rec.profile.targets.specialties:
        o = co.specialties.get(str(spec))
        if o is None:
            continue
        mine = ""
        if score is not None:
            mine = (
                f"; at Step 2 CK {score} imgplan's model puts it at "
                f"{likelihood(score, o):.0%} (`imgplan chances`)"
            )
        notes.append(
            f"{vocab.specialty_label(spec)}: {o.rate:.1%} of non-US IMGs who ranked it first "
            f"matched (NRMP Charting Outcomes, {co.edition}; secondary){mine}."
        )
    return notes


def run(
    profile: Profile,
    dataset: Dataset,
    data: Data,
    today: dt.date,
    options: Options,
    *,
    directory: FellowshipDirectory | None = None,
    tracker: Tracker | None = None,
) -> RecommendResult:
    """The ranked list (or a resident's fellowship list) and everything the output leads
    with. ``directory``: the run's fellowship directory (default: the bundled one)."""
    ref = data.reference
    person = for_season(profile, options.season)
    stage = stage_of(person, data.calendar, today, ref.marks("step2ck_pass_history"))
    rec = recommend(
        person,
        dataset,
        ref,
        today,
        specialties=options.specialties,
        states=options.states,
        top=options.top,
        unlock=options.unlock,
        what_if=options.what_if,
        stage=stage,
        outcomes=data.outcomes,
    )
    situation = situate(person, data, today, findings=rec.findings, stage=stage, tracker=tracker)
    result = RecommendResult(rec, situation.now)
    if tracker is not None:
        result.tracked = {t.program_id: t.status for t in tracker.programs}
    if not stage.in_training:
        situation.now.ages = age_lines(
            rec.profile.targets.match_year,
            dataset=dataset,
            outcomes=data.outcomes,
            signals=data.signals if options.signals and not stage.applications_closed else None,
            specialties=[str(s) for s in rec.profile.targets.specialties],
        )
    if stage.in_training:
        result.fellowships = fellowship_plan(
            person,
            directory or data.fellowships,
            data.cities,
            data.outcomes,
            data.calendar,
            stage,
            today,
        )
    elif options.signals and stage.applications_closed and options.season is None:
        result.plan_closed = closed_words(stage, data)
    elif options.signals:
        result.plan = application_plan(rec, rec.profile, data.outcomes, data.signals)
    if not stage.in_training:
        result.notes[:0] = real_list_notes(rec, data)
    if options.season is not None:
        result.notes.append(
            f"--season {options.season}: this plans the {options.season} Match as if your "
            f"profile said targets.match_year: {options.season} (your file is unchanged)."
        )
    return result

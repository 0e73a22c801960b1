"""`imgplan report`: everything the other commands compute, on one page."""

from __future__ import annotations

import datetime as dt

from msgspec import Struct

from ..chances import likelihood, separates
from ..models import vocab
from ..models.fellowships import FellowshipDirectory
from ..models.outcomes import Outcomes
from ..models.profile import Profile
from ..models.programs import Dataset
from ..models.tracker import Tracker
from ..recommend import Recommendation
from ..timeline import Timeline
from . import Data
from . import assess as assess_command
from . import chances as chances_command
from . import recommend as recommend_command
from . import step3 as step3_command
from . import timeline as timeline_command
from .assess import Assessment
from .recommend import RecommendResult
from .step3 import Step3Check


class Curve(Struct):
    """A target specialty's likelihood of matching against Step 2 CK (chances.likelihood),
    sampled for a chart, with the matched and unmatched quartiles."""

    specialty: str
    points: list[tuple[int, float]]  # (score, likelihood 0-1)
    score: int | None  # the applicant's Step 2 CK
    matched: tuple[float, float, float]  # Q1, median, Q3
    unmatched: tuple[float, float, float]
    base_rate: float
    separates: bool


REPORT_SCORES = range(200, 282, 2)


def curves(profile: Profile, outcomes: Outcomes) -> list[Curve]:
    """The likelihood curve of each target specialty with published figures."""
    out = []
    for spec in profile.targets.specialties:
        o = outcomes.charting_outcomes.specialties.get(str(spec))
        if o is None:
            continue
        out.append(
            Curve(
                str(spec),
                [(s, likelihood(s, o)) for s in REPORT_SCORES],
                profile.step2,
                (o.step2_matched[0], o.step2_matched[1], o.step2_matched[2]),
                (o.step2_unmatched[0], o.step2_unmatched[1], o.step2_unmatched[2]),
                o.rate,
                separates(o),
            )
        )
    return out


class Report(Struct):
    """Everything `imgplan report` shows: the same result values the commands compute."""

    profile: Profile
    today: dt.date
    result: RecommendResult
    timeline: Timeline
    chances: object  # chances.Chances
    assessment: Assessment
    step3: Step3Check
    curves: list[Curve]
    top: int
    tracker: Tracker | None = None  # the season tracker's programs (a section when any)
    rank: object | None = None  # rank.RankResult: the rank list's odds, once interviews are tracked
    visa: object | None = None  # visa.VisaReport: for an applicant who needs a visa

    @property
    def rec(self) -> Recommendation:
        return self.result.rec


def run(
    profile: Profile,
    dataset: Dataset,
    data: Data,
    today: dt.date,
    *,
    top: int,
    directory: FellowshipDirectory | None = None,
    tracker: Tracker | None = None,
) -> Report:
    """The report always shows the application plan (or why it is closed)."""
    options = recommend_command.Options(signals=True)
    result = recommend_command.run(
        profile, dataset, data, today, options, directory=directory, tracker=tracker
    )
    return Report(
        profile,
        today,
        result,
        timeline_command.run(profile, data, today, tracker=tracker),
        chances_command.run(profile, dataset, data, today, tracker=tracker),
        assess_command.run(profile, data, today, tracker=tracker),
        step3_command.run(profile, {}, dataset, data, today, tracker=tracker),
        curves(profile, data.outcomes),
        top,
        tracker if tracker is not None and tracker.programs else None,
        _rank(profile, tracker, dataset, data, today),
        _visa(profile, data, today),
    )


def _visa(profile: Profile, data: Data, today: dt.date) -> object | None:
    if profile.visa == vocab.Visa.none:
        return None
    from .visa import report_for  # the visa core, only for an applicant who needs a visa

    return report_for(profile, data, today)


def _rank(
    profile: Profile, tracker: Tracker | None, dataset: Dataset, data: Data, today: dt.date
) -> object | None:
    """The rank list and its odds when the tracker holds interviews."""
    if tracker is None or not any(t.interviewing for t in tracker.programs):
        return None
    from . import rank  # the rank list's core (imported here: a report without interviews skips it)

    return rank.run(profile, tracker, dataset, data, today)

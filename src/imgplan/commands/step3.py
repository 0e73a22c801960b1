"""`imgplan check-step3`: the Step 3 verdict from the profile's facts and the flags."""

from __future__ import annotations

import datetime as dt

from msgspec import Struct

from ..models.profile import Profile
from ..models.programs import Dataset
from ..models.tracker import Tracker
from ..nownext import NowNext
from ..recommend import recommend
from ..rules.step3 import Step3Facts, Verdict, decide
from ..season import Stage, stage_of
from . import Data, situate


class Step3Check(Struct):
    verdict: Verdict
    facts: Step3Facts
    example_dataset: str | None = None  # the H-1B-only count came from example data
    stage: Stage | None = None
    now: NowNext | None = None  # with a profile


def run(
    profile: Profile | None,
    flags: dict[str, object],
    dataset: Dataset | None,
    data: Data,
    today: dt.date,
    *,
    tracker: Tracker | None = None,
) -> Step3Check:
    """The verdict from the profile's facts with the flags' facts laid over them; with a
    dataset, the number of H-1B-only programs (on the applicant's list, or in the dataset)."""
    ref = data.reference
    facts = Step3Facts.from_profile(profile) if profile else Step3Facts()
    facts = facts.override(**flags)
    stage = now = None
    if profile is not None:
        stage = stage_of(profile, data.calendar, today, ref.marks("step2ck_pass_history"))
        now = situate(profile, data, today, stage=stage, tracker=tracker).now
    example = None
    if dataset is not None:
        if profile is None:
            count = sum(1 for p in dataset.programs if p.visas == ["h1b"])
        else:
            rec = recommend(profile, dataset, ref, today, stage=stage)
            count = sum(1 for e in rec.ranked if e.status == "conditional")
        facts = facts.override(h1b_only_programs=count)
        example = dataset.name if dataset.example else None
    return Step3Check(decide(facts, ref, today, stage), facts, example, stage, now)

"""`imgplan timeline`: the dated plan, led by the Now / Next block."""

from __future__ import annotations

import datetime as dt

from ..ages import age_lines
from ..models.profile import Profile
from ..models.tracker import Tracker
from ..nownext import Line
from ..timeline import Timeline
from . import Data, situate


def run(
    profile: Profile | None, data: Data, today: dt.date, *, tracker: Tracker | None = None
) -> Timeline:
    """The timeline, with its Now / Next block (the profile's warnings, then the plan's)."""
    situation = situate(profile, data, today, tracker=tracker)
    plan = situation.timeline
    situation.now.warnings += [Line(w, "imgplan's reading of your plan") for w in plan.warnings]
    if profile is not None and not situation.stage.in_training and situation.stage.season:
        situation.now.ages = age_lines(
            situation.stage.season,
            signals=data.signals,
            specialties=[str(s) for s in profile.targets.specialties],
        )
    plan.now = situation.now
    return plan

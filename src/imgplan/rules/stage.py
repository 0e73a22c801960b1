"""Where the applicant stands on the five-to-seven-year path, derived from the profile and
today (README: Stages). Pure: the calendar figures and today are parameters.

| stage | how it is known |
|---|---|
| preparing | Step 2 CK planned, Step 1 not passed, or the target Match is after the coming one |
| applying | scores in and the target Match is the coming one |
| between-seasons | the target Match is over and the profile has no residency: never read as matched |
| matched | residency starts in the future |
| resident | in residency, before its final year |
| fellowship-applicant | in the final residency year (the CI application is in July of it) |
| fellow | residency finished: in (or past) the CI fellowship |
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..calendar import add_years as _add_years
from ..calendar import match_season
from ..models.calendar import CalendarData
from ..models.profile import Profile
from ..models.values import plural

STAGES = (
    "preparing",
    "applying",
    "between-seasons",
    "matched",
    "resident",
    "fellowship-applicant",
    "fellow",
)
#: Stages past the residency Match: residency programs are no longer ranked for them.
IN_TRAINING = ("matched", "resident", "fellowship-applicant", "fellow")


@dataclass(frozen=True)
class Stage:
    name: str
    why: str  # how it was derived, in words
    coming_match: int  # the next Match whose Match Day is today or later
    note: str | None = None  # what the stage changes, said to the applicant

    @property
    def in_training(self) -> bool:
        return self.name in IN_TRAINING


def coming_match(data: CalendarData, today: dt.date) -> int:
    """The first Match year whose Match Day is today or later."""
    year = today.year
    while match_season(year, data).match_day < today:
        year += 1
    return year


def stage_of(profile: Profile | None, data: CalendarData, today: dt.date) -> Stage:
    coming = coming_match(data, today)
    if profile is None:
        return Stage("preparing", "no profile: the generic roadmap", coming)
    if profile.residency is not None:
        return _in_training(profile, data, today, coming)
    target = profile.targets.match_year
    if target < coming:
        return _between_seasons(profile, data, coming)
    step1 = profile.usmle.step1
    if profile.step2_planned or profile.usmle.step2ck is None:
        return Stage("preparing", "Step 2 CK is not taken yet", coming)
    if step1 is None or step1.result == "fail":
        return Stage("preparing", "Step 1 is not recorded as passed", coming)
    if target > coming:
        return Stage(
            "preparing",
            f"scores in, aiming at the {target} Match; the coming one is {coming}",
            coming,
        )
    return Stage("applying", f"scores in, aiming at the coming {coming} Match", coming)


def _between_seasons(profile: Profile, data: CalendarData, coming: int) -> Stage:
    target = profile.targets.match_year
    over = match_season(target, data).match_day
    years_now = coming - profile.graduation_year
    note = (
        f"The {target} Match is over (Match Day {over.isoformat()}). Did you match? If you did, "
        "add a residency block (specialty, start) to your profile: imgplan never assumes a "
        f"match. If you did not, this plans the {coming} Match: you will be "
        f"{plural(years_now, 'year')} from graduation then, one more than for {target}, which "
        f"crosses any program limit of {plural(years_now - 1, 'year')}."
    )
    return Stage(
        "between-seasons",
        f"targets.match_year {target} is past and the profile has no residency",
        coming,
        note,
    )


def _in_training(profile: Profile, data: CalendarData, today: dt.date, coming: int) -> Stage:
    residency = profile.residency
    assert residency is not None
    start = residency.start
    years = data.residency_years.get(str(residency.specialty), 3)
    final = _add_years(start, years - 1)
    end = _add_years(start, years)
    if today < start:
        return Stage("matched", f"residency starts {start.isoformat()}", coming)
    if today >= end:
        return Stage("fellow", f"residency ended {end.isoformat()}", coming)
    if today >= final:
        return Stage(
            "fellowship-applicant",
            f"in the final residency year, since {final.isoformat()}",
            coming,
        )
    return Stage("resident", f"in residency since {start.isoformat()}", coming)

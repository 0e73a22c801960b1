"""Where the applicant stands on the five-to-seven-year path, and where in the season: the
stage and its phase, derived from the profile, the calendar and today (docs/commands.md: Stages). Pure:
the calendar figures and today are parameters.

| stage | how it is known |
|---|---|
| preparing | Step 2 CK planned (or failed, a retake ahead), Step 1 not passed, or the target Match is after the coming one |
| applying | scores in and the target Match is the coming one; phases below |
| between-seasons | the target Match is over (and its results phase too) and the profile has no residency: never read as matched |
| matched | residency starts in the future |
| resident | in residency, before its final year |
| fellowship-applicant | in the final residency year (the CI application is in July of it); phases below |
| graduate | residency finished and no CI fellowship recorded (`fellowship:` in the profile) |
| fellow | the profile records a CI fellowship that has started |

Phases of `applying`, for the coming Match: ``building`` (before programs start reviewing
applications), ``interviewing`` (program review to ranking opens), ``ranking`` (ranking opens
to the rank-list deadline), ``match_week`` (the deadline to Match Day: SOAP), ``results``
(Match Day until residency would start, 1 July: did you match?).

Phases of `fellowship-applicant`, for the AMIA CI fellowship match of the final year:
``applying`` (until programs start reviewing, mid-July), ``interviewing`` (until the AMIA rank
commit deadline, early December), ``waiting`` (until the results), ``results`` (from then).
"""

from __future__ import annotations

import datetime as dt

from msgspec import Struct

from .calendar import add_years, amia_match, fellowship_submit, match_season, nrmp_dates
from .models.calendar import CalendarData
from .models.profile import Profile
from .models.values import passing, plural

STAGES = (
    "preparing",
    "applying",
    "between-seasons",
    "matched",
    "resident",
    "fellowship-applicant",
    "graduate",
    "fellow",
)
#: Stages past the residency Match: residency programs are no longer ranked for them.
IN_TRAINING = ("matched", "resident", "fellowship-applicant", "graduate", "fellow")
APPLYING_PHASES = ("building", "interviewing", "ranking", "match_week", "results")
FELLOWSHIP_PHASES = ("applying", "interviewing", "waiting", "results")
#: Phases of `applying` after which this season's applications and signals are closed.
CLOSED = ("interviewing", "ranking", "match_week", "results")


class Stage(Struct, frozen=True):
    name: str
    why: str  # how it was derived, in words
    coming_match: int  # the next Match whose Match Day is today or later
    note: str | None = None  # what the stage changes, said to the applicant
    phase: str | None = None  # applying / fellowship-applicant: where in the season
    season: int | None = None  # the Match year the plan is for (None: no residency Match ahead)
    warning: str | None = None  # a contradiction in the profile to resolve (said first)

    @property
    def in_training(self) -> bool:
        return self.name in IN_TRAINING

    @property
    def applications_closed(self) -> bool:
        """This season's applications and signals went out: a plan for it is moot."""
        return self.name == "applying" and self.phase in CLOSED


def coming_match(data: CalendarData, today: dt.date) -> int:
    """The first Match year whose Match Day is today or later."""
    year = today.year
    while match_season(year, data).match_day < today:
        year += 1
    return year


def applying_phase(year: int, data: CalendarData, today: dt.date) -> str:
    """Where ``today`` falls in the season of the ``year`` Match."""
    season = match_season(year, data)
    if today < season.programs_review:
        return "building"
    if today < nrmp_dates(year, data)["ranking_opens"].date:
        return "interviewing"
    if today <= season.rank_list_deadline:
        return "ranking"
    if today < season.match_day:
        return "match_week"
    return "results"


def fellowship_phase(year: int, data: CalendarData, today: dt.date) -> str:
    """Where ``today`` falls in the CI fellowship season of ``year`` (applications in July,
    the AMIA match in December)."""
    _, review = fellowship_submit(year, data)
    commit, results = amia_match(year, data)
    if today < review.date:
        return "applying"
    if today <= commit.date:
        return "interviewing"
    if today < results.date:
        return "waiting"
    return "results"


def open_season(data: CalendarData, today: dt.date) -> int:
    """The first Match whose applications are still to be sent: the coming one before its
    programs start reviewing applications, else the one after."""
    coming = coming_match(data, today)
    return coming if today < match_season(coming, data).programs_review else coming + 1


def step2_failed(profile: Profile, marks: list[tuple[dt.date, int]]) -> bool:
    """The recorded Step 2 CK score is under the pass mark of its test date."""
    step2ck = profile.usmle.step2ck
    if step2ck is None or step2ck.score is None:
        return False
    return passing(step2ck.score, step2ck.date, marks) == "fail"


def stage_of(
    profile: Profile | None,
    data: CalendarData,
    today: dt.date,
    marks: list[tuple[dt.date, int]] | None = None,
) -> Stage:
    """The stage and phase. ``marks``: the Step 2 CK pass marks by date (a failed score keeps
    the applicant preparing: no Match until a retake passes)."""
    coming = coming_match(data, today)
    if profile is None:
        return Stage("preparing", "no profile: the generic roadmap", coming, season=coming)
    if profile.residency is not None:
        return _in_training(profile, data, today, coming)
    target = profile.targets.match_year
    if target < coming:
        if target == coming - 1 and today < match_season(target, data).residency_start:
            return Stage(
                "applying",
                f"the {target} Match Day is past: results and what follows",
                coming,
                _results_note(target, data),
                "results",
                open_season(data, today),
            )
        return _between_seasons(profile, data, today, coming)
    step1 = profile.usmle.step1
    failed = marks is not None and step2_failed(profile, marks)
    why = None
    if failed:
        why = "Step 2 CK is failed: no Match until a retake passes"
    elif profile.step2_planned or profile.usmle.step2ck is None:
        why = "Step 2 CK is not taken yet"
    elif step1 is None or step1.result == "fail":
        why = "Step 1 is not recorded as passed"
    elif target > coming:
        why = f"scores in, aiming at the {target} Match; the coming one is {coming}"
    if why is not None:
        late = _too_late(target, data, today)
        season = target if late is None else open_season(data, today)
        return Stage("preparing", why, coming, late, season=season)
    phase = applying_phase(coming, data, today)
    return Stage(
        "applying",
        f"scores in, aiming at the coming {coming} Match",
        coming,
        phase=phase,
        season=coming,
    )


def _too_late(target: int, data: CalendarData, today: dt.date) -> str | None:
    """A target Match whose applications already went out, for an applicant still
    preparing."""
    season = match_season(target, data)
    if today < season.programs_review:
        return None
    first = open_season(data, today)
    return (
        f"Applications for the {target} Match went out from {season.eras_submit.isoformat()} "
        f"and programs have been reviewing them since {season.programs_review.isoformat()}: "
        f"with your exams still ahead, the first Match you can apply to is {first}. Set "
        f"targets.match_year: {first} in your profile."
    )


def _results_note(target: int, data: CalendarData) -> str:
    season = match_season(target, data)
    return (
        f"The {target} Match Day was {season.match_day.isoformat()}. Did you match (in the "
        "Match or through SOAP)? If you did, add a residency block (specialty, start) to your "
        "profile: imgplan never assumes a match. If you did not, imgplan plans your next "
        "season: set targets.match_year to it."
    )


def _between_seasons(profile: Profile, data: CalendarData, today: dt.date, coming: int) -> Stage:
    target = profile.targets.match_year
    over = match_season(target, data).match_day
    plan = open_season(data, today)
    years_now = plan - profile.graduation_year
    reapply = ""
    if plan > coming:
        review = match_season(coming, data).programs_review
        reapply = (
            f" Did you re-apply in September for the {coming} Match? If you did, set "
            f"targets.match_year: {coming}: you are in its interview season (programs have "
            f"been reviewing applications since {review.isoformat()}). If you did not, "
        )
    else:
        reapply = " If you did not, "
    years_then = target - profile.graduation_year
    note = (
        f"The {target} Match is over (Match Day {over.isoformat()}). Did you match? If you did, "
        "add a residency block (specialty, start) to your profile: imgplan never assumes a "
        f"match.{reapply}this plans the {plan} Match: you will be "
        f"{plural(years_now, 'year')} from graduation then, which rules out programs that "
        f"accept fewer ({plural(years_then, 'year')} for {target})."
    )
    return Stage(
        "between-seasons",
        f"targets.match_year {target} is past and the profile has no residency",
        coming,
        note,
        season=plan,
    )


def residency_end(profile: Profile, data: CalendarData) -> dt.date:
    residency = profile.residency
    assert residency is not None
    return add_years(residency.start, data.residency_years.get(str(residency.specialty), 3))


def _in_training(profile: Profile, data: CalendarData, today: dt.date, coming: int) -> Stage:
    residency = profile.residency
    assert residency is not None
    start = residency.start
    years = data.residency_years.get(str(residency.specialty), 3)
    final = add_years(start, years - 1)
    end = add_years(start, years)
    fellowship = profile.fellowship
    if fellowship is not None and today >= fellowship.start:
        return Stage("fellow", f"in the CI fellowship since {fellowship.start.isoformat()}", coming)
    if today < start:
        return Stage(
            "matched",
            f"residency starts {start.isoformat()}",
            coming,
            warning=_not_matched_yet(start, data, today),
        )
    if today >= end:
        why = f"residency ended {end.isoformat()}"
        note = None
        if fellowship is None:
            note = (
                "Your profile records no CI fellowship (fellowship: {program, start}), so "
                "imgplan does not take you for a fellow. If you matched to one, add it; if not, "
                "the next CI application is in July through ERAS (the AMIA match in December)."
            )
        else:
            why += f"; the CI fellowship starts {fellowship.start.isoformat()}"
        return Stage("graduate", why, coming, note)
    if today >= final:
        return Stage(
            "fellowship-applicant",
            f"in the final residency year, since {final.isoformat()}",
            coming,
            phase=fellowship_phase(final.year, data, today),
        )
    return Stage("resident", f"in residency since {start.isoformat()}", coming)


def _not_matched_yet(start: dt.date, data: CalendarData, today: dt.date) -> str | None:
    """A residency starting in July of a year whose Match Day has not come yet: not a result
    of the Main Residency Match (an off-cycle or outside-the-Match offer, or an error)."""
    season = match_season(start.year, data)
    if (
        start.month < 7
        or today >= season.match_day
        or start > season.residency_start + dt.timedelta(days=92)
    ):
        return None
    return (
        f"Your profile says you matched for a residency starting {start.isoformat()}, but the "
        f"{start.year} Match Day ({season.match_day.isoformat()}, "
        f"{season.dated('match_day').certainty}) has not come yet: no Main Residency Match result "
        "exists for it. If you accepted an off-cycle or outside-the-Match position, keep the "
        "residency block and verify its start with the program; otherwise remove it and set "
        f"targets.match_year: {start.year}."
    )

"""The dated personal plan, from Step 2 CK study to the CI fellowship and boards.

Pure: (profile or None, reference, calendar, today) in, a :class:`Timeline` out. Dates the
applicant chose are ``personal``; published calendar dates ``published``; everything derived
from a pattern ``estimated``. A composition of one function per phase (exams, application,
training, visa), each in its own module.
"""

from __future__ import annotations

import datetime as dt

from ..calendar import match_season
from ..models import vocab
from ..models.calendar import CalendarData
from ..models.profile import Profile
from ..models.reference import Reference
from ..models.signals import SignalsData
from ..models.tracker import Tracker
from ..season import Stage, stage_of, step2_failed
from . import application, exams, training, visa
from .exams import SIX_MONTHS, STUDY_PHASES, study_plan
from .model import KINDS, PHASES, Event, Plan, Timeline
from .tracked import interview_events

__all__ = ["KINDS", "PHASES", "STUDY_PHASES", "Event", "Timeline", "build", "study_plan"]

#: The phases in order (each adds its events and warnings to the plan).
STEPS = (
    exams.step2ck,
    exams.ecfmg,
    application.application,
    exams.step3,
    training.residency,
    training.fellowship,
    training.boards,
    visa.visa,
)


def build(
    profile: Profile | None,
    ref: Reference,
    data: CalendarData,
    today: dt.date,
    *,
    signals: SignalsData,
    stage: Stage | None = None,
    tracker: Tracker | None = None,
) -> Timeline:
    """The plan: one function per phase, in order, then sorted and marked against today;
    with ``tracker``, the applicant's interviews are dated events too."""
    marks = ref.marks("step2ck_pass_history")
    stage = stage or stage_of(profile, data, today, marks)
    if profile is not None:
        match_year = stage.season or profile.targets.match_year
        spec = profile.residency.specialty if profile.residency else profile.targets.specialties[0]
    else:
        # The first season whose submission opening leaves the guide's 6 months of study
        # plus the score release.
        spec = vocab.Specialty.internal_medicine
        match_year = today.year + 1
        while (match_season(match_year, data).eras_submit - today).days < SIX_MONTHS + 35:
            match_year += 1
    residency_start = profile.residency.start if profile and profile.residency else None
    failed = profile is not None and step2_failed(profile, marks)
    p = Plan(profile, ref, data, today, match_year, spec, residency_start, signals, stage, failed)
    for step in STEPS:
        step(p)
    training.meanwhile(p)
    if tracker is not None:
        p.events += interview_events(tracker)
    p.events.sort(key=lambda e: (e.date, PHASES.index(e.phase), e.key))
    mark_status(p.events, today, p.release)
    name = profile.name if profile else None
    return Timeline(p.events, p.warnings, profile is None, today, name, _notes(p), stage)


def _notes(p: Plan) -> list[str]:
    notes = []
    if p.profile is None:
        notes.append(
            f"Generic roadmap (no profile): Step 2 CK not yet taken, aiming at the "
            f"{p.match_year} Match, a 3-year Internal Medicine residency. Give a profile "
            "for your own dates."
        )
    start = p.in_residency_start
    if start is not None and start <= p.today:
        notes.append(f"You are in residency since {start.isoformat()}: the plan starts there.")
    elif start is not None:
        notes.append(f"Your residency starts {start.isoformat()}: the plan starts there.")
    return notes


def mark_status(events: list[Event], today: dt.date, release: dt.timedelta) -> None:
    """done, now, next or upcoming against today; your own exam date that has passed is
    ``pending`` while its score is still to come (never "missed": imgplan cannot know)."""
    upcoming = None
    for e in events:
        last = e.end or e.date
        if last < today:
            pending = e.kind == "exam" and e.certainty == "personal" and today <= e.date + release
            e.status = "pending" if pending else "done"
        elif e.date <= today:
            e.status = "now"
        elif upcoming is None:
            e.status = upcoming = "next"
        else:
            e.status = "upcoming"

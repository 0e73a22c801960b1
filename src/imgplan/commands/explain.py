"""`imgplan explain`: every rule's finding for one program, through the same evaluation as
the list; for a resident, one CI fellowship of their list (by id or by its number)."""

from __future__ import annotations

import datetime as dt

from msgspec import Struct, field

from ..fellowships import FellowshipPlan, Ranked
from ..lookup import find_fellowship, find_program
from ..models.fellowships import FellowshipDirectory
from ..models.profile import Profile
from ..models.programs import Dataset
from ..models.tracker import Tracker
from ..nownext import NowNext
from ..recommend import Assessed, as_ranked, assess_one, recommend
from ..rules.context import Context
from ..season import stage_of
from . import Data, situate
from .fellowships import fellowship_plan


class Explanation(Struct):
    """Every rule's finding for one program."""

    assessed: Assessed
    dataset: Dataset
    now: NowNext
    notes: list[str] = field(default_factory=list)
    service: str = "ERAS"  # the application service: ERAS, or ResidencyCAS (Emergency Medicine)


class FellowshipExplanation(Struct):
    """One CI fellowship of a resident's list: its place and every reason for it."""

    number: int
    ranked: Ranked
    plan: FellowshipPlan
    now: NowNext
    notes: list[str] = field(default_factory=list)


def run(
    profile: Profile,
    dataset: Dataset,
    given: str,
    data: Data,
    today: dt.date,
    *,
    directory: FellowshipDirectory | None = None,
    tracker: Tracker | None = None,
) -> Explanation | FellowshipExplanation:
    """``given``: a program's id, short id, the start of an id, or its # in the list."""
    ref = data.reference
    stage = stage_of(profile, data.calendar, today, ref.marks("step2ck_pass_history"))
    situation = situate(profile, data, today, stage=stage, tracker=tracker)
    if stage.in_training:
        plan = fellowship_plan(
            profile,
            directory or data.fellowships,
            data.cities,
            data.outcomes,
            data.calendar,
            stage,
            today,
        )
        if plan is not None:
            number, ranked = find_fellowship(plan, given)
            return FellowshipExplanation(number, ranked, plan, situation.now)
    ranked_ids = None
    if given.strip().lstrip("#").isdigit() and dataset.by_id(given.strip()) is None:
        rec = recommend(profile, dataset, ref, today, stage=stage)
        ranked_ids = [dataset.programs[e.pos].id for e in rec.ranked]
    program = find_program(dataset, given.strip().lstrip("#") if ranked_ids else given, ranked_ids)
    position = next(i for i, p in enumerate(dataset.programs) if p is program)
    ctx = Context.of(as_ranked(profile, stage), ref, today)
    cas = data.calendar.residencycas.specialties
    service = "ResidencyCAS" if str(program.specialty) in cas else "ERAS"
    return Explanation(assess_one(ctx, dataset, position), dataset, situation.now, service=service)

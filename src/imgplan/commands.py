"""One core call per command: a pure function of loaded inputs that returns one result value.

The cli loads the files (``load/``), calls the function here (or the core module it names)
and hands the result to ``render.formats.render``. Nothing here reads a file, the clock or the
environment. Commands whose core is a single existing function (``recommend``, ``timeline``,
``chances``) call it directly; the ones that compose several steps are written out here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .models.fellowships import Fellowship, FellowshipDirectory
from .models.profile import Profile
from .models.programs import Dataset, Program
from .models.reference import Reference
from .recommend import Assessed, Recommendation
from .rules.portfolio import ReadinessItem, Strength
from .rules.stage import Stage
from .rules.step3 import Step3Facts, Verdict

if TYPE_CHECKING:
    from .datasets import DatasetDiff
    from .fellowships import FellowshipPlan
    from .models.calendar import CalendarData
    from .models.outcomes import Outcomes
    from .models.signals import SignalsData


@dataclass
class Batch:
    """Several profiles' recommendations (an advisor's list), in the order given."""

    items: list[tuple[str, Recommendation]]


@dataclass
class Explanation:
    """Every rule's finding for one program."""

    assessed: Assessed
    dataset: Dataset
    stage: Stage | None = None
    notes: list[str] = field(default_factory=list)


def explain(
    profile: Profile,
    dataset: Dataset,
    program: Program,
    ref: Reference,
    today: dt.date,
    stage: Stage | None = None,
) -> Explanation:
    from .recommend import assess
    from .rules.context import Context

    assessed = assess(Context.of(profile, ref, today), program, dataset.as_of)
    return Explanation(assessed, dataset, stage)


@dataclass
class Step3Check:
    verdict: Verdict
    facts: Step3Facts
    example_dataset: str | None = None  # the H-1B-only count came from example data
    stage: Stage | None = None


def check_step3(
    profile: Profile | None,
    flags: dict[str, object],
    dataset: Dataset | None,
    ref: Reference,
    today: dt.date,
    stage: Stage | None = None,
) -> Step3Check:
    """The verdict from the profile's facts with the flags' facts laid over them; with a
    dataset, the number of H-1B-only programs (on the applicant's list, or in the dataset)."""
    from .recommend import recommend
    from .rules.step3 import decide

    facts = Step3Facts.from_profile(profile) if profile else Step3Facts()
    facts = facts.override(**flags)
    example = None
    if dataset is not None:
        if profile is None:
            count = sum(1 for p in dataset.programs if p.visas == ["h1b"])
        else:
            rec = recommend(profile, dataset, ref, today)
            count = sum(1 for a in rec.programs if a.status == "conditional")
        facts = facts.override(h1b_only_programs=count)
        example = dataset.name if dataset.example else None
    return Step3Check(decide(facts, ref, today), facts, example, stage)


@dataclass
class Assessment:
    """The informatics portfolio: its strength, and fellowship readiness once in residency."""

    name: str | None
    strength: Strength
    readiness: list[ReadinessItem] | None
    pgy: int | None
    source: str
    stage: Stage | None = None


def assess(
    profile: Profile, ref: Reference, today: dt.date, stage: Stage | None = None
) -> Assessment:
    from .rules.portfolio import current_pgy, fellowship_readiness, strength

    return Assessment(
        profile.name,
        strength(profile),
        fellowship_readiness(profile) if profile.residency else None,
        current_pgy(profile, today),
        ref.cite("exceptional_strength"),
        stage,
    )


@dataclass
class ProgramList:
    dataset: Dataset
    programs: list[Program]


def list_programs(dataset: Dataset, specialties: set[str], states: set[str]) -> ProgramList:
    chosen = [
        p
        for p in dataset.programs
        if (not specialties or p.specialty in specialties) and (not states or p.state in states)
    ]
    return ProgramList(dataset, chosen)


@dataclass
class ProgramView:
    dataset: Dataset
    program: Program


@dataclass
class Comparison:
    """``programs diff``: what changed between two datasets, with their names as given."""

    old: str
    new: str
    changes: DatasetDiff


def compare(old: Dataset, new: Dataset, old_name: str, new_name: str) -> Comparison:
    from .datasets import diff

    return Comparison(old_name, new_name, diff(old, new))


# The fellowship directory ---------------------------------------------------------------


@dataclass
class FellowshipList:
    """``fellowships list``: the entries that pass the filters, with the distance from
    ``--near`` when given."""

    directory: FellowshipDirectory
    fellowships: list[Fellowship]
    which: str  # "bundled" or the user's file
    filters: list[str]
    miles: dict[str, float | None] | None = None


@dataclass
class FellowshipView:
    directory: FellowshipDirectory
    fellowship: Fellowship
    which: str


@dataclass
class FellowshipDiff:
    old: str
    new: str
    added: list[Fellowship]
    removed: list[Fellowship]
    changed: list[tuple[str, list[tuple[str, object, object]]]]  # id, [(field, old, new)]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def list_fellowships(
    directory: FellowshipDirectory,
    which: str,
    *,
    states: list[str],
    departments: list[str],
    visa: str | None,
    near: tuple[str, tuple[float, float]] | None,
    within: float | None,
    coords: dict[tuple[str, str], tuple[float, float]],
) -> FellowshipList:
    from .fellowships import matches, miles, where

    point = near[1] if near else None
    chosen = [
        f
        for f in directory.fellowships
        if matches(
            f,
            states=states,
            departments=departments,
            visa=visa,
            near=point,
            within=within,
            coords=coords,
        )
    ]
    filters = [f"state {', '.join(states)}"] if states else []
    filters += [f"department {', '.join(departments)}"] if departments else []
    filters += [f"known to take {visa.upper()}"] if visa else []
    distances = None
    if near is not None:
        distances = {}
        for f in chosen:
            here = where(f.city, f.state, coords)
            distances[f.id] = None if here is None else round(miles(point, here), 1)  # type: ignore[arg-type]
        chosen.sort(key=lambda f: (distances[f.id] is None, distances[f.id] or 0.0))
        filters.append(
            f"within {within:g} miles of {near[0]}" if within else f"by distance from {near[0]}"
        )
    return FellowshipList(directory, chosen, which, filters, distances)


def diff_fellowships(
    old: FellowshipDirectory, new: FellowshipDirectory, old_name: str, new_name: str
) -> FellowshipDiff:
    from .models.record import as_dict

    before = {f.id: f for f in old.fellowships}
    after = {f.id: f for f in new.fellowships}
    changed = []
    for fid in before.keys() & after.keys():
        a, b = as_dict(before[fid]), as_dict(after[fid])
        fields = [(k, a.get(k), b.get(k)) for k in a if a.get(k) != b.get(k)]
        if fields:
            changed.append((fid, fields))
    return FellowshipDiff(
        old_name,
        new_name,
        [after[i] for i in after if i not in before],
        [before[i] for i in before if i not in after],
        sorted(changed),
    )


def fellowship_plan(
    profile: Profile,
    directory: FellowshipDirectory,
    coords: dict[tuple[str, str], tuple[float, float]],
    outcomes: Outcomes,
    calendar: CalendarData,
) -> FellowshipPlan:
    """A resident's ranked CI fellowship list, with the AMIA median number of applications,
    the ERAS fellowship fee for it, and the July ERAS cycle of the final residency year."""
    from .calendar import fellowship_submit
    from .chances import fellowship_fee
    from .fellowships import rank_fellowships

    residency = profile.residency
    assert residency is not None
    years = calendar.residency_years.get(str(residency.specialty), 3)
    final_year = residency.start.year + years - 1
    submit, _ = fellowship_submit(final_year, calendar)
    f = outcomes.fellowship_match
    n = f.median_applications
    return rank_fellowships(
        profile,
        directory,
        coords,
        applications=n,
        fee=fellowship_fee(n, f),
        fee_source=f.fee_source,
        source=f.source,
        submit=submit.date,
        submit_words=(
            f"ERAS fellowship July cycle of your final residency year: submissions from "
            f"{submit.date.isoformat()} ({submit.certainty}; {submit.source})"
        ),
    )


# The one-page report --------------------------------------------------------------------


@dataclass
class Curve:
    """A target specialty's likelihood of matching against Step 2 CK (chances.likelihood),
    sampled for a chart, with the matched and unmatched quartiles."""

    specialty: str
    points: list[tuple[int, float]]  # (score, likelihood 0-1)
    score: int | None  # the applicant's Step 2 CK
    matched: tuple[float, float, float]  # Q1, median, Q3
    unmatched: tuple[float, float, float]
    base_rate: float
    separates: bool


@dataclass
class Report:
    """Everything `imgplan report` shows: the same result values the commands compute."""

    profile: Profile
    today: dt.date
    rec: Recommendation
    timeline: object  # timeline.Timeline
    chances: object  # chances.Chances
    assessment: Assessment
    step3: Step3Check
    curves: list[Curve]
    top: int


REPORT_SCORES = range(200, 282, 2)


def curves(profile: Profile, outcomes: Outcomes) -> list[Curve]:
    """The likelihood curve of each target specialty with published figures."""
    from .chances import likelihood, separates

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


def add_plans(
    rec: Recommendation,
    profile: Profile,
    *,
    directory: FellowshipDirectory,
    coords: Callable[[], dict[tuple[str, str], tuple[float, float]]],
    outcomes: Outcomes,
    calendar: CalendarData,
    signals: SignalsData | None,
    note: str | None = None,
) -> Recommendation:
    """What `recommend` adds to a ranked list: for a profile in training, the CI fellowship
    list; otherwise, with ``signals`` (--signals), the application plan; and the note naming
    a user's fellowship directory. ``coords`` is called only for a profile in training (the
    city table takes ~30 ms to read)."""
    if note:
        rec.notes.append(note)
    if rec.stage is not None and rec.stage.in_training and profile.residency is not None:
        rec.fellowships = fellowship_plan(profile, directory, coords(), outcomes, calendar)
    elif signals is not None:
        from .plan import application_plan

        rec.plan = application_plan(rec, profile, outcomes, signals)
    return rec

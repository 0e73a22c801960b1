"""`imgplan fellowships list | show | diff`, and a resident's CI fellowship list (what
`recommend` shows once the residency Match is behind the applicant)."""

from __future__ import annotations

import datetime as dt

from msgspec import Struct

from ..applications import fellowship_fee
from ..calendar import amia_match, fellowship_submit
from ..fellowships import FellowshipPlan, matches, miles, rank_fellowships, where
from ..models.calendar import CalendarData
from ..models.fellowships import Fellowship, FellowshipDirectory
from ..models.outcomes import Outcomes
from ..models.profile import Profile
from ..models.record import as_dict
from ..season import Stage


class FellowshipList(Struct):
    """``fellowships list``: the entries that pass the filters, with the distance from
    ``--near`` when given."""

    directory: FellowshipDirectory
    fellowships: list[Fellowship]
    which: str  # "bundled" or the user's file
    filters: list[str]
    miles: dict[str, float | None] | None = None


class FellowshipView(Struct):
    directory: FellowshipDirectory
    fellowship: Fellowship
    which: str


class FellowshipDiff(Struct):
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
    stage: Stage,
    today: dt.date,
) -> FellowshipPlan | None:
    """A resident's ranked CI fellowship list, with the AMIA median number of applications,
    the ERAS fellowship fee for it, and the July ERAS cycle of the final residency year. Once
    that cycle's applications are out (the final year from mid-July), the list says so and
    gives the AMIA dates instead; a fellow gets no list at all."""
    residency = profile.residency
    if residency is None or stage.name == "fellow":
        return None
    years = calendar.residency_years.get(str(residency.specialty), 3)
    final_year = residency.start.year + years - 1
    if stage.name == "graduate":
        final_year = (
            today.year
            if today < fellowship_submit(today.year, calendar)[0].date
            else today.year + 1
        )
    submit, _ = fellowship_submit(final_year, calendar)
    f = outcomes.fellowship_match
    n = f.median_applications
    found = rank_fellowships(
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
    found.closed = fellowship_closed(final_year, calendar, stage, today)
    return found


def fellowship_closed(
    final_year: int, calendar: CalendarData, stage: Stage, today: dt.date
) -> str | None:
    """In the final year, once programs review the July applications: this season's CI
    applications are out; the AMIA dates instead of "apply to about N"."""
    if stage.name != "fellowship-applicant" or stage.phase == "applying":
        return None
    commit, results = amia_match(final_year, calendar)
    was = "was" if commit.date < today else "is"
    when = "came out" if results.date <= today else "are due"
    return (
        f"This season's CI applications went out in July {final_year} (ERAS fellowship "
        f"cycle); the AMIA rank list commit deadline {was} {commit.date.isoformat()} and the "
        f"results {when} {results.date.isoformat()} ({results.certainty}; {results.source}). "
        "The list below is for reference: a new application is for the next July cycle."
    )

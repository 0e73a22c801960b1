"""The "Now / Next" block every command leads with (docs/commands.md: Stages): what matters this week
for the applicant's stage and phase of the season, the next dated steps with their sources,
and the warnings about the profile, said before any list. Pure: the stage, the timeline's
events, the advice lines (data/advice.yaml) and today are parameters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

from msgspec import Struct, field

from .models import vocab
from .models.advice import AdviceData
from .models.outcomes import Outcomes
from .models.profile import Profile
from .season import Stage

NEXT_COUNT = 3  # dated steps in the Next block
#: Timeline events under way that the Now block names (a study phase, a Step 3 window): the
#: season's windows (interviews) are the phase itself.
UNDER_WAY = ("study", "exam")


class Line(Struct, frozen=True):
    text: str
    source: str


class Upcoming(Struct, frozen=True):
    date: dt.date
    title: str
    certainty: str  # published | estimated | personal
    source: str


class NowNext(Struct):
    stage: Stage
    today: dt.date
    now: list[Line] = field(default_factory=list)
    next: list[Upcoming] = field(default_factory=list)
    warnings: list[Line] = field(default_factory=list)  # about the profile: said before any list
    ages: list[Line] = field(default_factory=list)  # figures older than the season (ages.py)

    @property
    def title(self) -> str:
        phase = f" · {self.stage.phase.replace('_', ' ')}" if self.stage.phase else ""
        return f"Now ({self.stage.name}{phase}, {self.today.isoformat()})"


class EventLike(Protocol):
    """The fields of `timeline.Event` this module reads (the timeline imports this module)."""

    @property
    def key(self) -> str: ...
    @property
    def date(self) -> dt.date: ...
    @property
    def end(self) -> dt.date | None: ...
    @property
    def title(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def certainty(self) -> str: ...
    @property
    def source(self) -> str: ...


def advice_key(profile: Profile | None, stage: Stage, failed_step2: bool) -> list[str]:
    """Which advice lines apply, most specific first: "stage/phase", then "stage"; a failed
    Step 2 CK adds "preparing/retake"; a fellow on a J-1 "fellow/j1"."""
    keys = []
    if failed_step2 and stage.name == "preparing":
        keys.append("preparing/retake")
    if stage.phase:
        keys.append(f"{stage.name}/{stage.phase}")
    keys.append(stage.name)
    if stage.name == "fellow" and profile is not None and profile.visa == vocab.Visa.j1:
        keys.append("fellow/j1")
    return keys


def applies(only: str | None, profile: Profile | None, tracked: bool = False) -> bool:
    """An advice line's condition (data/advice.yaml ``only``): not_certified, needs_visa,
    untracked (said only when no tracker alert says it with its date)."""
    if only == "untracked":
        return not tracked
    if only is None or profile is None:
        return True
    if only == "not_certified":
        return not profile.certified
    if only == "needs_visa":
        return profile.visa != vocab.Visa.none
    return True


def now_next(
    profile: Profile | None,
    stage: Stage,
    events: Iterable[EventLike],
    advice: AdviceData,
    today: dt.date,
    *,
    outcomes: Outcomes | None = None,
    failed_step2: bool = False,
    warnings: Iterable[Line] = (),
    extra: Iterable[Line] = (),
    tracked: bool = False,
) -> NowNext:
    """The block. ``warnings``: the command's warnings about the profile (a failed Step, a
    contradiction), said right after Now/Next; ``extra``: lines a command adds to Now (the
    tracker's alerts)."""
    events = list(events)
    block = NowNext(stage, today)
    if stage.warning:
        block.warnings.append(Line(stage.warning, "imgplan's reading of your profile"))
    block.warnings.extend(warnings)
    if stage.note:
        block.now.append(
            Line(stage.note, "imgplan's reading of your profile (docs/commands.md: Stages)")
        )
    block.now.extend(extra)
    for e in events:
        if e.kind in UNDER_WAY and e.end is not None and e.date <= today <= e.end:
            block.now.append(Line(f"Under way until {e.end.isoformat()}: {e.title}", e.source))
    for key in advice_key(profile, stage, failed_step2):
        block.now.extend(
            Line(a.text, a.source) for a in advice.lines(key) if applies(a.only, profile, tracked)
        )
    if stage.phase == "ranking" and profile is not None and outcomes is not None:
        block.now.extend(_contiguous(profile, outcomes))
    ahead = sorted((e for e in events if e.date > today), key=lambda e: (e.date, e.key))
    block.next = [Upcoming(e.date, e.title, e.certainty, e.source) for e in ahead[:NEXT_COUNT]]
    return block


def _contiguous(profile: Profile, outcomes: Outcomes) -> list[Line]:
    """The target specialties' contiguous-ranks figures (NRMP Charting Outcomes, non-US
    IMGs): matched applicants ranked more programs of the specialty in a row."""
    co = outcomes.charting_outcomes
    out = []
    for spec in profile.targets.specialties:
        o = co.specialties.get(str(spec))
        if o is None:
            continue
        out.append(
            Line(
                f"{vocab.specialty_label(spec)}: matched non-US IMGs ranked a median of "
                f"{o.ranks[0]:g} programs of the specialty in a row, unmatched ones "
                f"{o.ranks[1]:g}: rank every program you would attend.",
                f"{co.source} ({co.edition}; secondary)",
            )
        )
    return out

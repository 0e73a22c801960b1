"""`imgplan assess`: the informatics portfolio, and fellowship readiness in residency."""

from __future__ import annotations

import datetime as dt

from msgspec import Struct, field

from ..models.profile import Profile
from ..models.tracker import Tracker
from ..nownext import NowNext
from ..rules.portfolio import ReadinessItem, Strength, current_pgy, fellowship_readiness, strength
from ..season import Stage
from . import Data, situate


class Assessment(Struct):
    """The informatics portfolio: its strength, and fellowship readiness once in residency."""

    name: str | None
    strength: Strength
    readiness: list[ReadinessItem] | None
    pgy: int | None
    source: str
    stage: Stage | None = None
    now: NowNext | None = None
    notes: list[str] = field(default_factory=list)


SEASON_NOTE = (
    "In the interview season your portfolio is what you talk about: lead interviews with your "
    "informatics projects and their measured outcomes. Memberships and new certificates can "
    "wait until after the rank list."
)


def run(
    profile: Profile, data: Data, today: dt.date, *, tracker: Tracker | None = None
) -> Assessment:
    """A fellow gets no PGY readiness items (the fellowship is under way); an applicant in
    the interview season gets the portfolio's talking points first, not "join AMIA"."""
    situation = situate(profile, data, today, tracker=tracker)
    stage = situation.stage
    found = strength(profile)
    readiness = None
    if profile.residency is not None and stage.name not in ("fellow", "graduate"):
        readiness = fellowship_readiness(profile)
    result = Assessment(
        profile.name,
        found,
        readiness,
        current_pgy(profile, today) if readiness is not None else None,
        data.reference.cite("exceptional_strength"),
        stage,
        situation.now,
    )
    if stage.applications_closed:
        found.season_first = ("projects", "scholarship", "training")
        result.notes.append(SEASON_NOTE)
    return result

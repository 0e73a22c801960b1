"""What the tracker adds to the advice: alerts about the applicant's own season, said in the
Now / Next block of every command (pure: the tracked programs, today, the timeline's dated
deadlines and the outcome figures are parameters).

| alert | when | source |
|---|---|---|
| invitation | an invitation not answered (no interview date) — today: answer now; after 24 h: overdue | FACTS §4 surveys |
| same_day / overlap | two interviews on one day, or less than INTERVIEW_HOURS apart | imgplan's convention |
| travel | in-person interviews in one region TRAVEL_DAYS or fewer apart (one trip), or in two regions on consecutive days | imgplan's convention; US Census regions |
| thank_you | no thank-you note recorded 48 hours after an interview | imgplan's convention |
| past_interview | an interview still 'scheduled' after its day | imgplan's reading |
| registration | the NRMP registration deadline, while it is ahead | NRMP (timeline) |
| rank_list | the rank order list deadline, while it is ahead | NRMP (timeline) |
| contiguous | interviews per specialty against Charting Outcomes' contiguous ranks | NRMP Charting Outcomes |
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from itertools import combinations

from msgspec import Struct

from ..models import vocab
from ..models.outcomes import Outcomes
from ..models.tracker import Tracked, Tracker
from ..models.values import plural
from ..nownext import EventLike

INTERVIEW_HOURS = 5  # imgplan's convention: an interview day's length (virtual days run 4-6 h)
TRAVEL_DAYS = 4  # imgplan's convention: in-person interviews this close in one region = one trip
THANK_YOU_HOURS = 48  # imgplan's convention: a thank-you note within two days
INVITATION_SOURCE = (
    "FACTS §4 surveys: 20.4% of applicants missed an interview for a late answer (Postgrad Med "
    "J 2022;98:e12); about 1 in 3 programs fill every slot within an hour (JGME 2019;11(3):255)"
)
CONVENTION = "imgplan's convention (docs/season.md)"
REGION_SOURCE = "US Census Bureau regions (census.gov); " + CONVENTION
#: US Census Bureau regions, by state (territories apart).
REGIONS = {
    **dict.fromkeys(("CT", "ME", "MA", "NH", "RI", "VT", "NJ", "NY", "PA"), "Northeast"),
    **dict.fromkeys(
        ("IL", "IN", "MI", "OH", "WI", "IA", "KS", "MN", "MO", "NE", "ND", "SD"), "Midwest"
    ),
    **dict.fromkeys(
        (
            "DE",
            "DC",
            "FL",
            "GA",
            "MD",
            "NC",
            "SC",
            "VA",
            "WV",
            "AL",
            "KY",
            "MS",
            "TN",
            "AR",
            "LA",
            "OK",
            "TX",
        ),
        "South",
    ),
    **dict.fromkeys(
        ("AZ", "CO", "ID", "MT", "NV", "NM", "UT", "WY", "AK", "CA", "HI", "OR", "WA"), "West"
    ),
    "PR": "Puerto Rico",
}
#: Timeline event keys of the NRMP deadlines (timeline/application.py).
REGISTRATION_KEY = "nrmp-registration-deadline"
RANK_LIST_KEY = "rank-list"


class Alert(Struct, frozen=True):
    kind: str
    text: str
    source: str
    programs: tuple[str, ...] = ()
    urgent: bool = False


def alerts(
    tracker: Tracker,
    today: dt.date,
    *,
    events: Iterable[EventLike] = (),
    outcomes: Outcomes | None = None,
) -> list[Alert]:
    """Every alert for ``tracker`` today, the urgent ones first."""
    live = [t for t in tracker.programs if t.status not in ("withdrawn", "rejected")]
    found = [
        *_invitations(live, today),
        *_clashes(live),
        *_travel(live),
        *_after_interviews(live, today),
        *_deadlines(live, events, today),
        *_contiguous(live, outcomes),
    ]
    return sorted(found, key=lambda a: not a.urgent)


def _label(t: Tracked) -> str:
    return f"{t.name} ({t.program_id})"


def _invitations(live: list[Tracked], today: dt.date) -> list[Alert]:
    out = []
    for t in live:
        if t.status != "invited" or t.interview is not None or t.invited is None:
            continue
        if t.invited >= today:
            text = f"Invitation from {_label(t)} today: answer it now, slots fill within the hour."
        else:
            days = (today - t.invited).days
            text = (
                f"Invitation from {_label(t)} on {t.invited.isoformat()} not answered after "
                f"{'24 hours' if days == 1 else f'{days} days'}: answer or decline it today "
                "(record the date with track update --interview)."
            )
        out.append(Alert("invitation", text, INVITATION_SOURCE, (t.program_id,), urgent=True))
    return out


def _clashes(live: list[Tracked]) -> list[Alert]:
    """Two interviews less than INTERVIEW_HOURS apart (overlap, each pair), and each day with
    two or more interviews (one alert per day)."""
    by_day: dict[dt.date, list[Tracked]] = {}
    for t in live:
        if t.interview is not None and t.status != "saved":
            by_day.setdefault(t.interview_day, []).append(t)  # type: ignore[arg-type]
    out = []
    for day, those in sorted(by_day.items()):
        if len(those) < 2:
            continue
        those.sort(key=lambda t: t.program_id)
        overlapping: set[str] = set()
        timed = [t for t in those if t.interview_at is not None]
        for a, b in combinations(timed, 2):
            at_a, at_b = a.interview_at, b.interview_at
            assert at_a is not None and at_b is not None
            gap = abs((at_a - at_b).total_seconds()) / 3600
            if gap < INTERVIEW_HOURS:
                overlapping |= {a.program_id, b.program_id}
                out.append(
                    Alert(
                        "overlap",
                        f"Interviews at {_label(a)} and {_label(b)} on {day.isoformat()} start "
                        f"{gap:.1f} hours apart: they overlap (an interview day lasts about "
                        f"{INTERVIEW_HOURS} hours); ask one program for another date.",
                        CONVENTION,
                        (a.program_id, b.program_id),
                        urgent=True,
                    )
                )
        rest = [t for t in those if t.program_id not in overlapping]
        if len(rest) >= 2 or (rest and overlapping):
            names = ", ".join(_label(t) for t in those[:4]) + (" …" if len(those) > 4 else "")
            out.append(
                Alert(
                    "same_day",
                    f"{len(those)} interviews on {day.isoformat()}: {names}: check that the "
                    "times and the travel work.",
                    CONVENTION,
                    tuple(t.program_id for t in those),
                )
            )
    return out


def _travel(live: list[Tracked]) -> list[Alert]:
    """In-person interviews: one region a few days apart (one trip), or two regions on
    consecutive days (tight)."""
    person = sorted(
        (t for t in live if t.interview is not None and t.virtual is False and t.state),
        key=lambda t: (t.interview_day, t.program_id),
    )
    out = []
    for a, b in zip(person, person[1:], strict=False):
        days = (b.interview_day - a.interview_day).days  # type: ignore[operator]
        ra, rb = REGIONS.get(a.state or ""), REGIONS.get(b.state or "")
        if ra is None or rb is None or days == 0:
            continue
        if ra == rb and days <= TRAVEL_DAYS:
            out.append(
                Alert(
                    "travel",
                    f"In-person interviews in the {ra}, {plural(days, 'day')} apart: {_label(a)} "
                    f"on {a.interview_day} and {_label(b)} on {b.interview_day}: one trip "
                    "may cover both.",
                    REGION_SOURCE,
                    (a.program_id, b.program_id),
                )
            )
        elif ra != rb and days == 1:
            out.append(
                Alert(
                    "travel",
                    f"In-person interviews on consecutive days in two regions ({ra}, {rb}): "
                    f"{_label(a)} on {a.interview_day} and {_label(b)} on {b.interview_day}: "
                    "check the flights.",
                    REGION_SOURCE,
                    (a.program_id, b.program_id),
                    urgent=True,
                )
            )
    return out


def _after_interviews(live: list[Tracked], today: dt.date) -> list[Alert]:
    """An interview still 'scheduled' after its day, and no thank-you note 48 hours after an
    interview: one alert each, naming every program concerned."""
    stale, unthanked = [], []
    for t in live:
        day = t.interview_day
        if day is None or day >= today or t.status in ("saved", "applied", "invited"):
            continue
        if t.status == "scheduled":
            stale.append(t)
        if t.thank_you is None and (today - day).days * 24 >= THANK_YOU_HOURS:
            unthanked.append(t)
    out = []
    if stale:
        names = ", ".join(f"{_label(t)} on {t.interview_day}" for t in stale[:4])
        more = f" and {len(stale) - 4} more" if len(stale) > 4 else ""
        out.append(
            Alert(
                "past_interview",
                f"Interviews past their day but still 'scheduled': {names}{more}. Mark each done "
                "(track update --status interviewed) and rate it while it is fresh.",
                "imgplan's reading of your tracker",
                tuple(t.program_id for t in stale),
            )
        )
    if unthanked:
        names = ", ".join(
            f"{_label(t)} ({(today - (t.interview_day or today)).days} days)" for t in unthanked[:4]
        )
        more = f" and {len(unthanked) - 4} more" if len(unthanked) > 4 else ""
        out.append(
            Alert(
                "thank_you",
                f"No thank-you note recorded 48 hours after the interview: {names}{more}. Send "
                "one if you mean to (optional; NRMP's rules let no program ask for a "
                "commitment), and record it with --thank-you.",
                CONVENTION + "; NRMP Match Participation Agreement (FACTS §4)",
                tuple(t.program_id for t in unthanked),
            )
        )
    return out


def _deadlines(live: list[Tracked], events: Iterable[EventLike], today: dt.date) -> list[Alert]:
    if not any(t.status != "saved" for t in live):
        return []
    by_key = {e.key: e for e in events}
    out = []
    reg = by_key.get(REGISTRATION_KEY)
    if reg is not None and reg.date >= today:
        days = (reg.date - today).days
        out.append(
            Alert(
                "registration",
                f"NRMP registration: the standard deadline is {reg.date.isoformat()} "
                f"({reg.certainty}; {plural(days, 'day')} away). Register if you have not: no "
                "registration, no rank list.",
                reg.source,
                urgent=days <= 14,
            )
        )
    rank = by_key.get(RANK_LIST_KEY)
    if rank is not None and rank.date >= today:
        days = (rank.date - today).days
        count = sum(1 for t in live if t.interviewing)
        out.append(
            Alert(
                "rank_list",
                f"Rank order list deadline {rank.date.isoformat()} ({rank.certainty}, 9 pm ET; "
                f"{plural(days, 'day')} away): {plural(count, 'interview')} tracked so far.",
                rank.source,
                urgent=days <= 7,
            )
        )
    return out


def _contiguous(live: list[Tracked], outcomes: Outcomes | None) -> list[Alert]:
    """Interviews per specialty against the contiguous ranks of matched and unmatched
    non-US IMGs (NRMP Charting Outcomes)."""
    if outcomes is None:
        return []
    co = outcomes.charting_outcomes
    counts: dict[str, int] = {}
    for t in live:
        if t.interviewing:
            counts[t.specialty] = counts.get(t.specialty, 0) + 1
    out = []
    for spec, n in sorted(counts.items()):
        o = co.specialties.get(spec)
        if o is None:
            continue
        matched, unmatched = o.ranks[0], o.ranks[1]
        where = "at or above" if n >= matched else "below"
        out.append(
            Alert(
                "contiguous",
                f"{vocab.specialty_label(spec)}: {plural(n, 'interview')} tracked, {where} the "
                f"median of matched non-US IMGs ({matched:g} programs ranked in a row; unmatched "
                f"ones {unmatched:g}). Rank every program you would attend.",
                f"{co.source} ({co.edition}; secondary)",
            )
        )
    return out

"""The checks of a rank order list (docs/season.md: Your rank list), each a registered rule with its
source: contiguous ranks against Charting Outcomes, the NRMP fee and cap, tracks and
supplemental lists, programs that rule the applicant out or whose policies are unknown, where
today falls in the ranking season, and the ROL lock pilot."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from msgspec import Struct

from ..models import vocab
from ..models.outcomes import Outcomes
from ..models.profile import Profile
from ..models.values import plural
from ..nownext import EventLike
from ..rules import registry as R
from .draft import Entry

MAX_RANKS = 300
TRACKS = re.compile(r"\b(prelim(inary)?|advanced|transitional)\b", re.IGNORECASE)
LOCK_PILOT = ("internal_medicine", "pediatrics")  # and Vascular Surgery (not a specialty here)
OPENS_KEY, DEADLINE_KEY, MATCH_DAY_KEY = "nrmp-ranking-opens", "rank-list", "match-day"


class Check(Struct, frozen=True):
    rule: str
    level: str  # problem | warn | info | ok
    text: str
    source: str


def checks(
    entries: list[Entry],
    profile: Profile,
    outcomes: Outcomes,
    events: Iterable[EventLike],
    today: dt.date,
) -> list[Check]:
    out: list[Check] = []
    if not entries:
        out.append(
            Check(
                R.RANK_EMPTY,
                "warn",
                "No interview is tracked, so there is nothing to rank yet: record each with "
                "imgplan track update PROFILE PROGRAM --status scheduled --interview ...",
                "imgplan's tracker",
            )
        )
    out += _dates(events, today)
    out += _contiguous(entries, profile, outcomes)
    out += _fees(entries, outcomes)
    out += _programs(entries)
    specialties = {e.tracked.specialty for e in entries}
    if specialties & set(LOCK_PILOT):
        out.append(
            Check(
                R.RANK_LOCK_PILOT,
                "info",
                "Internal Medicine and Pediatrics programs may lock their rank lists early "
                "(NRMP's Voluntary Program ROL Lock pilot, from the 2026 Match): a locked list "
                "cannot change, and post-interview second looks come only after a program "
                "locked. Your own list stays yours to change until the deadline.",
                "NRMP, May 2025 (official; FACTS §4)",
            )
        )
    return out


def _dates(events: Iterable[EventLike], today: dt.date) -> list[Check]:
    by_key = {e.key: e for e in events}
    opens, deadline = by_key.get(OPENS_KEY), by_key.get(DEADLINE_KEY)
    if deadline is None:
        return []
    source = deadline.source
    if opens is not None and today < opens.date:
        text = (
            f"Today is {today.isoformat()}: ranking opens about {opens.date.isoformat()} "
            f"({opens.certainty}) and the list must be certified by {deadline.date.isoformat()} "
            f"at 9 pm ET ({deadline.certainty}). Draft now; enter it in the NRMP R3 system then."
        )
        return [Check(R.RANK_DATES, "info", text, source)]
    if today <= deadline.date:
        days = (deadline.date - today).days
        left = (
            f"{plural(days, 'day')} to certify your list"
            if days
            else "the last day to certify your list"
        )
        text = (
            f"Today is {today.isoformat()}: {left} ({deadline.date.isoformat()}, 9 pm ET; "
            f"{deadline.certainty}). A list not certified is not used."
        )
        return [Check(R.RANK_DATES, "warn" if days <= 7 else "info", text, source)]
    match_day = by_key.get(MATCH_DAY_KEY)
    after = f"; Match Day is {match_day.date.isoformat()}" if match_day else ""
    text = (
        f"Today is {today.isoformat()}: the rank-list deadline ({deadline.date.isoformat()}) "
        f"has passed and certified lists cannot change{after}. This list shows what your "
        "certified one does, if it is the same."
    )
    return [Check(R.RANK_DATES, "info", text, source)]


def _contiguous(entries: list[Entry], profile: Profile, outcomes: Outcomes) -> list[Check]:
    if not entries:
        return []
    spec = str(profile.targets.specialties[0])
    run = 0
    for e in entries:
        if e.tracked.specialty != spec:
            break
        run += 1
    co = outcomes.charting_outcomes
    o = co.specialties.get(spec)
    label = vocab.specialty_label(spec)
    if o is None:
        return [
            Check(
                R.RANK_CONTIGUOUS,
                "info",
                f"{plural(run, 'program')} of {label} in a row from the top; Charting "
                "Outcomes has no contiguous-ranks figure for it in imgplan's data: unknown.",
                f"{co.source} ({co.edition}; secondary)",
            )
        ]
    matched, unmatched = o.ranks[0], o.ranks[1]
    level = "ok" if run >= matched else ("warn" if run > unmatched else "problem")
    text = (
        f"{plural(run, 'program')} of {label} in a row from the top: matched non-US IMGs "
        f"ranked a median of {matched:g}, unmatched ones {unmatched:g}. "
        + ("" if level == "ok" else "Add every program of it you would attend.")
    )
    return [Check(R.RANK_CONTIGUOUS, level, text.strip(), f"{co.source} ({co.edition}; secondary)")]


def _fees(entries: list[Entry], outcomes: Outcomes) -> list[Check]:
    fees = outcomes.fees.nrmp
    n = len(entries)
    out = []
    if n > MAX_RANKS:
        out.append(
            Check(
                R.RANK_CAP,
                "problem",
                f"{n} ranks: a list holds at most {MAX_RANKS}; the NRMP system will not take more.",
                "NRMP rank order list rules (official; FACTS §4)",
            )
        )
    extra = max(0, n - fees.ranks_included)
    cost = (
        f"{extra} beyond the {fees.ranks_included} included: ${extra * fees.per_extra_rank} "
        f"(${fees.per_extra_rank} each, not refundable)"
        if extra
        else f"within the {fees.ranks_included} included in the fee: no extra cost"
    )
    out.append(
        Check(
            R.RANK_FEES,
            "info",
            f"{plural(n, 'program code')} on the primary list, {cost}; supplemental lists hold "
            f"{fees.ranks_included} codes across them before the same fee.",
            f"{fees.source} ({fees.edition})",
        )
    )
    return out


def _programs(entries: list[Entry]) -> list[Check]:
    out = []
    tracks = [e.tracked.name for e in entries if TRACKS.search(e.tracked.name)]
    if tracks:
        out.append(
            Check(
                R.RANK_TRACKS,
                "info",
                f"Preliminary, transitional or advanced positions on your list ({', '.join(tracks[:5])}): "
                "an advanced position needs a PGY-1 year; a supplemental list of preliminary "
                "programs is used only if you match the advanced program it is linked to.",
                "NRMP rank order list rules (official; FACTS §4)",
            )
        )
    for e in entries:
        others = [text for rule, text in e.standing.fails if rule != "visa" or e.note]
        if others:
            out.append(
                Check(
                    R.RANK_RULES_OUT,
                    "warn",
                    f"{e.tracked.name}: its stated policy rules you out ({others[0]}). Ranking it "
                    "costs a code and cannot match unless the program waives it: verify with the "
                    "program.",
                    "the program's figures in your dataset",
                )
            )
    unknown = [e for e in entries if e.standing.unknown]
    if unknown:
        names = ", ".join(
            f"{e.tracked.name}: {', '.join(e.standing.unknown)}" for e in unknown[:5]
        ) + (" …" if len(unknown) > 5 else "")
        out.append(
            Check(
                R.RANK_VERIFY,
                "warn",
                f"{plural(len(unknown), 'program')} with policies unknown to imgplan ({names}): "
                "verify visa sponsorship, graduation and attempt limits on each program's site "
                "before ranking.",
                "imgplan's dataset (unknown figures are never scored as a pass)",
            )
        )
    return out

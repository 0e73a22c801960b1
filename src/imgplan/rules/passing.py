"""The Step 2 CK passing score in force on a test date (FACTS §5: 209 from July 2014, 214 from
1 July 2022, 218 from 1 July 2025). A score is judged by its own date's mark, never by today's."""

from __future__ import annotations

import datetime as dt

from msgspec import Struct

from .. import season
from ..models.profile import Profile
from ..models.reference import Reference
from ..models.values import passing


class PassJudgement(Struct, frozen=True):
    verdict: str  # pass | fail | depends (no test date, and the marks disagree)
    mark: int | None  # the mark applied (None when it depends on the date)
    text: str  # how it was judged, for a finding's sentence


def marks(ref: Reference) -> list[tuple[dt.date, int]]:
    """(from date, passing score), oldest first, from data/reference.yaml."""
    return ref.marks("step2ck_pass_history")


def mark_on(ref: Reference, day: dt.date) -> int | None:
    """The passing score in force on ``day`` (None before the first one on record)."""
    found = None
    for start, score in marks(ref):
        if start <= day:
            found = score
    return found


def judge(ref: Reference, score: int, day: dt.date | None) -> PassJudgement:
    """Whether a Step 2 CK ``score`` taken on ``day`` passed."""
    history = marks(ref)
    if day is not None:
        mark = mark_on(ref, day) or history[0][1]
        verdict = "pass" if score >= mark else "fail"
        return PassJudgement(verdict, mark, f"the passing score on {day.isoformat()} was {mark}")
    lowest, highest = min(m for _, m in history), max(m for _, m in history)
    if score >= highest:
        return PassJudgement("pass", highest, f"it passes every mark on record (up to {highest})")
    if score < lowest:
        return PassJudgement("fail", lowest, f"it is under every mark on record (from {lowest})")
    passes = [f"{m} (from {d.isoformat()})" for d, m in history if score >= m]
    fails = [f"{m} (from {d.isoformat()})" for d, m in history if score < m]
    return PassJudgement(
        "depends",
        None,
        f"with no test date it passes under {', '.join(passes)} but not under "
        f"{', '.join(fails)}: add usmle.step2ck.date",
    )


def step2_failed(profile: Profile, ref: Reference) -> bool:
    """The recorded Step 2 CK score is under the pass mark of its test date."""
    return season.step2_failed(profile, marks(ref))


def step3_passed(profile: Profile, ref: Reference) -> bool:
    """Step 3 passed: "pass", or a numeric score at or over the mark of its test date (200
    from 1 Jan 2024, 198 before); a score near the mark without a date is not a pass."""
    step3 = profile.usmle.step3
    if step3.result == "pass":
        return True
    if isinstance(step3.result, int):
        return passing(step3.result, step3.date, ref.marks("step3_pass_history")) == "pass"
    return False


def step3_failed(profile: Profile, ref: Reference) -> bool:
    """A Step 3 recorded as failed, or a numeric score under the mark of its date."""
    step3 = profile.usmle.step3
    if step3.result == "fail":
        return True
    if isinstance(step3.result, int):
        return passing(step3.result, step3.date, ref.marks("step3_pass_history")) == "fail"
    return False

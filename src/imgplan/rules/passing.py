"""The Step 2 CK passing score in force on a test date (FACTS §5: 209 from July 2014, 214 from
1 July 2022, 218 from 1 July 2025). A score is judged by its own date's mark, never by today's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..models.reference import Reference


@dataclass(frozen=True)
class PassJudgement:
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

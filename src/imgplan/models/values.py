"""Value bounds, Step results and yes/no words: each written once here and used by the file
formats, the spreadsheet importer and the command-line options alike.

Every checker raises ``ValueError`` with a message "what is wrong; what is expected".
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from msgspec import Struct


class Bound(Struct, frozen=True):
    """An inclusive range of a kind of value, with the words that name it."""

    lo: float
    hi: float
    what: str
    hint: str = ""

    def check(self, value: float) -> float:
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{value} is not a finite number; expected {self.what} {self.span}")
        if not self.lo <= value <= self.hi:
            raise ValueError(f"{value} is outside {self.span}; expected {self.what}{self.hint}")
        return value

    @property
    def span(self) -> str:
        return f"{self.lo:g}–{self.hi:g}"


SCORE = Bound(1, 300, "a USMLE three-digit score", " (the scale is 1–300)")
ATTEMPTS = Bound(1, 4, "an attempt count", " (USMLE allows at most 4 per Step)")
ATTEMPT_LIMIT = Bound(1, 4, "an attempt limit")
MONTHS = Bound(0, 120, "a number of months")
PERCENT = Bound(0, 100, "a percentage")
SHARE = Bound(0, 1, "a share", " (write 40% as 0.40)")
YEAR = Bound(1950, 2100, "a year")
POSITIONS = Bound(1, 500, "a number of positions")
YOG_YEARS = Bound(0, 60, "a number of years")
STUDY_WEEKS = Bound(0, 104, "a number of weeks")
WEIGHT = Bound(0, 10, "a weight", " (0 ignores the criterion, 10 counts it most)")
PROBABILITY = Bound(0, 1, "a probability", " (write 40% as 0.40)")
RATING = Bound(1, 5, "a rating", " (your ratings run 1-5)")

STEP1_RESULTS = ("pass", "fail")
STEP3_RESULTS = ("none", "pass", "fail")


def step_result(value: object, allowed: tuple[str, ...]) -> str | int:
    """A Step result: one of ``allowed`` (any case) or a legacy numeric score 1–300."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text in allowed:
            return text
        if text.isdigit() and len(text) <= 3:
            value = int(text)
    if isinstance(value, int) and not isinstance(value, bool):
        if SCORE.lo <= value <= SCORE.hi:
            return value
        raise ValueError(f"{value} is outside the USMLE three-digit scale; expected 1–300")
    raise ValueError(f"{value!r} is not a result; expected {', '.join(allowed)} or a numeric score")


def passing(score: int, day: Any, marks: Sequence[tuple[Any, int]]) -> str:
    """'pass', 'fail' or 'depends' for a USMLE ``score`` taken on ``day`` (None: unknown)
    against ``marks`` ([from date, passing score], oldest first: the reference figures). A
    score is judged by the mark in force on its own test date, never by today's."""
    if day is not None:
        mark = marks[0][1]
        for start, value in marks:
            if start <= day:
                mark = value
        return "pass" if score >= mark else "fail"
    lowest, highest = min(m for _, m in marks), max(m for _, m in marks)
    if score >= highest:
        return "pass"
    return "fail" if score < lowest else "depends"


#: The words read as yes and as no (settings, options, spreadsheet cells).
YES_WORDS = ("yes", "y", "true", "1", "on")
NO_WORDS = ("no", "n", "false", "0", "off")


def yes_no(text: str) -> bool:
    word = text.strip().lower()
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise ValueError(f"{text!r:.80} is not yes or no; expected yes or no")


# A cell a spreadsheet would evaluate: '=' or '@' first, or '+'/'-' before anything but a
# number (OWASP "CSV injection"); also a leading tab or carriage return, which some
# spreadsheets skip before evaluating. '-2' and '+5%' are numbers, not formulas. The importer
# refuses such cells; the CSV writers defang them.
FORMULA = re.compile(r"^(?:[=@\t\r]|[+-](?![0-9.,%\s]*$))")


def looks_like_formula(text: str) -> bool:
    return bool(FORMULA.match(text))


def plural(count: float, word: str, words: str | None = None) -> str:
    """'1 month', '2 months', '1.5 months'; ``words`` for an irregular plural."""
    return f"{count:g} {word if count == 1 else (words or word + 's')}"

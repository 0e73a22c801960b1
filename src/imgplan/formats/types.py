"""Field types shared by the file formats.

Each type is strict where YAML or lax parsing could silently change meaning (a boolean written
``yes``, a date given as a number, ``true`` taken for the number 1), and each error message has
the form "what is wrong; what is expected".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict

from ..errors import CONTROL
from ..models import values, vocab
from ..models.values import Bound

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n"}


class Strict(BaseModel):
    """Base of every file-format model: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


#: Every date a file may hold: a plan runs decades, never to the end of the calendar (a
#: residency dated 9999 would make "year 10001" in every date computed from it).
EARLIEST_DATE, LATEST_DATE = dt.date(1950, 1, 1), dt.date(2100, 12, 31)


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        found = value.date()
    elif isinstance(value, dt.date):
        found = value
    elif isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            found = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(
                f"'{value}' is not a real calendar date; expected YYYY-MM-DD"
            ) from None
    else:
        raise ValueError(f"{value!r} is not a date; expected YYYY-MM-DD, e.g. 2027-03-15")
    if not EARLIEST_DATE <= found <= LATEST_DATE:
        raise ValueError(
            f"{found.isoformat()} is not a plausible date; expected a date from "
            f"{EARLIEST_DATE.year} to {LATEST_DATE.year}"
        )
    return found


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _YAML11_BOOLS:
        raise ValueError(
            f"'{value}' is ambiguous (YAML 1.1 reads it as a boolean, YAML 1.2 as text); "
            "expected true or false"
        )
    raise ValueError(f"{value!r} is not true/false; expected true or false")


def _text(value: Any) -> str:
    if isinstance(value, str):
        bad = CONTROL.search(value)
        if bad:
            raise ValueError(
                f"control character U+{ord(bad.group()):04X} at character {bad.start() + 1}; "
                "expected printable text"
            )
        return value
    if isinstance(value, bool) or value is None:
        raise ValueError(f'{value!r} is not text; expected text (quote it: "...")')
    if isinstance(value, int | float):
        # YAML read it as a number, so what was written is lost ('010' and '10' are both 10,
        # '1e3' is 1000.0): refuse rather than keep a different text.
        raise ValueError(
            f"{value!r} was read as a number (so a leading zero or the form written is lost); "
            "expected text: put it in quotes exactly as you mean it"
        )
    kind = (
        "a mapping"
        if isinstance(value, dict)
        else "a list"
        if isinstance(value, list)
        else "a value"
    )
    raise ValueError(f"got {kind}; expected text (one line, or quoted)")


def bounded_int(bound: Bound) -> Callable[[Any], int]:
    lo, hi, what = f"{bound.lo:g}", f"{bound.hi:g}", bound.what

    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise ValueError(
                    f"{value!r} is not a whole number; expected {what} from {lo} to {hi}"
                )
        if not bound.lo <= value <= bound.hi:
            raise ValueError(
                f"{value} is outside {lo}–{hi}; expected {what} from {lo} to {hi}{bound.hint}"
            )
        return int(value)

    return check


def bounded_float(bound: Bound) -> Callable[[Any], float]:
    lo, hi, what, hint = f"{bound.lo:g}", f"{bound.hi:g}", bound.what, bound.hint

    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{value!r} is not a number; expected {what} from {lo} to {hi}{hint}")
        if not bound.lo <= value <= bound.hi:
            raise ValueError(f"{value} is outside {lo}–{hi}; expected {what}{hint}")
        return float(value)

    return check


Date = Annotated[dt.date, BeforeValidator(_date)]
Bool = Annotated[bool, BeforeValidator(_bool)]
Text = Annotated[str, BeforeValidator(_text)]
Score = Annotated[int, BeforeValidator(bounded_int(values.SCORE))]
Attempts = Annotated[int, BeforeValidator(bounded_int(values.ATTEMPTS))]
AttemptLimit = Annotated[int, BeforeValidator(bounded_int(values.ATTEMPT_LIMIT))]
Share = Annotated[float, BeforeValidator(bounded_float(values.SHARE))]
Percent = Annotated[float, BeforeValidator(bounded_float(values.PERCENT))]
Months = Annotated[float, BeforeValidator(bounded_float(values.MONTHS))]
Year = Annotated[int, BeforeValidator(bounded_int(values.YEAR))]
Weight = Annotated[float, BeforeValidator(bounded_float(values.WEIGHT))]
Probability = Annotated[float, BeforeValidator(bounded_float(values.PROBABILITY))]
Rating = Annotated[int, BeforeValidator(bounded_int(values.RATING))]
Positions = Annotated[int, BeforeValidator(bounded_int(values.POSITIONS))]
YogYears = Annotated[int, BeforeValidator(bounded_int(values.YOG_YEARS))]
StudyWeeks = Annotated[int, BeforeValidator(bounded_int(values.STUDY_WEEKS))]
SpecialtyName = Annotated[vocab.Specialty, BeforeValidator(vocab.specialty)]
StateCode = Annotated[str, BeforeValidator(vocab.state)]
VisaName = Annotated[vocab.Visa, BeforeValidator(vocab.visa)]
ProgramVisaName = Annotated[vocab.ProgramVisa, BeforeValidator(vocab.program_visa)]


def enum_of(enum: type[vocab.StrEnum], what: str) -> Any:
    """An enum field that accepts any case and spaces for underscores."""
    return Annotated[enum, BeforeValidator(lambda v: vocab.choose(v, enum, what))]

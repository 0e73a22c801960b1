"""What matters now, by stage and phase (data/advice.yaml): validation only (the core uses the
records in `imgplan.models.advice`; the fields are the same, in the same order)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from .profile import FormatOne
from .types import Date, Strict, Text

ONLY = ("not_certified", "needs_visa", "untracked")  # untracked: said by a tracker alert otherwise


def _only(value: str) -> str:
    if value not in ONLY:
        raise ValueError(f"'{value}' is not a condition; expected one of: {', '.join(ONLY)}")
    return value


class Advice(Strict):
    when: Text
    text: Text
    source: Text
    only: Annotated[Text, AfterValidator(_only)] | None = None


class AdviceData(Strict):
    format: FormatOne
    as_of: Date
    advice: list[Advice] = Field(max_length=500)

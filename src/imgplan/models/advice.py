"""What matters now, by stage and phase, as the core sees it (validated from data/advice.yaml
by `imgplan.formats.advice`)."""

from __future__ import annotations

import datetime as dt

from .record import Record


class Advice(Record):
    when: str  # a stage, or stage/phase
    text: str
    source: str
    only: str | None = None  # a condition: not_certified | needs_visa | untracked


class AdviceData(Record):
    format: int
    as_of: dt.date
    advice: list[Advice]

    def lines(self, when: str) -> list[Advice]:
        return [a for a in self.advice if a.when == when]

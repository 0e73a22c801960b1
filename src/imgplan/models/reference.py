"""The bundled reference figures and their sources as the core sees them (validated from
data/reference.yaml by `imgplan.formats.reference`)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from msgspec import field

from .record import Record

TAGS = {"P": "official", "S": "secondary", "U": "unconfirmed"}


class Source(Record):
    label: str
    tag: str
    edition: str

    def cite(self) -> str:
        tag = TAGS.get(self.tag)
        kind = f"; {tag}" if tag else ""
        return f"{self.label} ({self.edition}{kind})"


class Figure(Record):
    value: Any
    source: str
    note: str = ""


class Reference(Record):
    """The bundled figures and their sources (validated by `formats.reference`)."""

    format: int
    as_of: dt.date
    sources: dict[str, Source]
    figures: dict[str, Figure] = field(default_factory=dict)
    # Citations already written out (the rules ask for the same few for every program); held
    # by the object itself, so it lives and dies with it. Not a field of the file.
    _cites: dict[str, str] = field(default_factory=dict)

    RUN_FIELDS: ClassVar[frozenset[str]] = frozenset({"_cites"})

    def __getitem__(self, name: str) -> Any:
        return self.figures[name].value

    def cite(self, source_or_figure: str) -> str:
        """The citation of a source id, or of the source behind a figure name."""
        text = self._cites.get(source_or_figure)
        if text is None:
            key = source_or_figure
            if key in self.figures:
                key = self.figures[key].source
            text = self._cites[source_or_figure] = self.sources[key].cite()
        return text

    def marks(self, figure: str) -> list[tuple[dt.date, int]]:
        """A pass-mark history figure ([from date, passing score] pairs) as sorted pairs."""
        out = []
        for start, score in self[figure]:
            day = start if isinstance(start, dt.date) else dt.date.fromisoformat(str(start))
            out.append((day, int(score)))
        return sorted(out)

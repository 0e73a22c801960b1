"""Bundled reference data: figures with their sources (data/reference.yaml)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .models.record import Record


@dataclass(slots=True)
class Source(Record):
    label: str
    tag: str
    edition: str

    def cite(self) -> str:
        tag = {"P": "official", "S": "secondary", "U": "unconfirmed"}.get(self.tag)
        kind = f"; {tag}" if tag else ""
        return f"{self.label} ({self.edition}{kind})"


@dataclass(slots=True)
class Figure(Record):
    value: Any
    source: str
    note: str = ""


@dataclass(slots=True)
class Reference(Record):
    """The bundled figures and their sources (validated by `formats.reference`)."""

    format: int
    as_of: dt.date
    sources: dict[str, Source]
    figures: dict[str, Figure] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.figures[name].value

    def cite(self, source_or_figure: str) -> str:
        """The citation of a source id, or of the source behind a figure name (memoised:
        the rules ask for the same few citations for every program)."""
        memo = _CITES.setdefault(id(self), {})
        text = memo.get(source_or_figure)
        if text is None:
            key = source_or_figure
            if key in self.figures:
                key = self.figures[key].source
            text = memo[source_or_figure] = self.sources[key].cite()
        return text


_CITES: dict[int, dict[str, str]] = {}


def data_path(name: str) -> Path:
    """A bundled data file, found the same way in a wheel and in a source checkout."""
    return Path(str(resources.files("imgplan") / "data" / name))


@cache
def reference() -> Reference:
    from .loading import load_bundled

    return load_bundled("reference.yaml", Reference, "imgplan.formats.reference:Reference")

"""Bundled reference data: figures with their sources (data/reference.yaml)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import Field

from .models.types import Date, Strict, Text


class Source(Strict):
    label: Text
    tag: Text
    edition: Text

    def cite(self) -> str:
        tag = {"P": "official", "S": "secondary", "U": "unconfirmed"}.get(self.tag)
        kind = f"; {tag}" if tag else ""
        return f"{self.label} ({self.edition}{kind})"


class Figure(Strict):
    value: Any
    source: Text
    note: Text = ""


class Reference(Strict):
    format: int
    as_of: Date
    sources: dict[str, Source]
    figures: dict[str, Figure] = Field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.figures[name].value

    def cite(self, source_or_figure: str) -> str:
        """The citation of a source id, or of the source behind a figure name."""
        if source_or_figure in self.figures:
            source_or_figure = self.figures[source_or_figure].source
        return self.sources[source_or_figure].cite()


def data_path(name: str) -> Path:
    """A bundled data file, found the same way in a wheel and in a source checkout."""
    return Path(str(resources.files("imgplan") / "data" / name))


@cache
def reference() -> Reference:
    from .loading import parse_yaml, validate_as

    parsed = parse_yaml(data_path("reference.yaml"), 1 << 20)
    return validate_as(parsed, Reference, dt.date.max, "reference data")

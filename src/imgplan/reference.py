"""Bundled reference data: figures with their sources (data/reference.yaml)."""

from __future__ import annotations

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

    return load_bundled("reference.yaml", Reference)

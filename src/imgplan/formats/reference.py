"""The bundled reference data's format (data/reference.yaml): validation only (the core uses
the records in `imgplan.reference`)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from .types import Date, Strict, Text


class Source(Strict):
    label: Text
    tag: Text
    edition: Text


class Figure(Strict):
    value: Any
    source: Text
    note: Text = ""


class Reference(Strict):
    format: int
    as_of: Date
    sources: dict[str, Source]
    figures: dict[str, Figure] = Field(default_factory=dict)

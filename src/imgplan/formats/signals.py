"""The bundled program-signal counts (data/signals.yaml): validation only (the core uses the
records in `imgplan.models.signals`; the fields are the same, in the same order)."""

from __future__ import annotations

from pydantic import Field

from .types import Date, Strict, Text


class SignalCount(Strict):
    service: Text = "ERAS"
    gold: int | None = Field(default=None, ge=0, le=50)
    silver: int | None = Field(default=None, ge=0, le=50)
    single: int | None = Field(default=None, ge=0, le=50)
    note: Text = ""
    source: Text = ""  # this specialty's own source, when not the season's


class SignalSeason(Strict):
    source: Text
    tag: Text
    specialties: dict[str, SignalCount]


class SignalsData(Strict):
    format: int
    as_of: Date
    seasons: dict[int, SignalSeason]

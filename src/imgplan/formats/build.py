"""Validation of data given in code (not a file), and the JSON Schema of the formats."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from pydantic import BaseModel

from .fellowships import FellowshipDirectory
from .profile import Profile
from .programs import Dataset, Program
from .records import to_record


def profile_from(data: dict[str, Any], today: dt.date, marks: list[Any] | None = None) -> Any:
    """Validate a profile given as data (not a file) and return its record (``marks``: the
    Step 2 CK pass marks by date, for a score with a planned retake)."""
    context = {"today": today, "step2ck_marks": marks}
    return to_record(Profile.model_validate(data, context=context))


def program_from(data: dict[str, Any]) -> Any:
    return to_record(Program.model_validate(data))


def dataset_from(data: dict[str, Any]) -> Any:
    return to_record(Dataset.model_validate(data))


def json_schema(kind: str) -> str:
    """The JSON Schema of a file format as text; KeyError for an unknown kind."""
    models: dict[str, type[BaseModel]] = {
        "profile": Profile,
        "programs": Dataset,
        "fellowships": FellowshipDirectory,
    }
    model = models[kind]
    doc = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"imgplan {kind} format 1",
        **model.model_json_schema(),
    }
    return json.dumps(doc, indent=2) + "\n"

"""The file formats (pydantic models): validation only.

Each format class has a record class of the same name and the same fields in the core
(`imgplan.models.<the same module name>`); `to_record` turns a
validated format object into its record. pydantic is imported only when a file is actually
validated, never on a run served from the cache.
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any, get_args

from pydantic import BaseModel

# format module -> the module holding its records
RECORDS = {
    f"imgplan.formats.{name}": f"imgplan.models.{name}"
    for name in (
        "profile",
        "programs",
        "reference",
        "calendar",
        "outcomes",
        "signals",
        "fellowships",
        "advice",
    )
}

_PLANS: dict[type, tuple[type, tuple[str, ...], frozenset[str]]] = {}


def _holds_model(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_holds_model(arg) for arg in get_args(annotation))


def _plan(model: type[BaseModel]) -> tuple[type, tuple[str, ...], frozenset[str]]:
    """The record class for a format class (same name, in the module RECORDS names), its
    field names, and the fields that can hold format objects (converted in turn)."""
    found = _PLANS.get(model)
    if found is None:
        module = importlib.import_module(RECORDS[model.__module__])
        cls = getattr(module, model.__name__)
        nested = frozenset(
            name for name, info in model.model_fields.items() if _holds_model(info.annotation)
        )
        found = _PLANS[model] = (cls, cls.__match_args__, nested)
    return found


def record_class(model: type[BaseModel]) -> type:
    return _plan(model)[0]


def to_record(value: Any) -> Any:
    """A validated format object (and everything in it) as records; other values as they are."""
    if isinstance(value, BaseModel):
        cls, names, nested = _plan(type(value))
        fields = value.__dict__
        if not nested:
            return cls(*[fields[name] for name in names])
        return cls(*[to_record(fields[n]) if n in nested else fields[n] for n in names])
    if isinstance(value, list):
        return [to_record(v) for v in value]
    if isinstance(value, dict):
        return {k: to_record(v) for k, v in value.items()}
    return value


def profile_from(data: dict[str, Any], today: dt.date, marks: list[Any] | None = None) -> Any:
    """Validate a profile given as data (not a file) and return its record (``marks``: the
    Step 2 CK pass marks by date, for a score with a planned retake)."""
    from .profile import Profile

    context = {"today": today, "step2ck_marks": marks}
    return to_record(Profile.model_validate(data, context=context))


def program_from(data: dict[str, Any]) -> Any:
    from .programs import Program

    return to_record(Program.model_validate(data))


def dataset_from(data: dict[str, Any]) -> Any:
    from .programs import Dataset

    return to_record(Dataset.model_validate(data))


def json_schema(kind: str) -> str:
    """The JSON Schema of a file format as text; KeyError for an unknown kind."""
    import json

    from .fellowships import FellowshipDirectory
    from .profile import Profile
    from .programs import Dataset

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

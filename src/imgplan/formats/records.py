"""Validated format objects turned into the core's records: each format class has a record
class of the same name and fields in `imgplan.models` (a test checks the mirror)."""

from __future__ import annotations

from types import ModuleType
from typing import Any, get_args

from pydantic import BaseModel

from ..models import (
    advice,
    calendar,
    fellowships,
    outcomes,
    profile,
    programs,
    reference,
    signals,
    visa_policy,
)
from ..models.record import names

#: Each format module (by its name: a format class knows its module's name) -> the module of
#: its records, where the record class has the format class's name and fields.
RECORDS: dict[str, ModuleType] = {
    f"imgplan.formats.{m.__name__.rsplit('.', 1)[1]}": m
    for m in (
        profile,
        programs,
        reference,
        calendar,
        outcomes,
        signals,
        fellowships,
        advice,
        visa_policy,
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
        cls = getattr(RECORDS[model.__module__], model.__name__)
        nested = frozenset(
            name for name, info in model.model_fields.items() if _holds_model(info.annotation)
        )
        found = _PLANS[model] = (cls, names(cls), nested)
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

"""The base of the core's data classes: msgspec structs, no pydantic.

Files are validated by the pydantic formats in `imgplan.formats` and turned into these records
(`formats.to_record`). The core, the renderers and the cache only ever see records, so a run
served from the cache does not import pydantic.

Why msgspec's `Struct` and not `dataclasses`: a dataclass is made at import time by compiling
generated source for its `__init__`, `__repr__` and `__eq__` (about 1 ms a class on this
machine; a warm run imports a hundred of them, ~80 ms of a ~0.4 s command); a Struct class is
made in C in microseconds, has slots, and is constructed and unpickled in C (a cached
13,000-program dataset is a constructor call per record). Fields, defaults, `frozen=True`,
equality and `repr` work as with a slotted dataclass.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from operator import attrgetter
from typing import Any, ClassVar, Self

from msgspec import NODEFAULT, Struct
from msgspec.structs import fields, replace

_GETTERS: dict[type, Any] = {}
_NAMES: dict[type, tuple[str, ...]] = {}


def names(cls: type[Record]) -> tuple[str, ...]:
    """A record class's fields that its file holds, in order (`Record.RUN_FIELDS` left out):
    what a format object fills, what JSON shows."""
    found = _NAMES.get(cls)
    if found is None:
        found = _NAMES[cls] = tuple(n for n in cls.__struct_fields__ if n not in cls.RUN_FIELDS)
    return found


def values(record: Record) -> tuple[Any, ...]:
    """A record's file-field values in order (read by one C-level attrgetter per class)."""
    cls = type(record)
    getter = _GETTERS.get(cls)
    if getter is None:
        fields = names(cls)
        getter = _GETTERS[cls] = (
            attrgetter(*fields)
            if len(fields) > 1
            else (lambda r, name=fields[0]: (getattr(r, name),))
        )
    return getter(record)


class Record(Struct):
    #: Fields set at run time, not read from a file: not filled by a format object, not shown
    #: by `as_dict`, not compared by `values` (e.g. a program's fellowship link).
    RUN_FIELDS: ClassVar[frozenset[str]] = frozenset()

    def copy_with(self, **changes: Any) -> Self:
        """A copy with some fields changed (what-if overrides); the original is untouched.
        Run fields not given are left at their defaults: they are worked out from the other
        fields (a dataset's short ids and ids' order from its programs) and would be stale."""
        fresh = {
            f.name: f.default_factory() if f.default is NODEFAULT else f.default
            for f in fields(self)
            if f.name in self.RUN_FIELDS and f.name not in changes
        }
        return replace(self, **fresh, **changes)


def as_dict(value: Any, *, drop_none: bool = False) -> Any:
    """A record as JSON-ready data, fields in declaration order: nested records as objects,
    dates as ISO text, enums as their values; with ``drop_none``, unknown (None) fields left out."""
    if isinstance(value, Record):
        out = {}
        for name in names(type(value)):
            item = getattr(value, name)
            if item is None and drop_none:
                continue
            out[name] = as_dict(item, drop_none=drop_none)
        return out
    if isinstance(value, list):
        return [as_dict(v, drop_none=drop_none) for v in value]
    if isinstance(value, dict):
        return {k: as_dict(v, drop_none=drop_none) for k, v in value.items()}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value

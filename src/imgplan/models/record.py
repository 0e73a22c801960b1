"""The base of the core's data classes: plain slotted dataclasses, no pydantic.

Files are validated by the pydantic formats in `imgplan.formats` and turned into these records
(`formats.to_record`). The core, the renderers and the cache only ever see records, so a run
served from the cache does not import pydantic, and unpickling a 13,000-program dataset is a
constructor call per record (see `Record.__reduce__`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import Enum
from operator import attrgetter
from typing import Any, Self

_GETTERS: dict[type, Any] = {}


def values(record: Record) -> tuple[Any, ...]:
    """A record's field values in order (read by one C-level attrgetter per class)."""
    cls = type(record)
    getter = _GETTERS.get(cls)
    if getter is None:
        names = cls.__match_args__  # type: ignore[attr-defined]
        getter = _GETTERS[cls] = (
            attrgetter(*names) if len(names) > 1 else (lambda r, name=names[0]: (getattr(r, name),))
        )
    return getter(record)


class Record:
    __slots__ = ()

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        # Pickled as "call the class with the field values": about 3x faster to unpickle
        # than the default slot-state protocol.
        return (type(self), values(self))

    def copy_with(self, **changes: Any) -> Self:
        """A copy with some fields changed (what-if overrides); the original is untouched."""
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]


def as_dict(value: Any, *, drop_none: bool = False) -> Any:
    """A record as JSON-ready data, fields in declaration order: nested records as objects,
    dates as ISO text, enums as their values; with ``drop_none``, unknown (None) fields left out."""
    if isinstance(value, Record):
        out = {}
        for name in value.__match_args__:  # type: ignore[attr-defined]
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

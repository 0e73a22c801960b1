"""Program datasets as data: writing format-1 YAML, comparing two seasons, listing.

Pure functions; the CLI reads and writes the files.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from .models.programs import Dataset, Program
from .models.record import as_dict

_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}

#: The order fields are written in (the SPEC's order).
FIELD_ORDER = (
    "id",
    "name",
    "specialty",
    "state",
    "city",
    "setting",
    "positions",
    "img_share",
    "visas",
    "step2ck_min",
    "step2ck_preferred",
    "max_attempts",
    "yog_max_years",
    "usce",
    "usce_min_months",
    "ecfmg_by",
    "informatics",
    "url",
    "verified",
    "notes",
)


def scalar(value: object) -> str:
    """A YAML flow value that imgplan's loader reads back as exactly ``value``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, list):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in value.items()) + "}"
    text = str(value)
    if (_PLAIN.match(text) and text.lower() not in _RESERVED) or _DATE.match(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def program_dict(program: Program | dict[str, Any]) -> dict[str, Any]:
    """The program's known fields, in the SPEC's order (unknowns left out)."""
    data = (
        as_dict(program, drop_none=True)
        if isinstance(program, Program)
        else {k: v for k, v in program.items() if v is not None}
    )
    info = data.get("informatics")
    if isinstance(info, dict):
        info = {k: v for k, v in info.items() if v is not None}
        if info:
            data["informatics"] = info
        else:
            data.pop("informatics")
    return {k: data[k] for k in FIELD_ORDER if k in data}


def dataset_yaml(
    name: str,
    as_of: str,
    source: str,
    example: bool,
    programs: list[dict[str, Any]],
    header: str = "",
) -> str:
    lines = [header] if header else []
    lines += [
        "format: 1",
        f"name: {json.dumps(name, ensure_ascii=False)}",
        f"as_of: {as_of}",
        f"source: {json.dumps(source, ensure_ascii=False)}",
        f"example: {'true' if example else 'false'}",
    ]
    if not programs:
        lines.append("programs: []")
    else:
        lines.append("programs:")
    for p in programs:
        items = list(program_dict(p).items())
        key, value = items[0]
        lines.append(f"  - {key}: {scalar(value)}")
        lines += [f"    {k}: {scalar(v)}" for k, v in items[1:]]
    return "\n".join(lines) + "\n"


# Diff ----------------------------------------------------------------------------------


@dataclass
class Change:
    field: str
    old: Any
    new: Any
    kind: str  # e.g. cutoff raised, visa dropped, became unknown, changed


@dataclass
class DatasetDiff:
    added: list[Program]
    removed: list[Program]
    changed: list[tuple[Program, list[Change]]]
    unchanged: int
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _flat(p: Program) -> dict[str, Any]:
    data = as_dict(p)
    info = data.pop("informatics")
    data.update({f"informatics.{k}": v for k, v in info.items()})
    return data


def _kind(name: str, old: Any, new: Any) -> str:
    if old is None:
        return "now known"
    if new is None:
        return "became unknown"
    if name in (
        "step2ck_min",
        "step2ck_preferred",
        "usce_min_months",
        "img_share",
        "positions",
        "max_attempts",
        "yog_max_years",
    ):
        direction = "raised" if new > old else "lowered"
        label = {
            "step2ck_min": "cutoff",
            "step2ck_preferred": "preferred score",
            "img_share": "IMG share",
            "max_attempts": "attempt limit",
            "yog_max_years": "graduation cutoff",
        }.get(name, name.replace("_", " "))
        return f"{label} {direction}"
    if name == "visas":
        dropped, added = set(old) - set(new), set(new) - set(old)
        parts = [f"{v} dropped" for v in sorted(dropped)] + [f"{v} added" for v in sorted(added)]
        return "visa " + ", ".join(parts) if parts else "visas reordered"
    return "changed"


def diff(old: Dataset, new: Dataset) -> DatasetDiff:
    before = {p.id: p for p in old.programs}
    after = {p.id: p for p in new.programs}
    added = [after[i] for i in after if i not in before]
    removed = [before[i] for i in before if i not in after]
    changed = []
    unchanged = 0
    for pid in (i for i in after if i in before):
        a, b = _flat(before[pid]), _flat(after[pid])
        changes = [Change(k, a[k], b[k], _kind(k, a[k], b[k])) for k in b if a.get(k) != b[k]]
        if changes:
            changed.append((after[pid], changes))
        else:
            unchanged += 1
    notes = [
        f"{d.name} is example data: illustrative programs, not real cutoffs"
        for d in (old, new)
        if d.example
    ]
    if old.as_of != new.as_of:
        notes.append(f"as_of {old.as_of.isoformat()} → {new.as_of.isoformat()}")
    return DatasetDiff(added, removed, changed, unchanged, notes)

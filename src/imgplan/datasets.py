"""Program datasets as data: writing format-1 YAML, comparing two seasons, listing.

Pure functions; the CLI reads and writes the files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from msgspec import Struct, field

from .errors import visible
from .institutions import distinctive, institution_of
from .models.programs import INFORMATICS_FIELDS, Dataset, Program
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
    "institution",
    "flags",
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
    "my_notes",
    "nrmp_code",
    "provenance",
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
    return {k: data[k] for k in FIELD_ORDER if k in data and data[k] != {}}


def dataset_yaml(
    name: str,
    as_of: str,
    source: str,
    example: bool,
    programs: Iterable[dict[str, Any]],
    header: str = "",
) -> str:
    """A dataset file's text."""
    return "".join(dataset_chunks(name, as_of, source, example, programs, header))


def dataset_chunks(
    name: str,
    as_of: str,
    source: str,
    example: bool,
    programs: Iterable[dict[str, Any]],
    header: str = "",
) -> Iterator[str]:
    """A dataset file's text in pieces: the header, then one piece per program, made when
    asked for (a merge of two 130,000-program files writes 330 MB it never holds whole)."""
    # the header is a comment: one line each, whatever a file name held (a line break would
    # start a YAML line of its own and make the file one imgplan refuses)
    lines = ["# " + visible(header.removeprefix("# "))] if header else []
    lines += [
        "format: 1",
        f"name: {json.dumps(name, ensure_ascii=False)}",
        f"as_of: {as_of}",
        f"source: {json.dumps(source, ensure_ascii=False)}",
        f"example: {'true' if example else 'false'}",
    ]
    head = "\n".join(lines) + "\n"
    empty = True
    for p in programs:
        if empty:
            yield head + "programs:\n"
            empty = False
        items = list(program_dict(p).items())
        key, value = items[0]
        yield "".join(
            [f"  - {key}: {scalar(value)}\n", *(f"    {k}: {scalar(v)}\n" for k, v in items[1:])]
        )
    if empty:
        yield head + "programs: []\n"


# Diff ----------------------------------------------------------------------------------


class Change(Struct):
    field: str
    old: Any
    new: Any
    kind: str  # e.g. cutoff raised, visa dropped, became unknown, changed


class DatasetDiff(Struct):
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
    sources = data.pop("provenance", None) or {}
    data.update(
        {
            f"provenance.{k}": f"{v['source']}"
            + (f" (as of {v['as_of']})" if v.get("as_of") else "")
            for k, v in sources.items()
        }
    )
    return data


def _kind(name: str, old: Any, new: Any) -> str:
    if name.startswith("provenance."):
        return (
            "now sourced" if old is None else "source dropped" if new is None else "source changed"
        )
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
        keys = list(dict.fromkeys([*b, *a]))
        changes = [
            Change(k, a.get(k), b.get(k), _kind(k, a.get(k), b.get(k)))
            for k in keys
            if a.get(k) != b.get(k)
        ]
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
    acgme = re.compile(r"\d{10}")
    if all(acgme.fullmatch(pid) for pid in [*before, *after]):
        renamed = sum(1 for _, changes in changed if any(c.field == "name" for c in changes))
        notes.append(
            f"by ACGME ID: {len(added)} new, {len(removed)} closed (not in the newer list), "
            f"{renamed} renamed, {len(changed) - renamed} otherwise changed"
        )
    return DatasetDiff(added, removed, changed, unchanged, notes)


# Merge --------------------------------------------------------------------------------------

#: The fields a merge chooses among sources (text notes are joined instead).
MERGED_FIELDS = tuple(
    f
    for f in FIELD_ORDER
    if f not in ("id", "informatics", "notes", "my_notes", "provenance", "verified")
)


class Conflict(Struct):
    program: str
    field: str
    values: list[tuple[str, Any, Any]]  # (source, value, as of)
    chosen: str  # the source whose value was kept
    why: str


#: Conflicts a merge keeps to print; past it they are counted (two files of 130,000 programs
#: can disagree on hundreds of thousands of fields).
MAX_CONFLICTS = 1000


class Conflicts(Struct):
    """The first MAX_CONFLICTS conflicts, and how many there were in all."""

    kept: list[Conflict] = field(default_factory=list)
    count: int = 0

    def add(self, conflict: Conflict) -> None:
        self.count += 1
        if len(self.kept) < MAX_CONFLICTS:
            self.kept.append(conflict)

    def __bool__(self) -> bool:
        return self.count > 0


class Merged(Struct):
    chunks: Iterator[str]  # the merged file's text, made as it is written
    count: int
    groups: list[tuple[str, list[str]]]  # merged id, the "source: id" it combines: complete
    conflicts: Conflicts  # once ``chunks`` has been consumed

    def report(self, limit: int = 20) -> list[str]:
        """What the merge did, counted: programs read, programs written, how many were found
        in more than one input (the first ``limit`` named), and every conflict."""
        read = sum(len(members) for _, members in self.groups)
        joined = [(pid, members) for pid, members in self.groups if len(members) > 1]
        lines = [
            f"read {read:,} programs; wrote {self.count:,}: {len(joined):,} found in more than "
            "one input were combined (the same ACGME ID, NRMP code, or name, city, state and "
            f"specialty), none dropped ({read:,} = {self.count:,} + "
            f"{read - self.count:,} combined)"
        ]
        for pid, members in joined[:limit]:
            lines.append(f"  {pid} <- {', '.join(members)}")
        if len(joined) > limit:
            lines.append(f"  … and {len(joined) - limit:,} more")
        lines.append(f"conflicts: {self.conflicts.count:,}")
        for c in self.conflicts.kept:
            said = "; ".join(f"{src}: {_show(v)} (as of {d})" for src, v, d in c.values)
            lines.append(f"  {c.program} {c.field}: {said} -> kept {c.chosen} ({c.why})")
        left = self.conflicts.count - len(self.conflicts.kept)
        if left:
            lines.append(
                f"  … and {left:,} more {'conflict' if left == 1 else 'conflicts'}, decided by the same rule (the source of every kept "
                "value is in the written file's provenance)"
            )
        return lines


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def match_keys(p: Program) -> list[tuple[str, ...]]:
    """What identifies a program across files: its ACGME ID, its NRMP code, its institution's
    distinctive name words with city, state and specialty."""

    keys: list[tuple[str, ...]] = []
    if re.fullmatch(r"\d{10}", p.id):
        keys.append(("acgme", p.id))
    if p.nrmp_code:
        keys.append(("nrmp", p.nrmp_code))
    words = distinctive(institution_of(p.name))
    if words and p.state:
        keys.append(("name", " ".join(words), (p.city or "").lower(), p.state, str(p.specialty)))
    return keys


def _distinct(p: Program, members: list[tuple[int, str, Dataset, Program]]) -> bool:
    """``p`` can never be the same program as a group's members: a different ACGME ID, a
    different NRMP code (another track), or a preliminary track beside a categorical one. One
    input's programs are never merged with each other (the caller checks it)."""
    mine = _acgme(p)
    track = _track(p)
    for _, _, _, other in members:
        theirs = _acgme(other)
        if mine and theirs and mine != theirs:
            return True
        if p.nrmp_code and other.nrmp_code and p.nrmp_code != other.nrmp_code:
            return True
        if track != _track(other):
            return True
    return False


def _acgme(p: Program) -> str | None:
    return p.id if re.fullmatch(r"\d{10}", p.id) else None


_PRELIM = re.compile(r"\bprelim(inary)?\b", re.I)


def _track(p: Program) -> str:
    """'P' for a preliminary track (its NRMP code's letter, or 'Preliminary' in its name),
    else 'C'."""
    if p.nrmp_code and len(p.nrmp_code) >= 8:
        return "P" if p.nrmp_code[7] == "P" else "C"
    return "P" if _PRELIM.search(p.name) else "C"


def _same(name: str, value: Any) -> str:
    """What two values are compared on: a name by its institution's distinctive words
    ('Harborline Medical Center Program' is 'Harborline Medical Center'), others as they are."""
    if name == "name":
        return " ".join(distinctive(institution_of(str(value)))) or str(value)
    return repr(value)


def _value(p: Program, name: str) -> Any:
    if name.startswith("informatics."):
        return getattr(p.informatics, name.split(".", 1)[1])
    return getattr(p, name)


def merge(
    datasets: list[tuple[str, Dataset]], *, preferred: str | None = None, name: str | None = None
) -> Merged:
    """Combine datasets about the same programs. For each field the sources that know it are
    compared: equal values are kept with the newest source; different values are a conflict,
    decided for the ``preferred`` file's value if it has one, else the newest dated figure
    (the row's ``verified``, else its dataset's ``as_of``; a tie goes to the later file)."""
    groups: list[list[tuple[int, str, Dataset, Program]]] = []
    inputs: list[set[int]] = []  # per group: the inputs (by position) it already holds
    index: dict[tuple[str, ...], list[int]] = {}
    order = 0
    for position, (source, data) in enumerate(datasets):
        for p in data.programs:
            keys = match_keys(p)
            found = next(
                (
                    g
                    for k in keys
                    for g in index.get(k, ())
                    if position not in inputs[g] and not _distinct(p, groups[g])
                ),
                None,
            )
            if found is None:
                found = len(groups)
                groups.append([])
                inputs.append(set())
            groups[found].append((order, source, data, p))
            inputs[found].add(position)
            for k in keys:
                index.setdefault(k, [])
                if found not in index[k]:
                    index[k].append(found)
            order += 1
    conflicts = Conflicts()
    summary: list[tuple[str, list[str]]] = []

    def merged() -> Iterator[dict[str, Any]]:
        """Each group's program, made when the writer asks for it (never all held)."""
        for members in groups:
            out, pid = _merge_group(members, preferred, conflicts)
            summary.append((pid, [f"{src}: {p.id}" for _, src, _, p in members]))
            yield out

    as_of = max(d.as_of for _, d in datasets)
    source = "merged by imgplan from " + "; ".join(
        f"{src} ({d.name}, as of {d.as_of.isoformat()})" for src, d in datasets
    )
    chunks = dataset_chunks(
        name or "merged programs",
        as_of.isoformat(),
        source,
        False,
        merged(),
        "# Merged by imgplan programs merge: each field's source is in its provenance",
    )
    return Merged(chunks, len(groups), summary, conflicts)


def _merge_group(
    members: list[tuple[int, str, Dataset, Program]],
    preferred: str | None,
    conflicts: Conflicts,
) -> tuple[dict[str, Any], str]:
    first = members[0][3]
    acgme = next((p.id for _, _, _, p in members if re.fullmatch(r"\d{10}", p.id)), None)
    pid = acgme or first.id
    out: dict[str, Any] = {"id": pid}
    info: dict[str, Any] = {}
    provenance: dict[str, dict[str, Any]] = {}
    names = [*MERGED_FIELDS, *(f"informatics.{f}" for f in INFORMATICS_FIELDS)]
    for name in names:
        known = [
            (order, src, p.verified or data.as_of, _value(p, name))
            for order, src, data, p in members
            if _value(p, name) is not None
        ]
        if not known:
            continue
        newest = known[0] if len(known) == 1 else max(known, key=lambda k: (k[2], k[0]))
        chosen, why = newest, "the newest figure"
        if len(known) > 1 and len({_same(name, v) for *_, v in known}) > 1:
            mine = [k for k in known if k[1] == preferred]
            if mine:
                chosen, why = mine[-1], "--prefer"
            conflicts.add(
                Conflict(pid, name, [(src, v, d) for _, src, d, v in known], chosen[1], why)
            )
        value = chosen[3]
        if name.startswith("informatics."):
            info[name.split(".", 1)[1]] = value
        else:
            out[name] = value
        provenance[name] = {"source": chosen[1], "as_of": chosen[2]}
    if info:
        out["informatics"] = info
    for text_field in ("notes", "my_notes"):
        texts = list(
            dict.fromkeys(getattr(p, text_field) for *_, p in members if getattr(p, text_field))
        )
        if texts:
            out[text_field] = " | ".join(texts)
    dated = [p.verified for *_, p in members if p.verified]
    if dated:
        out["verified"] = max(dated)
    out["provenance"] = provenance
    return program_dict(out), pid

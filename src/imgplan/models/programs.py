"""A program dataset as the core sees it (validated from format 1 by
`imgplan.formats.programs`; the fields are the same, in the same order).

Every screening field is optional: ``None`` means unknown, never a default.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from msgspec import field

from . import vocab
from .fellowships import Link
from .record import Record, names, values


class ProgramInformatics(Record):
    ci_fellowship: vocab.CiFellowship | None = None
    informatics_faculty: bool | None = None
    informatics_track: bool | None = None
    ehr_projects: bool | None = None
    analytics_team: bool | None = None
    ehr_vendor: str | None = None
    ci_fellowship_id: str | None = (
        None  # the directory's fellowship this program hosts (confirms the link)
    )


class FieldSource(Record):
    """Where a merged field's value came from, and how old it is."""

    source: str
    as_of: dt.date | None = None


class Program(Record):
    id: str
    name: str
    specialty: vocab.Specialty
    state: str | None = None
    city: str | None = None
    institution: str | None = None  # the sponsoring institution, as ERAS or ACGME names it
    flags: list[str] | None = None  # ERAS participants list: osteopathic_recognition, new_program
    setting: vocab.Setting | None = None
    positions: int | None = None
    img_share: float | None = None
    visas: list[vocab.ProgramVisa] | None = None
    step2ck_min: int | None = None
    step2ck_preferred: int | None = None
    max_attempts: int | None = None
    yog_max_years: int | None = None
    usce: vocab.UsceRequirement | None = None
    usce_min_months: float | None = None
    ecfmg_by: vocab.EcfmgBy | None = None
    informatics: ProgramInformatics = field(default_factory=ProgramInformatics)
    url: str | None = None
    verified: dt.date | None = None
    notes: str | None = None
    my_notes: str | None = None  # the applicant's own notes (kept by merges and re-imports)
    nrmp_code: str | None = None
    provenance: dict[str, FieldSource] | None = None  # written by programs merge
    # Not in the file: the program's link to the fellowship directory, set by the core
    # (imgplan.fellowships.links) for the run's directory; None = none known.
    link: Link | None = None

    RUN_FIELDS: ClassVar[frozenset[str]] = frozenset({"link"})

    @property
    def reference_score(self) -> int | None:
        """The score a margin is measured against: preferred, else minimum."""
        return self.step2ck_preferred if self.step2ck_preferred is not None else self.step2ck_min


#: The informatics features a dataset states (the fit's inputs; imports and merges use them).
INFORMATICS_FIELDS = tuple(n for n in names(ProgramInformatics) if n != "ci_fellowship_id")
#: The fields whose origin a merged dataset records (informatics ones as "informatics.X").
PROVENANCE_FIELDS = (
    *(
        n
        for n in names(Program)
        if n not in ("id", "informatics", "verified", "my_notes", "provenance")
    ),
    *(f"informatics.{name}" for name in INFORMATICS_FIELDS),
)


class Dataset(Record):
    format: int
    name: str
    as_of: dt.date
    source: str
    example: bool
    programs: list[Program]
    # Not in the file: each program's short id (`short_ids`), worked out when the file is
    # read and kept in the cache entry with the programs (13,000 programs: ~60 ms to work out).
    shorts: dict[str, str] | None = None
    # ... and each program's place among the dataset's ids in sorted order (`id_order`)
    id_ranks: list[int] | None = None

    RUN_FIELDS: ClassVar[frozenset[str]] = frozenset({"shorts", "id_ranks"})

    def by_id(self, program_id: str) -> Program | None:
        return next((p for p in self.programs if p.id == program_id), None)


def abbreviate(program_id: str) -> str:
    """A short form of a long, hyphenated id: its first part, the initials of the middle
    parts, and its last part ('im-fairhaven-university-medical-center-ky' -> 'im-fumc-ky').
    Ids of 12 characters or fewer, or with fewer than four parts, stay as they are."""
    parts = program_id.split("-")
    if len(program_id) <= 12 or len(parts) < 4:
        return program_id
    return f"{parts[0]}-{''.join(p[:1] for p in parts[1:-1])}-{parts[-1]}"


def short_ids(dataset: Dataset) -> dict[str, str]:
    """id -> a short id unique in the dataset (the abbreviation, numbered where two programs
    would share one; never another program's full id). `explain` accepts either. Worked out
    once per dataset (`Dataset.shorts`; the loader does it before caching)."""
    if dataset.shorts is None or len(dataset.shorts) != len(dataset.programs):
        dataset.shorts = _short_ids(dataset)
    return dataset.shorts


def _short_ids(dataset: Dataset) -> dict[str, str]:
    taken = {p.id for p in dataset.programs}
    counts: dict[str, int] = {}
    out = {}
    for p in dataset.programs:
        short = abbreviate(p.id)
        if short != p.id:
            counts[short] = counts.get(short, 0) + 1
            if counts[short] > 1:
                short = f"{short}-{counts[short]}"
            while short in taken and short != p.id:
                short += "+"
        out[p.id] = short
    return out


def id_order(dataset: Dataset) -> list[int]:
    """Each program's place among the dataset's ids in sorted order (a ranking breaks ties
    by id with it: one number per program, see recommend.evaluate.Entry). Worked out once
    per dataset and cached with it, like the short ids."""
    if dataset.id_ranks is None or len(dataset.id_ranks) != len(dataset.programs):
        ids = [p.id for p in dataset.programs]
        ranks = [0] * len(ids)
        for place, n in enumerate(sorted(range(len(ids)), key=ids.__getitem__)):
            ranks[n] = place
        dataset.id_ranks = ranks
    return dataset.id_ranks


def prepared(dataset: Dataset) -> Dataset:
    """A dataset as the loader caches it: equal values shared, short ids and the ids' order
    worked out."""
    share_equal_values(dataset)
    short_ids(dataset)
    id_order(dataset)
    return dataset


def share_equal_values(dataset: Dataset) -> Dataset:
    """Make equal values of different programs one object (informatics records, visa lists,
    dates, states, cities): a dataset has a few hundred distinct ones, and the cache then
    stores and rebuilds each once. Nothing mutates them (what-ifs copy)."""
    infos: dict[object, ProgramInformatics] = {}
    seen: dict[object, object] = {}
    for p in dataset.programs:
        p.informatics = infos.setdefault(values(p.informatics), p.informatics)
        if p.visas is not None:
            p.visas = seen.setdefault(("visas", *p.visas), p.visas)  # type: ignore[assignment]
        for name in ("verified", "state", "city"):
            value = getattr(p, name)
            if value is not None:
                setattr(p, name, seen.setdefault((name, value), value))
    return dataset

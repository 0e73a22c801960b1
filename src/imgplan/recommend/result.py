"""The ranked list as a value: entries become Assessed objects only when read (a table of the
first 25 programs of a 13,000-program list builds 25 of them, JSON builds all)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import cached_property
from itertools import repeat
from operator import add, attrgetter, getitem, itemgetter, neg

from msgspec import Struct, field

from ..models.profile import Profile
from ..models.programs import Dataset, Program, short_ids
from ..rules.findings import Finding
from ..season import Stage
from .evaluate import (
    NO_COMPONENTS,
    NO_FIT,
    Assessed,
    Entry,
    Failures,
    assessed_entry,
    assessed_failures,
    index_of,
)
from .scoring import ALL_TIERS, fit_finding, tier


class Shown(Struct):
    """One row of the ranked table (see `Recommendation.shown`)."""

    program: Program
    tier: str
    status: str
    score: int
    fit: int
    margin: int | None
    flags: list[str]


class Listed(Struct):
    """The ranked list as the JSON list reads it (see `Recommendation.listed`), one list per
    field, in rank order: what a table row shows, plus each tier's reason and the findings
    (what an Assessed entry says, without the score's components). Columns, not one object
    per program: the JSON list builds one dict per program from them, and a row object in
    between was a twentieth of a warm run printing 4,600 programs."""

    programs: list[Program]
    tiers: list[str]
    statuses: list[str]
    scores: list[int]
    fits: list[int]
    margins: list[int | None]
    flags: list[list[str]]
    tier_reasons: list[str]
    findings: list[tuple[object, ...]]  # as JSON (`Finding.as_json`, or listed's as_json)


# What `listed` reads of an Entry, a program and a Fit (see `Entry` for the order).
_NEG_SCORE, _TIER, _STATUS, _MARGIN = itemgetter(1), itemgetter(4), itemgetter(5), itemgetter(6)
_POS, _GROUP, _SLOT = itemgetter(8), itemgetter(9), itemgetter(10)
_SHARE, _SCORE = attrgetter("img_share"), attrgetter("score")
# ... and of a (position, reasons) row
_FIRST, _SECOND = itemgetter(0), itemgetter(1)


class Unlock(Struct):
    change: str
    opens: int
    program_ids: list[str]


class Recommendation(Struct, dict=True):
    """The ranked list, its profile findings and what the run changed (what-if, unlock)."""

    profile: Profile
    dataset: Dataset
    findings: list[Finding]
    strength: int
    ranked: list[Entry] = field(default_factory=list)
    failed: list[Failures] = field(default_factory=list)
    # Programs outside the target specialties (dataset positions), with the specialty finding.
    others: list[tuple[list[int], Finding]] = field(default_factory=list)
    top: int | None = None
    unlocks: list[Unlock] | None = None
    unlock_note: str | None = None  # why a taken score is not a lever
    what_if: dict[str, object] = field(default_factory=dict)  # overridden values, by option
    stage: Stage | None = None  # where the applicant stands (season.stage_of)
    notes: list[str] = field(default_factory=list)

    @cached_property
    def included(self) -> list[Assessed]:
        """Every program left, ranked."""
        return [assessed_entry(self.dataset, e) for e in self.ranked]

    @cached_property
    def programs(self) -> list[Assessed]:
        """The ranked list as shown: the first ``top`` programs, or all."""
        if not self.top:
            return self.included
        return [assessed_entry(self.dataset, e) for e in self.ranked[: self.top]]

    def _entries(self) -> list[Entry]:
        return self.ranked[: self.top] if self.top else self.ranked

    def shown(self) -> list[Shown]:
        """What a table row shows of each program in ``programs``, read straight from the
        ranked entries (no Assessed entry is built: a 13,000-program list shows thousands)."""
        programs, index = self.dataset.programs, index_of(self.dataset)
        return [
            Shown(
                programs[e.pos],
                e.tier,
                e.status,
                -e.neg_score,
                index.fit(e.pos).score,
                e.margin,
                e.group.flags(e.slot),
            )
            for e in self._entries()
        ]

    def listed(self, as_json: Callable[[Finding], object] = Finding.as_json) -> Listed:
        """`programs` as `Listed` columns, read straight from the ranked entries (no Assessed
        entry, no score components) with each tier's reason worded once per distinct (status,
        margin, IMG share): a 13,000-program list has about 1,200 for 4,600 programs.

        Built column by column (map and zip run in C): the JSON list reads every program, and
        row by row this was a tenth of a warm run printing 4,600 of them. ``as_json`` writes
        a finding (`Finding.as_json`; the JSON output passes one that encodes it once)."""
        entries = self._entries()
        programs, index = self.dataset.programs, index_of(self.dataset)
        positions = list(map(_POS, entries))
        shown = list(map(programs.__getitem__, positions))
        fits = list(map(index.fit, positions))
        groups = list(map(_GROUP, entries))
        slots = list(map(_SLOT, entries))
        distinct = dict(zip(map(id, groups), groups, strict=True))
        json_rows = {key: g.every_json(as_json) for key, g in distinct.items()}
        flag_rows = {key: g.every_flags() for key, g in distinct.items()}
        unique_fits = dict(zip(map(id, fits), fits, strict=True))
        fit_json = {key: (as_json(fit_finding(f)),) for key, f in unique_fits.items()}
        findings = map(
            add,
            map(getitem, map(json_rows.__getitem__, map(id, groups)), slots),
            map(fit_json.__getitem__, map(id, fits)),
        )
        why_keys = list(
            zip(map(_STATUS, entries), map(_MARGIN, entries), map(_SHARE, shown), strict=True)
        )
        why = {
            key: tier(key[0], key[1], p)[1]
            for key, p in dict(zip(why_keys, shown, strict=True)).items()
        }
        return Listed(
            shown,
            list(map(_TIER, entries)),
            list(map(_STATUS, entries)),
            list(map(neg, map(_NEG_SCORE, entries))),
            list(map(_SCORE, fits)),
            list(map(_MARGIN, entries)),
            list(map(getitem, map(flag_rows.__getitem__, map(id, groups)), slots)),
            list(map(why.__getitem__, why_keys)),
            list(findings),
        )

    @property
    def short_ids(self) -> dict[str, str]:
        """Every program's short id in this dataset (see models.programs.short_ids), worked
        out once per dataset and cached with it."""
        return short_ids(self.dataset)

    @cached_property
    def excluded_targets(self) -> list[Assessed]:
        return [a for failures in self.failed for a in assessed_failures(self.dataset, failures)]

    @cached_property
    def excluded(self) -> list[Assessed]:
        """Every excluded program with its reasons, in dataset order."""
        position = {id(p): n for n, p in enumerate(self.dataset.programs)}
        items = self.excluded_targets + [
            Assessed(self.dataset.programs[i], [f], NO_FIT, None, NO_COMPONENTS, excluded=True)
            for rows, f in self.others
            for i in rows
        ]
        return sorted(items, key=lambda a: position[id(a.program)])

    def excluded_reasons(self) -> list[tuple[Program, list[Finding]]]:
        """Every excluded program with its failed findings, in dataset order, read straight
        from the ranking's index (what `excluded` gives, without an Assessed object each: a
        13,000-program list excludes thousands)."""
        programs = self.dataset.programs
        rows: list[tuple[int, list[Finding]]] = []
        for failures in self.failed:
            table = failures.group.every_failure()
            rows.extend(
                zip(failures.positions, map(table.__getitem__, failures.slots), strict=True)
            )
        for indices, finding in self.others:
            rows.extend(zip(indices, repeat([finding])))
        rows.sort(key=_FIRST)
        return list(
            zip(map(programs.__getitem__, map(_FIRST, rows)), map(_SECOND, rows), strict=True)
        )

    def summary(self) -> dict[str, int]:
        """Counts by tier over the whole list (not only the shown ``top``), and excluded."""
        counts = {name: 0 for name in ALL_TIERS}
        counts.update(Counter(map(_TIER, self.ranked)))  # counted in C
        counts["excluded"] = sum(len(f.slots) for f in self.failed) + sum(
            len(rows) for rows, _ in self.others
        )
        return counts

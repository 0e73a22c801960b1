"""The one evaluation path: screen and score programs for a profile. `recommend` ranks a whole
dataset with it, `explain` a single program, `--unlock` the excluded ones under a changed
profile: all three call `evaluate`, so a program's status, tier and score can never differ
between them.

A dataset's programs are evaluated by specialty group, each screen once per distinct key
(rules.screens.KEYS): a 13,000-program list has a few hundred distinct keys per screen. The
findings and the score's components are put together only for the entries read
(`assessed_entry`): a long list ranks thousands and shows a few.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from msgspec import Struct, field

from ..models.programs import Dataset, Program
from ..rules.context import Context
from ..rules.findings import Finding
from ..rules.fit import Fit, informatics_fit
from ..rules.screens import KEYS, PROFILE_FREE, SCREENS, Screen
from .scoring import (
    ALL_TIERS,
    VISA_UNKNOWN_PENALTY,
    WEIGHTS,
    competitiveness,
    components,
    fit_finding,
    img_friendliness,
    place,
    points,
    tier,
    tier_of,
    visa_unknown,
)
from .scoring import FEW_IMGS as _FEW_IMGS

#: Finding statuses listed as a program's flags (things to verify on its site).
FLAGGED = ("verify", "warn")
#: A screen's statuses that mark a program, strongest first: one failed screen excludes it;
#: the guide's exception wins over conditional (an exceptional applicant who needs an H-1B is
#: kept as an exception at an H-1B-only program: tier reach, the visa finding still says
#: conditional).
MARKS = ("fail", "exception", "conditional")


class Assessed(Struct):
    program: Program
    findings: list[Finding]
    fit: Fit
    margin: int | None
    components: dict[str, float | None]
    excluded: bool = False  # some screen failed
    status: str = "eligible"  # eligible | conditional | exception | verify
    tier: str | None = None
    score: int = 0

    @property
    def tier_reason(self) -> str:
        return "" if self.tier is None else tier(self.status, self.margin, self.program)[1]

    @property
    def reasons(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "fail"]

    @property
    def flags(self) -> list[str]:
        return sorted({f.rule for f in self.findings if f.status in FLAGGED})


class GroupFindings(Struct):
    """The screens' findings for one specialty group: the first screen's (the same for all),
    then, per later screen, the finding of each distinct key and each position's key."""

    head: Finding
    memos: list[dict[object, Finding]]
    keys: list[list[object]]
    # per later screen with flagged findings: (each position's key, flagged key -> rule)
    flagged: list[tuple[list[object], dict[object, str]]] | None = None
    # per later screen: each distinct key's finding as JSON (filled by json_of)
    json: list[dict[object, dict[str, str]]] | None = None
    # the flags lists already made, by the rules found (positions share them: do not change)
    flag_lists: dict[tuple[str | None, ...], list[str]] = field(default_factory=dict)

    def flags(self, n: int) -> list[str]:
        """The flags of position ``n`` (as `Assessed.flags`; the fit finding is never one),
        read from the few keys whose finding is flagged."""
        if self.flagged is None:
            self.flagged = []
            for memo, keys in zip(self.memos, self.keys, strict=True):
                rules = {k: f.rule for k, f in memo.items() if f.status in FLAGGED}
                if rules:
                    self.flagged.append((keys, rules))
        hits = tuple([rules.get(keys[n]) for keys, rules in self.flagged])
        made = self.flag_lists.get(hits)
        if made is None:
            found = [self.head.rule] if self.head.status in FLAGGED else []
            found += [rule for rule in hits if rule is not None]
            made = self.flag_lists[hits] = sorted(set(found)) if len(found) > 1 else found
        return made

    def json_of(self, n: int) -> list[dict[str, str]]:
        """`of` as JSON objects (`Finding.as_json`), each converted once per distinct key."""
        if self.json is None:
            self.json = [{k: f.as_json() for k, f in memo.items()} for memo in self.memos]
        head = self.head.as_json()
        return [head, *[memo[keys[n]] for memo, keys in zip(self.json, self.keys, strict=True)]]

    def of(self, n: int) -> list[Finding]:
        later = zip(self.memos, self.keys, strict=True)
        return [self.head, *(memo[keys[n]] for memo, keys in later)]


class Entry(NamedTuple):
    """A program that passed every screen, ready to rank (sorted as a tuple: by score, then
    tier and fewer unknowns, then id; ids are unique, so later fields never compare)."""

    neg_score: int
    rank: int  # the tier's rank × 4 + the number of unknown figures
    id: str
    tier: str
    status: str
    margin: int | None
    preference: float
    pos: int  # the program's position in the dataset
    group: GroupFindings
    slot: int  # its position within the group


class Failed(NamedTuple):
    """A screened program some screen excluded."""

    pos: int
    group: GroupFindings
    slot: int


class Read(NamedTuple):
    """What ranking reads of one program, once per dataset."""

    reference: int | None
    fit_term: float
    img_term: float
    few_imgs: bool
    id: str
    state: object
    setting: object
    visas: object  # None: unknown
    img_unknown: bool


class Index:
    """What a dataset's programs look like to the screens, computed once per dataset and only
    as far as needed: programs grouped by specialty, and, for each specialty a profile
    targets, each screen's distinct keys (see rules.screens.KEYS) with the programs that share
    them; informatics fits for the programs scored."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.groups: dict[object, list[int]] = {}
        for i, p in enumerate(dataset.programs):
            self.groups.setdefault(KEYS[SCREENS[0]](p), []).append(i)
        # specialty -> per screen after the first: (key -> positions within the group,
        # the key of each position)
        self.distinct: dict[object, list[tuple[dict[object, list[int]], list[object]]]] = {}
        self.fits: list[Fit | None] = [None] * len(dataset.programs)
        # (screen, today, reference) -> key -> finding, for the screens in PROFILE_FREE
        self.shared: dict[tuple[object, dt.date, int], dict[object, Finding]] = {}
        self.reads: list[Read | None] = [None] * len(dataset.programs)

    def keys_of(self, specialty: object) -> list[tuple[dict[object, list[int]], list[object]]]:
        found = self.distinct.get(specialty)
        if found is None:
            rows = self.groups[specialty]
            group = [self.dataset.programs[i] for i in rows]
            w_fit = WEIGHTS["informatics_fit"]
            for i, p in zip(rows, group, strict=True):
                fit, img = self.fit(i).score / 100, img_friendliness(p.img_share)
                self.reads[i] = Read(
                    p.reference_score,
                    w_fit * fit if fit else 0.0,
                    points("img_friendliness", img),
                    p.img_share is not None and p.img_share < _FEW_IMGS,
                    p.id,
                    p.state,
                    p.setting,
                    p.visas,
                    p.img_share is None,
                )
            found = []
            for screen in SCREENS[1:]:
                keys = list(map(KEYS[screen], group))
                by_key: dict[object, list[int]] = {}
                for n, key in enumerate(keys):
                    by_key.setdefault(key, []).append(n)
                found.append((by_key, keys))
            self.distinct[specialty] = found
        return found

    def fit(self, i: int) -> Fit:
        found = self.fits[i]
        if found is None:
            found = self.fits[i] = informatics_fit(self.dataset.programs[i])
        return found


_INDEXES: dict[int, Index] = {}


def index_of(dataset: Dataset) -> Index:
    found = _INDEXES.get(id(dataset))
    if found is None or found.dataset is not dataset:
        if len(_INDEXES) > 8:
            _INDEXES.clear()
        found = _INDEXES[id(dataset)] = Index(dataset)
    return found


class Evaluation(Struct):
    """What `evaluate` found: the programs that passed every screen as ranked entries
    (sorted), the screened programs some screen excluded, and the programs outside the target
    specialties with that finding (a list needs only that reason)."""

    ranked: list[Entry]
    failed: list[Failed]
    others: list[tuple[list[int], Finding]]


def evaluate(
    ctx: Context, dataset: Dataset, indices: list[int] | None = None, *, every_screen: bool = False
) -> Evaluation:
    """Screen and rank the programs at ``indices`` (all when None), evaluating each screen once
    per distinct key within each specialty. ``every_screen``: run every screen for programs
    outside the target specialties too (`explain` shows them all; they are still excluded)."""
    index = index_of(dataset)
    programs, as_of = dataset.programs, dataset.as_of
    first, *rest = SCREENS
    wanted = None if indices is None or len(indices) == len(programs) else set(indices)
    memos: list[dict[object, Finding]] = [
        index.shared.setdefault((screen, ctx.today, id(ctx.ref)), {})
        if screen in PROFILE_FREE
        else {}
        for screen in rest
    ]
    out = Evaluation([], [], [])
    for specialty, rows in index.groups.items():
        head = first(ctx, programs[rows[0]], as_of)
        if head.status == "fail" and not every_screen:
            out.others.append((rows if wanted is None else [i for i in rows if i in wanted], head))
            continue
        if wanted is not None and not any(i in wanted for i in rows):
            continue
        _rank_group(ctx, dataset, specialty, rows, head, memos, wanted, out)
    out.ranked.sort()  # by -score, tier, then id: ids are unique, so later items never compare
    return out


def _rank_group(
    ctx: Context,
    dataset: Dataset,
    specialty: object,
    rows: list[int],
    head: Finding,
    memos: list[dict[object, Finding]],
    wanted: set[int] | None,
    out: Evaluation,
) -> None:
    """One specialty group: its screens' marks, then each passing program's entry. The score
    is the sum of the weighted components (`scoring.components`), by parts: each weighted term
    is computed once per distinct (reference score, few IMGs, visa policy known) and added in
    the same order."""
    index = index_of(dataset)
    distinct = index.keys_of(specialty)
    group = GroupFindings(head, memos, [keys for _, keys in distinct])
    marks = _marks(ctx, dataset, rows, list(SCREENS[1:]), memos, [k for k, _ in distinct])
    if head.status == "fail":
        marks = ["fail"] * len(rows)
    need = ctx.profile.visa
    step2 = ctx.step2
    specialty_part, states, settings = ctx.preferences
    placed = bool(states or settings)  # else the preference is the specialty's, per group
    w_pref = WEIGHTS["preference"]
    group_preference = specialty_part.get(specialty, 0.0)  # type: ignore[call-overload]
    group_term = w_pref * group_preference if group_preference else 0.0
    tier_rank = {name: n for n, name in enumerate(ALL_TIERS)}
    by_status: dict[tuple[object, ...], tuple[str, int | None, float, str, int]] = {}
    by_place: dict[tuple[object, object], tuple[float, float]] = {}
    for n, i in enumerate(rows):
        if wanted is not None and i not in wanted:
            continue
        mark = marks[n]
        if mark == "fail":
            out.failed.append(Failed(i, group, n))
            continue
        read = index.reads[i]
        assert read is not None
        unknown = visa_unknown(need, read.visas)  # type: ignore[arg-type]
        key = (mark, read.reference, read.few_imgs, unknown, read.img_unknown)
        found = by_status.get(key)
        if found is None:
            status = mark or ("verify" if unknown else "eligible")
            m = step2 - read.reference if step2 is not None and read.reference is not None else None
            name = tier_of(status, m, 0.0 if read.few_imgs else None, unknown)
            unknowns = (m is None) + read.img_unknown + unknown
            found = by_status[key] = (
                status,
                m,
                points("competitiveness", competitiveness(m))
                - (VISA_UNKNOWN_PENALTY if unknown else 0),
                name,
                tier_rank[name] * 4 + unknowns,  # the tier, then fewer unknowns first
            )
        status, margin, total, tier_name, rank = found
        if placed:
            where = by_place.get((read.state, read.setting))
            if where is None:
                where = by_place[(read.state, read.setting)] = place(
                    group_preference, states, settings, read.state, read.setting, w_pref
                )
            preference, preference_term = where
        else:
            preference, preference_term = group_preference, group_term
        score = round(total + read.fit_term + read.img_term + preference_term)
        out.ranked.append(
            tuple.__new__(
                Entry, (-score, rank, read.id, tier_name, status, margin, preference, i, group, n)
            )
        )


def _marks(
    ctx: Context,
    dataset: Dataset,
    rows: list[int],
    screens: list[Screen],
    memos: list[dict[object, Finding]],
    keys: list[dict[object, list[int]]],
) -> list[str]:
    """Each program's mark within one specialty group: the strongest of MARKS its screens
    gave, or "" (every screen passed). Each screen runs once per distinct key."""
    programs, as_of = dataset.programs, dataset.as_of
    strength = {mark: n for n, mark in enumerate(MARKS)}
    weakest = len(MARKS)
    found = [weakest] * len(rows)
    for screen, memo, by_key in zip(screens, memos, keys, strict=True):
        for key, positions in by_key.items():
            f = memo.get(key)
            if f is None:
                f = memo[key] = screen(ctx, programs[rows[positions[0]]], as_of)
            s = strength.get(f.status, weakest)
            if s < weakest:
                for n in positions:
                    if s < found[n]:
                        found[n] = s
    return [MARKS[s] if s < weakest else "" for s in found]


def assessed_entry(dataset: Dataset, e: Entry) -> Assessed:
    """A ranked entry with its findings, fit and score components."""
    fit = index_of(dataset).fit(e.pos)
    parts = components(e.margin, fit, dataset.programs[e.pos].img_share, e.preference)
    findings = e.group.of(e.slot)
    findings.append(fit_finding(fit))
    return Assessed(
        dataset.programs[e.pos],
        findings,
        fit,
        e.margin,
        parts,
        status=e.status,
        tier=e.tier,
        score=-e.neg_score,
    )


NO_FIT = Fit(0, [], [])
NO_COMPONENTS: dict[str, float | None] = dict.fromkeys(WEIGHTS)


def assessed_failure(dataset: Dataset, f: Failed) -> Assessed:
    return Assessed(dataset.programs[f.pos], f.group.of(f.slot), NO_FIT, None, NO_COMPONENTS, True)


def assessed_all(dataset: Dataset, found: Evaluation, indices: list[int]) -> list[Assessed]:
    """The programs at ``indices`` as Assessed entries, in that order."""
    done = {e.pos: assessed_entry(dataset, e) for e in found.ranked}
    done.update((f.pos, assessed_failure(dataset, f)) for f in found.failed)
    for rows, finding in found.others:
        for i in rows:
            done[i] = Assessed(dataset.programs[i], [finding], NO_FIT, None, NO_COMPONENTS, True)
    return [done[i] for i in indices]


def assess_one(ctx: Context, dataset: Dataset, position: int) -> Assessed:
    """One program, every screen, through the same path as the list (`explain`)."""
    found = evaluate(ctx, dataset, [position], every_screen=True)
    return assessed_all(dataset, found, [position])[0]


def assess(ctx: Context, p: Program, as_of: dt.date) -> Assessed:
    """A program on its own (a one-program dataset dated ``as_of``), every screen run."""
    alone = Dataset(1, "one program", as_of, "", False, [p])
    return assess_one(ctx, alone, 0)

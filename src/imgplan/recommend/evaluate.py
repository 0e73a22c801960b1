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
from collections.abc import Iterator
from itertools import compress, repeat
from operator import add, attrgetter, eq, itemgetter, mul, neg, not_
from typing import NamedTuple

from msgspec import Struct

from ..models.programs import Dataset, Program, id_order
from ..rules.context import Context
from ..rules.findings import Finding
from ..rules.fit import Fit, informatics_fit
from ..rules.screens import KEYS, PROFILE_FREE, SCREENS
from .groups import FLAGGED, GroupFindings
from .scoring import (
    ALL_TIERS,
    VISA_UNKNOWN_PENALTY,
    WEIGHTS,
    competitiveness,
    components,
    few_imgs,
    fit_finding,
    img_friendliness,
    place,
    points,
    tier,
    tier_of,
    visa_unknown,
)

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


class Entry(NamedTuple):
    """A program that passed every screen, ready to rank: sorted as a tuple by ``order``,
    which is by score, then tier and fewer unknowns, then id, in one number (unique: later
    fields never compare, and a list of thousands sorts by floats, in C)."""

    order: float  # (-score × 64 + rank) × the dataset's size + the id's sorted place
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


class Failures(NamedTuple):
    """The screened programs of one specialty group that some screen excluded (kept as two
    lists, not an object each: a batch of profiles excludes thousands per profile)."""

    group: GroupFindings
    positions: list[int]  # in the dataset
    slots: list[int]  # within the group


class Columns(NamedTuple):
    """What ranking reads of one specialty group's programs, worked out once per dataset: one
    list per field, in the group's order (a profile's ranking is then map and zip, in C)."""

    references: list[int | None]
    fit_terms: list[float]
    img_terms: list[float]
    few_imgs: list[bool]
    ids: list[str]
    places: list[tuple[object, object]]  # (state, setting)
    visas_none: list[bool]  # the visa policy is unknown
    img_unknown: list[bool]
    id_ranks: list[int]  # the id's place in sorted order (models.programs.id_order)


_INFORMATICS, _LINK, _IMG_SHARE = (
    attrgetter("informatics"),
    attrgetter("link"),
    attrgetter("img_share"),
)
_REFERENCE, _ID, _STATE = attrgetter("reference_score"), attrgetter("id"), attrgetter("state")
_SETTING, _VISAS = attrgetter("setting"), attrgetter("visas")
_FIRST, _SECOND, _THIRD = itemgetter(0), itemgetter(1), itemgetter(2)


class Index:
    """What a dataset's programs look like to the screens, computed once per dataset and only
    as far as needed: programs grouped by specialty, and, for each specialty a profile
    targets, each screen's distinct keys (see rules.screens.KEYS) with the programs that share
    them; informatics fits for the programs scored."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.groups: dict[object, list[int]] = {}
        for i, key in enumerate(map(KEYS[SCREENS[0]], dataset.programs)):
            self.groups.setdefault(key, []).append(i)
        # specialty -> per screen after the first: (each distinct key -> the first position
        # within the group that has it, the key of each position)
        self.distinct: dict[object, list[tuple[dict[object, int], list[object]]]] = {}
        self.fits: list[Fit | None] = [None] * len(dataset.programs)
        self.fit_by_ids: dict[tuple[int, int], Fit] = {}
        # (screen, today, reference) -> key -> finding, for the screens in PROFILE_FREE
        self.shared: dict[tuple[object, dt.date, int], dict[object, Finding]] = {}
        self.columns: dict[object, Columns] = {}  # specialty -> its programs' columns
        # (specialty, screen number after the first) -> key -> positions within the group
        self.by_key: dict[tuple[object, int], dict[object, list[int]]] = {}
        # (specialty, screen number, its shared memo) -> marked key -> strength, for the
        # screens in PROFILE_FREE (see _marks); (specialty, preferences) -> place -> terms
        self.free_marks: dict[object, dict[object, int]] = {}
        self.place_terms: dict[object, dict[tuple[object, object], tuple[float, float]]] = {}

    def keys_of(self, specialty: object) -> list[tuple[dict[object, int], list[object]]]:
        found = self.distinct.get(specialty)
        if found is None:
            rows = self.groups[specialty]
            group = list(map(self.dataset.programs.__getitem__, rows))
            self.columns[specialty] = self._read(rows, group)
            found = []
            for screen in SCREENS[1:]:
                keys = list(map(KEYS[screen], group))
                # Built from the end, so that each key keeps its first position (in C: a
                # 13,000-program group has a few dozen distinct keys per screen).
                first = dict(zip(reversed(keys), range(len(keys) - 1, -1, -1), strict=True))
                found.append((first, keys))
            self.distinct[specialty] = found
        return found

    def positions(self, specialty: object, screen: int) -> dict[object, list[int]]:
        """Each key of screen number ``screen`` (after the first) with the positions within
        the specialty's group that have it: made when a screen first marks some key, once
        per dataset (a batch of profiles shares it)."""
        found = self.by_key.get((specialty, screen))
        if found is None:
            found = self.by_key[(specialty, screen)] = {}
            for n, key in enumerate(self.keys_of(specialty)[screen][1]):
                if key in found:
                    found[key].append(n)
                else:
                    found[key] = [n]
        return found

    def _read(self, rows: list[int], group: list[Program]) -> Columns:
        """The fits and the `Columns` of the programs at ``rows``: the fit and IMG terms take
        a few hundred distinct values, each worked out once; the rest is map and zip."""
        # Programs share their informatics record and their fellowship link (equal values are
        # one object in a loaded dataset): their fit is looked up by the pair's ids, which the
        # dataset keeps alive, before informatics_fit hashes their values.
        pairs = list(
            zip(map(id, map(_INFORMATICS, group)), map(id, map(_LINK, group)), strict=True)
        )
        for pair, p in dict(zip(pairs, group, strict=True)).items():
            self._fit_of(pair, p)
        fits = list(map(self.fit_by_ids.__getitem__, pairs))
        for i, fit in zip(rows, fits, strict=True):
            self.fits[i] = fit
        w_fit = WEIGHTS["informatics_fit"]
        fit_terms = {id(f): w_fit * (f.score / 100) if f.score else 0.0 for f in fits}
        shares = list(map(_IMG_SHARE, group))
        img_terms = {
            share: (
                points("img_friendliness", img_friendliness(share)),
                few_imgs(share),
                share is None,
            )
            for share in set(shares)
        }
        imgs = list(map(img_terms.__getitem__, shares))
        return Columns(
            list(map(_REFERENCE, group)),
            list(map(fit_terms.__getitem__, map(id, fits))),
            list(map(_FIRST, imgs)),
            list(map(_SECOND, imgs)),
            list(map(_ID, group)),
            list(zip(map(_STATE, group), map(_SETTING, group), strict=True)),
            [visas is None for visas in map(_VISAS, group)],
            list(map(_THIRD, imgs)),
            list(map(id_order(self.dataset).__getitem__, rows)),
        )

    def fit(self, i: int) -> Fit:
        found = self.fits[i]
        if found is None:
            p = self.dataset.programs[i]
            found = self.fits[i] = self._fit_of((id(p.informatics), id(p.link)), p)
        return found

    def _fit_of(self, pair: tuple[int, int], p: Program) -> Fit:
        """The fit of every program with ``p``'s (informatics, link) objects, ``pair`` their
        ids (see `_read`)."""
        found = self.fit_by_ids.get(pair)
        if found is None:
            found = self.fit_by_ids[pair] = informatics_fit(p)
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
    failed: list[Failures]
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
    is computed once per distinct (mark, reference score, few IMGs, visa policy known, IMG
    share known), or per distinct place, and added in the same order. Column by column: a
    batch of profiles ranks the same 13,000 programs once per profile."""
    index = index_of(dataset)
    distinct = index.keys_of(specialty)
    group = GroupFindings(head, memos, [keys for _, keys in distinct])
    marks = _marks(ctx, dataset, specialty, rows, memos)
    if head.status == "fail":
        marks = ["fail"] * len(rows)
    failing = list(map(eq, marks, repeat("fail")))
    failed = list(compress(range(len(rows)), failing))
    kept = list(compress(range(len(rows)), map(not_, failing)))
    if wanted is not None:
        failed = [n for n in failed if rows[n] in wanted]
        kept = [n for n in kept if rows[n] in wanted]
    if failed:
        out.failed.append(Failures(group, list(map(rows.__getitem__, failed)), failed))
    out.ranked.extend(_entries(ctx, index, specialty, rows, group, marks, kept))


def _entries(
    ctx: Context,
    index: Index,
    specialty: object,
    rows: list[int],
    group: GroupFindings,
    marks: list[str],
    kept: list[int],
) -> Iterator[Entry]:
    """The entries of the programs at positions ``kept`` of a specialty's group (see
    `_rank_group`), made by map and zip."""
    cols = index.columns[specialty]
    # the visa policy unknown and needed (scoring.visa_unknown: the one definition)
    unknown = [visa_unknown(ctx.profile.visa, []), visa_unknown(ctx.profile.visa, None)]
    keys = list(
        zip(
            map(marks.__getitem__, kept),
            map(cols.references.__getitem__, kept),
            map(cols.few_imgs.__getitem__, kept),
            map(unknown.__getitem__, map(cols.visas_none.__getitem__, kept)),
            map(cols.img_unknown.__getitem__, kept),
            strict=True,
        )
    )
    by_status = {key: _status(key, ctx.step2) for key in set(keys)}
    found = list(map(by_status.__getitem__, keys))
    preferences = _preferences(ctx, index, specialty, kept)
    # -round(((total + fit term) + IMG term) + preference term): the order of the sum is
    # scoring.components' (a float sum in another order could round the other way)
    scores = map(
        add,
        map(
            add,
            map(add, map(_TOTAL, found), map(cols.fit_terms.__getitem__, kept)),
            map(cols.img_terms.__getitem__, kept),
        ),
        map(_SECOND, preferences),
    )
    negs, ranks = list(map(neg, map(round, scores))), list(map(_RANK, found))
    size = float(len(index.dataset.programs))
    orders = map(
        add,
        map(mul, map(add, map(mul, negs, repeat(_RANKS)), ranks), repeat(size)),
        map(cols.id_ranks.__getitem__, kept),
    )
    return map(
        tuple.__new__,
        repeat(Entry),
        zip(
            orders,
            negs,
            ranks,
            map(cols.ids.__getitem__, kept),
            map(_NAME, found),
            map(_FIRST, found),
            map(_SECOND, found),
            map(_FIRST, preferences),
            map(rows.__getitem__, kept),
            repeat(group),
            kept,
        ),
    )


_TIER_RANK = {name: n for n, name in enumerate(ALL_TIERS)}
_RANKS = 64  # an Entry's rank (the tier's × 4 + up to 3 unknowns) is below this
assert 4 * len(ALL_TIERS) <= _RANKS
_TOTAL, _NAME, _RANK = itemgetter(2), itemgetter(3), itemgetter(4)


def _status(
    key: tuple[str, int | None, bool, bool, bool], step2: int | None
) -> tuple[str, int | None, float, str, int]:
    """(status, margin, the competitiveness term less any visa penalty, tier, rank) of a
    program whose (mark, reference score, few IMGs, visa policy unknown, IMG share unknown)
    is ``key``."""
    mark, reference, few_imgs, unknown, img_unknown = key
    status = mark or ("verify" if unknown else "eligible")
    m = step2 - reference if step2 is not None and reference is not None else None
    name = tier_of(status, m, 0.0 if few_imgs else None, unknown)
    unknowns = (m is None) + img_unknown + unknown
    return (
        status,
        m,
        points("competitiveness", competitiveness(m)) - (VISA_UNKNOWN_PENALTY if unknown else 0),
        name,
        _TIER_RANK[name] * 4 + unknowns,  # the tier, then fewer unknowns first
    )


def _preferences(
    ctx: Context, index: Index, specialty: object, kept: list[int]
) -> list[tuple[float, float]]:
    """(preference, its weighted term) of each program at positions ``kept`` of the
    specialty's group: the specialty's alone when no state or setting is listed, else once
    per distinct place (state, setting), kept by the index for profiles that list the same."""
    specialty_part, states, settings = ctx.preferences
    w_pref = WEIGHTS["preference"]
    group_preference = specialty_part.get(specialty, 0.0)  # type: ignore[call-overload]
    if not (states or settings):
        term = w_pref * group_preference if group_preference else 0.0
        return [(group_preference, term)] * len(kept)
    places = index.columns[specialty].places
    key = (specialty, group_preference, frozenset(states), frozenset(settings))
    by_place = index.place_terms.get(key)
    if by_place is None:
        by_place = index.place_terms[key] = {
            (state, setting): place(group_preference, states, settings, state, setting, w_pref)
            for state, setting in set(places)
        }
    return list(map(by_place.__getitem__, map(places.__getitem__, kept)))


def _marks(
    ctx: Context,
    dataset: Dataset,
    specialty: object,
    rows: list[int],
    memos: list[dict[object, Finding]],
) -> list[str]:
    """Each program's mark within one specialty group: the strongest of MARKS its screens
    gave, or "" (every screen passed). Each screen runs once per distinct key, on the first
    program with that key; only the programs whose key is marked are visited."""
    programs, as_of, index = dataset.programs, dataset.as_of, index_of(dataset)
    strength = {mark: n for n, mark in enumerate(MARKS)}
    weakest = len(MARKS)
    found = [weakest] * len(rows)
    distinct = index.keys_of(specialty)
    for j, (screen, memo, (first, _)) in enumerate(zip(SCREENS[1:], memos, distinct, strict=True)):
        # a profile-free screen marks the same keys for every profile (its memo is shared)
        shared = (specialty, j, id(memo)) if screen in PROFILE_FREE else None
        marked = index.free_marks.get(shared)
        if marked is None:
            marked = {}
            for key, n in first.items():
                f = memo.get(key)
                if f is None:
                    f = memo[key] = screen(ctx, programs[rows[n]], as_of)
                s = strength.get(f.status, weakest)
                if s < weakest:
                    marked[key] = s
            if shared is not None:
                index.free_marks[shared] = marked
        if marked:
            positions = index.positions(specialty, j)
            for key, s in marked.items():
                for n in positions[key]:
                    if s < found[n]:
                        found[n] = s
    return list(map([*MARKS, ""].__getitem__, found))  # the weakest, len(MARKS): ""


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


def assessed_failures(dataset: Dataset, failures: Failures) -> list[Assessed]:
    return [
        Assessed(dataset.programs[pos], failures.group.of(slot), NO_FIT, None, NO_COMPONENTS, True)
        for pos, slot in zip(failures.positions, failures.slots, strict=True)
    ]


def assessed_all(dataset: Dataset, found: Evaluation, indices: list[int]) -> list[Assessed]:
    """The programs at ``indices`` as Assessed entries, in that order."""
    done = {e.pos: assessed_entry(dataset, e) for e in found.ranked}
    for failures in found.failed:
        done.update(zip(failures.positions, assessed_failures(dataset, failures), strict=True))
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

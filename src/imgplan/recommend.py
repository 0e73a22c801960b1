"""The ranked, tiered, explained program list: a composition of rule findings.

Pure functions of (profile, dataset, reference, today). The weights and tier thresholds below
are imgplan's convention (the guide names the factors, not their weights); `explain` prints
them for every program and the README documents them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from .models import vocab
from .models.profile import Profile, Step2CK, Step3, Usce
from .models.programs import Dataset, Program, short_ids
from .models.reference import Reference
from .models.values import plural
from .rules.context import Context
from .rules.findings import Finding
from .rules.fit import Fit, informatics_fit
from .rules.profile_findings import list_findings, profile_findings
from .rules.registry import INFORMATICS_FIT, VISA
from .rules.screens import KEYS, PROFILE_FREE, SCREENS, Screen
from .rules.stage import Stage

if TYPE_CHECKING:
    from .fellowships import FellowshipPlan
    from .plan import ApplicationPlan

#: Score = sum of weight × component (each component 0–1).
WEIGHTS: dict[str, int] = {
    "competitiveness": 35,  # Step 2 CK margin over the program's reference score
    "informatics_fit": 35,  # the program's informatics features
    "img_friendliness": 15,  # share of current residents who are IMGs
    "preference": 15,  # your specialty order, states and settings
}
MARGIN_FLOOR = -10  # margin at which competitiveness is 0
MARGIN_SPAN = 25  # competitiveness reaches 1 at MARGIN_FLOOR + MARGIN_SPAN (= +15)
IMG_SHARE_FULL = 0.5  # an IMG share at or above this counts as fully IMG-friendly
SAFETY_MARGIN = 10  # margin >= this: safety
TARGET_MARGIN = 0  # margin >= this: target; below: reach
FEW_IMGS = 0.15  # an IMG share below this moves the tier one step towards reach
TIERS = ("safety", "target", "reach")
# Unknown is neither a pass nor the worst case (imgplan's convention, README: Scoring): an
# unknown reference score counts as if you just met it (margin 0), an unknown IMG share as the
# "few IMGs" line; an applicant who needs a visa loses VISA_UNKNOWN_PENALTY points and one tier
# at a program whose visa policy is unknown. So an unknown never ranks a program above an
# otherwise equal one whose figure is known and passing; equal scores put the known first.
VISA_UNKNOWN_PENALTY = 10


@dataclass
class Assessed:
    program: Program
    findings: list[Finding]
    fit: Fit
    margin: int | None
    components: dict[str, float | None]
    excluded: bool = False  # some screen failed
    status: str = "eligible"  # eligible | conditional | exception
    tier: str | None = None
    score: int = 0

    @property
    def tier_reason(self) -> str:
        return "" if self.tier is None else _tier(self.status, self.margin, self.program)[1]

    @property
    def reasons(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "fail"]

    @property
    def flags(self) -> list[str]:
        return sorted({f.rule for f in self.findings if f.status in FLAGGED})


#: Finding statuses listed as a program's flags (things to verify on its site).
FLAGGED = ("verify", "warn")


@dataclass(slots=True)
class Shown:
    """One row of the ranked table (see `Recommendation.shown`)."""

    program: Program
    tier: str
    status: str
    score: int
    fit: int
    margin: int | None
    flags: list[str]


@dataclass(slots=True)
class Listed(Shown):
    """One program of the ranked list as the JSON list reads it (see `Recommendation.listed`):
    a table row, plus its tier's reason and its findings (what an Assessed entry says,
    without the score's components)."""

    tier_reason: str
    findings: list[dict[str, str]]  # as JSON (`Finding.as_json`)


@dataclass
class Unlock:
    change: str
    opens: int
    program_ids: list[str]


#: A program that passed every screen, ready to rank and to turn into an Assessed entry:
#: (-score, tier rank × 4 + the number of unknown figures, id, tier, status, margin, preference, index, its group's findings,
#: its position in the group). Findings and the score's components are put together only
#: for the entries shown (`_included`): a 13,000-program list ranks thousands, shows a few.
Entry = tuple[
    int,
    int,
    str,
    str,
    str,
    "int | None",
    float,
    int,
    "GroupFindings",
    int,
]
#: A target-specialty program some screen excluded: (index, its group's findings, position).
Failed = tuple[int, "GroupFindings", int]


@dataclass(slots=True)
class GroupFindings:
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


@dataclass
class Recommendation:
    """The ranked list. Entries become Assessed objects only when read: a table of the first
    25 programs of a 13,000-program list builds 25 of them, JSON builds all."""

    profile: Profile
    dataset: Dataset
    findings: list[Finding]
    strength: int
    ranked: list[Entry] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)
    # Programs outside the target specialties (dataset positions), with the specialty finding.
    others: list[tuple[list[int], Finding]] = field(default_factory=list)
    top: int | None = None
    unlocks: list[Unlock] | None = None
    unlock_note: str | None = None  # why a taken score is not a lever
    what_if: dict[str, object] = field(default_factory=dict)  # overridden values, by option
    stage: Stage | None = None  # where the applicant stands (rules.stage)
    notes: list[str] = field(default_factory=list)
    plan: ApplicationPlan | None = None  # with --signals (imgplan.plan)
    fellowships: FellowshipPlan | None = None  # in training: the CI fellowship list

    @cached_property
    def included(self) -> list[Assessed]:
        """Every program left, ranked."""
        return [_included(self.dataset, e) for e in self.ranked]

    @cached_property
    def programs(self) -> list[Assessed]:
        """The ranked list as shown: the first ``top`` programs, or all."""
        if not self.top:
            return self.included
        return [_included(self.dataset, e) for e in self.ranked[: self.top]]

    def shown(self) -> list[Shown]:
        """What a table row shows of each program in ``programs``, read straight from the
        ranked entries (no Assessed entry is built: a 13,000-program list shows thousands)."""
        entries = self.ranked[: self.top] if self.top else self.ranked
        programs, index = self.dataset.programs, _index(self.dataset)
        return [
            Shown(programs[i], tier, status, -score, index.fit(i).score, margin, group.flags(n))
            for score, _, _, tier, status, margin, _, i, group, n in entries
        ]

    def listed(self) -> list[Listed]:
        """`programs` as `Listed` rows, read straight from the ranked entries (no Assessed
        entry, no score components) with each tier's reason worded once per distinct (status,
        margin, IMG share): a 13,000-program list has about 1,200 for 4,600 programs."""
        entries = self.ranked[: self.top] if self.top else self.ranked
        programs, index = self.dataset.programs, _index(self.dataset)
        reasons: dict[tuple[str, int | None, float | None], str] = {}
        out = []
        for score, _, _, tier, status, margin, _, i, group, n in entries:
            fit = index.fit(i)
            findings = group.json_of(n)
            findings.append(fit_finding(fit).as_json())
            p = programs[i]
            why_key = (status, margin, p.img_share)
            why = reasons.get(why_key)
            if why is None:
                why = reasons[why_key] = _tier(status, margin, p)[1]
            out.append(
                Listed(p, tier, status, -score, fit.score, margin, group.flags(n), why, findings)
            )
        return out

    @property
    def short_ids(self) -> dict[str, str]:
        """Every program's short id in this dataset (see models.programs.short_ids), worked
        out once per dataset: a batch of profiles shares it."""
        index = _index(self.dataset)
        if index.short_ids is None:
            index.short_ids = short_ids(self.dataset)
        return index.short_ids

    @cached_property
    def excluded_targets(self) -> list[Assessed]:
        return [_failed(self.dataset, f) for f in self.failed]

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
        rows: list[tuple[int, list[Finding]]] = [
            (i, [f for f in group.of(n) if f.status == "fail"]) for i, group, n in self.failed
        ]
        for indices, finding in self.others:
            reason = [finding]
            rows.extend((i, reason) for i in indices)
        rows.sort(key=lambda row: row[0])
        return [(programs[i], reasons) for i, reasons in rows]

    def summary(self) -> dict[str, int]:
        """Counts by tier over the whole list (not only the shown ``top``), and excluded."""
        counts = {tier: 0 for tier in TIERS}
        for entry in self.ranked:
            counts[entry[3]] += 1
        counts["excluded"] = len(self.failed) + sum(len(rows) for rows, _ in self.others)
        return counts


NO_FIT = Fit(0, [], [])
NO_COMPONENTS: dict[str, float | None] = dict.fromkeys(WEIGHTS)


def _competitiveness(margin: int | None) -> float | None:
    if margin is None:
        return None
    return min(1.0, max(0.0, (margin - MARGIN_FLOOR) / MARGIN_SPAN))


UNKNOWN_COMPETITIVENESS = min(1.0, max(0.0, (TARGET_MARGIN - MARGIN_FLOOR) / MARGIN_SPAN))
UNKNOWN_IMG_FRIENDLINESS = min(1.0, FEW_IMGS / IMG_SHARE_FULL)
ESTIMATES = {
    "competitiveness": UNKNOWN_COMPETITIVENESS,
    "img_friendliness": UNKNOWN_IMG_FRIENDLINESS,
}


def points(name: str, value: float | None) -> float:
    """A component's weighted points; an unknown component counts its neutral estimate."""
    if value is None:
        value = ESTIMATES.get(name, 0.0)
    return WEIGHTS[name] * value if value else 0.0


def _preference(ctx: Context, p: Program) -> float:
    """Mean of: your order of specialties (1, 0.8, 0.6 ...), and, if you listed them, a state
    match and a setting match."""
    specialty_part, states, settings = ctx.preferences
    parts = [specialty_part.get(p.specialty, 0.0)]
    if states:
        parts.append(1.0 if p.state in states else 0.0)
    if settings:
        parts.append(1.0 if p.setting in settings else 0.0)
    return sum(parts) / len(parts)


def assess(ctx: Context, p: Program, as_of: dt.date) -> Assessed:
    """Every screen's finding for one program, then its fit, margin, tier and score."""
    return _finish(ctx, p, [screen(ctx, p, as_of) for screen in SCREENS], informatics_fit(p))


FIT_SOURCE = "imgplan weighting of the guide's residency-choice features (README: Scoring)"


_FIT_FINDINGS: dict[int, tuple[Fit, Finding]] = {}


def fit_finding(fit: Fit) -> Finding:
    """The informatics-fit finding of a fit: fits are shared (a few hundred per dataset), so
    each finding, its sentence and its JSON are built once. Keyed by the fit's id while
    holding the fit itself, so an id is never reused for another object."""
    found = _FIT_FINDINGS.get(id(fit))
    if found is None or found[0] is not fit:
        found = _FIT_FINDINGS[id(fit)] = (
            fit,
            Finding(INFORMATICS_FIT, "info", fit.describe, FIT_SOURCE),
        )
    return found[1]


def _img_friendliness(share: float | None) -> float | None:
    return None if share is None else min(1.0, share / IMG_SHARE_FULL)


def _components(
    margin: int | None, fit: Fit, share: float | None, preference: float
) -> dict[str, float | None]:
    return {
        "competitiveness": _competitiveness(margin),
        "informatics_fit": fit.score / 100,
        "img_friendliness": _img_friendliness(share),
        "preference": preference,
    }


def _rank(
    ctx: Context, p: Program, fit: Fit, status: str
) -> tuple[int, str, int | None, dict[str, float | None]]:
    """(score, tier, margin, components) of a program that passed every screen. A long list
    is ranked by the same arithmetic, inlined, in `_evaluate` (a test checks they agree)."""
    score = ctx.step2
    ref_score = p.reference_score
    margin = score - ref_score if score is not None and ref_score is not None else None
    share = p.img_share
    components = _components(margin, fit, share, _preference(ctx, p))
    total = 0.0
    for name, value in components.items():
        total += points(name, value)
    visa_unknown = _visa_unknown(ctx, p)
    if visa_unknown:
        total -= VISA_UNKNOWN_PENALTY
    return round(total), _tier_of(status, margin, share, visa_unknown), margin, components


def _visa_unknown(ctx: Context, p: Program) -> bool:
    """The applicant needs a visa and the program's visa policy is unknown."""
    return p.visas is None and ctx.profile.visa != vocab.Visa.none


def _status(findings: list[Finding]) -> str:
    statuses = {f.status for f in findings}
    if "exception" in statuses:
        return "exception"
    if "conditional" in statuses:
        return "conditional"
    return (
        "verify" if any(f.rule == VISA and f.status == "verify" for f in findings) else "eligible"
    )


def _finish(ctx: Context, p: Program, findings: list[Finding], fit: Fit) -> Assessed:
    """Compose a program's findings: excluded if any failed, else its score and tier (and an
    informatics-fit finding)."""
    statuses = {f.status for f in findings}
    if "fail" in statuses:
        return Assessed(p, findings, fit, None, dict.fromkeys(WEIGHTS), excluded=True)
    status = _status(findings)
    score, tier, margin, components = _rank(ctx, p, fit, status)
    findings.append(fit_finding(fit))
    return Assessed(p, findings, fit, margin, components, status=status, tier=tier, score=score)


class _Index:
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
        self.short_ids: dict[str, str] | None = None
        # (screen, today, reference) -> key -> finding, for the screens in PROFILE_FREE
        self.shared: dict[tuple[object, dt.date, int], dict[object, Finding]] = {}
        # What ranking reads of each program, read once per dataset (filled by keys_of for
        # the groups a profile targets): (reference score, weighted fit term, weighted
        # IMG-friendliness term, few IMGs?, id, state, setting, visa policy unknown?, IMG share
        # unknown?).
        self.ranking: list[
            tuple[int | None, float, float, bool, str, object, object, bool, bool] | None
        ] = [None] * len(dataset.programs)

    def keys_of(self, specialty: object) -> list[tuple[dict[object, list[int]], list[object]]]:
        found = self.distinct.get(specialty)
        if found is None:
            rows = self.groups[specialty]
            group = [self.dataset.programs[i] for i in rows]
            w_fit = WEIGHTS["informatics_fit"]
            for i, p in zip(rows, group, strict=True):
                fit, img = self.fit(i).score / 100, _img_friendliness(p.img_share)
                self.ranking[i] = (
                    p.reference_score,
                    w_fit * fit if fit else 0.0,
                    points("img_friendliness", img),
                    p.img_share is not None and p.img_share < FEW_IMGS,
                    p.id,
                    p.state,
                    p.setting,
                    p.visas is None,
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


_INDEXES: dict[int, _Index] = {}


def _index(dataset: Dataset) -> _Index:
    found = _INDEXES.get(id(dataset))
    if found is None or found.dataset is not dataset:
        if len(_INDEXES) > 8:
            _INDEXES.clear()
        found = _INDEXES[id(dataset)] = _Index(dataset)
    return found


def evaluate(ctx: Context, dataset: Dataset, indices: list[int]) -> list[Assessed]:
    """Assess the programs at ``indices`` (see `_evaluate`), in that order."""
    ranked, failed, others = _evaluate(ctx, dataset, indices)
    done = {e[7]: _included(dataset, e) for e in ranked}
    done.update((f[0], _failed(dataset, f)) for f in failed)
    for rows, f in others:
        for i in rows:
            done[i] = Assessed(dataset.programs[i], [f], NO_FIT, None, NO_COMPONENTS, excluded=True)
    return [done[i] for i in indices]


def _included(dataset: Dataset, e: Entry) -> Assessed:
    _, _, _, tier, status, margin, preference, i, group, n = e
    fit = _index(dataset).fit(i)
    components = _components(margin, fit, dataset.programs[i].img_share, preference)
    findings = group.of(n)
    findings.append(fit_finding(fit))
    return Assessed(
        dataset.programs[i],
        findings,
        fit,
        margin,
        components,
        status=status,
        tier=tier,
        score=-e[0],
    )


def _failed(dataset: Dataset, f: Failed) -> Assessed:
    i, group, n = f
    return Assessed(
        dataset.programs[i],
        group.of(n),
        NO_FIT,
        None,
        NO_COMPONENTS,
        excluded=True,
    )


def _evaluate(
    ctx: Context, dataset: Dataset, indices: list[int]
) -> tuple[list[Entry], list[Failed], list[tuple[list[int], Finding]]]:
    """Screen and rank the programs at ``indices``, evaluating each screen once per distinct
    key (rules.screens.KEYS) within each specialty.

    Returns the programs that passed every screen as ranked entries (sorted), the target-
    specialty programs a screen excluded, and the programs outside the target specialties
    with that finding (the list needs only that reason; `explain` runs every screen).
    """
    index = _index(dataset)
    programs, as_of = dataset.programs, dataset.as_of
    first, *rest = SCREENS
    wanted = set(indices) if len(indices) != len(programs) else None
    memos: list[dict[object, Finding]] = [
        index.shared.setdefault((screen, ctx.today, id(ctx.ref)), {})
        if screen in PROFILE_FREE
        else {}
        for screen in rest
    ]
    others: list[tuple[list[int], Finding]] = []
    ranked: list[Entry] = []
    failed_out: list[Failed] = []
    tier_rank = {tier: n for n, tier in enumerate(TIERS)}
    step2 = ctx.step2
    specialty_part, states, settings = ctx.preferences
    placed = bool(states or settings)  # else the preference is the specialty's, per group
    ranking = index.ranking
    w_pref = WEIGHTS["preference"]
    # _rank's arithmetic, by parts: each weighted term is the same float _rank computes, and
    # they are added in the same order (a zero term adds exactly nothing): the same score.
    # (flag, reference score, few IMGs?) -> (status, margin, its term, tier, tier rank)
    by_status: dict[tuple[object, ...], tuple[str, int | None, float, str, int]] = {}
    for specialty, rows in index.groups.items():
        head = first(ctx, programs[rows[0]], as_of)
        if head.status == "fail":
            others.append((rows if wanted is None else [i for i in rows if i in wanted], head))
            continue
        distinct = index.keys_of(specialty)
        group = GroupFindings(head, memos, [keys for _, keys in distinct])
        flags = _screen_group(ctx, dataset, rows, rest, memos, [k for k, _ in distinct])
        needs_visa = ctx.profile.visa != vocab.Visa.none
        group_preference = specialty_part.get(specialty, 0.0)  # type: ignore[call-overload]
        group_term = w_pref * group_preference if group_preference else 0.0
        by_place: dict[tuple[object, object], tuple[float, float]] = {}
        for n, i in enumerate(rows):
            if wanted is not None and i not in wanted:
                continue
            flag = flags[n]
            if flag == "fail":
                failed_out.append((i, group, n))
                continue
            reference, fit_term, img_term, few, pid, state, setting, no_visas, no_img = ranking[  # type: ignore[misc]
                i
            ]
            visa_unknown = needs_visa and no_visas
            key = (flag, reference, few, visa_unknown, no_img)
            found = by_status.get(key)
            if found is None:
                status = flag or ("verify" if visa_unknown else "eligible")
                m = step2 - reference if step2 is not None and reference is not None else None
                name = _tier_of(status, m, 0.0 if few else None, visa_unknown)
                unknowns = (m is None) + no_img + visa_unknown
                found = by_status[key] = (
                    status,
                    m,
                    points("competitiveness", _competitiveness(m))
                    - (VISA_UNKNOWN_PENALTY if visa_unknown else 0),
                    name,
                    tier_rank[name] * 4 + unknowns,  # the tier, then fewer unknowns first
                )
            status, margin, total, tier, rank = found
            if placed:
                place = by_place.get((state, setting))
                if place is None:
                    place = by_place[(state, setting)] = _place(
                        group_preference, states, settings, state, setting, w_pref
                    )
                preference, preference_term = place
            else:
                preference, preference_term = group_preference, group_term
            score = round(total + fit_term + img_term + preference_term)
            ranked.append((-score, rank, pid, tier, status, margin, preference, i, group, n))
    ranked.sort()  # by -score, tier, then id: ids are unique, so later items never compare
    return ranked, failed_out, others


def _screen_group(
    ctx: Context,
    dataset: Dataset,
    rows: list[int],
    screens: list[Screen],
    memos: list[dict[object, Finding]],
    keys: list[dict[object, list[int]]],
) -> list[str]:
    """Each program's flag within one specialty group: "fail", or the strongest of
    "exception" and "conditional", or "" (every screen passed). Each screen runs once per
    distinct key (rules.screens.KEYS)."""
    programs, as_of = dataset.programs, dataset.as_of
    flags = [""] * len(rows)
    for screen, memo, by_key in zip(screens, memos, keys, strict=True):
        for key, positions in by_key.items():
            f = memo.get(key)
            if f is None:
                f = memo[key] = screen(ctx, programs[rows[positions[0]]], as_of)
            status = f.status
            if status in ("fail", "exception", "conditional"):
                for n in positions:
                    if (
                        status == "fail"
                        or flags[n] != "fail"
                        and (status == "exception" or not flags[n])
                    ):
                        flags[n] = status
    return flags


def _place(
    group_preference: float,
    states: set[str],
    settings: set[str],
    state: object,
    setting: object,
    weight: float,
) -> tuple[float, float]:
    """(preference, its weighted term) for a program's state and setting: `_preference`,
    computed once per (state, setting) by the ranking."""
    preference, parts = group_preference, 1
    if states:
        preference += 1.0 if state in states else 0.0
        parts += 1
    if settings:
        preference += 1.0 if setting in settings else 0.0
        parts += 1
    preference /= parts
    return preference, weight * preference if preference else 0.0


def _tier(status: str, margin: int | None, p: Program) -> tuple[str, str]:
    """(tier, the reason in words). Ranking a long list needs only the tier: see `_tier_of`."""
    visa_unknown = status == "verify"
    tier = _tier_of(status, margin, p.img_share, visa_unknown)
    if status == "exception":
        return tier, "kept by the guide's informatics exception"
    if margin is None:
        why = "no Step 2 CK reference score to measure against (verify)"
    elif margin >= SAFETY_MARGIN:
        why = f"margin +{margin} is at least +{SAFETY_MARGIN}"
    elif margin >= TARGET_MARGIN:
        why = f"margin {margin:+d} is between {TARGET_MARGIN} and +{SAFETY_MARGIN - 1}"
    else:
        why = f"margin {margin:+d} is under {TARGET_MARGIN}"
    if p.img_share is not None and p.img_share < FEW_IMGS:
        why += f"; few IMGs ({p.img_share:.0%} < {FEW_IMGS:.0%}) moves it one tier down"
    if visa_unknown:
        why += "; its visa policy is unknown (verify) and you need a visa: one tier down"
    return tier, why


def _tier_of(
    status: str, margin: int | None, img_share: float | None, visa_unknown: bool = False
) -> str:
    if status == "exception":
        return "reach"
    if margin is None or TARGET_MARGIN <= margin < SAFETY_MARGIN:
        tier = "target"
    elif margin >= SAFETY_MARGIN:
        tier = "safety"
    else:
        return "reach"
    downs = (img_share is not None and img_share < FEW_IMGS) + visa_unknown
    return TIERS[min(len(TIERS) - 1, TIERS.index(tier) + downs)]


def _in_view(p: Program, specialties: list[str] | None, states: list[str] | None) -> bool:
    return (not specialties or p.specialty in specialties) and (not states or p.state in states)


def recommend(
    profile: Profile,
    dataset: Dataset,
    ref: Reference,
    today: dt.date,
    *,
    specialties: list[str] | None = None,
    states: list[str] | None = None,
    top: int | None = None,
    unlock: bool = False,
    what_if: dict[str, object] | None = None,
    stage: Stage | None = None,
) -> Recommendation:
    """The ranked list. ``what_if`` names the values overridden for this run (the profile
    passed in already carries them): every output says they are not the profile's facts.
    ``stage`` (rules.stage) changes what is ranked: once matched or in residency no residency
    program is; between seasons the coming Match is planned, and the output says why."""
    if stage is not None and stage.in_training:
        found = _in_training(profile, dataset, ref, today, stage)
        found.top = top
        return found
    if stage is not None and stage.name == "between-seasons":
        targets = profile.targets.copy_with(match_year=stage.coming_match)
        profile = profile.copy_with(targets=targets)
    ctx = Context.of(profile, ref, today, what_if=what_if or {})
    programs = dataset.programs
    if specialties or states:
        view = [i for i, p in enumerate(programs) if _in_view(p, specialties, states)]
    else:
        view = list(range(len(programs)))
    ranked, failed, others = _evaluate(ctx, dataset, view)
    findings = profile_findings(ctx)
    findings += list_findings(ctx, sum(1 for e in ranked if e[4] == "conditional"))
    result = Recommendation(
        profile,
        dataset,
        findings,
        ctx.strength.score,
        ranked=ranked,
        failed=failed,
        others=others,
        top=top,
        what_if=what_if or {},
        stage=stage,
    )
    if stage is not None and stage.note:
        result.notes.append(stage.note)
    outside = [s for s in specialties or [] if s not in profile.targets.specialties]
    if outside:
        names = ", ".join(vocab.specialty_label(s) for s in outside)
        result.notes.append(
            f"--specialty {names}: not among your target specialties (targets.specialties), "
            "so the specialty screen excludes every such program. Add it to your targets to "
            "rank its programs."
        )
    if unlock:
        result.unlocks = unlock_report(profile, dataset, ref, today, result.excluded_targets)
        result.unlock_note = unlock_note(profile)
    return result


def _in_training(
    profile: Profile, dataset: Dataset, ref: Reference, today: dt.date, stage: Stage
) -> Recommendation:
    """Matched or in residency: residency programs are no longer ranked; the profile findings
    stay, and a note says why and where the next list is."""
    ctx = Context.of(profile, ref, today)
    result = Recommendation(profile, dataset, [], ctx.strength.score, stage=stage)
    residency = profile.residency
    where = f" ({vocab.specialty_label(residency.specialty)})" if residency else ""
    result.notes.append(
        f"You are {STAGE_WORDS[stage.name]}{where}: imgplan no longer ranks residency programs. "
        "Your next list is the Clinical Informatics fellowships: AMIA's and ACGME's program "
        "lists (verify each program's visa and eligibility), applied to through ERAS in July "
        "of your final residency year; `imgplan timeline` dates it and `imgplan assess` "
        "checks your fellowship readiness."
    )
    return result


STAGE_WORDS = {
    "matched": "matched for residency",
    "resident": "in residency",
    "fellowship-applicant": "in your final residency year",
    "fellow": "past residency",
}


# What-if ----------------------------------------------------------------------------------


def with_overrides(
    profile: Profile,
    *,
    step2: int | None = None,
    usce_months: float | None = None,
    step3_pass: bool = False,
    ecfmg: bool | None = None,
) -> Profile:
    """A copy of the profile with what-if changes; the file is never touched."""
    usmle = profile.usmle
    update: dict[str, object] = {}
    if step2 is not None:
        attempts = usmle.step2ck.attempts if usmle.step2ck and usmle.step2ck.taken else None
        usmle = usmle.copy_with(step2ck=Step2CK(score=step2, attempts=attempts))
    if step3_pass:
        usmle = usmle.copy_with(step3=Step3(result="pass"))
    update["usmle"] = usmle
    if usce_months is not None:  # replaces all clinical USCE; research entries stay
        usce = [u for u in profile.usce if u.kind == vocab.UsceKind.research]
        if usce_months > 0:
            usce.append(Usce(kind=vocab.UsceKind.hands_on, months=usce_months))
        update["usce"] = usce
    if ecfmg is not None:
        update["ecfmg_certified"] = ecfmg
    return profile.copy_with(**update)


def _candidates(profile: Profile) -> list[tuple[str, str, Profile, bool | None]]:
    """(kind, label, changed profile, exceptional portfolio?) for each single change an
    applicant can actually make, smallest first within a kind.

    A score is a lever only for a Step 2 CK that is planned (its target): USMLE does not let
    anyone retake a passed Step (FACTS §5), so a taken score is never suggested as a change.
    """
    out: list[tuple[str, str, Profile, bool | None]] = []
    step2ck = profile.usmle.step2ck
    if step2ck is not None and not step2ck.taken and step2ck.target is not None:
        for plus in (5, 10, 15, 20, 30):
            if step2ck.target + plus <= 300:
                aim = step2ck.copy_with(target=step2ck.target + plus)
                changed = profile.copy_with(usmle=profile.usmle.copy_with(step2ck=aim))
                label = f"Aim for Step 2 CK {step2ck.target + plus} (+{plus} over your target)"
                out.append(("step2", label, changed, None))
    have = profile.hands_on_usce_months
    for months in (1, 2, 3, 4, 6):
        if months > have:
            label = f"{plural(months, 'month')} of hands-on US clinical experience"
            out.append(("usce", label, with_overrides(profile, usce_months=months), None))
    if not profile.step3_passed:
        out.append(("step3", "Step 3 passed", with_overrides(profile, step3_pass=True), None))
    if not profile.certified:
        out.append(("ecfmg", "ECFMG certified", with_overrides(profile, ecfmg=True), None))
    if profile.visa in (vocab.Visa.j1, vocab.Visa.h1b):
        label = "Able to train on either visa (J-1 or H-1B)"
        out.append(("visa", label, profile.copy_with(visa=vocab.Visa.any), None))
    out.append(
        (
            "portfolio",
            "An exceptional informatics portfolio (opens the guide's exception programs)",
            profile,
            True,
        )
    )
    return out


def unlock_note(profile: Profile) -> str | None:
    """Why a taken Step 2 CK is not among the changes, and what the levers are instead."""
    step2ck = profile.usmle.step2ck
    if step2ck is None or not step2ck.taken:
        return None
    return (
        f"Your Step 2 CK {step2ck.score} is taken: USMLE does not allow retaking a passed Step, "
        "so the score is not a lever. What you can still change: hands-on US clinical "
        "experience, Step 3, ECFMG certification, your informatics portfolio (it opens the "
        "guide's exception programs), the visas you can train on, and your target specialties."
    )


def unlock_report(
    profile: Profile,
    dataset: Dataset,
    ref: Reference,
    today: dt.date,
    excluded: list[Assessed],
) -> list[Unlock]:
    """Which single change opens the most excluded programs (in your target specialties)."""
    position = {id(p): i for i, p in enumerate(dataset.programs)}
    pool = [
        position[id(a.program)]
        for a in excluded
        if a.program.specialty in profile.targets.specialties
    ]
    kept: list[Unlock] = []
    best: dict[str, int] = {}
    for kind, label, changed, exceptional in _candidates(profile):
        ctx = Context.of(changed, ref, today)
        if exceptional and not ctx.exceptional:
            ctx = dataclasses.replace(ctx, exceptional_override=True)
        elif exceptional:
            continue  # already exceptional: not a change
        opened = [a.program.id for a in evaluate(ctx, dataset, pool) if not a.excluded]
        # Of several sizes of the same change, keep a larger one only if it opens more.
        if len(opened) > best.get(kind, 0):
            best[kind] = len(opened)
            kept.append(Unlock(label, len(opened), opened))
    return sorted(kept, key=lambda u: -u.opens)

"""The application plan (issue #17): which programs to signal, how many to apply to, and what
the plan costs. Pure: it reads a finished `Recommendation` and the bundled figures, and
returns one `ApplicationPlan`.

**The signal rule** (imgplan's convention, built on FACTS §8: a signal raises the odds of an
interview 2.7-9.1x, and for IMGs in Internal Medicine too; advising consensus says a signal is
wasted on a program that does not take your visa or would interview you anyway):

1. Only programs left on your list are candidates: every screen passed, so no program whose
   known visa policy rules you out can get one.
2. Candidates are taken by list tier: target first (competitive, not assured: where a signal
   counts most), then reach, then safety (would probably interview you anyway: only when the
   others run out). A program whose visa policy is unknown while you need a visa comes after
   every program whose policy is known, and its signal carries a "verify" warning.
3. Within that order: informatics fit (the guide's first criterion: a CI fellowship in house or
   nearby), then your state preference, then the list's score.
4. Two-tier specialties (Internal Medicine: gold and silver) give gold to the first candidates,
   silver to the next; never more than the season allows per tier. An unknown allowance (for
   example Emergency Medicine in ResidencyCAS) proposes none and lists the order to use once the
   count is verified.

**How many to apply to** (imgplan's convention; no interview rates by tier are published for
IMGs, FACTS §8): aim for as many interviews as the specialty's matched IMGs ranked contiguously
(median, NRMP Charting Outcomes), divided by the specialty's IMG match rate — fewer matches per
applicant call for more interviews. Applications then come from the list's tiers in order
(safety, target, reach) at an assumed interview yield per tier (`YIELD`) until the expected
interviews reach that goal.
"""

from __future__ import annotations

import math

from msgspec import Struct, field

from .applications import application_fee, goal_words, interviews_goal, nrmp_extra
from .models import vocab
from .models.outcomes import Outcomes
from .models.profile import ChosenSignal, Profile
from .models.programs import Program
from .models.signals import SignalsData
from .models.values import plural
from .recommend import Assessed, Recommendation
from .rules.findings import Finding, Note
from .rules.registry import (
    SIGNAL_SAFETY,
    SIGNAL_SCREENED_OUT,
    SIGNAL_TIER_WORD,
    SIGNAL_TWICE,
    SIGNAL_UNKNOWN_ID,
    SIGNAL_VISA_UNKNOWN,
    SIGNAL_WASTED,
    VISA,
)
from .signals import Allowance, allowance

#: Assumed interviews per application by list tier: imgplan's convention, not a published
#: figure (no interview rates by tier exist for IMGs, FACTS §8).
#: A program whose figures are unknown is counted at the target yield (neither the worst case
#: nor a pass).
YIELD = {"safety": 0.20, "target": 0.10, "unknown": 0.10, "reach": 0.04}
TIER_ORDER = ("target", "unknown", "reach", "safety")  # the order signals are given in (rule 2)
APPLY_ORDER = ("safety", "target", "unknown", "reach")  # the order applications are counted in
CONVENTION = "imgplan's convention"
SIGNAL_SOURCE = (
    "FACTS §8: a signal raised interview odds 2.7-9.1x (9 specialties, 2023); in IM the "
    "benefit held for IMGs (Rosenblatt et al., JGME 2023); rule order: imgplan's convention"
)


class Signal(Struct):
    """One signal, proposed or as the profile chose it (``checked``)."""

    program_id: str
    program: Program | None  # None: the id is not in the dataset
    tier: str  # gold | silver | signal
    why: str
    list_tier: str | None = None  # safety/target/reach when on the list
    warnings: list[Note] = field(default_factory=list)


class TierCount(Struct):
    tier: str
    available: int  # programs of this tier on the list
    suggested: int
    interviews: float  # expected, at YIELD


class SpecialtyPlan(Struct):
    specialty: str
    allowance: Allowance
    checked: bool  # True: the profile's own signals were checked, not proposed
    signals: list[Signal]
    notes: list[str]
    interviews_goal: int | None  # None: no outcome figures for the specialty (verify)
    goal_why: str
    tiers: list[TierCount]
    applications: int
    service: str  # ERAS | ResidencyCAS
    fee: int
    fee_source: str
    shortfall: str | None = None  # the list cannot reach the goal


class ApplicationPlan(Struct):
    season: int  # the Match year
    specialties: list[SpecialtyPlan]
    transcripts: list[tuple[str, int]]  # (service, USMLE transcript fee), once per service
    ranks: int  # ranks expected on the rank order list (the expected interviews)
    nrmp_extra: int
    nrmp_source: str
    nrmp_note: str
    total: int
    signals_source: str
    convention: str = CONVENTION

    @property
    def applications(self) -> int:
        return sum(s.applications for s in self.specialties)


def application_plan(
    rec: Recommendation, profile: Profile, outcomes: Outcomes, signals: SignalsData
) -> ApplicationPlan:
    season = profile.targets.match_year
    targets = [str(s) for s in profile.targets.specialties]
    chosen: dict[str, list[ChosenSignal]] = {t: [] for t in targets}
    stray = []
    known = _Known.of(rec) if profile.targets.signals else None
    for c in profile.targets.signals:
        program = known.programs.get(c.program) if known else None
        found = None if program is None else str(program.specialty)
        if found is None:  # not in the dataset: reported with the first specialty
            chosen[targets[0]].append(c)
        elif found in chosen:
            chosen[found].append(c)
        else:
            stray.append(
                f"the signal for {c.program} ({vocab.specialty_label(found)}) is for a specialty you do not target: not counted"
            )
    on_list: dict[str, list[Assessed]] = {}
    for a in rec.included:
        on_list.setdefault(str(a.program.specialty), []).append(a)
    plans = []
    for key in targets:
        share = allowance(season, key, signals)
        listed = on_list.get(key, [])
        if known is not None:
            picks, notes = _check(chosen[key], share, known)
        else:
            picks, notes = _propose(listed, share, profile)
        plans.append(
            _count(key, share, listed, picks, notes, bool(profile.targets.signals), outcomes)
        )
    plans[0].notes.extend(stray)
    return _total(season, plans, outcomes, signals)


# Proposing ---------------------------------------------------------------------------------


FAR_UNDER = -10  # a margin this far under a program's reference score: signalled last


def _order(listed: list[Assessed], profile: Profile) -> list[Assessed]:
    """Rule 2-3 of the module's docstring; a program 10 or more points under its reference
    score (FAR_UNDER) comes after every other: a signal is not spent on it while better
    candidates exist."""
    states = set(profile.targets.states)

    def key(a: Assessed) -> tuple[int, int, int, int, int, int]:
        verify = a.status == "verify"
        far = a.margin is not None and a.margin <= FAR_UNDER
        return (
            int(far),
            int(verify),
            TIER_ORDER.index(a.tier) if a.tier in TIER_ORDER else len(TIER_ORDER),
            -a.fit.score,
            0 if a.program.state in states else 1,
            -a.score,
        )

    return sorted(listed, key=key)


def _propose(
    listed: list[Assessed], share: Allowance, profile: Profile
) -> tuple[list[Signal], list[str]]:
    notes = _allowance_notes(share)
    order = _order(listed, profile)
    slots = _slots(share)
    if not slots:
        if order:
            ids = ", ".join(a.program.id for a in order[:5])
            notes.append(
                f"the signal count is unknown, so none is proposed; once verified, use this "
                f"order ({CONVENTION}): {ids}"
            )
        return [], notes
    picks = []
    for a, tier in zip(order, slots, strict=False):
        picks.append(_pick(a, tier))
    if len(order) < len(slots):
        notes.append(
            f"your list has {len(order)} program(s) for {len(slots)} signal(s): widen the list "
            "(states, settings) before spending the rest"
        )
    return picks, notes


def _slots(share: Allowance) -> list[str]:
    if share.gold is not None or share.silver is not None:
        return ["gold"] * (share.gold or 0) + ["silver"] * (share.silver or 0)
    return ["signal"] * (share.single or 0)


def _pick(a: Assessed, tier: str) -> Signal:
    p = a.program
    why = f"{a.tier} on your list, informatics fit {a.fit.score}/100"
    if a.margin is not None:
        why += f", margin {a.margin:+d}"
    warnings = []
    if a.status == "verify":
        warnings.append(
            Note(
                "its visa policy is unknown and you need a visa: verify it on the program's "
                "site before spending this signal",
                SIGNAL_VISA_UNKNOWN,
            )
        )
    if a.tier == "safety":
        warnings.append(
            Note(
                f"a safety program would probably interview you anyway ({CONVENTION}, FACTS "
                "§8): signal it only if it is a top choice",
                SIGNAL_SAFETY,
            )
        )
    return Signal(p.id, p, tier, why, a.tier, warnings)


def _allowance_notes(share: Allowance) -> list[str]:
    notes = [share.words()]
    if share.note:
        notes.append(share.note)
    return notes


# Checking the profile's own signals ---------------------------------------------------------


class _Known(Struct):
    """What a check reads of the list, by program id: built once for every specialty."""

    listed: dict[str, Assessed]
    excluded: dict[str, list[Finding]]
    programs: dict[str, Program]

    @classmethod
    def of(cls, rec: Recommendation) -> _Known:
        listed = {a.program.id: a for a in rec.included}
        excluded = {p.id: failed for p, failed in rec.excluded_reasons()}
        return cls(listed, excluded, {p.id: p for p in rec.dataset.programs})


def _check(
    chosen: list[ChosenSignal], share: Allowance, known: _Known
) -> tuple[list[Signal], list[str]]:
    notes = _allowance_notes(share)
    listed, excluded = known.listed, known.excluded
    two_tier = share.gold is not None or share.silver is not None
    picks: list[Signal] = []
    seen: set[str] = set()
    for c in chosen:
        tier = str(c.tier) if c.tier is not None else ("gold?" if two_tier else "signal")
        p = known.programs.get(c.program)
        s = Signal(c.program, p, tier, "your choice (targets.signals)")
        if p is None:
            s.warnings.append(
                Note(
                    "not in the dataset: check the id (`imgplan programs list`)", SIGNAL_UNKNOWN_ID
                )
            )
        elif c.program in seen:
            s.warnings.append(Note("listed twice: one program takes one signal", SIGNAL_TWICE))
        elif c.program in listed:
            a = listed[c.program]
            s.list_tier = a.tier
            s.why = f"{a.tier} on your list, informatics fit {a.fit.score}/100"
            s.warnings.extend(_pick(a, tier).warnings)
        else:
            failed = excluded.get(c.program, [])
            visa = [f for f in failed if f.rule == VISA]
            if visa:
                s.warnings.append(
                    Note(
                        f"WASTED: this program's visa policy rules you out — {visa[0].message}",
                        SIGNAL_WASTED,
                    )
                )
            elif failed:
                s.warnings.append(
                    Note(f"this program screens you out — {failed[0].message}", SIGNAL_SCREENED_OUT)
                )
        if two_tier and tier not in ("gold", "silver"):
            s.warnings.append(
                Note(
                    "this specialty has gold and silver signals: say which (tier: gold | silver)",
                    SIGNAL_TIER_WORD,
                )
            )
        if not two_tier and tier in ("gold", "silver"):
            s.warnings.append(
                Note("this specialty has one kind of signal: tier: signal", SIGNAL_TIER_WORD)
            )
        seen.add(c.program)
        picks.append(s)
    for tier, limit in (("gold", share.gold), ("silver", share.silver), ("signal", share.single)):
        used = sum(1 for s in picks if s.tier == tier)
        if limit is not None and used > limit:
            notes.append(
                f"{plural(used, f'{tier} signal')} chosen, the season allows {limit}: remove "
                f"{used - limit}"
            )
    if not share.known and picks:
        notes.append("the season's signal count is unknown: verify it before you submit")
    return picks, notes


# Counting applications and fees --------------------------------------------------------------


def _count(
    specialty: str,
    share: Allowance,
    listed: list[Assessed],
    picks: list[Signal],
    notes: list[str],
    checked: bool,
    outcomes: Outcomes,
) -> SpecialtyPlan:
    fees = outcomes.fees
    figures = outcomes.charting_outcomes.specialties.get(specialty)
    available = {t: sum(1 for a in listed if a.tier == t) for t in APPLY_ORDER}
    tiers = [TierCount(t, available[t], 0, 0.0) for t in APPLY_ORDER]
    goal: int | None = None
    shortfall = None
    if figures is None:
        why = "no NRMP Charting Outcomes figures for this specialty: verify how many to apply to"
        tiers = [
            TierCount(t, available[t], available[t], available[t] * YIELD[t]) for t in APPLY_ORDER
        ]
    else:
        goal = interviews_goal(figures)
        edition = outcomes.charting_outcomes.edition
        why = (
            f"matched IMGs ranked {figures.ranks[0]:g} programs (median) and {figures.rate:.0%} "
            f"of IMGs who ranked {vocab.specialty_label(specialty)} first matched (NRMP "
            f"Charting Outcomes, {edition}): {goal_words(figures)}"
        )
        expected = 0.0
        for t in tiers:
            need = max(0, math.ceil((goal - expected) / YIELD[t.tier] - 1e-9))
            t.suggested = min(t.available, need)
            t.interviews = t.suggested * YIELD[t.tier]
            expected += t.interviews
        if expected < goal:
            shortfall = (
                f"your list gives about {expected:.1f} expected interviews of the {goal} to aim "
                "for: widen it (states, settings, a second specialty) or strengthen the profile"
            )
    applications = sum(t.suggested for t in tiers)
    service, fee = application_fee(applications, specialty, fees)
    source = fees.residencycas.source if service == "ResidencyCAS" else fees.eras.source
    edition = fees.residencycas.edition if service == "ResidencyCAS" else fees.eras.edition
    return SpecialtyPlan(
        specialty,
        share,
        checked,
        picks,
        notes,
        goal,
        why,
        tiers,
        applications,
        service,
        fee,
        f"{source}, {edition}",
        shortfall,
    )


def _total(
    season: int, plans: list[SpecialtyPlan], outcomes: Outcomes, signals: SignalsData
) -> ApplicationPlan:
    fees = outcomes.fees
    services = []
    for s in plans:
        if s.applications and s.service not in services:
            services.append(s.service)
    transcripts = [
        (name, fees.residencycas.transcript if name == "ResidencyCAS" else fees.eras.transcript)
        for name in services
    ]
    ranks = math.ceil(sum(t.interviews for s in plans for t in s.tiers) - 1e-9)
    extra = nrmp_extra(ranks, fees.nrmp)
    total = sum(s.fee for s in plans) + sum(f for _, f in transcripts) + extra
    return ApplicationPlan(
        season,
        plans,
        transcripts,
        ranks,
        extra,
        f"{fees.nrmp.source}, {fees.nrmp.edition}",
        fees.nrmp.note,
        total,
        SIGNAL_SOURCE,
    )

"""`recommend` as plain text: the Now / Next block and the profile's warnings first, then the
ranked list (a fixed-width grid, or cards on a narrow terminal), then the rest.

Plain text, not rich: `recommend` is the command people and scripts run most, on lists of up
to tens of thousands of programs; rich's Table takes seconds for that and its import alone is
a noticeable part of the start-up.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ...commands.recommend import Batch, RecommendResult
from ...errors import clip
from ...models import vocab
from ...models.programs import Program
from ...models.values import plural
from ...recommend import WEIGHTS, Assessed, Recommendation, Shown
from ...rules.findings import Finding
from ...rules.registry import SPECIALTY
from ..common import (
    TIER_STYLE,
    Writer,
    dataset_header,
    finding,
    grid,
    what_if_notice,
    wrap,
    write_now_next,
)
from ..formats import View
from .plan import plan_lines
from .residents import resident_lines


def _visa_cell(p: Program) -> str:
    if p.visas is None:
        return "?"
    return ",".join(v.value.upper() for v in p.visas) or "none"


def excluded_by_rule(items: list[Assessed]) -> dict[str, list[tuple[Assessed, Finding]]]:
    """Excluded programs grouped by their first failed screen, largest group first."""
    grouped: dict[str, list[tuple[Assessed, Finding]]] = defaultdict(list)
    for a in items:
        first = a.reasons[0]
        grouped[first.rule].append((a, first))
    return dict(sorted(grouped.items(), key=lambda kv: -len(kv[1])))


def _named(a: Shown, tracked: dict[str, str]) -> str:
    """The program's name, and its tracker status when the applicant tracks it."""
    status = tracked.get(a.program.id)
    return a.program.name if status is None else f"{a.program.name} [tracked: {status}]"


def _grid_rows(rec: Recommendation, shown: list[Shown], tracked: dict[str, str]) -> list[list[str]]:
    ids = rec.short_ids
    return [
        [
            str(i),
            ids[a.program.id],
            _named(a, tracked),
            vocab.SPECIALTY_SHORT[a.program.specialty],
            a.program.state or "?",
            a.tier or "",
            "" if a.status == "eligible" else a.status,
            str(a.score),
            str(a.fit),
            "?" if a.margin is None else f"{a.margin:+d}",
            _visa_cell(a.program),
            ", ".join(a.flags),
        ]
        for i, a in enumerate(shown, 1)
    ]


def facts_only(shown: list[Shown]) -> bool:
    """A list whose every row has no known figure (the real ERAS list before a merge): the
    tier, margin and visa columns would all say '?', so the facts table is shown instead."""
    return bool(shown) and all(
        a.margin is None and a.program.visas is None and a.program.img_share is None for a in shown
    )


def link_short(p: Program) -> str:
    """'in house', 'same city', '12 mi' (the nearest CI fellowship), or '?' (not placed)."""
    link = p.link
    if link is None:
        return "?"
    if link.kind in ("in_house", "same_city"):
        return link.kind.replace("_", " ")
    return f"{link.miles:.0f} mi" if link.miles is not None else "?"


FACT_HEADERS = ("#", "Id", "Program", "Spec.", "City", "St", "CI fellowship", "Score", "Fit")


def _fact_rows(rec: Recommendation, shown: list[Shown], tracked: dict[str, str]) -> list[list[str]]:
    ids = rec.short_ids
    return [
        [
            str(i),
            ids[a.program.id],
            _named(a, tracked),
            vocab.SPECIALTY_SHORT[a.program.specialty],
            a.program.city or "?",
            a.program.state or "?",
            link_short(a.program),
            str(a.score),
            str(a.fit),
        ]
        for i, a in enumerate(shown, 1)
    ]


FACTS_LEGEND = (
    "Every program's figures are unknown (cutoffs, visa policy, IMG share, graduation limit): "
    "no tier is guessed. The list ranks what is known: the CI fellowship link (in house, same "
    "city, or the miles to the nearest one; ? = the city cannot be placed) and your "
    "preferences. Score = "
    + " + ".join(f"{v}×{k}" for k, v in WEIGHTS.items())
    + " (unknown figures count a neutral estimate)."
)


HEADERS = (
    "#",
    "Id",
    "Program",
    "Spec.",
    "St",
    "Tier",
    "Status",
    "Score",
    "Fit",
    "Margin",
    "Visas",
    "Verify",
)


LEGEND = (
    "Tier compares your Step 2 CK with this program's figures only; it is not a promise (see "
    "`imgplan chances` for the specialty's odds). Status verify: you need a visa and the "
    "program's visa policy is unknown. ? = unknown. Verify: the rules whose figure is unknown "
    "or a warning for this program — check them on the program's site. Score = "
    + " + ".join(f"{v}×{k}" for k, v in WEIGHTS.items())
    + " (unknown figures count a neutral estimate)."
)


def _table(
    result: RecommendResult,
    *,
    width: int = 120,
    color: bool = False,
    include_excluded: bool = False,
) -> str:
    """Most important first: the Now / Next block and the profile's warnings, then the
    answer to --unlock, then the list; the other findings and the legend last."""
    rec = result.rec
    w = Writer(width, color)
    w.para(f"imgplan recommend — {rec.profile.name or 'this profile'}", "bold")
    notice = what_if_notice(rec.what_if)
    if notice:
        w.para(notice, "yellow")
    write_now_next(w, result.now)
    for note in [*rec.notes, *result.notes]:
        w.para(note, "yellow")
    w.raw("")
    dataset_header(w, rec.dataset)
    if rec.stage is not None and rec.stage.in_training:
        if result.fellowships is not None:
            w.section(resident_lines(result.fellowships, rec.top))
        return w.text()
    _unlocks(w, rec)
    w.raw("")
    shown, total = rec.shown(), len(rec.ranked)
    more = "" if len(shown) == total else f"; showing the first {len(shown)}"
    w.para(f"Ranked programs ({total}{more})", "bold")
    facts = facts_only(shown)
    if facts:
        rows = _fact_rows(rec, shown, result.tracked)
        if width < NARROW:
            _fact_cards(w, rows)
        else:
            w.raw(
                grid(
                    FACT_HEADERS,
                    rows,
                    right={0, 7, 8},
                    flex=(2, 4),
                    width=width,
                    wrap=frozenset({2, 4}),
                )
            )
    else:
        rows = _grid_rows(rec, shown, result.tracked)
        if width < NARROW:
            _cards(w, rows)
        else:
            w.raw(
                grid(
                    HEADERS,
                    rows,
                    right={0, 7, 8, 9},
                    flex=(11, 2),
                    width=width,
                    styles={5: TIER_STYLE} if color else None,
                    wrap=frozenset({2, 11}),
                )
            )
    s = rec.summary()
    if len(shown) < total:
        w.para(f"{total - len(shown)} more: --all for every program, or --top N.")
    w.para(
        f"{s['safety']} safety, {s['target']} target, {s['reach']} reach, {s['unknown']} figures unknown; {s['excluded']} "
        "excluded. `imgplan explain PROFILE ID` (an id, the start of one, or the # of this "
        "list) shows every finding for a program.",
        "dim",
    )
    w.para(FACTS_LEGEND if facts else LEGEND, "dim")
    _excluded_lines(w, rec, include_excluded)
    _plan(w, result)
    rest = [f for f in rec.findings if f.status not in ("fail", "warn")]
    if rest:
        w.raw("")
        w.para("Other notes about your profile", "bold")
        for f in rest:
            finding(w, f)
    return w.text()


NARROW = 100  # under this width each program is a short card instead of a table row


def _cards(w: Writer, rows: list[list[str]]) -> None:
    """The ranked list for a narrow terminal: '#  id  name' then the figures, wrapped."""
    for number, pid, name, spec, state, tier, status, score, fit, margin, visas, flags in rows:
        head = f"{number:>3}  {pid}  {name}"
        w.lines.extend(wrap(head, w.width, subsequent_indent=" " * 5))
        facts = f"{spec} {state} · {w.style(tier, TIER_STYLE.get(tier, ''))}"
        facts += f" {status}" if status else ""
        facts += f" · score {score} · fit {fit} · margin {margin} · visas {visas}"
        facts += f" · verify: {flags}" if flags else ""
        w.lines.extend(wrap(facts, w.width, initial_indent=" " * 5, subsequent_indent=" " * 5))


def _fact_cards(w: Writer, rows: list[list[str]]) -> None:
    """The facts table for a narrow terminal: '#  id  name' then where and the link."""
    for number, pid, name, spec, city, state, link, score, fit in rows:
        w.lines.extend(wrap(f"{number:>3}  {pid}  {name}", w.width, subsequent_indent=" " * 5))
        facts = f"{spec} · {city}, {state} · CI fellowship: {link} · score {score} · fit {fit}"
        w.lines.extend(wrap(facts, w.width, initial_indent=" " * 5, subsequent_indent=" " * 5))


def _excluded_lines(w: Writer, rec: Recommendation, include_excluded: bool) -> None:
    if not (include_excluded and rec.excluded):
        return
    w.raw("")
    w.para("Excluded, grouped by the first failed screen", "bold")
    for rule, items in excluded_by_rule(rec.excluded).items():
        w.para(f"{rule} ({len(items)})", "bold")
        if rule == SPECIALTY:
            w.raw("  programs outside your target specialties")
            continue
        for a, f in items:
            w.para(f"  {a.program.id}: {f.message}", indent="    ")


def _plan(w: Writer, result: RecommendResult) -> None:
    if result.plan_closed is not None:
        w.raw("")
        w.para("Signals and the application plan", "bold")
        w.para(result.plan_closed)
    elif result.plan is not None:
        w.section(plan_lines(result.plan))


def _unlocks(w: Writer, rec: Recommendation) -> None:
    if rec.unlocks is None:
        return
    w.raw("")
    w.para("What would open the most excluded programs", "bold")
    if not rec.unlocks:
        w.raw("No single change opens an excluded program in your target specialties.")
    for u in rec.unlocks:
        w.raw(f"  {u.change}: opens {plural(u.opens, 'program')}")
    if rec.unlock_note:
        w.para(rec.unlock_note, indent="  ")


def table_view(result: Any, view: View) -> str:
    """``_table`` as a plain-text list (one profile, or a batch under ``==> path <==``)."""
    if isinstance(result, Batch):
        return "\n".join(
            f"==> {clip(path)} <==\n{table_view(rec, view)}" for path, rec in result.items
        )
    return _table(
        result, width=view.width, color=view.color, include_excluded=view.include_excluded
    )

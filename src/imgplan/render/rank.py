"""`imgplan rank`: the rank order list with its odds and checks (table, JSON, NRMP-style CSV,
Markdown). Every probability is labelled as imgplan's model."""

from __future__ import annotations

import csv
import io
from typing import Any

from ..commands.rank import RankResult
from ..models.values import plural
from ..ranking.draft import Entry
from ..ranking.odds import Odds
from .common import (
    Writer,
    csv_cell,
    dumps,
    grid,
    md,
    now_next_markdown,
    stage_fields,
    write_now_next,
)
from .formats import Format, View

HEADERS = ("#", "Id", "Program", "Tier", "Rating", "p", "Here", "By here")
LEVEL = {
    "problem": ("✗", "red"),
    "warn": ("!", "yellow"),
    "info": ("i", "blue"),
    "ok": ("✓", "green"),
}


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _p(o: Odds) -> str:
    if o.low != o.high:
        return f"{_pct(o.p)} ({_pct(o.low)}–{_pct(o.high)})"
    return _pct(o.p) + (" yours" if o.how == "yours" else "")


def _rating(e: Entry) -> str:
    if e.score is None:
        return "unrated"
    tie = f" =#{e.tie_with}" if e.tie_with else ""
    return f"{e.score:.1f}{tie}"


def _rows(r: RankResult) -> list[list[str]]:
    lo = r.list_odds
    return [
        [
            str(k),
            e.tracked.program_id,
            e.tracked.name,
            e.standing.tier or "?",
            _rating(e),
            _p(o),
            _pct(lo.at_rank[k - 1]),
            _pct(lo.by_rank[k - 1]),
        ]
        for k, (e, o) in enumerate(zip(r.draft.entries, r.odds, strict=True), 1)
    ]


def _summary(r: RankResult) -> str:
    lo = r.list_odds
    band = ""
    if (r.low.match, r.high.match) != (lo.match, lo.match):
        band = f" ({_pct(r.low.match)}–{_pct(r.high.match)} across the unknown programs' bands)"
    expected = f"; expected rank if you match: {lo.expected_rank:.1f}" if lo.expected_rank else ""
    return (
        f"P(match) {_pct(lo.match)}{band}{expected}; P(unmatched) {_pct(1 - lo.match)}. "
        f"Here = P(you match at this rank); By here = at this rank or higher."
    )


def table_view(r: RankResult, v: View) -> str:
    w = Writer(v.width, v.color)
    w.para(f"imgplan rank — {r.tracker.key}", "bold")
    write_now_next(w, r.now)
    w.raw("")
    n = len(r.draft.entries)
    w.para(f"Your rank order list: {r.draft.source}, {plural(n, 'program')}", "bold")
    w.para(r.advice, indent="  ")
    w.para(f"  source: {r.advice_source}", "dim", indent="    ")
    if n:
        w.raw("")
        w.raw(
            grid(
                HEADERS,
                _rows(r),
                right={0, 5, 6, 7},
                flex=(2, 1),
                width=v.width,
                wrap=frozenset({2}),
            )
        )
        w.raw("")
        w.para(_summary(r))
        w.para(f"Odds: {r.model}.", "dim", indent="  ")
    for e in r.draft.entries:
        notes = []
        if e.unrated:
            notes.append(f"not rated yet: {', '.join(e.unrated)}")
        if e.note:
            notes.append(e.note)
        if notes:
            w.para(f"  · {e.tracked.name}: {'; '.join(notes)}", indent="      ")
    if r.draft.dropped:
        w.raw("")
        w.para("Off the draft (hard stops)", "bold")
        for d in r.draft.dropped:
            w.para(f"  ✗ {d.tracked.name} ({d.tracked.program_id}): {d.reason}", indent="      ")
    if r.draft.left_out:
        w.raw("")
        w.para("Interviewed but not on your order", "bold")
        for t in r.draft.left_out:
            w.para(f"  · {t.name} ({t.program_id})", indent="      ")
    if r.checks:
        w.raw("")
        w.para("Checks", "bold")
        for c in r.checks:
            icon, colour = LEVEL[c.level]
            w.para(f"{w.style(icon, colour)} {c.text}", indent="  ")
            w.para(f"    source: {c.source}", "dim", indent="    ")
    for note in r.notes:
        w.para(f"Note: {note}", "yellow")
    return w.text()


def to_json(r: RankResult) -> dict[str, Any]:
    lo = r.list_odds
    return {
        "format": 1,
        "command": "rank",
        "applicant": r.tracker.key,
        **stage_fields(r.now.stage, r.now),
        "source": r.draft.source,
        "advice": {"text": r.advice, "source": r.advice_source},
        "ranks": [
            {
                "rank": k,
                "id": e.tracked.program_id,
                "name": e.tracked.name,
                "specialty": e.tracked.specialty,
                "nrmp_code": e.tracked.figures.get("nrmp_code"),
                "tier": e.standing.tier,
                "rating": e.score,
                "rated": e.rated,
                "not_rated": e.unrated,
                "tie_with": e.tie_with,
                "p": o.p,
                "p_band": [o.low, o.high],
                "p_from": o.how,
                "p_matched_here": lo.at_rank[k - 1],
                "p_matched_by_here": lo.by_rank[k - 1],
                "unknown": list(e.standing.unknown),
                "note": e.note or None,
            }
            for k, (e, o) in enumerate(zip(r.draft.entries, r.odds, strict=True), 1)
        ],
        "p_match": lo.match,
        "p_match_band": [r.low.match, r.high.match],
        "expected_rank": lo.expected_rank,
        "model": r.model,
        "calibration": {s: {"median_p": p, "max_gap": gap} for s, (p, gap) in r.medians.items()},
        "dropped": [
            {"id": d.tracked.program_id, "name": d.tracked.name, "reason": d.reason}
            for d in r.draft.dropped
        ],
        "not_on_your_order": [t.program_id for t in r.draft.left_out],
        "checks": [
            {"rule": c.rule, "level": c.level, "text": c.text, "source": c.source} for c in r.checks
        ],
        "notes": r.notes,
    }


def json_view(r: RankResult, v: View) -> str:
    return dumps(to_json(r))


def csv_view(r: RankResult, v: View) -> str:
    """NRMP-style: rank, program code (when known), program, and imgplan's figures."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["rank", "nrmp_code", "program_id", "program", "specialty", "p", "p_matched_here"]
    )
    for k, (e, o) in enumerate(zip(r.draft.entries, r.odds, strict=True), 1):
        code = e.tracked.figures.get("nrmp_code") or ""
        row = [
            str(k),
            str(code),
            e.tracked.program_id,
            e.tracked.name,
            e.tracked.specialty,
            f"{o.p:.3f}",
            f"{r.list_odds.at_rank[k - 1]:.3f}",
        ]
        writer.writerow([csv_cell(c) for c in row])
    return buffer.getvalue()


def markdown_view(r: RankResult, v: View) -> str:
    lines = [f"# Rank order list — {md(r.tracker.key)}", "", *now_next_markdown(r.now)]
    lines += [f"_{md(r.draft.source)}._ {md(r.advice)}", ""]
    if r.draft.entries:
        lines += ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
        lines += ["| " + " | ".join(md(c) for c in row) + " |" for row in _rows(r)]
        lines += ["", md(_summary(r)), "", f"_Odds: {md(r.model)}._", ""]
    if r.checks:
        lines += ["## Checks", ""]
        lines += [f"- **{c.level}**: {md(c.text)} _(source: {md(c.source)})_" for c in r.checks]
    return "\n".join(lines) + "\n"


VIEWS = {
    ("rank", Format.table): table_view,
    ("rank", Format.json): json_view,
    ("rank", Format.csv): csv_view,
    ("rank", Format.markdown): markdown_view,
}

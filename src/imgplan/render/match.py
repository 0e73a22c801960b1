"""`imgplan match run`: the summary and the matches (table, JSON, CSV, Markdown). Names are
data: plain text, escaped in Markdown, formula-like CSV cells marked as text."""

from __future__ import annotations

import csv
import io
from typing import Any

from ..commands.match import MatchResult
from ..models.values import plural
from .common import Writer, csv_cell, dumps, grid, md
from .formats import Format, View

TABLE_ROWS = 50
NOTE = (
    "Applicant-proposing deferred acceptance (the NRMP's algorithm, Roth–Peranson without "
    "couples): the applicant-optimal stable matching. Ranking in true order of preference is "
    "the best strategy for every applicant."
)


def _rows(r: MatchResult) -> list[list[str]]:
    m, o = r.market, r.outcome
    out = []
    for a, p in enumerate(o.matches):
        sup = o.supplemental[a]
        out.append(
            [
                m.applicants[a],
                m.programs[p] if p >= 0 else "",
                str(o.rank_matched[a]) if p >= 0 else "",
                m.programs[sup] if sup >= 0 else "",
            ]
        )
    return out


def _summary(r: MatchResult) -> list[str]:
    m = r.market
    filled = sum(r.outcome.filled)
    first = r.by_rank.get(1, 0)
    lines = [
        f"{plural(len(m.applicants), 'applicant')}, {plural(len(m.programs), 'program')}, "
        f"{plural(m.positions, 'position')}: {r.matched} matched, "
        f"{len(m.applicants) - r.matched} unmatched; {filled} positions filled, "
        f"{m.positions - filled} open in {plural(len(r.unfilled), 'program')}.",
    ]
    if r.matched:
        lines.append(
            f"Matched at their first choice: {first} ({first / r.matched:.0%} of those matched)."
        )
    return lines


def table_view(r: MatchResult, v: View) -> str:
    w = Writer(v.width, v.color)
    w.para(f"imgplan match run — {r.source}", "bold")
    for line in _summary(r):
        w.para(line)
    w.para(NOTE, "dim")
    if r.explained is not None:
        e = r.explained
        w.raw("")
        head = (
            f"{e.applicant}: matched at #{e.rank}, {e.matched}"
            if e.matched
            else f"{e.applicant}: unmatched"
        )
        w.para(head, "bold")
        for line in e.lines:
            w.para(f"  {line}", indent="    ")
    rows = _rows(r)
    shown = rows if v.include_excluded else rows[:TABLE_ROWS]
    w.raw("")
    w.raw(
        grid(
            ("Applicant", "Program", "Rank", "Supplemental"),
            shown,
            right={2},
            flex=(0, 1, 3),
            width=v.width,
        )
    )
    if len(shown) < len(rows):
        w.para(
            f"… {len(rows) - len(shown)} more (--all, or --format json/csv for every match)", "dim"
        )
    if r.unfilled:
        w.raw("")
        few = ", ".join(f"{p} ({n})" for p, n in list(r.unfilled.items())[:20])
        more = f" and {len(r.unfilled) - 20} more" if len(r.unfilled) > 20 else ""
        w.para(f"Open positions: {few}{more}", indent="  ")
    return w.text()


def to_json(r: MatchResult) -> dict[str, Any]:
    m, o = r.market, r.outcome
    return {
        "format": 1,
        "command": "match run",
        "market": r.source,
        "matches": {m.applicants[a]: m.programs[p] for a, p in enumerate(o.matches) if p >= 0},
        "unmatched": [m.applicants[a] for a, p in enumerate(o.matches) if p < 0],
        "unfilled": r.unfilled,
        "supplemental": {
            m.applicants[a]: m.programs[p] for a, p in enumerate(o.supplemental) if p >= 0
        },
        "rank_matched": {m.applicants[a]: k for a, k in enumerate(o.rank_matched) if k},
        "matched_at_rank": r.by_rank,
        "summary": {
            "applicants": len(m.applicants),
            "programs": len(m.programs),
            "positions": m.positions,
            "matched": r.matched,
            "filled": sum(o.filled),
            "proposals": o.proposals,
        },
        "explain": None
        if r.explained is None
        else {
            "applicant": r.explained.applicant,
            "matched": r.explained.matched,
            "rank": r.explained.rank,
            "lines": r.explained.lines,
        },
        "algorithm": NOTE,
    }


def json_view(r: MatchResult, v: View) -> str:
    return dumps(to_json(r))


def csv_view(r: MatchResult, v: View) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["applicant", "program", "rank", "supplemental_program"])
    for row in _rows(r):
        writer.writerow([csv_cell(c) for c in row])
    return buffer.getvalue()


def markdown_view(r: MatchResult, v: View) -> str:
    lines = [f"# Match: {md(r.source)}", "", *(md(x) for x in _summary(r)), "", f"_{md(NOTE)}_", ""]
    lines += ["| Applicant | Program | Rank | Supplemental |", "|---|---|---|---|"]
    lines += ["| " + " | ".join(md(c) for c in row) + " |" for row in _rows(r)]
    return "\n".join(lines) + "\n"


VIEWS = {
    ("match run", Format.table): table_view,
    ("match run", Format.json): json_view,
    ("match run", Format.csv): csv_view,
    ("match run", Format.markdown): markdown_view,
}

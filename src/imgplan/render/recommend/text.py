"""`recommend` as CSV (one row per program; a batch under one header) and as Markdown."""

from __future__ import annotations

import csv
import io
from typing import Any

from ...commands.recommend import Batch, RecommendResult
from ...errors import clip
from ...recommend import Recommendation
from ..common import (
    csv_cell,
    example_notice,
    link_cell,
    md,
    md_section,
    now_next_markdown,
    what_if_notice,
)
from ..formats import View
from .plan import plan_lines
from .residents import RESIDENT_COLUMNS, resident_lines, resident_rows

CSV_COLUMNS = (
    "rank",
    "id",
    "name",
    "specialty",
    "state",
    "tier",
    "status",
    "score",
    "informatics_fit",
    "margin",
    "visas",
    "flags",
    "url",
    "fellowship_link",
)


def _csv_rows(rec: Recommendation) -> list[list[str]]:
    rows = []
    for i, a in enumerate(rec.programs, 1):
        p = a.program
        visas = "unknown" if p.visas is None else " ".join(v.value for v in p.visas)
        rows.append(
            [
                str(i),
                p.id,
                p.name,
                p.specialty.value,
                p.state or "",
                a.tier or "",
                a.status,
                str(a.score),
                str(a.fit.score),
                "" if a.margin is None else str(a.margin),
                visas,
                " ".join(a.flags),
                p.url or "",
                link_cell(p.link),
            ]
        )
    return rows


def _signal_of(result: RecommendResult) -> dict[str, str] | None:
    """With --signals, each program's signal tier by id (proposed or checked)."""
    if result.plan is None:
        return None
    return {x.program_id: x.tier for s in result.plan.specialties for x in s.signals}


def _csv(result: RecommendResult, *, profile: str | None = None, header: bool = True) -> str:
    """The ranked list as CSV; with ``profile``, a first column naming the profile file (a
    batch is one CSV: each profile's rows under one header). Rows only: the Now / Next block
    is in the other formats (a spreadsheet wants one table)."""
    rec = result.rec
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    lead = [] if profile is None else [profile]
    if result.fellowships is not None:  # in training: the fellowship list, its own columns
        if header:
            writer.writerow((["profile"] if profile is not None else []) + list(RESIDENT_COLUMNS))
        writer.writerows(
            [csv_cell(c) for c in lead + row] for row in resident_rows(result.fellowships)
        )
        return buffer.getvalue()
    # A what-if run adds a last column naming the overridden values on every row.
    notice = what_if_notice(rec.what_if)
    tail = ["what_if"] if notice else []
    signals = _signal_of(result)
    if signals is not None:
        tail.insert(0, "signal")
    if header:
        writer.writerow((["profile"] if profile is not None else []) + list(CSV_COLUMNS) + tail)
    extra = [notice] if notice else []
    if signals is None:
        writer.writerows([csv_cell(c) for c in lead + row + extra] for row in _csv_rows(rec))
    else:
        writer.writerows(
            [csv_cell(c) for c in lead + row + [signals.get(row[1], "")] + extra]
            for row in _csv_rows(rec)
        )
    return buffer.getvalue()


def _markdown(result: RecommendResult) -> str:
    rec = result.rec
    d = rec.dataset
    lines = [f"# Program list — {md(rec.profile.name or 'profile')}", ""]
    notice = what_if_notice(rec.what_if)
    if notice:
        lines += [f"> **{md(notice)}**", ""]
    lines += now_next_markdown(result.now)
    lines += [f"> {md(note)}\n" for note in [*rec.notes, *result.notes]]
    lines.append(
        f"Programs: {md(d.name)}, {len(d.programs)} programs, as of {d.as_of.isoformat()}."
    )
    if d.example:
        lines += ["", f"> **{md(example_notice(d.name, d.as_of.isoformat()))}**"]
    if result.fellowships is not None:
        return "\n".join(lines + [""] + md_section(resident_lines(result.fellowships, rec.top)))
    lines += ["", "## Ranked programs", ""]
    lines.append("| " + " | ".join(CSV_COLUMNS) + " |")
    lines.append("|" + "---|" * len(CSV_COLUMNS))
    lines += ["| " + " | ".join(md(c) for c in row) + " |" for row in _csv_rows(rec)]
    s = rec.summary()
    lines += [
        "",
        f"{s['safety']} safety, {s['target']} target, {s['reach']} reach, {s['unknown']} figures unknown; "
        f"{s['excluded']} excluded.",
        "",
    ]
    if result.plan_closed is not None:
        lines += ["## Signals and the application plan", "", md(result.plan_closed), ""]
    elif result.plan is not None:
        lines += md_section(plan_lines(result.plan))
    rest = [f for f in rec.findings if f.status not in ("fail", "warn")]
    if rest:
        lines += ["## Other notes about your profile", ""]
        lines += [f"- **{f.status}** {md(f.message)} _(source: {md(f.source)})_" for f in rest]
    return "\n".join(lines)


def csv_view(result: Any, view: View) -> str:
    """One CSV; a batch gets a first column naming each row's profile, under one header."""
    if isinstance(result, Batch):
        return "".join(
            _csv(rec, profile=path, header=i == 0) for i, (path, rec) in enumerate(result.items)
        )
    return _csv(result)


def markdown_view(result: Any, view: View) -> str:
    if isinstance(result, Batch):
        return "\n".join(f"==> {clip(path)} <==\n{_markdown(rec)}" for path, rec in result.items)
    return _markdown(result)

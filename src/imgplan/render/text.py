"""CSV and Markdown renderings of lists."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

from ..commands import Assessment, Batch
from ..errors import clip
from ..recommend import Recommendation
from . import example_notice, stage_line, what_if_notice
from .escape import csv_cell, md
from .formats import View

if TYPE_CHECKING:
    from ..models.fellowships import Link
    from ..rules.portfolio import ReadinessItem, Strength
    from ..timeline import Timeline


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


def link_cell(link: Link | None) -> str:
    """'same_city: NAME', 'nearby 12 mi: NAME', 'in_house: NAME', or empty (none known)."""
    if link is None:
        return ""
    kind = link.kind
    if kind == "nearby" and link.miles is not None:
        kind = f"nearby {link.miles:.0f} mi"
    return f"{kind}: {link.fellowship_name}"


def _rows(rec: Recommendation) -> list[list[str]]:
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


def _signal_of(rec: Recommendation) -> dict[str, str] | None:
    """With --signals, each program's signal tier by id (proposed or checked)."""
    if rec.plan is None:
        return None
    return {x.program_id: x.tier for s in rec.plan.specialties for x in s.signals}


def recommend_csv(rec: Recommendation, *, profile: str | None = None, header: bool = True) -> str:
    """The ranked list as CSV; with ``profile``, a first column naming the profile file (a
    batch is one CSV: each profile's rows under one header)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    lead = [] if profile is None else [profile]
    if rec.fellowships is not None:  # in training: the fellowship list, its own columns
        from .fellowships import RESIDENT_COLUMNS, resident_rows

        if header:
            writer.writerow((["profile"] if profile is not None else []) + list(RESIDENT_COLUMNS))
        writer.writerows(
            [csv_cell(c) for c in lead + row] for row in resident_rows(rec.fellowships)
        )
        return buffer.getvalue()
    # A what-if run adds a last column naming the overridden values on every row.
    notice = what_if_notice(rec.what_if)
    tail = ["what_if"] if notice else []
    signals = _signal_of(rec)
    if signals is not None:
        tail.insert(0, "signal")
    if header:
        writer.writerow((["profile"] if profile is not None else []) + list(CSV_COLUMNS) + tail)
    extra = [notice] if notice else []
    if signals is None:
        writer.writerows([csv_cell(c) for c in lead + row + extra] for row in _rows(rec))
    else:
        writer.writerows(
            [csv_cell(c) for c in lead + row + [signals.get(row[1], "")] + extra]
            for row in _rows(rec)
        )
    return buffer.getvalue()


def recommend_markdown(rec: Recommendation) -> str:
    d = rec.dataset
    lines = [f"# Program list — {md(rec.profile.name or 'profile')}", ""]
    notice = what_if_notice(rec.what_if)
    if notice:
        lines += [f"> **{md(notice)}**", ""]
    line = stage_line(rec.stage)
    if line:
        lines += [f"**{md(line)}**", ""]
    lines += [f"> {md(note)}\n" for note in rec.notes]
    lines.append(
        f"Programs: {md(d.name)}, {len(d.programs)} programs, as of {d.as_of.isoformat()}."
    )
    if d.example:
        lines += ["", f"> **{md(example_notice(d.name, d.as_of.isoformat()))}**"]
    lines += ["", "## Profile findings", ""]
    lines += [
        f"- **{f.status}** [{f.rule}] {md(f.message)} _(source: {md(f.source)})_"
        for f in rec.findings
    ]
    lines += ["", "## Ranked programs", ""]
    lines.append("| " + " | ".join(CSV_COLUMNS) + " |")
    lines.append("|" + "---|" * len(CSV_COLUMNS))
    lines += ["| " + " | ".join(md(c) for c in row) + " |" for row in _rows(rec)]
    s = rec.summary()
    lines += [
        "",
        f"{s['safety']} safety, {s['target']} target, {s['reach']} reach; "
        f"{s['excluded']} excluded.",
        "",
    ]
    if rec.fellowships is not None:
        from .fellowships import resident_lines

        lines += _md_section(resident_lines(rec.fellowships, rec.top))
    if rec.plan is not None:
        from .plan import plan_lines

        lines += _md_section(plan_lines(rec.plan))
    return "\n".join(lines)


def _md_section(text: list[str]) -> list[str]:
    """A heading and its lines, escaped like every other Markdown cell (not a code fence: a
    program name holding a fence would end it); indented lines become nested list items."""
    head, *rest = text
    out = [f"## {md(head)}", ""]
    for line in rest:
        body = line.strip()
        if not body:
            out.append("")
        elif line.startswith(" "):
            depth = "  " * min(2, (len(line) - len(line.lstrip(" "))) // 4)
            out.append(f"{depth}- {md(body)}")
        else:
            out.append(f"{md(body)}  ")
    return [*out, ""]


def timeline_markdown(t: Timeline) -> str:
    from ..timeline import PHASES

    lines = [f"# Timeline — {md(t.name or 'generic roadmap')}", "", f"As of {t.today.isoformat()}."]
    line = stage_line(t.stage)
    if line:
        lines += ["", f"**{md(line)}**"]
    lines += [f"\n> {md(note)}" for note in t.notes]
    lines += [f"\n> **Warning:** {md(w)}" for w in t.warnings]
    for phase in PHASES:
        events = [e for e in t.events if e.phase == phase]
        if not events:
            continue
        lines += [
            "",
            f"## {phase}",
            "",
            "| date | until | event | status | certainty | source |",
            "|---|---|---|---|---|---|",
        ]
        for e in events:
            title = md(e.title) + (f"<br>{md(e.detail)}" if e.detail else "")
            lines.append(
                f"| {e.date.isoformat()} | {e.end.isoformat() if e.end else ''} | "
                f"{title} | {e.status} | {e.certainty} | {md(e.source)} |"
            )
    return "\n".join(lines) + "\n"


def assess_markdown(
    name: str | None,
    strength: Strength,
    readiness: list[ReadinessItem] | None,
    pgy: int | None,
    source: str,
) -> str:
    from ..rules.portfolio import ELEMENT_TITLES

    lines = [
        f"# Informatics portfolio — {md(name or 'profile')}",
        "",
        f"**Strength {strength.score}/100**, the mean of the guide's four core elements. "
        f"Points: {md(source)}.",
        "",
        "| element | score | evidence |",
        "|---|---|---|",
    ]
    for key, e in strength.elements.items():
        lines.append(
            f"| {ELEMENT_TITLES[key]} | {e.score}/100 | {md('; '.join(e.evidence) or 'none yet')} |"
        )
    lines += ["", "## Next actions", ""]
    lines += [f"{i}. {md(a.text)} (+{a.gain})" for i, a in enumerate(strength.actions(), 1)]
    if readiness is not None:
        lines += ["", f"## Fellowship readiness (PGY-{pgy or '-'} now)", ""]
        lines += [
            f"- [{'x' if r.met else ' '}] PGY-{r.pgy}: {md(r.item)} — {md(r.evidence)}"
            for r in readiness
        ]
    return "\n".join(lines) + "\n"


def recommend_csv_view(result: Any, view: View) -> str:
    """One CSV; a batch gets a first column naming each row's profile, under one header."""
    if isinstance(result, Batch):
        return "".join(
            recommend_csv(rec, profile=path, header=i == 0)
            for i, (path, rec) in enumerate(result.items)
        )
    return recommend_csv(result)


def recommend_markdown_view(result: Any, view: View) -> str:
    if isinstance(result, Batch):
        return "\n".join(
            f"==> {clip(path)} <==\n{recommend_markdown(rec)}" for path, rec in result.items
        )
    return recommend_markdown(result)


def timeline_markdown_view(result: Timeline, view: View) -> str:
    return timeline_markdown(result)


def assess_markdown_view(r: Assessment, view: View) -> str:
    text = assess_markdown(r.name, r.strength, r.readiness, r.pgy, r.source)
    line = stage_line(r.stage)
    return f"{md(line)}\n\n{text}" if line else text


def validate_view(report: Any, view: View) -> str:
    """One line per problem (``file:line:column: path: message``), or "PATH: valid KIND"."""
    lines = []
    for r in report.files:
        lines += [str(p) for p in r.problems] or [f"{clip(r.path)}: valid {r.kind}"]
        lines += [str(w) for w in r.warnings]
    return "\n".join(lines) + "\n"

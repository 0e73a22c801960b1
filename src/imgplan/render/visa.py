"""`imgplan visa`: the routes, the fee, the clocks, the steps and every policy with its date
(table, JSON, Markdown)."""

from __future__ import annotations

from typing import Any

from ..commands.visa import VisaResult
from ..visa import VisaLine, VisaReport
from .common import Writer, dumps, md, now_next_markdown, stage_fields, write_now_next
from .formats import Format, View

ICON = {
    "problem": ("✗", "red"),
    "warn": ("!", "yellow"),
    "info": ("i", "blue"),
    "ok": ("✓", "green"),
}
SECTIONS = (
    ("fee", "The H-1B fee"),
    ("clock", "Clocks"),
    ("step", "Steps"),
    ("info", "After training"),
)


def _who(r: VisaReport) -> str:
    parts = [f"needs: {r.needs}"]
    parts.append(f"citizenship: {r.citizenship or 'not given'}")
    parts.append(f"location: {r.location or 'not given'}")
    parts.append(f"US status: {r.us_status or 'not given'}")
    return "; ".join(parts)


def _write(w: Writer, line: VisaLine) -> None:
    icon, colour = ICON[line.level]
    w.para(f"{w.style(icon, colour)} {line.text}", indent="  ")
    if line.dated:
        w.para(f"    {line.dated}", "yellow" if line.stale else "dim", indent="    ")
    w.para(f"    source: {line.source}", "dim", indent="    ")


def table_view(result: VisaResult, v: View) -> str:
    r = result.report
    w = Writer(v.width, v.color)
    w.para(f"imgplan visa — {r.name or 'this profile'}", "bold")
    write_now_next(w, result.now)
    w.raw("")
    w.para(_who(r), "bold")
    w.para(r.not_advice + ".", "dim")
    if not r.routes:
        w.raw("")
        w.para("You need no visa to train (visa: none): the visa rules below do not apply to you.")
    for route in r.routes:
        w.raw("")
        state = {True: "open", False: "CLOSED", None: "cannot be checked"}[route.open]
        w.para(f"{route.visa}: {state}", "bold")
        for line in route.lines or []:
            _write(w, line)
        if not route.lines and route.open:
            w.para("  ✓ no rule imgplan holds closes it for you", indent="    ")
    for kind, title in SECTIONS:
        lines = [x for x in r.lines if x.kind == kind]
        if lines:
            w.raw("")
            w.para(title, "bold")
            for line in lines:
                _write(w, line)
    if r.missing:
        w.raw("")
        w.para("What imgplan cannot check", "bold")
        for m in r.missing:
            w.para(f"  ? {m}", indent="    ")
    w.raw("")
    w.para(f"The rules (data/visa-policy.yaml, checked {r.policy_as_of.isoformat()})", "bold")
    for rule in r.policies:
        stale = " — STALE" if (r.today - rule.as_of).days > 183 else ""
        w.para(
            f"  · {rule.title}: {rule.status.replace('_', ' ')} as of {rule.status_date.isoformat()} "
            f"(checked {rule.as_of.isoformat()}{stale}) [{rule.tag}]",
            indent="    ",
        )
    return w.text()


def _line_json(line: VisaLine) -> dict[str, Any]:
    return {
        "rule": line.rule,
        "kind": line.kind,
        "level": line.level,
        "text": line.text,
        "status": line.status,
        "status_date": line.status_date.isoformat() if line.status_date else None,
        "as_of": line.as_of.isoformat() if line.as_of else None,
        "stale": line.stale,
        "source": line.source,
    }


def to_json(result: VisaResult) -> dict[str, Any]:
    r = result.report
    return {
        "format": 1,
        "command": "visa",
        "profile": r.name,
        **stage_fields(result.now.stage, result.now),
        "needs": r.needs,
        "citizenship": r.citizenship,
        "location": r.location,
        "us_status": r.us_status,
        "routes": [
            {"visa": x.visa, "open": x.open, "lines": [_line_json(y) for y in x.lines]}
            for x in r.routes
        ],
        "lines": [_line_json(x) for x in r.lines],
        "missing": r.missing,
        "blocked": r.blocked,
        "policies": [
            {
                "id": p.id,
                "kind": p.kind,
                "title": p.title,
                "says": p.says,
                "status": p.status,
                "status_date": p.status_date.isoformat(),
                "status_note": p.status_note,
                "as_of": p.as_of.isoformat(),
                "stale": (r.today - p.as_of).days > 183,
                "tag": p.tag,
                "source": p.source,
            }
            for p in r.policies
        ],
        "policy_as_of": r.policy_as_of.isoformat(),
        "not_legal_advice": r.not_advice,
    }


def json_view(result: VisaResult, v: View) -> str:
    return dumps(to_json(result))


def markdown_view(result: VisaResult, v: View) -> str:
    r = result.report
    lines = [
        f"# Visas and travel — {md(r.name or 'this profile')}",
        "",
        *now_next_markdown(result.now),
    ]
    lines += [md(_who(r)), "", f"_{md(r.not_advice)}._", ""]
    for route in r.routes:
        state = {True: "open", False: "CLOSED", None: "cannot be checked"}[route.open]
        lines += [f"## {route.visa}: {state}", ""]
        lines += [f"- {md(x.text)} _({md(x.dated)}; {md(x.source)})_" for x in route.lines]
        lines.append("")
    for kind, title in SECTIONS:
        found = [x for x in r.lines if x.kind == kind]
        if found:
            lines += (
                [f"## {title}", ""]
                + [f"- {md(x.text)} _({md(x.dated)}; {md(x.source)})_" for x in found]
                + [""]
            )
    return "\n".join(lines) + "\n"


VIEWS = {
    ("visa", Format.table): table_view,
    ("visa", Format.json): json_view,
    ("visa", Format.markdown): markdown_view,
}

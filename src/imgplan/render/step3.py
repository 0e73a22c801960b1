"""`imgplan check-step3`: the Step 3 verdict as plain text (script- and human-friendly) and as
JSON."""

from __future__ import annotations

import dataclasses
import json

from ..commands import Step3Check
from ..rules.step3 import Step3Facts, Verdict
from .common import dumps, stage_fields, stage_line
from .formats import Format, View

HEADLINES = {
    "take-now": "TAKE NOW: schedule Step 3 now",
    "wait": "WAIT: prepare more first, or the risk outweighs the gain",
    "later": "LATER: take it early in residency",
    "not-eligible": "NOT ELIGIBLE yet",
    "done": "DONE: Step 3 is behind you",
}
ICONS = {"ok": "✓", "info": "i", "warn": "!", "fail": "✗"}


def headline(v: Verdict) -> str:
    if v.missing:
        return "WAIT: an answer is missing — give it (below) for a real verdict"
    return HEADLINES[v.verdict]


def verdict_text(v: Verdict) -> str:
    lines = [f"Step 3 verdict: {headline(v)} (exit {v.exit_code})", ""]
    if v.reasons:
        lines.append(f"Deciding reason: {v.reasons[0].message}")
        lines.append("")
        lines.append("Reasons:")
        for f in v.reasons:
            lines.append(f"  {ICONS.get(f.status, '-')} [{f.rule}] {f.message}")
            lines.append(f"      source: {f.source}")
    if v.changes:
        lines += ["", "What would change the verdict:"]
        lines += [f"  - {c}" for c in v.changes]
    return "\n".join(lines) + "\n"


def verdict_json(v: Verdict, facts: Step3Facts, stage: object = None) -> str:
    doc = {
        "format": 1,
        "command": "check-step3",
        **stage_fields(stage),
        "verdict": v.verdict,
        "headline": headline(v),
        "missing_answers": v.missing,
        "reasons": [f.as_json() for f in v.reasons],
        "changes": v.changes,
        "exit_code": v.exit_code,
        "facts": json.loads(json.dumps(dataclasses.asdict(facts), default=str)),
    }

    return dumps(doc)


def table_view(result: Step3Check, view: View) -> str:
    text = verdict_text(result.verdict)
    line = stage_line(result.stage)
    return f"{line}\n{text}" if line else text


def json_view(result: Step3Check, view: View) -> str:
    return verdict_json(result.verdict, result.facts, result.stage)


VIEWS = {
    ("check-step3", Format.table): table_view,
    ("check-step3", Format.json): json_view,
}

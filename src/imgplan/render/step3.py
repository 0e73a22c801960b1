"""`imgplan check-step3`: the Step 3 verdict as plain text (script- and human-friendly) and as
JSON."""

from __future__ import annotations

import json

from msgspec.structs import asdict

from ..commands.step3 import Step3Check
from ..nownext import NowNext
from ..rules.step3 import Step3Facts, Verdict
from ..season import Stage
from .common import Writer, dumps, finding, stage_fields, write_now_next
from .formats import Format, View

HEADLINES = {
    "take-now": "TAKE NOW: schedule Step 3 now",
    "wait": "WAIT: prepare more first, or the risk outweighs the gain",
    "later": "LATER: take it early in residency",
    "not-eligible": "NOT ELIGIBLE yet",
    "done": "DONE: Step 3 is behind you",
    "retake": "RETAKE: your Step 3 score is a fail",
    "verify": "VERIFY: whether your Step 3 score passed depends on its date",
}
ICONS = {"ok": "✓", "info": "i", "warn": "!", "fail": "✗"}


def headline(v: Verdict) -> str:
    if v.missing:
        return "WAIT: an answer is missing — give it (below) for a real verdict"
    return HEADLINES[v.verdict]


def verdict_text(v: Verdict, w: Writer, *, verbose: bool = False) -> None:
    """The verdict, the deciding reason once, the other reasons, and what would change it.
    The exit code and rule ids are for scripts (JSON) and --verbose."""
    code = f" (exit {v.exit_code})" if verbose else ""
    w.para(f"Step 3 verdict: {headline(v)}{code}", "bold")
    if v.reasons:
        first, *rest = v.reasons
        w.raw("")
        w.para(f"Why: {first.message}", indent="     ")
        w.para(f"     source: {first.source}", "dim", indent="     ")
        if rest:
            w.raw("")
            w.para("Also:")
            for f in rest:
                finding(w, f, rule=verbose)
    if v.changes:
        w.raw("")
        w.para("What would change the verdict:")
        for c in v.changes:
            w.para(f"  - {c}", indent="    ")


def verdict_json(v: Verdict, facts: Step3Facts, stage: Stage | None, now: NowNext | None) -> str:
    doc = {
        "format": 1,
        "command": "check-step3",
        **stage_fields(stage, now),
        "verdict": v.verdict,
        "headline": headline(v),
        "missing_answers": v.missing,
        "reasons": [f.as_json() for f in v.reasons],
        "changes": v.changes,
        "exit_code": v.exit_code,
        "facts": json.loads(json.dumps(asdict(facts), default=str)),
    }
    return dumps(doc)


def table_view(result: Step3Check, view: View) -> str:
    """Wrapped to the terminal's width like every other command."""
    w = Writer(view.width, view.color)
    write_now_next(w, result.now)
    if result.now is not None:
        w.raw("")
    verdict_text(result.verdict, w, verbose=view.verbose)
    return w.text()


def json_view(result: Step3Check, view: View) -> str:
    return verdict_json(result.verdict, result.facts, result.stage, result.now)


VIEWS = {
    ("check-step3", Format.table): table_view,
    ("check-step3", Format.json): json_view,
}

"""The ranked program list as plain text, without rich.

`recommend` is the command people and scripts run most, on lists of up to tens of thousands of
programs; rich's Table takes seconds for that and its import alone is a noticeable part of the
start-up. This view is a fixed-width grid with ANSI colours when the output is a terminal.
"""

from __future__ import annotations

import textwrap
from collections import Counter, defaultdict
from typing import Any

from ..commands import Batch
from ..errors import clip
from ..models import vocab
from ..models.programs import Dataset, Program
from ..models.values import plural
from ..recommend import WEIGHTS, Assessed, Recommendation, Shown
from ..rules.findings import Finding
from ..rules.registry import SPECIALTY
from . import example_notice, stage_line, what_if_notice
from .formats import View

ANSI = {
    "green": "\033[32m",
    "cyan": "\033[36m",
    "yellow": "\033[33m",
    "red": "\033[31m",
    "blue": "\033[34m",
    "magenta": "\033[35m",
    "bold": "\033[1m",
    "dim": "\033[2m",
}
RESET = "\033[0m"
ICONS = {
    "ok": ("✓", "green"),
    "info": ("i", "blue"),
    "warn": ("!", "yellow"),
    "fail": ("✗", "red"),
    "verify": ("?", "magenta"),
    "conditional": ("~", "yellow"),
    "exception": ("*", "cyan"),
}
TIER_STYLE = {"safety": "green", "target": "cyan", "reach": "yellow"}


class Writer:
    """Lines of output, wrapped to a width, styled only when colour is on."""

    def __init__(self, width: int, color: bool) -> None:
        self.width, self.color, self.lines = width, color, []  # type: ignore[var-annotated]

    def style(self, text: str, style: str) -> str:
        return f"{ANSI[style]}{text}{RESET}" if self.color and style in ANSI else text

    def para(self, text: str, style: str = "", indent: str = "") -> None:
        for line in textwrap.wrap(text, self.width, subsequent_indent=indent) or [""]:
            self.lines.append(self.style(line, style))

    def section(self, lines: list[str]) -> None:
        """A heading (the first line, bold), then lines wrapped keeping their leading spaces,
        continuations indented deeper."""
        self.raw("")
        head, *rest = lines
        self.para(head, "bold")
        for line in rest:
            self.para(line, indent=" " * (len(line) - len(line.lstrip(" ")) + 4))

    def raw(self, text: str) -> None:
        self.lines.append(text)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def finding(w: Writer, f: Finding) -> None:
    icon, colour = ICONS.get(f.status, ("-", ""))
    lines = textwrap.wrap(f"{icon} [{f.rule}] {f.message}", w.width, subsequent_indent="  ")
    if lines:
        lines[0] = w.style(icon, colour) + lines[0][len(icon) :]
    w.lines.extend(lines)
    w.para(f"    source: {f.source}", "dim", indent="    ")


def dataset_header(w: Writer, dataset: Dataset) -> None:
    w.para(
        f"Programs: {dataset.name} — {len(dataset.programs)} programs, figures as of "
        f"{dataset.as_of.isoformat()}",
        "dim",
    )
    if dataset.example:
        w.para(example_notice(dataset.name, dataset.as_of.isoformat()), "yellow")


def grid(
    headers: tuple[str, ...],
    rows: list[list[str]],
    *,
    right: set[int],
    flex: tuple[int, ...],
    width: int,
    styles: dict[int, dict[str, str]] | None = None,
    wrap: frozenset[int] = frozenset(),
) -> str:
    """A fixed-width table: the ``flex`` columns, in that order, are narrowed (to no less
    than 12 characters) until the table fits ``width``; a narrowed cell is wrapped onto more
    lines if its column is in ``wrap``, else shortened with '…'. ``styles`` maps a column to
    value -> colour (given only when colour is on)."""
    widths = [len(h) for h in headers]
    for i, cells in enumerate(zip(*rows, strict=True) if rows else ()):
        widths[i] = max(widths[i], *map(len, cells))
    for column in flex:
        over = sum(widths) + 2 * (len(widths) - 1) - width
        if over > 0:
            widths[column] = max(12, widths[column] - over)

    def shorten(cells: list[str] | tuple[str, ...]) -> list[str]:
        cells = list(cells)
        for i in flex:
            if len(cells[i]) > widths[i] and i not in wrap:
                cells[i] = cells[i][: widths[i] - 1] + "…"
        return cells

    def wrapped(cells: list[str] | tuple[str, ...]) -> list[list[str]]:
        """The row as one or more lines: a long cell of a ``wrap`` column goes on below."""
        long = [i for i in wrap if len(cells[i]) > widths[i]]
        if not long:
            return [list(cells)]
        parts = {i: textwrap.wrap(cells[i], widths[i]) or [""] for i in long}
        height = max(map(len, parts.values()))
        out = []
        for k in range(height):
            row = list(cells) if k == 0 else [""] * len(cells)
            for i, chunks in parts.items():
                row[i] = chunks[k] if k < len(chunks) else ""
            out.append(row)
        return out

    # One format string for the whole table (thousands of rows are formatted in C); with
    # colour, a style wraps the padded cell.
    specs = [f"{{:{'>' if i in right else '<'}{w}}}" for i, w in enumerate(widths)]
    for i in styles or {}:
        specs[i] = "{}"
    template = "  ".join(specs)

    def line(cells: list[str] | tuple[str, ...]) -> str:
        cells = shorten(cells)
        if styles:
            for i, by_value in styles.items():
                text = cells[i].rjust(widths[i]) if i in right else cells[i].ljust(widths[i])
                style = by_value.get(cells[i])
                cells[i] = f"{ANSI[style]}{text}{RESET}" if style in ANSI else text
        return template.format(*cells).rstrip()

    lines = [line(headers), "  ".join("─" * w for w in widths)]
    if wrap:
        lines += [line(part) for row in rows for part in wrapped(row)]
    else:
        lines += [line(row) for row in rows]
    return "\n".join(lines)


def _visas(p: Program) -> str:
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


def _summary_line(findings: list[Finding]) -> str:
    counts = Counter(f.status for f in findings)
    parts = [plural(counts[s], word, words) for s, word, words in FINDING_WORDS if counts[s]]
    return "Profile: " + (", ".join(parts) or "no findings") + " — details below the list."


FINDING_WORDS = (
    ("fail", "problem", None),
    ("warn", "warning", None),
    ("info", "note", None),
    ("ok", "check passed", "checks passed"),
)


def _rows(rec: Recommendation, shown: list[Shown]) -> list[list[str]]:
    ids = rec.short_ids
    return [
        [
            str(i),
            ids[a.program.id],
            a.program.name,
            vocab.SPECIALTY_SHORT[a.program.specialty],
            a.program.state or "?",
            a.tier or "",
            "" if a.status == "eligible" else a.status,
            str(a.score),
            str(a.fit),
            "?" if a.margin is None else f"{a.margin:+d}",
            _visas(a.program),
            ", ".join(a.flags),
        ]
        for i, a in enumerate(shown, 1)
    ]


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


def recommend(
    rec: Recommendation, *, width: int = 120, color: bool = False, include_excluded: bool = False
) -> str:
    w = Writer(width, color)
    w.para(f"imgplan recommend — {rec.profile.name or 'this profile'}", "bold")
    notice = what_if_notice(rec.what_if)
    if notice:
        w.para(notice, "yellow")
    dataset_header(w, rec.dataset)
    line = stage_line(rec.stage)
    if line:
        w.para(line, "bold")
    for note in rec.notes:
        w.para(note, "yellow")
    if rec.stage is not None and rec.stage.in_training:
        if rec.fellowships is not None:
            from .fellowships import resident_lines

            w.section(resident_lines(rec.fellowships, rec.top))
        return w.text()
    w.para(_summary_line(rec.findings))
    w.raw("")
    shown, total = rec.shown(), len(rec.ranked)
    more = "" if len(shown) == total else f"; showing the first {len(shown)}"
    w.para(f"Ranked programs ({total}{more})", "bold")
    rows = _rows(rec, shown)
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
        f"{s['safety']} safety, {s['target']} target, {s['reach']} reach; {s['excluded']} "
        "excluded. `imgplan explain PROFILE ID` (an id, the start of one, or the # of this "
        "list) shows every finding for a program.",
        "dim",
    )
    w.para(LEGEND, "dim")
    _excluded(w, rec, include_excluded)
    _unlocks(w, rec)
    _plan(w, rec)
    w.raw("")
    w.para("Profile findings", "bold")
    for f in rec.findings:
        finding(w, f)
    return w.text()


NARROW = 100  # under this width each program is a short card instead of a table row


def _cards(w: Writer, rows: list[list[str]]) -> None:
    """The ranked list for a narrow terminal: '#  id  name' then the figures, wrapped."""
    for number, pid, name, spec, state, tier, status, score, fit, margin, visas, flags in rows:
        head = f"{number:>3}  {pid}  {name}"
        w.lines.extend(textwrap.wrap(head, w.width, subsequent_indent=" " * 5))
        facts = f"{spec} {state} · {w.style(tier, TIER_STYLE.get(tier, ''))}"
        facts += f" {status}" if status else ""
        facts += f" · score {score} · fit {fit} · margin {margin} · visas {visas}"
        facts += f" · verify: {flags}" if flags else ""
        w.lines.extend(
            textwrap.wrap(facts, w.width, initial_indent=" " * 5, subsequent_indent=" " * 5)
        )


def _excluded(w: Writer, rec: Recommendation, include_excluded: bool) -> None:
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


def _plan(w: Writer, rec: Recommendation) -> None:
    if rec.plan is None:
        return
    from .plan import plan_lines

    w.section(plan_lines(rec.plan))


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


def recommend_view(result: Any, view: View) -> str:
    """``recommend`` as a plain-text list (one profile, or a batch under ``==> path <==``)."""
    if isinstance(result, Batch):
        return "\n".join(
            f"==> {clip(path)} <==\n{recommend_view(rec, view)}" for path, rec in result.items
        )
    return recommend(
        result, width=view.width, color=view.color, include_excluded=view.include_excluded
    )

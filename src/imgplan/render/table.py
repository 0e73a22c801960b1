"""Human views with rich. The only module that imports rich."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..commands import Assessment, Explanation
from ..models import vocab
from ..models.programs import Dataset
from ..recommend import ESTIMATES, WEIGHTS, Assessed, points
from ..rules.findings import Finding
from . import example_notice, stage_line
from .formats import View
from .plain import ICONS

if TYPE_CHECKING:
    from ..chances import Chances
    from ..rules.portfolio import ReadinessItem, Strength
    from ..timeline import Timeline


def render(parts: Iterable[Any], *, width: int = 120, color: bool = False) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        soft_wrap=False,
        markup=False,  # names, notes, URLs are data: '[link=...]' or '[/x]' is printed as text
    )
    for part in parts:
        console.print(part)
    return buffer.getvalue()


def finding_line(f: Finding, *, source: bool = True) -> Text:
    icon, style = ICONS.get(f.status, ("-", "white"))
    line = Text.assemble((f"{icon} ", style), (f"[{f.rule}] ", "bold"), f.message)
    if source:
        line.append(f"\n    source: {f.source}", style="dim")
    return line


def dataset_header(dataset: Dataset) -> list[Any]:
    out: list[Any] = [
        Text(
            f"Programs: {dataset.name} — {len(dataset.programs)} programs, "
            f"figures as of {dataset.as_of.isoformat()}",
            style="dim",
        )
    ]
    if dataset.example:
        out.append(
            Text(example_notice(dataset.name, dataset.as_of.isoformat()), style="bold yellow")
        )
    return out


def _visas(a: Assessed) -> str:
    if a.program.visas is None:
        return "?"
    return ",".join(v.value.upper() for v in a.program.visas) or "none"


def explain(a: Assessed, dataset: Dataset, *, width: int = 120, color: bool = False) -> str:
    p = a.program
    parts: list[Any] = [Text(f"{p.name} ({p.id})", style="bold")]
    parts.extend(dataset_header(dataset))
    where = ", ".join(x for x in (p.city, p.state) if x) or "location unknown"
    parts.append(
        Text(f"{vocab.specialty_label(p.specialty)} — {where}" + (f" — {p.url}" if p.url else ""))
    )
    if a.excluded:
        parts.append(Text("EXCLUDED: " + "; ".join(f.message for f in a.reasons), style="red"))
    else:
        parts.append(
            Text(
                f"Tier {a.tier} ({a.tier_reason}); status {a.status}; score {a.score}/100",
                style="bold",
            )
        )
    from ..fellowships import describe
    from ..models.fellowships import conflict

    parts.append(Text(describe(p.link)))
    if p.provenance:  # a merged dataset: where each figure came from
        origins = "; ".join(
            f"{k} {v.source}" + (f" ({v.as_of.isoformat()})" if v.as_of else "")
            for k, v in p.provenance.items()
        )
        parts.append(Text(f"Figures from (merged): {origins}.", style="dim"))
    clash = conflict(p.informatics.ci_fellowship, p.link)
    if clash:
        parts.append(Text(clash, style="yellow"))
    parts.append(Text("\nFindings", style="bold underline"))
    parts.extend(finding_line(f) for f in a.findings)
    table = Table(title="\nScore", title_justify="left")
    for col in ("factor", "weight", "component (0–1)", "points"):
        table.add_column(col)
    for name, weight in WEIGHTS.items():
        value = a.components[name]
        shown = f"{value:.2f}" if value is not None else "unknown (counts 0)"
        if value is None and name in ESTIMATES:
            shown = f"unknown: counts {ESTIMATES[name]:.2f}, a neutral estimate (verify)"
        table.add_row(name, str(weight), shown, f"{points(name, value):.1f}")
    parts.append(table)
    margin = "unknown" if a.margin is None else f"{a.margin:+d}"
    parts.append(
        Text(
            f"Margin (Step 2 CK − preferred, else minimum): {margin}. Weights are "
            "imgplan's convention, documented in the README.",
            style="dim",
        )
    )
    return render(parts, width=width, color=color)


STATUS_STYLE = {
    "done": "dim",
    "missed": "red",
    "now": "bold green",
    "next": "bold yellow",
    "upcoming": "",
}


def _fellowship_odds(c: Chances) -> list[Any]:
    f = c.fellowship
    assert f is not None
    fees = ", ".join(f"{n} programs ${fee:,}" for n, fee in f.fees)
    return [
        Text("\nThe Clinical Informatics fellowship match (AMIA)", style="bold underline"),
        Text(
            "Your residency Match is behind you, so residency odds no longer apply. Of the "
            f"applicants who took part in the AMIA CI fellowship match, {f.matched_share:.1%} "
            f"matched; the median applicant applied to {f.median_applications} programs "
            f"({f.source})."
        ),
        Text(
            f"Applying to {f.median_applications} programs through ERAS costs "
            f"${f.fee_for_median:,}; {fees} ({f.fee_source}). AMIA membership is required for "
            "the match."
        ),
        Text(f"Programs: {f.programs}.", style="dim"),
        Text("\nLimits", style="bold underline"),
        *[Text(f"- {limit}") for limit in c.limits],
    ]


def timeline(t: Timeline, *, width: int = 120, color: bool = False) -> str:
    from ..timeline import PHASES

    parts: list[Any] = [
        Text(
            f"imgplan timeline — {t.name or 'generic roadmap'} (today {t.today.isoformat()})",
            style="bold",
        )
    ]
    line = stage_line(t.stage)
    if line:
        parts.append(Text(line, style="bold"))
    parts += [Text(note, style="yellow") for note in t.notes]
    parts += [Text(f"! {w}", style="bold red") for w in t.warnings]
    for phase in PHASES:
        events = [e for e in t.events if e.phase == phase]
        if not events:
            continue
        table = Table(title=f"\n{phase}", title_justify="left", show_header=True)
        for col in ("date", "until", "event", "status", "certainty"):
            table.add_column(col)
        for e in events:
            label = "▶ next" if e.status == "next" else e.status
            title = Text(e.title)
            if e.detail:
                title.append(f"\n{e.detail}", style="dim")
            table.add_row(
                e.date.isoformat(),
                e.end.isoformat() if e.end else "",
                title,
                Text(label, style=STATUS_STYLE.get(e.status, "")),
                e.certainty,
            )
        parts.append(table)
    parts.append(
        Text(
            "Certainty: published = from a published calendar (data/calendar.yaml); "
            "estimated = from the pattern of past seasons, verify when published; "
            "personal = your own dates. JSON output lists each event's source.",
            style="dim",
        )
    )
    return render(parts, width=width, color=color)


def _pct(value: float | None) -> str:
    if value is None:
        return "unknown"
    n = round(value)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def chances(c: Chances, *, width: int = 120, color: bool = False) -> str:
    who = c.profile.name or "this profile"
    parts: list[Any] = [
        Text(f"imgplan chances — {who}", style="bold"),
        Text(f"Source: {c.source}", style="dim"),
    ]
    line = stage_line(c.stage)
    if line:
        parts.append(Text(line, style="bold"))
    if c.fellowship is not None:
        return render(parts + _fellowship_odds(c), width=width, color=color)
    if c.dataset is not None:
        parts.extend(dataset_header(c.dataset))
    if c.score_note:
        parts.append(Text(c.score_note, style="yellow"))
    table = Table(
        title="\nBy target specialty (non-US IMGs who ranked it first)", title_justify="left"
    )
    for col in (
        "specialty",
        "match rate",
        "your Step 2 CK",
        "percentile among matched",
        "among unmatched",
        "likelihood given your score",
        "ranks M / U",
    ):
        table.add_column(col)
    for sc in c.specialties:
        table.add_row(
            vocab.specialty_label(sc.specialty),
            "unknown" if sc.ranked == 0 else f"{sc.base_rate:.1%} ({sc.matched:,}/{sc.ranked:,})",
            "unknown" if sc.score is None else str(sc.score),
            _pct(sc.percentile_matched),
            _pct(sc.percentile_unmatched),
            "unknown"
            if sc.likelihood is None
            else (f"{sc.likelihood:.0%}" + ("" if sc.separates else " (= base rate)")),
            f"{sc.ranks_matched:g} / {sc.ranks_unmatched:g}",
        )
    parts.append(table)
    parts.append(Text(f"How: {c.derivation}", style="dim"))
    for sc in c.specialties:
        parts.append(Text(f"\n{vocab.specialty_label(sc.specialty)}", style="bold underline"))
        parts += [Text(f"- {note}") for note in sc.notes]
        parts.append(
            Text(
                f"- Eligible programs on your list: {sc.eligible} ({sc.tiers['safety']} safety, "
                f"{sc.tiers['target']} target, {sc.tiers['reach']} reach; from `imgplan recommend`)."
            )
        )
        parts.append(
            Text(
                f"- {sc.service} fees: " + ", ".join(f"{n} programs ${fee:,}" for n, fee in sc.fees)
            )
        )
    parts.append(
        Text("\nNRMP extra-rank fees: " + ", ".join(f"{r} ranks ${fee}" for r, fee in c.nrmp))
    )
    parts.append(Text(f"Fees: {c.eras_source}. {c.nrmp_source}.", style="dim"))
    parts.append(Text("\nLimits", style="bold underline"))
    parts += [Text(f"- {limit}") for limit in c.limits]
    return render(parts, width=width, color=color)


def assess(
    name: str | None,
    strength: Strength,
    readiness: list[ReadinessItem] | None,
    pgy: int | None,
    source: str,
    *,
    width: int = 120,
    color: bool = False,
    stage: Any = None,
) -> str:
    """The portfolio view; in residency it leads with the fellowship-readiness checklist."""
    from ..rules.portfolio import ELEMENT_TITLES

    parts: list[Any] = [Text(f"imgplan assess — {name or 'this profile'}", style="bold")]
    line = stage_line(stage)
    if line:
        parts.append(Text(line, style="bold"))
    checklist: list[Any] = []
    if readiness is not None:
        now = f" — you are in PGY-{pgy}" if pgy else " — residency not started"
        checklist.append(Text(f"\nFellowship readiness by PGY year{now}", style="bold underline"))
        for item in readiness:
            mark = "✓" if item.met else ("!" if pgy and item.pgy <= pgy else "·")
            checklist.append(Text(f"{mark} PGY-{item.pgy}: {item.item} — {item.evidence}"))
    if strength.resident:
        parts += checklist
    parts += [
        Text(
            f"\nInformatics strength {strength.score}/100 (mean of the guide's four core elements)",
            style="bold",
        ),
        Text(f"Points: {source}", style="dim"),
    ]
    table = Table(title="\nCore elements", title_justify="left")
    for col in ("element", "score", "evidence counted"):
        table.add_column(col)
    for key, e in strength.elements.items():
        table.add_row(ELEMENT_TITLES[key], f"{e.score}/100", "\n".join(e.evidence) or "none yet")
    parts.append(table)
    actions = strength.actions()
    order = (
        "what CI fellowships weigh most first, then most valuable"
        if strength.resident
        else "most valuable first"
    )
    parts.append(Text(f"\nNext actions, {order}", style="bold underline"))
    if not actions:
        parts.append(Text("Every element is at its maximum: keep the evidence current."))
    for i, a in enumerate(actions, 1):
        parts.append(Text(f"{i}. {a.text} (+{a.gain} strength; {ELEMENT_TITLES[a.element]})"))
    if not strength.resident:
        parts += checklist
    return render(parts, width=width, color=color)


def explain_view(result: Explanation, view: View) -> str:
    text = explain(result.assessed, result.dataset, width=view.width, color=view.color)
    lines = [x for x in (stage_line(result.stage), *result.notes) if x]
    return "\n".join([*lines, text]) if lines else text


def timeline_view(result: Timeline, view: View) -> str:
    return timeline(result, width=view.width, color=view.color)


def chances_view(result: Chances, view: View) -> str:
    return chances(result, width=view.width, color=view.color)


def assess_view(r: Assessment, view: View) -> str:
    return assess(
        r.name,
        r.strength,
        r.readiness,
        r.pgy,
        r.source,
        width=view.width,
        color=view.color,
        stage=r.stage,
    )

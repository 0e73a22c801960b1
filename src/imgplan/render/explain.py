"""`imgplan explain`: every rule's finding for one program, the score's parts and the link to
the CI fellowship directory, as a rich table and as JSON."""

from __future__ import annotations

from typing import Any

from ..commands.explain import Explanation, FellowshipExplanation
from ..fellowships import describe
from ..models import vocab
from ..models.fellowships import conflict
from ..models.programs import Dataset
from ..models.record import as_dict
from ..recommend import ESTIMATES, WEIGHTS, Assessed, points
from .common import dataset_info, dumps, link_json, program_fields, stage_fields
from .formats import Format, View
from .richkit import Table, Text, dataset_header, finding_line, now_next_parts, render


def _visa_cell(a: Assessed) -> str:
    if a.program.visas is None:
        return "?"
    return ",".join(v.value.upper() for v in a.program.visas) or "none"


def _table(
    a: Assessed,
    dataset: Dataset,
    head: list[Any],
    *,
    width: int = 120,
    color: bool = False,
    service: str = "ERAS",
) -> str:
    """The program's name first, then ``head`` (the Now / Next block), then every finding."""
    p = a.program
    parts: list[Any] = [Text(f"{p.name} ({p.id})", style="bold"), *head, Text("")]
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

    parts.append(Text(describe(p.link)))
    parts.append(Text(f"Applications go through {service}.", style="dim"))
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
            "imgplan's convention, documented in docs/rules.md.",
            style="dim",
        )
    )
    return render(parts, width=width, color=color)


def _fellowship_table(r: FellowshipExplanation, *, width: int, color: bool) -> str:
    f = r.ranked.fellowship
    parts: list[Any] = [
        Text(f"#{r.number} on your CI fellowship list: {f.name} ({f.id})", style="bold"),
        *now_next_parts(r.now, width),
        Text(""),
        Text(
            f"{f.city or 'city: verify'}, {f.state or 'state: verify'} — {f.institution or f.name}"
        ),
        Text(f"Visa fit: {r.ranked.visa}", style="bold"),
    ]
    parts += [Text(f"  ✓ {x}") for x in r.ranked.reasons]
    parts += [Text(f"  ! {x}", style="yellow") for x in r.ranked.warnings]
    if r.plan.closed:
        parts.append(Text(r.plan.closed, style="yellow"))
    parts.append(Text(f"Sources: {'; '.join(f.sources) or 'none listed'}", style="dim"))
    parts.append(Text(r.plan.notes[0], style="dim"))
    return render(parts, width=width, color=color)


def table_view(result: Explanation | FellowshipExplanation, view: View) -> str:
    if isinstance(result, FellowshipExplanation):
        return _fellowship_table(result, width=view.width, color=view.color)
    head = [
        *now_next_parts(result.now, view.width),
        *[Text(n, style="yellow") for n in result.notes],
    ]
    return _table(
        result.assessed,
        result.dataset,
        head,
        width=view.width,
        color=view.color,
        service=result.service,
    )


def assessed(a: Assessed) -> dict[str, Any]:
    p = a.program
    return {
        "id": p.id,
        "name": p.name,
        "specialty": p.specialty.value,
        "state": p.state,
        "city": p.city,
        "setting": p.setting.value if p.setting else None,
        "tier": a.tier,
        "status": a.status,
        "score": a.score,
        "informatics_fit": a.fit.score,
        "margin": a.margin,
        "reference_score": p.reference_score,
        "visas": [v.value for v in p.visas] if p.visas is not None else None,
        "img_share": p.img_share,
        "url": p.url,
        "flags": a.flags,
        "tier_reason": a.tier_reason,
        "findings": [f.as_json() for f in a.findings],
        "fellowship_link": link_json(p.link),
    }


def weights(a: Assessed) -> dict[str, Any]:
    return {
        name: {
            "weight": weight,
            "component": None if a.components[name] is None else round(a.components[name] or 0, 3),
            "points": round(points(name, a.components[name]), 1),
            "estimated": a.components[name] is None and name in ESTIMATES,
        }
        for name, weight in WEIGHTS.items()
    }


def to_json(a: Assessed, dataset: Dataset) -> dict[str, Any]:
    doc = {"format": 1, "command": "explain", **assessed(a)}
    doc["excluded"] = a.excluded

    doc["fellowship_conflict"] = conflict(a.program.informatics.ci_fellowship, a.program.link)
    doc["weights"] = weights(a)
    doc["program"] = program_fields(a.program)
    doc["dataset"] = dataset_info(dataset)
    return doc


def json_view(result: Explanation | FellowshipExplanation, view: View) -> str:
    if isinstance(result, FellowshipExplanation):
        r = result.ranked
        doc: dict[str, Any] = {
            "format": 1,
            "command": "explain",
            **stage_fields(result.now.stage, result.now),
            "fellowship": {
                "rank": result.number,
                **as_dict(r.fellowship),
                "visa": r.visa,
                "internal": r.internal,
                "miles": r.miles,
                "reasons": r.reasons,
                "warnings": r.warnings,
            },
            "closed": result.plan.closed,
            "notes": result.notes,
        }
        return dumps(doc)
    doc = {**to_json(result.assessed, result.dataset), **stage_fields(result.now.stage, result.now)}
    doc["notes"] = result.notes
    doc["service"] = result.service
    return dumps(doc)


VIEWS = {
    ("explain", Format.table): table_view,
    ("explain", Format.json): json_view,
}

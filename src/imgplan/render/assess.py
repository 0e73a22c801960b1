"""`imgplan assess`: the informatics portfolio and fellowship readiness as a rich table, JSON
and Markdown."""

from __future__ import annotations

from typing import Any

from ..commands.assess import Assessment
from ..nownext import NowNext
from ..rules.portfolio import ELEMENT_TITLES, ReadinessItem, Strength
from .common import dumps, md, now_next_markdown, stage_fields, stage_line
from .formats import Format, View
from .richkit import Table, Text, now_next_parts, render


def _table(
    name: str | None,
    strength: Strength,
    readiness: list[ReadinessItem] | None,
    pgy: int | None,
    source: str,
    *,
    width: int = 120,
    color: bool = False,
    stage: Any = None,
    now: NowNext | None = None,
    notes: list[str] | None = None,
) -> str:
    """The portfolio view; in residency it leads with the fellowship-readiness checklist."""

    parts: list[Any] = [Text(f"imgplan assess — {name or 'this profile'}", style="bold")]
    if now is not None:
        parts += now_next_parts(now, width)
    else:
        line = stage_line(stage)
        if line:
            parts.append(Text(line, style="bold"))
    parts += [Text(n, style="yellow") for n in notes or []]
    checklist: list[Any] = []
    if readiness is not None:
        where = f" — you are in PGY-{pgy}" if pgy else " — residency not started"
        checklist.append(Text(f"\nFellowship readiness by PGY year{where}", style="bold underline"))
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


def table_view(r: Assessment, view: View) -> str:
    return _table(
        r.name,
        r.strength,
        r.readiness,
        r.pgy,
        r.source,
        width=view.width,
        color=view.color,
        stage=r.stage,
        now=r.now,
        notes=r.notes,
    )


def to_json(
    name: str | None,
    strength: Strength,
    readiness: list[ReadinessItem] | None,
    pgy: int | None,
    source: str,
) -> dict[str, Any]:

    return {
        "format": 1,
        "command": "assess",
        "profile": name,
        "strength": strength.score,
        "source": source,
        "elements": [
            {"element": key, "title": ELEMENT_TITLES[key], "score": e.score, "evidence": e.evidence}
            for key, e in strength.elements.items()
        ],
        "actions": [
            {"element": a.element, "gain": a.gain, "action": a.text} for a in strength.actions()
        ],
        "fellowship_readiness": None
        if readiness is None
        else {
            "current_pgy": pgy,
            "items": [
                {"pgy": i.pgy, "item": i.item, "met": i.met, "evidence": i.evidence}
                for i in readiness
            ],
        },
    }


def json_view(r: Assessment, view: View) -> str:
    return dumps(
        {
            **to_json(r.name, r.strength, r.readiness, r.pgy, r.source),
            **stage_fields(r.stage, r.now),
            "notes": r.notes,
        }
    )


def _markdown(
    name: str | None,
    strength: Strength,
    readiness: list[ReadinessItem] | None,
    pgy: int | None,
    source: str,
) -> str:

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


def markdown_view(r: Assessment, view: View) -> str:
    text = _markdown(r.name, r.strength, r.readiness, r.pgy, r.source)
    head = now_next_markdown(r.now) + [f"> {md(n)}\n" for n in r.notes]
    return "\n".join(head) + "\n" + text if head else text


VIEWS = {
    ("assess", Format.table): table_view,
    ("assess", Format.json): json_view,
    ("assess", Format.markdown): markdown_view,
}

"""`imgplan recommend`: the ranked list as a plain-text grid (cards on a narrow terminal),
JSON, CSV and Markdown; with the application plan (--signals) and, for a resident, the CI
fellowship list.

The table view is plain text, not rich: `recommend` is the command people and scripts run most,
on lists of up to tens of thousands of programs; rich's Table takes seconds for that and its
import alone is a noticeable part of the start-up.
"""

from __future__ import annotations

import csv
import io
import textwrap
from collections import Counter, defaultdict
from typing import Any

from ..commands import Batch
from ..errors import clip
from ..fellowships import FellowshipPlan
from ..models import vocab
from ..models.programs import Program
from ..models.values import plural
from ..plan import YIELD, ApplicationPlan, Signal, SpecialtyPlan
from ..recommend import WEIGHTS, Assessed, Recommendation, Shown
from ..rules.findings import Finding
from ..rules.registry import SPECIALTY
from .common import (
    TIER_STYLE,
    Writer,
    csv_cell,
    dataset_header,
    dataset_info,
    directory_info,
    dumps_bytes,
    example_notice,
    finding,
    grid,
    link_cell,
    link_json,
    md,
    md_section,
    stage_fields,
    stage_line,
    what_if_notice,
)
from .formats import Format, View

VERIFY = "verify"


# The table (plain text)


def _visa_cell(p: Program) -> str:
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


def _grid_rows(rec: Recommendation, shown: list[Shown]) -> list[list[str]]:
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
            _visa_cell(a.program),
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


def _table(
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
            w.section(resident_lines(rec.fellowships, rec.top))
        return w.text()
    w.para(_summary_line(rec.findings))
    w.raw("")
    shown, total = rec.shown(), len(rec.ranked)
    more = "" if len(shown) == total else f"; showing the first {len(shown)}"
    w.para(f"Ranked programs ({total}{more})", "bold")
    rows = _grid_rows(rec, shown)
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
    _excluded_lines(w, rec, include_excluded)
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


def _excluded_lines(w: Writer, rec: Recommendation, include_excluded: bool) -> None:
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


def table_view(result: Any, view: View) -> str:
    """``_table`` as a plain-text list (one profile, or a batch under ``==> path <==``)."""
    if isinstance(result, Batch):
        return "\n".join(
            f"==> {clip(path)} <==\n{table_view(rec, view)}" for path, rec in result.items
        )
    return _table(
        result, width=view.width, color=view.color, include_excluded=view.include_excluded
    )


# JSON


def _listed(rec: Recommendation) -> list[dict[str, Any]]:
    """The ranked programs as JSON, the same objects as `assessed` gives, built from the
    rows of `Recommendation.listed`. Vocabulary values are passed as they are: they are
    `StrEnum` members, which orjson writes as their text. Links are shared by programs in one
    place: each is converted once."""
    rows = rec.listed()
    links = {id(r.program.link): link_json(r.program.link) for r in rows if r.program.link}
    return [
        {
            "id": (p := row.program).id,
            "name": p.name,
            "specialty": p.specialty,
            "state": p.state,
            "city": p.city,
            "setting": p.setting,
            "tier": row.tier,
            "status": row.status,
            "score": row.score,
            "informatics_fit": row.fit,
            "margin": row.margin,
            "reference_score": p.reference_score,
            "visas": p.visas,
            "img_share": p.img_share,
            "url": p.url,
            "flags": row.flags,
            "tier_reason": row.tier_reason,
            "findings": row.findings,
            "fellowship_link": links.get(id(p.link)) if p.link is not None else None,
        }
        for row in rows
    ]


def _excluded_json(rec: Recommendation) -> list[dict[str, Any]]:
    """The excluded programs as JSON; one reasons list per shared finding list."""
    reasons: dict[int, list[dict[str, str]]] = {}
    out = []
    for p, failed in rec.excluded_reasons():
        key = id(failed)
        if key not in reasons:
            reasons[key] = [{"rule": f.rule, "message": f.message} for f in failed]
        out.append(
            {
                "id": p.id,
                "name": p.name,
                "specialty": p.specialty,
                "state": p.state,
                "reasons": reasons[key],
            }
        )
    return out


def to_json(rec: Recommendation) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "format": 1,
        "command": "recommend",
        "profile": rec.profile.name,
        **stage_fields(rec.stage),
        "what_if": rec.what_if or None,
        "notes": rec.notes,
        "informatics_strength": rec.strength,
        "findings": [f.as_json() for f in rec.findings],
        "programs": _listed(rec),
        "excluded": _excluded_json(rec),
        "summary": rec.summary(),
        "weights": dict(WEIGHTS),
        "dataset": dataset_info(rec.dataset),
    }
    if rec.fellowships is not None:
        doc["fellowships"] = resident_json(rec.fellowships)
    if rec.plan is not None:
        doc["signals"] = signals_json(rec.plan)
        doc["application_plan"] = plan_json(rec.plan)
    if rec.unlocks is not None:
        doc["unlock"] = [
            {"change": u.change, "opens": u.opens, "programs": u.program_ids} for u in rec.unlocks
        ]
        doc["unlock_note"] = rec.unlock_note
    return doc


def json_view(result: Any, view: View) -> bytes:
    """UTF-8 bytes, not text: the whole ranked list can be 17 MB, and decoding it only to
    encode it again for stdout was a sixth of a warm run."""
    if isinstance(result, Batch):
        docs = [{"path": path, **to_json(rec)} for path, rec in result.items]
        return dumps_bytes({"format": 1, "command": "recommend", "results": docs})
    return dumps_bytes(to_json(result))


# CSV and Markdown


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


def _signal_of(rec: Recommendation) -> dict[str, str] | None:
    """With --signals, each program's signal tier by id (proposed or checked)."""
    if rec.plan is None:
        return None
    return {x.program_id: x.tier for s in rec.plan.specialties for x in s.signals}


def _csv(rec: Recommendation, *, profile: str | None = None, header: bool = True) -> str:
    """The ranked list as CSV; with ``profile``, a first column naming the profile file (a
    batch is one CSV: each profile's rows under one header)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    lead = [] if profile is None else [profile]
    if rec.fellowships is not None:  # in training: the fellowship list, its own columns
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
        writer.writerows([csv_cell(c) for c in lead + row + extra] for row in _csv_rows(rec))
    else:
        writer.writerows(
            [csv_cell(c) for c in lead + row + [signals.get(row[1], "")] + extra]
            for row in _csv_rows(rec)
        )
    return buffer.getvalue()


def _markdown(rec: Recommendation) -> str:
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
    lines += ["| " + " | ".join(md(c) for c in row) + " |" for row in _csv_rows(rec)]
    s = rec.summary()
    lines += [
        "",
        f"{s['safety']} safety, {s['target']} target, {s['reach']} reach; "
        f"{s['excluded']} excluded.",
        "",
    ]
    if rec.fellowships is not None:
        lines += md_section(resident_lines(rec.fellowships, rec.top))
    if rec.plan is not None:
        lines += md_section(plan_lines(rec.plan))
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


# The application plan (--signals)


def _signal_json(s: Signal) -> dict[str, Any]:
    return {
        "program": s.program_id,
        "name": s.program.name if s.program else None,
        "tier": s.tier,
        "list_tier": s.list_tier,
        "why": s.why,
        "warnings": s.warnings,
    }


def signals_json(plan: ApplicationPlan) -> list[dict[str, Any]]:
    """The ``signals`` block: per target specialty, the allowance and the signals."""
    return [
        {
            "specialty": s.specialty,
            "mode": "checked" if s.checked else "proposed",
            "service": s.allowance.service,
            "allowance": {
                "gold": s.allowance.gold,
                "silver": s.allowance.silver,
                "single": s.allowance.single,
                "known": s.allowance.known,
                "season": plan.season,
                "carried_from": s.allowance.carried_from,
                "source": s.allowance.source,
            },
            "signals": [_signal_json(x) for x in s.signals],
            "notes": s.notes,
            "rule_source": plan.signals_source,
        }
        for s in plan.specialties
    ]


def plan_json(plan: ApplicationPlan) -> dict[str, Any]:
    """The ``application_plan`` block: counts per tier, fees and the total."""
    return {
        "season": plan.season,
        "convention": plan.convention,
        "yield_per_application": dict(YIELD),
        "specialties": [
            {
                "specialty": s.specialty,
                "interviews_goal": s.interviews_goal,
                "goal_why": s.goal_why,
                "tiers": [
                    {
                        "tier": t.tier,
                        "available": t.available,
                        "suggested": t.suggested,
                        "expected_interviews": round(t.interviews, 2),
                    }
                    for t in s.tiers
                ],
                "applications": s.applications,
                "service": s.service,
                "fee": s.fee,
                "fee_source": s.fee_source,
                "shortfall": s.shortfall,
            }
            for s in plan.specialties
        ],
        "transcripts": [{"service": n, "fee": f} for n, f in plan.transcripts],
        "ranks": plan.ranks,
        "nrmp_extra_rank_fee": plan.nrmp_extra,
        "nrmp_source": plan.nrmp_source,
        "nrmp_note": plan.nrmp_note,
        "total": plan.total,
        "total_excludes": "NRMP registration fee (not in imgplan's reference: verify on nrmp.org)",
    }


def _signal_line(s: Signal) -> list[str]:
    name = s.program.name if s.program else "(not in the dataset)"
    lines = [f"  {s.tier:<7} {s.program_id}  {name} — {s.why}"]
    lines += [f"          ! {w}" for w in s.warnings]
    return lines


def _specialty_lines(s: SpecialtyPlan) -> list[str]:
    label = vocab.specialty_label(s.specialty)
    head = "your signals, checked" if s.checked else "signals proposed"
    lines = [f"{label} — {head}"]
    lines += [f"  {n}" for n in s.notes]
    lines += [x for sig in s.signals for x in _signal_line(sig)]
    if not s.signals:
        lines.append("  (no signal)")
    lines.append(f"  How many to apply to: {s.goal_why}")
    for t in s.tiers:
        lines.append(
            f"    {t.tier:<7} {t.suggested:>4} of {t.available:>4} on your list  "
            f"× {YIELD[t.tier]:.2f} ≈ {t.interviews:.1f} interviews"
        )
    if s.shortfall:
        lines.append(f"  ! {s.shortfall}")
    lines.append(
        f"  {s.applications} applications through {s.service}: ${s.fee:,} ({s.fee_source})"
    )
    return lines


def plan_lines(plan: ApplicationPlan) -> list[str]:
    lines = [
        f"Signals and the application plan (Match {plan.season})",
        f"Rule: {plan.signals_source}. Interview yields per application "
        + ", ".join(f"{t} {y:.2f}" for t, y in YIELD.items())
        + f" are {plan.convention} (no published IMG figure).",
    ]
    for s in plan.specialties:
        lines += [""] + _specialty_lines(s)
    lines.append("")
    for name, fee in plan.transcripts:
        lines.append(f"USMLE transcript through {name}: ${fee}")
    lines.append(
        f"NRMP: about {plan.ranks} ranks expected; extra-rank fee ${plan.nrmp_extra} "
        f"({plan.nrmp_source})"
    )
    lines.append(
        f"Total for the plan: ${plan.total:,} — {plan.applications} applications; the NRMP "
        "registration fee is not included (verify on nrmp.org)"
    )
    return lines


# A resident's CI fellowship list


def resident_json(plan: FellowshipPlan) -> dict[str, Any]:
    return {
        "directory": directory_info(plan.directory, "run"),
        "applications": plan.applications,
        "applications_source": plan.source,
        "fee": plan.fee,
        "fee_source": plan.fee_source,
        "submit": plan.submit_date.isoformat(),
        "submit_note": plan.submit,
        "notes": plan.notes,
        "ranked": [
            {
                "rank": n,
                "id": r.fellowship.id,
                "name": r.fellowship.name,
                "city": r.fellowship.city,
                "state": r.fellowship.state,
                "visa": r.visa,
                "internal": r.internal,
                "preferred_state": r.preferred_state,
                "miles": r.miles,
                "confidence": r.fellowship.confidence,
                "reasons": r.reasons,
                "warnings": r.warnings,
            }
            for n, r in enumerate(plan.ranked, 1)
        ],
    }


RESIDENT_COLUMNS = (
    "rank",
    "id",
    "name",
    "city",
    "state",
    "visa",
    "internal",
    "miles",
    "confidence",
    "warnings",
)


def resident_rows(plan: FellowshipPlan) -> list[list[str]]:
    return [
        [
            str(n),
            r.fellowship.id,
            r.fellowship.name,
            r.fellowship.city or VERIFY,
            r.fellowship.state or VERIFY,
            r.visa,
            "yes" if r.internal else "",
            VERIFY if r.miles is None else f"{r.miles:.0f}",
            r.fellowship.confidence,
            " ".join(r.warnings),
        ]
        for n, r in enumerate(plan.ranked, 1)
    ]


def resident_lines(plan: FellowshipPlan, top: int | None) -> list[str]:
    """The ranked fellowships as text lines (the table view; Markdown quotes them)."""
    d = plan.directory
    lines = [
        f"Clinical Informatics fellowships ({len(plan.ranked)} in {d.name}, as of "
        f"{d.as_of.isoformat()}; {d.note})",
        f"Apply to about {plan.applications} (the median applicant, {plan.source}); the ERAS "
        f"fellowship fee for {plan.applications} is ${plan.fee:,} ({plan.fee_source}).",
        f"When: {plan.submit}.",
        *plan.notes,
    ]
    shown = plan.ranked[:top] if top else plan.ranked
    for n, r in enumerate(shown, 1):
        f = r.fellowship
        place = f"{f.city or VERIFY}, {f.state or VERIFY}"
        lines.append("")
        lines.append(f"{n:>3}  {f.id}  {f.name} — {place}")
        lines += [f"       {x}" for x in r.reasons]
        lines += [f"       ! {x}" for x in r.warnings]
    if len(shown) < len(plan.ranked):
        lines += ["", f"{len(plan.ranked) - len(shown)} more: --all or --top N."]
    return lines


VIEWS = {
    ("recommend", Format.table): table_view,
    ("recommend", Format.json): json_view,
    ("recommend", Format.csv): csv_view,
    ("recommend", Format.markdown): markdown_view,
}

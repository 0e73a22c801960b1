"""The application plan (`recommend --signals`) as JSON objects and as text lines (the
table view and Markdown share the lines; Markdown escapes them)."""

from __future__ import annotations

from typing import Any

from ...models import vocab
from ...plan import YIELD, ApplicationPlan, Signal, SpecialtyPlan


def _signal_json(s: Signal) -> dict[str, Any]:
    return {
        "program": s.program_id,
        "name": s.program.name if s.program else None,
        "tier": s.tier,
        "list_tier": s.list_tier,
        "why": s.why,
        "warnings": s.warnings,
        "warning_rules": [w.rule for w in s.warnings],
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

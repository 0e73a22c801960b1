"""A resident's CI fellowship list (what `recommend` shows once the residency Match is behind
the applicant): JSON, CSV rows and text lines."""

from __future__ import annotations

from typing import Any

from ...fellowships import FellowshipPlan
from ..common import directory_info

VERIFY = "verify"


def resident_json(plan: FellowshipPlan) -> dict[str, Any]:
    return {
        "directory": directory_info(plan.directory, "run"),
        "applications": plan.applications,
        "applications_source": plan.source,
        "fee": plan.fee,
        "fee_source": plan.fee_source,
        "submit": plan.submit_date.isoformat(),
        "submit_note": plan.submit,
        "closed": plan.closed,
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
    head = (
        f"Clinical Informatics fellowships ({len(plan.ranked)} in {d.name}, as of "
        f"{d.as_of.isoformat()}; {d.note})"
    )
    if plan.closed:  # this season's applications are out: no "apply to about N" for it
        lines = [head, plan.closed, *plan.notes]
    else:
        lines = [
            head,
            f"Apply to about {plan.applications} (the median applicant, {plan.source}); the "
            f"ERAS fellowship fee for {plan.applications} is ${plan.fee:,} ({plan.fee_source}).",
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

"""`imgplan chances`: the specialty-level odds as a rich table and as JSON."""

from __future__ import annotations

from typing import Any

from ..chances import Chances
from ..models import vocab
from .common import dataset_info, dumps, stage_fields, stage_line
from .formats import Format, View
from .richkit import Table, Text, dataset_header, now_next_parts, render


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
            c.closed
            if c.closed
            else f"Applying to {f.median_applications} programs through ERAS costs "
            f"${f.fee_for_median:,}; {fees} ({f.fee_source}). AMIA membership is required for "
            "the match."
        ),
        Text(f"Programs: {f.programs}.", style="dim"),
        Text("\nLimits", style="bold underline"),
        *[Text(f"- {limit}") for limit in c.limits],
    ]


def _pct(value: float | None) -> str:
    if value is None:
        return "unknown"
    n = round(value)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _table(c: Chances, *, width: int = 120, color: bool = False) -> str:
    who = c.profile.name or "this profile"
    parts: list[Any] = [Text(f"imgplan chances — {who}", style="bold")]
    if c.now is not None:
        parts += now_next_parts(c.now, width)
    else:
        line = stage_line(c.stage)
        if line:
            parts.append(Text(line, style="bold"))
    if c.source:
        parts.append(Text(f"\nSource: {c.source}", style="dim"))
    if c.closed and c.fellowship is None:
        parts.append(Text(f"How many to apply to: {c.closed}", style="yellow"))
    if not c.specialties and c.fellowship is None:
        parts += [Text(f"- {limit}") for limit in c.limits]
        return render(parts, width=width, color=color)
    if c.fellowship is not None:
        return render(parts + _fellowship_odds(c), width=width, color=color)
    if c.dataset is not None:
        parts.extend(dataset_header(c.dataset))
    if c.score_note:
        parts.append(Text(c.score_note, style="yellow"))
    parts.append(Text("\nBy target specialty (non-US IMGs who ranked it first)", style="bold"))
    rows = [_row(sc) for sc in c.specialties]
    if width < CARDS_BELOW:
        parts += _cards(rows)
    else:
        table = Table(title_justify="left")
        for col in COLUMNS:
            table.add_column(col)
        for row in rows:
            table.add_row(*row)
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


CARDS_BELOW = 100  # columns: a narrower terminal gets one card per specialty
COLUMNS = (
    "specialty",
    "likelihood given your score",
    "match rate",
    "your Step 2 CK",
    "percentile among matched",
    "among unmatched",
    "ranks M / U",
)


def _row(sc: Any) -> list[str]:
    return [
        vocab.specialty_label(sc.specialty),
        "unknown"
        if sc.likelihood is None
        else (f"{sc.likelihood:.0%}" + ("" if sc.separates else " (= base rate)")),
        "unknown" if sc.ranked == 0 else f"{sc.base_rate:.1%} ({sc.matched:,}/{sc.ranked:,})",
        "unknown" if sc.score is None else str(sc.score),
        _pct(sc.percentile_matched),
        _pct(sc.percentile_unmatched),
        f"{sc.ranks_matched:g} / {sc.ranks_unmatched:g}",
    ]


def _cards(rows: list[list[str]]) -> list[Any]:
    """One card per specialty for a narrow terminal: the likelihood first, nothing cut."""
    out: list[Any] = []
    for name, likelihood, rate, score, p_m, p_u, ranks in rows:
        out.append(Text(f"{name}: likelihood {likelihood}", style="bold"))
        out.append(Text(f"  match rate {rate}; your Step 2 CK {score}"))
        out.append(Text(f"  percentile among matched {p_m}, among unmatched {p_u}"))
        out.append(Text(f"  contiguous ranks, matched / unmatched: {ranks}"))
    return out


def table_view(result: Chances, view: View) -> str:
    return _table(result, width=view.width, color=view.color)


def _r(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def to_json(c: Chances) -> dict[str, Any]:
    return {
        "format": 1,
        "command": "chances",
        "profile": c.profile.name,
        **stage_fields(c.stage, c.now),
        "closed": c.closed,
        "fellowship": None
        if c.fellowship is None
        else {
            "matched_share": c.fellowship.matched_share,
            "median_applications": c.fellowship.median_applications,
            "fee_for_median": c.fellowship.fee_for_median,
            "fees": [{"applications": n, "fee": fee} for n, fee in c.fellowship.fees],
            "source": c.fellowship.source,
            "fee_source": c.fellowship.fee_source,
        },
        "step2ck": c.profile.step2,
        "step2ck_planned": c.profile.step2_planned,
        "score_note": c.score_note or None,
        "source": c.source,
        "derivation": c.derivation,
        "limits": c.limits,
        "specialties": [
            {
                "specialty": s.specialty,
                "match_rate": _r(s.base_rate),
                "matched": s.matched,
                "ranked_first": s.ranked,
                "percentile_matched": _r(s.percentile_matched, 1),
                "percentile_unmatched": _r(s.percentile_unmatched, 1),
                "likelihood": _r(s.likelihood),
                "score_separates": s.separates,
                "contiguous_ranks_median": {
                    "matched": s.ranks_matched,
                    "unmatched": s.ranks_unmatched,
                },
                "eligible_programs": s.eligible,
                "tiers": s.tiers,
                "service": s.service,
                "application_fees": [{"applications": n, "fee_usd": fee} for n, fee in s.fees],
                "eras_fees": [{"applications": n, "fee_usd": fee} for n, fee in s.fees]
                if s.service == "ERAS"
                else None,
                "notes": s.notes,
            }
            for s in c.specialties
        ],
        "nrmp_extra_rank_fees": [{"ranks": r, "fee_usd": fee} for r, fee in c.nrmp],
        "dataset": None if c.dataset is None else dataset_info(c.dataset),
        "fee_sources": {"eras": c.eras_source, "nrmp": c.nrmp_source},
    }


def json_view(result: Chances, view: View) -> str:
    return dumps(to_json(result))


VIEWS = {
    ("chances", Format.table): table_view,
    ("chances", Format.json): json_view,
}

"""What applying costs and how many applications to aim for: the fee schedules of ERAS,
ResidencyCAS (Emergency Medicine), the ERAS fellowship cycle and NRMP extra ranks
(data/outcomes.yaml), and imgplan's interview goal (`interviews_goal`). Pure."""

from __future__ import annotations

import math

from .models.outcomes import ErasFees, Fees, FeeTier, FellowshipMatch, NrmpFees, SpecialtyOutcome

APPLICATION_COUNTS = (10, 20, 30, 40, 60, 80, 100)


def interviews_goal(o: SpecialtyOutcome) -> int:
    """How many interviews to aim for (imgplan's convention): the matched applicants' median
    contiguous ranks, divided by the specialty's match rate (fewer matches per applicant call
    for more interviews)."""
    return math.ceil(o.ranks[0] / o.rate - 1e-9)


def goal_words(o: SpecialtyOutcome) -> str:
    return (
        f"imgplan's convention, not a published rule: aim for {o.ranks[0]:g} / "
        f"{o.rate:.2f} (the match rate) = {interviews_goal(o)} interviews"
    )


def tiered_fee(n: int, flat: int, flat_up_to: int, tiers: list[FeeTier]) -> int:
    """A flat fee for the first ``flat_up_to`` programs, then a per-program fee by tier."""
    total, done = (flat, flat_up_to) if n > 0 else (0, 0)
    for tier in tiers:
        upto = n if tier.up_to is None else min(n, tier.up_to)
        if upto > done:
            total += (upto - done) * tier.per_program
            done = upto
    return total


def eras_fee(n: int, fees: ErasFees) -> int:
    """ERAS: a per-program fee by tier, counted per specialty (no flat part)."""
    return tiered_fee(n, 0, 0, fees.tiers)


def nrmp_extra(ranks: int, fees: NrmpFees) -> int:
    return max(0, ranks - fees.ranks_included) * fees.per_extra_rank


def fellowship_fee(n: int, f: FellowshipMatch) -> int:
    """ERAS fellowship fee: $115 up to 10 programs, then per program (data/outcomes.yaml)."""
    return tiered_fee(n, f.fee_flat, f.fee_flat_up_to, f.fee_tiers)


def application_fee(n: int, specialty: str, fees: Fees) -> tuple[str, int]:
    """(the application service, its fee for ``n`` programs in ``specialty``): ResidencyCAS
    for Emergency Medicine, ERAS for the others."""
    cas = fees.residencycas
    if specialty in cas.specialties:
        return "ResidencyCAS", tiered_fee(n, cas.flat, cas.flat_up_to, cas.tiers)
    return "ERAS", eras_fee(n, fees.eras)


def _cas_words(fees: Fees) -> str:
    cas = fees.residencycas
    return (
        f". {cas.source} ({cas.edition}): ${cas.flat} for programs 1–{cas.flat_up_to}, then "
        + ", ".join(
            f"+${t.per_program} each" + (f" to {t.up_to}" if t.up_to else " from there")
            for t in cas.tiers
        )
    )

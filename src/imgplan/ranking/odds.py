"""The odds of a rank order list: imgplan's model, labelled as such everywhere it is shown.

Each ranked program gets ``p``, the chance that it ranks the applicant high enough to match.
The Match places the applicant at the first program on their list that does, so

    P(matched at rank k) = p_k · ∏_{i<k} (1 − p_i)
    P(match)             = 1 − ∏_i (1 − p_i)
    expected rank        = Σ k · P(matched at k) / P(match)

**Where p comes from.** The user's own figure (profile ``ranking.odds``), else the applicant's
standing at the program: the specialty's *median* p (below) times the tier's multiplier
(`MULTIPLIER`: safety 1.5, target 1, reach 0.5) and the program's IMG share
(`img_factor`); a program whose figures are unknown gets the median p with a band from the
reach to the safety multiplier. p is capped at `P_MAX`.

**Calibration against public figures.** NRMP Charting Outcomes 2026 gives, for non-US IMGs
who ranked a specialty first, the match rate and the median number of contiguous ranks in the
specialty for matched and for unmatched applicants (IM: 48.5%, 5 vs 2). Taking the number of
contiguous ranks to be geometric in each group (the median fixes it), Bayes gives the match rate
among applicants who ranked k programs (`cotm_curve`, the way `chances` treats Step 2 CK). The
median p is the one whose curve 1 − (1 − p)^k is closest to it (least squares) over
``CALIBRATION_RANKS`` (3 to 15); the test checks they agree within ``TOLERANCE`` for every
specialty. For one or two ranks the model is lower than the COTM-derived figure (by up to 0.22):
an applicant ranking one program often has reason to.

**What the model ignores.** Programs' decisions are correlated (an applicant strong for one is
strong for many); the independent model is too hopeful for long lists of similar programs. The
applicant pool changes yearly. The geometric shape is an assumption; COTM publishes medians.
"""

from __future__ import annotations

from functools import cache

from msgspec import Struct

from ..models.outcomes import SpecialtyOutcome

MULTIPLIER = {"safety": 1.5, "target": 1.0, "reach": 0.5}  # imgplan's convention
P_MAX = 0.9
CALIBRATION_RANKS = range(3, 16)
TOLERANCE = 0.11  # absolute probability, over CALIBRATION_RANKS (docs/season.md: Your rank list)
MODEL = (
    "imgplan's model (docs/season.md: Your rank list): each program's p from your tier there and its "
    "IMG share, calibrated on NRMP Charting Outcomes 2026 (non-US IMGs); programs' decisions "
    "are treated as independent, which they are not"
)


def img_factor(share: float | None) -> float:
    """A program's IMG share moves p: few IMGs (under 10%) halves it, many (40% or more) adds
    a fifth; unknown: 1 (imgplan's convention)."""
    if share is None:
        return 1.0
    if share < 0.10:
        return 0.5
    if share >= 0.40:
        return 1.2
    return 1.0


def _geometric(median: float) -> float:
    """The geometric distribution on 1, 2, ... whose median is ``median``."""
    return 1 - 0.5 ** (1 / max(median, 1.0))


def cotm_curve(o: SpecialtyOutcome, ranks: range = range(1, 16)) -> list[float]:
    """P(match | k contiguous ranks) implied by Charting Outcomes (Bayes over geometric
    counts whose medians are the matched and unmatched medians)."""
    rate = o.rate
    q_m, q_u = _geometric(o.ranks[0]), _geometric(o.ranks[1])
    out = []
    for k in ranks:
        f_m = (1 - q_m) ** (k - 1) * q_m
        f_u = (1 - q_u) ** (k - 1) * q_u
        out.append(rate * f_m / (rate * f_m + (1 - rate) * f_u))
    return out


def model_curve(p: float, ranks: range = range(1, 16)) -> list[float]:
    return [1 - (1 - p) ** k for k in ranks]


@cache
def _fit(matched: int, ranked: int, m_ranks: float, u_ranks: float) -> float:
    o = SpecialtyOutcome(matched, ranked, [], [], [m_ranks, u_ranks])
    target = cotm_curve(o, CALIBRATION_RANKS)
    best = (float("inf"), 0.0)
    for i in range(1, 900):
        p = i / 1000
        error = sum(
            (1 - (1 - p) ** k - c) ** 2 for k, c in zip(CALIBRATION_RANKS, target, strict=True)
        )
        best = min(best, (error, p))
    return best[1]


def median_p(o: SpecialtyOutcome) -> float:
    """The p of a program where the applicant stands at the specialty's median (fitted)."""
    return _fit(o.matched, o.ranked, o.ranks[0], o.ranks[1])


def deviation(o: SpecialtyOutcome) -> float:
    """The largest gap between the model's curve and the COTM-derived one over the
    calibration range."""
    p = median_p(o)
    return max(
        abs(a - b)
        for a, b in zip(
            model_curve(p, CALIBRATION_RANKS), cotm_curve(o, CALIBRATION_RANKS), strict=True
        )
    )


class Odds(Struct, frozen=True):
    p: float
    low: float
    high: float
    how: str  # "yours" | "tier" | "unknown"


def odds_for(tier: str | None, img_share: float | None, median: float, own: float | None) -> Odds:
    if own is not None:
        return Odds(own, own, own, "yours")
    factor = img_factor(img_share)
    if tier in MULTIPLIER:
        p = min(P_MAX, median * MULTIPLIER[tier] * factor)
        return Odds(p, p, p, "tier")
    low = min(P_MAX, median * MULTIPLIER["reach"] * factor)
    high = min(P_MAX, median * MULTIPLIER["safety"] * factor)
    return Odds(min(P_MAX, median * factor), low, high, "unknown")


class ListOdds(Struct, frozen=True):
    at_rank: list[float]  # P(matched at rank k), k = 1..n
    by_rank: list[float]  # P(matched at rank k or higher on the list)
    match: float
    expected_rank: float | None  # given a match


def list_odds(ps: list[float]) -> ListOdds:
    at, by = [], []
    none_yet = 1.0
    for p in ps:
        at.append(p * none_yet)
        none_yet *= 1 - p
        by.append(1 - none_yet)
    match = 1 - none_yet
    expected = sum(k * x for k, x in enumerate(at, 1)) / match if match > 0 else None
    return ListOdds(at, by, match, expected)

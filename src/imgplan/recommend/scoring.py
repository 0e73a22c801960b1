"""How a program that passed every screen is scored and tiered: imgplan's convention (the
guide names the factors, not their weights; docs/rules.md: Scoring). `explain` prints every weight.

Unknown is neither a pass nor the worst case: an unknown reference score counts as if you just
met it (margin 0), an unknown IMG share as the "few IMGs" line; an applicant who needs a visa
loses VISA_UNKNOWN_PENALTY points and one tier at a program whose visa policy is unknown. So
an unknown never ranks a program above an otherwise equal one whose figure is known and
passing; equal scores put the known first.
"""

from __future__ import annotations

from ..models import vocab
from ..models.programs import Program
from ..rules.findings import Finding
from ..rules.fit import Fit
from ..rules.registry import INFORMATICS_FIT

#: Score = sum of weight × component (each component 0–1).
WEIGHTS: dict[str, int] = {
    "competitiveness": 35,  # Step 2 CK margin over the program's reference score
    "informatics_fit": 35,  # the program's informatics features
    "img_friendliness": 15,  # share of current residents who are IMGs
    "preference": 15,  # your specialty order, states and settings
}
MARGIN_FLOOR = -10  # margin at which competitiveness is 0
MARGIN_SPAN = 25  # competitiveness reaches 1 at MARGIN_FLOOR + MARGIN_SPAN (= +15)
IMG_SHARE_FULL = 0.5  # an IMG share at or above this counts as fully IMG-friendly
SAFETY_MARGIN = 10  # margin >= this: safety
TARGET_MARGIN = 0  # margin >= this: target; below: reach
FEW_IMGS = 0.15  # an IMG share below this moves the tier one step towards reach
TIERS = ("safety", "target", "reach")
#: The tier of a program with no Step 2 CK figure to measure against: its figures are unknown,
#: so imgplan does not guess safety, target or reach (it ranks it by what is known).
UNKNOWN_TIER = "unknown"
ALL_TIERS = (*TIERS, UNKNOWN_TIER)
VISA_UNKNOWN_PENALTY = 10
FIT_SOURCE = "imgplan weighting of the guide's residency-choice features (docs/rules.md: Scoring)"


def visa_unknown(need: vocab.Visa, visas: list[vocab.ProgramVisa] | None) -> bool:
    """The one definition: the applicant needs a visa and the program's visa policy is
    unknown (status "verify", VISA_UNKNOWN_PENALTY points and one tier down)."""
    return visas is None and need != vocab.Visa.none


def competitiveness(margin: int | None) -> float | None:
    if margin is None:
        return None
    return min(1.0, max(0.0, (margin - MARGIN_FLOOR) / MARGIN_SPAN))


def img_friendliness(share: float | None) -> float | None:
    return None if share is None else min(1.0, share / IMG_SHARE_FULL)


UNKNOWN_COMPETITIVENESS = competitiveness(TARGET_MARGIN) or 0.0
UNKNOWN_IMG_FRIENDLINESS = min(1.0, FEW_IMGS / IMG_SHARE_FULL)
ESTIMATES = {
    "competitiveness": UNKNOWN_COMPETITIVENESS,
    "img_friendliness": UNKNOWN_IMG_FRIENDLINESS,
}


def points(name: str, value: float | None) -> float:
    """A component's weighted points; an unknown component counts its neutral estimate."""
    if value is None:
        value = ESTIMATES.get(name, 0.0)
    return WEIGHTS[name] * value if value else 0.0


def components(
    margin: int | None, fit: Fit, share: float | None, preference: float
) -> dict[str, float | None]:
    return {
        "competitiveness": competitiveness(margin),
        "informatics_fit": fit.score / 100,
        "img_friendliness": img_friendliness(share),
        "preference": preference,
    }


def place(
    group_preference: float,
    states: set[str],
    settings: set[str],
    state: object,
    setting: object,
    weight: float,
) -> tuple[float, float]:
    """(preference, its weighted term) for a program: the mean of your order of specialties
    (1, 0.8, 0.6 ...) and, if you listed them, a state match and a setting match."""
    preference, parts = group_preference, 1
    if states:
        preference += 1.0 if state in states else 0.0
        parts += 1
    if settings:
        preference += 1.0 if setting in settings else 0.0
        parts += 1
    preference /= parts
    return preference, weight * preference if preference else 0.0


def few_imgs(img_share: float | None) -> bool:
    """Whether a program's IMG share moves its tier one step towards reach (unknown: no)."""
    return img_share is not None and img_share < FEW_IMGS


def tier_of(
    status: str, margin: int | None, img_share: float | None, unknown_visa: bool = False
) -> str:
    if status == "exception":
        return "reach"
    if margin is None:
        return UNKNOWN_TIER
    if TARGET_MARGIN <= margin < SAFETY_MARGIN:
        tier = "target"
    elif margin >= SAFETY_MARGIN:
        tier = "safety"
    else:
        return "reach"
    downs = few_imgs(img_share) + unknown_visa
    return TIERS[min(len(TIERS) - 1, TIERS.index(tier) + downs)]


def tier(status: str, margin: int | None, p: Program) -> tuple[str, str]:
    """(tier, the reason in words). Ranking a long list needs only the tier: see `tier_of`."""
    unknown_visa = status == "verify"  # the status a program gets for an unknown visa policy
    name = tier_of(status, margin, p.img_share, unknown_visa)
    if status == "exception":
        return name, "kept by the guide's informatics exception"
    if margin is None:
        why = (
            "figures unknown: no Step 2 CK minimum or preference to measure against, so no "
            "tier is guessed (verify on the program's site, or fill it: programs merge)"
        )
        if unknown_visa:
            why += "; its visa policy is unknown too and you need a visa"
        return name, why
    if margin >= SAFETY_MARGIN:
        why = f"margin +{margin} is at least +{SAFETY_MARGIN}"
    elif margin >= TARGET_MARGIN:
        why = f"margin {margin:+d} is between {TARGET_MARGIN} and +{SAFETY_MARGIN - 1}"
    else:
        why = f"margin {margin:+d} is under {TARGET_MARGIN}"
    if few_imgs(p.img_share):
        why += f"; few IMGs ({p.img_share:.0%} < {FEW_IMGS:.0%}) moves it one tier down"
    if unknown_visa:
        why += "; its visa policy is unknown (verify) and you need a visa: one tier down"
    return name, why


_FIT_FINDINGS: dict[int, tuple[Fit, Finding]] = {}


def fit_finding(fit: Fit) -> Finding:
    """The informatics-fit finding of a fit: fits are shared (a few hundred per dataset), so
    each finding, its sentence and its JSON are built once. Keyed by the fit's id while
    holding the fit itself, so an id is never reused for another object."""
    found = _FIT_FINDINGS.get(id(fit))
    if found is None or found[0] is not fit:
        found = _FIT_FINDINGS[id(fit)] = (
            fit,
            Finding(INFORMATICS_FIT, "info", fit.describe, FIT_SOURCE),
        )
    return found[1]

"""A program's informatics fit, 0–100, from the features the guide names (FACTS.md §1).

Points are imgplan's weighting of the guide's list (it names the features, not weights).
An unknown feature adds nothing and is listed so the applicant can verify it.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter

from ..models import vocab
from ..models.programs import Program, ProgramInformatics

#: feature -> (points, label)
FIT_POINTS: dict[str, tuple[int, str]] = {
    "ci_fellowship_in_house": (35, "in-house CI fellowship"),
    "ci_fellowship_affiliated": (20, "affiliated CI fellowship"),
    "informatics_faculty": (20, "CMIO / informatics faculty"),
    "informatics_track": (20, "informatics track or curriculum"),
    "ehr_projects": (15, "residents in EHR/order-set/CDS projects"),
    "analytics_team": (10, "data analytics team"),
}


@dataclass(frozen=True)
class Fit:
    score: int
    present: list[tuple[str, int]]  # (label, points)
    unknown: list[str]

    def describe(self) -> str:
        have = ", ".join(f"{label} +{pts}" for label, pts in self.present) or "no listed features"
        text = f"Informatics fit {self.score}/100: {have}."
        if self.unknown:
            text += f" Unknown, verify: {', '.join(self.unknown)}."
        return text


#: What a fit depends on: five values, so a dataset of any size has at most a few hundred
#: distinct fits; each is computed once (a Fit is frozen and shared).
_FIT_KEY = attrgetter(
    "ci_fellowship", "informatics_faculty", "informatics_track", "ehr_projects", "analytics_team"
)
_FITS: dict[tuple[object, ...], Fit] = {}


def informatics_fit(p: Program) -> Fit:
    key = _FIT_KEY(p.informatics)
    found = _FITS.get(key)
    if found is None:
        found = _FITS[key] = _fit(p.informatics)
    return found


def _fit(info: ProgramInformatics) -> Fit:
    present: list[tuple[str, int]] = []
    unknown: list[str] = []
    if info.ci_fellowship is None:
        unknown.append("CI fellowship")
    elif info.ci_fellowship == vocab.CiFellowship.in_house:
        present.append(FIT_POINTS["ci_fellowship_in_house"][::-1])
    elif info.ci_fellowship == vocab.CiFellowship.affiliated:
        present.append(FIT_POINTS["ci_fellowship_affiliated"][::-1])
    for name in ("informatics_faculty", "informatics_track", "ehr_projects", "analytics_team"):
        value = getattr(info, name)
        points, label = FIT_POINTS[name]
        if value is None:
            unknown.append(label)
        elif value:
            present.append((label, points))
    return Fit(min(100, sum(p for _, p in present)), present, unknown)

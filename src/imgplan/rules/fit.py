"""A program's informatics fit, 0–100, from the features the guide names (FACTS.md §1).

Points are imgplan's weighting of the guide's list (it names the features, not weights).
An unknown feature adds nothing and is listed so the applicant can verify it.
"""

from __future__ import annotations

from operator import attrgetter

from msgspec import Struct

from ..models import vocab
from ..models.fellowships import Link, conflict
from ..models.programs import Program, ProgramInformatics

#: feature -> (points, label)
FIT_POINTS: dict[str, tuple[int, str]] = {
    "ci_fellowship_in_house": (35, "in-house CI fellowship"),
    "ci_fellowship_affiliated": (20, "affiliated CI fellowship"),
    "informatics_faculty": (20, "CMIO / informatics faculty"),
    "informatics_track": (20, "informatics track or curriculum"),
    "ehr_projects": (15, "residents in EHR/order-set/CDS projects"),
    "analytics_team": (10, "data analytics team"),
    # From the fellowship directory, when the dataset does not say (imgplan's convention):
    "directory_in_house": (35, "in-house CI fellowship"),
    "directory_same_city": (10, "a CI fellowship in the same city"),
    "directory_nearby": (5, "a CI fellowship nearby"),
    "directory_far": (0, "the nearest CI fellowship"),
}


class Fit(Struct, frozen=True):
    score: int
    present: list[tuple[str, int]]  # (label, points)
    unknown: list[str]
    conflict: str | None = None  # the dataset and the fellowship directory disagree

    def describe(self) -> str:
        have = ", ".join(f"{label} +{pts}" for label, pts in self.present) or "no listed features"
        text = f"Informatics fit {self.score}/100: {have}."
        if self.unknown:
            text += f" Unknown, verify: {', '.join(self.unknown)}."
        if self.conflict:
            text += f" {self.conflict}"
        return text


#: What a fit depends on: five values, so a dataset of any size has at most a few hundred
#: distinct fits; each is computed once (a Fit is frozen and shared).
_FIT_KEY = attrgetter(
    "ci_fellowship", "informatics_faculty", "informatics_track", "ehr_projects", "analytics_team"
)
_FITS: dict[tuple[object, ...], Fit] = {}


def informatics_fit(p: Program) -> Fit:
    key = (*_FIT_KEY(p.informatics), p.link)
    found = _FITS.get(key)
    if found is None:
        found = _FITS[key] = _fit(p.informatics, p.link)
    return found


def _directory(
    info: ProgramInformatics, link: Link | None
) -> tuple[tuple[str, int] | None, str | None]:
    """(points from the directory's link, a conflict note): used only when the dataset says
    nothing about a CI fellowship; a dataset value always wins."""
    if link is None:
        return None, None
    where = f"{link.fellowship_name}; directory, {link.confidence}: verify"
    if info.ci_fellowship is not None:
        return None, conflict(info.ci_fellowship, link)
    points, label = FIT_POINTS[f"directory_{link.kind}"]
    if link.kind in ("nearby", "far"):
        label = f"a CI fellowship {link.miles:.0f} miles away"
    return (f"{label} ({where})", points), None


def _fit(info: ProgramInformatics, link: Link | None = None) -> Fit:
    present: list[tuple[str, int]] = []
    unknown: list[str] = []
    linked, conflict = _directory(info, link)
    if linked is not None:
        present.append(linked)
    if info.ci_fellowship is None and (link is None or link.kind != "in_house"):
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
    return Fit(min(100, sum(p for _, p in present)), present, unknown, conflict)

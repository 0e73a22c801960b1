"""The applicant's informatics strength on the guide's four core elements (FACTS.md §1).

One implementation, used by ``recommend`` (the exception rule, the score) and by ``assess``.
Every element is a sum of non-negative points with a cap, so adding evidence never lowers a
sub-score, and the strength is the mean of the four sub-scores. The points are imgplan's
convention (the guide names the elements, not weights) and are printed with the evidence.
"""

from __future__ import annotations

import datetime as dt

from msgspec import Struct, field

from ..models.profile import Profile

ANALYTICS_SKILLS = {
    "python",
    "r",
    "sql",
    "sas",
    "stata",
    "tableau",
    "power bi",
    "powerbi",
    "excel vba",
    # The guide's FAQ counts spreadsheets and simple databases as analytics skills.
    "excel",
    "microsoft excel",
    "spreadsheets",
    "access",
    "ms access",
    "microsoft access",
    "database",
    "databases",
    "sqlite",
    "mysql",
    "postgresql",
    "redcap",
}
LANGUAGES = {"python", "r", "sql", "sas", "stata"}  # analytics languages (the guide: Python/R/SQL)
EHR_SKILLS = {"epic", "cerner", "oracle health", "meditech", "athenahealth", "allscripts"}
INFORMATICS_VENUES = ("amia", "himss", "medinfo", "digital health", "informatics", "quality", "ihi")

ELEMENTS = ("training", "projects", "scholarship", "networking")
ELEMENT_TITLES = {
    "training": "Health-IT training and certificates",
    "projects": "Informatics projects with measurable outcomes",
    "scholarship": "Research and scholarship",
    "networking": "Networking and mentoring",
}


class Action(Struct, frozen=True):
    element: str
    gain: int  # points the strength would gain (sub-score gain / 4, rounded)
    text: str
    fellowship: bool = False  # what CI fellowships weigh most (the guide): first in residency


class Element(Struct):
    name: str
    score: int = 0
    evidence: list[str] = field(default_factory=list)
    missing: list[tuple[int, str]] = field(default_factory=list)  # (sub-score points, action)
    for_fellowship: set[str] = field(default_factory=set)  # actions fellowships weigh most

    def add(self, points: int, evidence: str) -> None:
        self.score = min(100, self.score + points)
        self.evidence.append(f"{evidence} (+{points})")


class Strength(Struct):
    elements: dict[str, Element]
    resident: bool = False  # in residency or matched: fellowship actions come first
    # The interview season: the elements an applicant talks about come first (assess).
    season_first: tuple[str, ...] = ()

    @property
    def score(self) -> int:
        return round(sum(e.score for e in self.elements.values()) / len(self.elements))

    def actions(self) -> list[Action]:
        """Next concrete actions, most valuable first (then by element order)."""
        out = []
        for name in ELEMENTS:
            element = self.elements[name]
            for points, text in element.missing:
                gain = min(points, 100 - element.score)
                if gain > 0:
                    key = text in element.for_fellowship
                    out.append(Action(name, max(1, round(gain / len(ELEMENTS))), text, key))
        order = {name: i for i, name in enumerate(ELEMENTS)}
        first = self.resident
        season = self.season_first
        return sorted(
            out,
            key=lambda a: (
                bool(season) and a.element not in season,
                first and not a.fellowship,
                -a.gain,
                order[a.element],
            ),
        )


def _norm(text: str) -> str:
    return text.strip().lower()


def _training(profile: Profile) -> Element:
    info = profile.informatics
    e = Element("training")
    for cert in info.certificates[:2]:
        e.add(25, f"certificate: {cert.name}")
    skills = {_norm(s) for s in info.skills}
    analytics = sorted(skills & ANALYTICS_SKILLS)
    for skill in analytics[:2]:
        e.add(15, f"analytics skill: {skill}")
    ehr = sorted(skills & EHR_SKILLS) or [
        c.name for c in info.certificates if any(v in _norm(c.name) for v in EHR_SKILLS)
    ]
    if ehr:
        e.add(20, f"EHR training: {ehr[0]}")
    if not info.certificates:
        e.missing.append(
            (
                25,
                "Complete a health-IT certificate (AMIA 10x10, or a Coursera/edX "
                "health-informatics course) and list it under certificates",
            )
        )
    if not skills & LANGUAGES:
        e.missing.append(
            (
                15,
                "Learn an analytics language (SQL, Python or R) to the level of a "
                "small project and list it under skills",
            )
        )
    if not ehr:
        e.missing.append((20, "Take an EHR vendor module (Epic or Cerner training) and list it"))
    elif len(info.certificates) < 2:
        e.missing.append((25, "Add a second health-IT certificate"))
    return e


def _projects(profile: Profile) -> Element:
    projects = profile.informatics.projects
    e = Element("projects")
    for project in projects[:3]:
        e.add(20, f"project: {project.title} ({project.kind})")
    measured = [p for p in projects if p.outcome]
    for project in measured[:2]:
        e.add(15, f"measurable outcome: {project.outcome}")
    if any(p.lead for p in projects):
        e.add(10, "led a project")
    if not projects:
        e.missing.append(
            (
                20,
                "Start an informatics project (QI, EHR optimization, decision "
                "support, a dashboard or a database) with a measurable goal",
            )
        )
    if projects and not measured:
        e.missing.append(
            (
                15,
                f"Measure an outcome of '{projects[0].title}' (a before/after "
                "figure such as time to antibiotics) and record it as outcome",
            )
        )
    if not any(p.lead for p in projects):
        e.missing.append((10, "Lead a small project rather than only assisting"))
    return e


def _is_informatics(venue: str | None, flagged: bool) -> bool:
    return flagged or (venue is not None and any(v in _norm(venue) for v in INFORMATICS_VENUES))


def _scholarship(profile: Profile) -> Element:
    items = profile.informatics.scholarship
    e = Element("scholarship")
    for item in items[:3]:
        e.add(20, f"{item.kind}: {item.title}")
    informatics = [s for s in items if _is_informatics(s.venue, s.informatics)]
    if informatics:
        e.add(25, f"informatics venue: {informatics[0].venue or informatics[0].title}")
    if any(s.kind == "publication" for s in items):
        e.add(15, "a publication")
    if not informatics:
        e.missing.append(
            (
                25,
                "Submit a poster or abstract to an informatics, digital-health or "
                "quality conference (AMIA, HIMSS, IHI)",
            )
        )
    if not items:
        e.missing.append((20, "Write up a case report or a QI audit with a data component"))
    if not any(s.kind == "publication" for s in items):
        e.missing.append((15, "Turn a project or audit into a publication"))
    return e


def _networking(profile: Profile) -> Element:
    info = profile.informatics
    e = Element("networking")
    memberships = [_norm(m) for m in info.memberships]
    if "amia" in memberships:
        e.add(35, "AMIA membership")
    for other in [m for m in info.memberships if _norm(m) != "amia"][:2]:
        e.add(10, f"membership: {other}")
    for mentor in info.mentors[:2]:
        e.add(15, f"mentor: {mentor.name}")
    us_ci = [m for m in info.mentors if m.us_based and m.informatics]
    if us_ci:
        e.add(25, f"US-based informatics mentor: {us_ci[0].name}")
    letters = [m for m in info.mentors if m.letter and m.informatics]
    for mentor in letters[:2]:
        e.add(10, f"letter from informatics leader: {mentor.name}")
    if len(letters) < 2:
        letter = (
            "Ask informatics leaders you work with (CMIO, CI faculty) for letters: CI "
            "fellowships weigh them heavily (aim for 2)"
        )
        e.missing.append((10 * (2 - len(letters)), letter))
        e.for_fellowship.add(letter)
    if "amia" not in memberships:
        join = (
            "Join AMIA (student/trainee rate); the CI fellowship match also "
            "requires AMIA membership"
        )
        e.missing.append((35, join))
        e.for_fellowship.add(join)
    if not us_ci:
        e.missing.append(
            (
                25,
                "Find a US-based clinical-informatics mentor (AMIA working "
                "groups, LinkedIn, program directors)",
            )
        )
    if not info.mentors:
        e.missing.append((15, "Ask a faculty member you work with to mentor you"))
    return e


def strength(profile: Profile) -> Strength:
    parts = (_training, _projects, _scholarship, _networking)
    elements = {e.name: e for e in (part(profile) for part in parts)}
    return Strength(elements, resident=profile.residency is not None)


class ReadinessItem(Struct, frozen=True):
    pgy: int
    item: str
    met: bool
    evidence: str


def current_pgy(profile: Profile, today: dt.date) -> int | None:
    """The residency year (1-based) today, or None before residency / without one."""
    if profile.residency is None or profile.residency.start > today:
        return None
    start = profile.residency.start
    years = today.year - start.year - ((today.month, today.day) < (start.month, start.day))
    return years + 1


def fellowship_readiness(profile: Profile) -> list[ReadinessItem]:
    """The guide's residency milestones towards the CI fellowship application, per PGY year."""
    info = profile.informatics
    led = [p for p in info.projects if p.lead]
    measured = [p for p in led if p.outcome]
    shown = [
        s
        for s in info.scholarship
        if s.kind in ("poster", "presentation", "publication", "abstract")
    ]
    shown_ci = [s for s in shown if _is_informatics(s.venue, s.informatics)]
    letters = [m for m in info.mentors if m.letter and m.informatics]
    amia = any(_norm(m) == "amia" for m in info.memberships)

    def names(items: list, attr: str) -> str:
        return ", ".join(str(getattr(i, attr)) for i in items) or "none yet"

    return [
        ReadinessItem(
            1,
            "Take part in an informatics project or committee (observe and assist)",
            bool(info.projects),
            names(info.projects, "title"),
        ),
        ReadinessItem(
            1,
            "Join AMIA (the AMIA fellowship match requires membership)",
            amia,
            "AMIA member" if amia else "not a member",
        ),
        ReadinessItem(2, "Lead a small QI or EHR project", bool(led), names(led, "title")),
        ReadinessItem(2, "Measure its outcome", bool(measured), names(measured, "outcome")),
        ReadinessItem(
            3,
            "Present or publish, ideally at an informatics venue",
            bool(shown_ci),
            names(shown_ci or shown, "title"),
        ),
        ReadinessItem(
            3,
            "Letters from informatics leaders (CMIO, CI faculty): aim for 2+",
            len(letters) >= 2,
            names(letters, "name"),
        ),
    ]

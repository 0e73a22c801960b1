"""An applicant's profile as the core sees it (validated from format 1 by
`imgplan.formats.profile`; the fields are the same, in the same order)."""

from __future__ import annotations

import datetime as dt

from msgspec import field

from . import vocab
from .record import Record


class Step1(Record):
    result: str | int
    attempts: int | None = None


class Step2CK(Record):
    score: int | None = None
    attempts: int | None = None
    date: dt.date | None = None
    planned: dt.date | None = None
    target: int | None = None

    @property
    def taken(self) -> bool:
        return self.score is not None

    @property
    def retake(self) -> bool:
        """A score (a failed one: the loader refuses a retake of a pass) and a planned retake."""
        return self.score is not None and self.planned is not None

    @property
    def effective(self) -> int | None:
        """The score the rules use: the planned retake's target, else the real score, else
        the planned target."""
        if self.retake and self.target is not None:
            return self.target
        return self.score if self.score is not None else self.target


class Step3(Record):
    result: str | int = "none"
    attempts: int | None = None
    date: dt.date | None = None
    planned: dt.date | None = None


class Usmle(Record):
    step1: Step1 | None = None
    step2ck: Step2CK | None = None
    step3: Step3 = field(default_factory=Step3)


class Usce(Record):
    kind: vocab.UsceKind
    months: float
    specialty: vocab.Specialty | None = None
    us_letter: bool = False


class ChosenSignal(Record):
    program: str
    tier: vocab.SignalTier | None = None


class Targets(Record):
    specialties: list[vocab.Specialty]
    match_year: int
    states: list[str] = field(default_factory=list)
    settings: list[vocab.Setting] = field(default_factory=list)
    signals: list[ChosenSignal] = field(default_factory=list)


class Certificate(Record):
    name: str
    year: int | None = None


class Project(Record):
    title: str
    kind: vocab.ProjectKind
    outcome: str | None = None
    lead: bool = False


class Scholarship(Record):
    kind: vocab.ScholarshipKind
    title: str
    venue: str | None = None
    informatics: bool = False


class Mentor(Record):
    name: str
    us_based: bool = False
    informatics: bool = False
    letter: bool = False


class Informatics(Record):
    certificates: list[Certificate] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    scholarship: list[Scholarship] = field(default_factory=list)
    mentors: list[Mentor] = field(default_factory=list)
    memberships: list[str] = field(default_factory=list)


class Step3Readiness(Record):
    study_weeks: int | None = None
    practice_percent: float | None = None
    confident: bool | None = None


class Residency(Record):
    specialty: vocab.Specialty
    start: dt.date
    program: str | None = None
    city: str | None = None  # for distances to CI fellowships
    state: str | None = None


class Fellowship(Record):
    start: dt.date
    program: str | None = None
    end: dt.date | None = None


class HardStops(Record):
    visa: bool = True
    states: list[str] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    below: dict[str, int] = field(default_factory=dict)


class Ranking(Record):
    weights: dict[str, float] = field(default_factory=dict)
    gut: float = 1.0
    hard_stops: HardStops = field(default_factory=HardStops)
    odds: dict[str, float] = field(default_factory=dict)


class Profile(Record):
    format: int
    name: str | None
    graduation_year: int
    ecfmg_certified: bool | dt.date
    visa: vocab.Visa
    usmle: Usmle
    usce: list[Usce]
    targets: Targets
    informatics: Informatics = field(default_factory=Informatics)
    step3_readiness: Step3Readiness | None = None
    residency: Residency | None = None
    fellowship: Fellowship | None = None
    ranking: Ranking | None = None
    citizenship: str | None = None  # ISO 3166 alpha-2 (None: not given)
    location: vocab.Location | None = None
    us_status: vocab.UsStatus | None = None

    # Convenience views used by the rules -------------------------------------------------

    @property
    def certified(self) -> bool:
        return self.ecfmg_certified is not False

    @property
    def step2(self) -> int | None:
        return self.usmle.step2ck.effective if self.usmle.step2ck else None

    @property
    def step2_planned(self) -> bool:
        """The rules use a planned target, not a real score (a first attempt or a retake)."""
        step2ck = self.usmle.step2ck
        return step2ck is not None and (not step2ck.taken or step2ck.retake)

    @property
    def step3_passed(self) -> bool:
        """Step 3 recorded as "pass". A numeric score is judged by the pass mark of its test
        date (`rules.passing.step3_passed`), which this record does not know."""
        return self.usmle.step3.result == "pass"

    @property
    def clinical_usce_months(self) -> float:
        """Months of clinical USCE (hands-on, externship, observership; research excluded)."""
        return sum(u.months for u in self.usce if u.kind != vocab.UsceKind.research)

    @property
    def hands_on_usce_months(self) -> float:
        """Months of hands-on USCE (hands-on, externship): what programs count as USCE;
        observerships (no patient care) often are not (FACTS §7)."""
        return sum(u.months for u in self.usce if u.kind in vocab.HANDS_ON)

    @property
    def observership_months(self) -> float:
        return sum(u.months for u in self.usce if u.kind == vocab.UsceKind.observership)

    @property
    def max_attempts(self) -> int | None:
        """The most attempts at any Step so far (a failed Step counts); None when a taken
        Step's count is not given and no given count is over 1 (unknown, not 1)."""
        usmle = self.usmle
        counts = [1]
        unknown = False
        for step, taken in (
            (usmle.step1, usmle.step1 is not None),
            (usmle.step2ck, usmle.step2ck is not None and usmle.step2ck.taken),
        ):
            if taken and step is not None:
                if step.attempts is None:
                    unknown = True
                else:
                    counts.append(step.attempts)
        if usmle.step3.attempts:
            counts.append(usmle.step3.attempts)
        most = max(counts)
        return None if unknown and most == 1 else most

    @property
    def unknown_attempts(self) -> list[str]:
        """The taken Steps whose attempt count the profile does not give."""
        out = []
        if self.usmle.step1 is not None and self.usmle.step1.attempts is None:
            out.append("Step 1")
        step2ck = self.usmle.step2ck
        if step2ck is not None and step2ck.taken and step2ck.attempts is None:
            out.append("Step 2 CK")
        return out

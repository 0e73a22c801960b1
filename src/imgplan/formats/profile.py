"""Applicant profile, format 1 (SPEC.md "Profile format 1"): validation only.

Validated profiles become `imgplan.models.profile` records (see `formats.to_record`); the
core never sees these classes.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from ..models import values, vocab
from ..models.values import passing
from .types import (
    Attempts,
    Bool,
    Date,
    Months,
    Percent,
    Probability,
    Rating,
    Score,
    SpecialtyName,
    StateCode,
    Strict,
    StudyWeeks,
    Text,
    VisaName,
    Weight,
    Year,
    _bool,
    _date,
    enum_of,
)


def _format(value: Any) -> int:
    if value != 1 or isinstance(value, bool):
        raise ValueError(f"format {value!r} is not supported; expected format: 1")
    return 1


FormatOne = Annotated[int, BeforeValidator(_format)]


def _step_result(allowed: tuple[str, ...]) -> Any:
    def check(value: Any) -> str | int:
        if isinstance(value, str) and value.strip().isdigit():  # a quoted score stays text here
            raise ValueError(
                f"{value!r} is not a result; expected {', '.join(allowed)} or a numeric score"
            )
        return values.step_result(value, allowed)

    return BeforeValidator(check)


def _ecfmg(value: Any) -> bool | dt.date:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {
        "true",
        "false",
        "yes",
        "no",
        "on",
        "off",
    }:
        return _bool(value)
    try:
        return _date(value)
    except ValueError:
        raise ValueError(
            f"{value!r} is not true, false or a date; expected false, true or the date certified"
        ) from None


class Step1(Strict):
    result: Annotated[str | int, _step_result(values.STEP1_RESULTS)]
    attempts: Attempts | None = None  # unknown until given: never read as 1


class Step2CK(Strict):
    score: Score | None = None
    attempts: Attempts | None = None  # unknown until given: never read as 1
    date: Date | None = None
    planned: Date | None = None
    target: Score | None = None

    @model_validator(mode="after")
    def _taken_or_planned(self, info: ValidationInfo) -> Step2CK:
        """A score once taken; planned/target before the exam; both only for a failed score
        with a planned retake (a passed Step cannot be retaken: USMLE)."""
        if self.score is None and self.planned is None:
            raise ValueError(
                "neither a score nor a planned date; expected {score: N} once taken, "
                "or {planned: YYYY-MM-DD, target: N}"
            )
        if self.score is not None and (self.planned is not None or self.target is not None):
            marks = (info.context or {}).get("step2ck_marks")
            verdict = passing(self.score, self.date, marks) if marks else "fail"
            if verdict == "pass":
                raise ValueError(
                    f"a retake is planned but Step 2 CK {self.score} is a pass, and USMLE does not "
                    "allow retaking a passed Step; expected the score alone (with attempts and "
                    "date), or planned/target only after a failed score"
                )
            if self.planned is None:
                raise ValueError(
                    "a target with a score but no planned retake date; expected planned: "
                    "YYYY-MM-DD for the retake (after a failed score), or no target"
                )
        return self


class Step3(Strict):
    result: Annotated[str | int, _step_result(values.STEP3_RESULTS)] = "none"
    attempts: Attempts | None = None
    date: Date | None = None  # the test date: a numeric score is judged by its date's pass mark
    planned: Date | None = None


class Usmle(Strict):
    step1: Step1 | None = None
    step2ck: Step2CK | None = None
    step3: Step3 = Field(default_factory=Step3)


class Usce(Strict):
    kind: enum_of(vocab.UsceKind, "USCE kind")  # type: ignore[valid-type]
    months: Months
    specialty: SpecialtyName | None = None
    us_letter: Bool = False


class ChosenSignal(Strict):
    program: Text
    tier: enum_of(vocab.SignalTier, "signal tier") | None = None  # type: ignore[valid-type]


class Targets(Strict):
    specialties: list[SpecialtyName] = Field(min_length=1)
    match_year: Year
    states: list[StateCode] = Field(default_factory=list)
    settings: list[enum_of(vocab.Setting, "setting")] = Field(  # type: ignore[valid-type]
        default_factory=list
    )
    signals: list[ChosenSignal] = Field(default_factory=list, max_length=100)


class Certificate(Strict):
    name: Text
    year: Year | None = None


class Project(Strict):
    title: Text
    kind: enum_of(vocab.ProjectKind, "project kind")  # type: ignore[valid-type]
    outcome: Text | None = None
    lead: Bool = False


class Scholarship(Strict):
    kind: enum_of(vocab.ScholarshipKind, "scholarship kind")  # type: ignore[valid-type]
    title: Text
    venue: Text | None = None
    informatics: Bool = False


class Mentor(Strict):
    name: Text
    us_based: Bool = False
    informatics: Bool = False
    letter: Bool = False


class Informatics(Strict):
    certificates: list[Certificate] = Field(default_factory=list)
    skills: list[Text] = Field(default_factory=list)
    projects: list[Project] = Field(default_factory=list)
    scholarship: list[Scholarship] = Field(default_factory=list)
    mentors: list[Mentor] = Field(default_factory=list)
    memberships: list[Text] = Field(default_factory=list)


class Step3Readiness(Strict):
    study_weeks: StudyWeeks | None = None
    practice_percent: Percent | None = None
    confident: Bool | None = None


class Fellowship(Strict):
    """The CI fellowship, once matched: without it a residency graduate is not a fellow."""

    start: Date
    program: Text | None = None
    end: Date | None = None  # default: two years after the start (ACGME CI fellowships)


def _criterion(value: Any) -> str:
    """A rating criterion's name, as `track rate` writes it: informatics, location, fit ..."""
    if not isinstance(value, str) or not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", value):
        raise ValueError(
            f"{value!r:.40} is not a criterion name; expected lower-case letters, digits and _ "
            "(e.g. informatics, location, visa, fit), as you rate with imgplan track rate"
        )
    return value


Criterion = Annotated[str, BeforeValidator(_criterion)]


class HardStops(Strict):
    """What takes a program off the draft rank list, with the reason said."""

    visa: Bool = True  # a known visa policy that rules you out
    states: list[StateCode] = Field(default_factory=list)  # places you will not go
    programs: list[Text] = Field(default_factory=list, max_length=300)  # program ids
    below: dict[Criterion, Rating] = Field(default_factory=dict)  # a rating under this drops it


class Ranking(Strict):
    """How `imgplan rank` drafts your list from your tracker ratings (docs/season.md: Your rank list)."""

    weights: dict[Criterion, Weight] = Field(default_factory=dict, max_length=40)
    gut: Weight = 1.0  # the weight of your gut score (track rate --gut)
    hard_stops: HardStops = Field(default_factory=HardStops)
    odds: dict[Text, Probability] = Field(default_factory=dict, max_length=300)  # your own p


#: Names the sources and applicants use that ISO does not (ISO names are accepted too).
COUNTRY_ALIASES = {
    "burma": "MM",
    "ivory coast": "CI",
    "cote d'ivoire": "CI",
    "the gambia": "GM",
    "gambia": "GM",
    "laos": "LA",
    "iran": "IR",
    "syria": "SY",
    "russia": "RU",
    "south korea": "KR",
    "korea": "KR",
    "north korea": "KP",
    "vietnam": "VN",
    "tanzania": "TZ",
    "venezuela": "VE",
    "bolivia": "BO",
    "moldova": "MD",
    "palestine": "PS",
    "republic of the congo": "CG",
    "congo-brazzaville": "CG",
    "democratic republic of the congo": "CD",
    "drc": "CD",
    "congo-kinshasa": "CD",
    "usa": "US",
    "united states of america": "US",
    "uk": "GB",
    "great britain": "GB",
    "turkey": "TR",
    "czech republic": "CZ",
    "taiwan": "TW",
    "micronesia": "FM",
    "cape verde": "CV",
    "swaziland": "SZ",
    "macedonia": "MK",
}


def _citizenship(value: Any) -> str:
    """A country by its name (ISO or common), or its ISO alpha-2 or alpha-3 code -> alpha-2."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(
            f"{value!r:.40} is not a country; expected its name or ISO code, e.g. Nigeria or NG"
        )
    # lazy: the ISO country list (pycountry, maintained) is read only when a profile is validated
    import difflib
    import unicodedata

    import pycountry

    text = value.strip().replace("’", "'")
    folded = "".join(
        c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c)
    )
    if folded in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[folded]
    try:
        return str(pycountry.countries.lookup(text).alpha_2)
    except LookupError:
        pass
    names = [c.name for c in pycountry.countries] + [n.title() for n in COUNTRY_ALIASES]
    close = difflib.get_close_matches(text, names, n=1, cutoff=0.7)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise ValueError(
        f"'{text[:40]}' is not a country imgplan knows{hint}; expected its name or ISO code (e.g. Nigeria, NG, NGA)"
    )


class Residency(Strict):
    specialty: SpecialtyName
    start: Date
    program: Text | None = None
    city: Text | None = None  # for distances to CI fellowships
    state: StateCode | None = None


class Profile(Strict):
    format: FormatOne
    name: Text | None = None
    graduation_year: Year
    ecfmg_certified: Annotated[bool | dt.date, BeforeValidator(_ecfmg)] = False
    visa: VisaName
    usmle: Usmle
    usce: list[Usce] = Field(default_factory=list)
    targets: Targets
    informatics: Informatics = Field(default_factory=Informatics)
    step3_readiness: Step3Readiness | None = None
    residency: Residency | None = None
    fellowship: Fellowship | None = None
    ranking: Ranking | None = None
    citizenship: Annotated[str, BeforeValidator(_citizenship)] | None = None  # ISO alpha-2
    location: enum_of(vocab.Location, "location") | None = None  # type: ignore[valid-type]
    us_status: enum_of(vocab.UsStatus, "US status") | None = None  # type: ignore[valid-type]

    @field_validator("us_status")
    @classmethod
    def _status_fits(
        cls, status: vocab.UsStatus | None, info: ValidationInfo
    ) -> vocab.UsStatus | None:
        """A citizen or permanent resident needs no visa to train; a US citizen has US status."""
        visa = info.data.get("visa")
        if status in (vocab.UsStatus.citizen, vocab.UsStatus.green_card) and visa not in (
            None,
            vocab.Visa.none,
        ):
            word = "a US citizen" if status == vocab.UsStatus.citizen else "a green-card holder"
            raise ValueError(
                f"{status} says you are {word}, who needs no visa to train, but visa says "
                f"{visa}; expected visa: none (or the status you really hold)"
            )
        if info.data.get("citizenship") == "US" and status not in (None, vocab.UsStatus.citizen):
            raise ValueError(
                f"citizenship is the United States but us_status is {status}; expected "
                "us_status: citizen"
            )
        return status

    @field_validator("citizenship")
    @classmethod
    def _citizen_needs_no_visa(cls, code: str | None, info: ValidationInfo) -> str | None:
        visa = info.data.get("visa")
        if code == "US" and visa not in (None, vocab.Visa.none):
            raise ValueError(
                f"a US citizen needs no visa to train, but visa says {visa}; expected visa: "
                "none, or your other citizenship"
            )
        return code

    @field_validator("graduation_year")
    @classmethod
    def _not_in_future(cls, year: int, info: ValidationInfo) -> int:
        today = (info.context or {}).get("today")
        if today is not None and year > today.year:
            raise ValueError(
                f"{year} is in the future; expected the year you graduated (at most {today.year})"
            )
        return year

    @field_validator("usmle")
    @classmethod
    def _certified_needs_passes(cls, usmle: Usmle, info: ValidationInfo) -> Usmle:
        """ECFMG certification needs Step 1 passed: a certified profile whose Step 1 is a
        fail (never passed) contradicts itself."""
        certified = info.data.get("ecfmg_certified", False) is not False
        if certified and usmle.step1 is not None and usmle.step1.result == "fail":
            raise ValueError(
                "step1 is a fail (never passed) but ecfmg_certified says certified, which needs "
                "Step 1 passed; expected step1: {result: pass, attempts: N} if a later attempt "
                "passed, or ecfmg_certified: false"
            )
        return usmle

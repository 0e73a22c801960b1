"""Closed vocabularies and the spellings people actually type for them.

Every normaliser returns the canonical value or raises ``ValueError`` with a message of the
form "what is wrong; what is expected" that the loader shows, located, to the user.
"""

from __future__ import annotations

import functools
import re
from enum import StrEnum


class Specialty(StrEnum):
    internal_medicine = "internal_medicine"
    family_medicine = "family_medicine"
    pediatrics = "pediatrics"
    pathology = "pathology"
    emergency_medicine = "emergency_medicine"
    neurology = "neurology"
    psychiatry = "psychiatry"
    anesthesiology = "anesthesiology"
    diagnostic_radiology = "diagnostic_radiology"


#: The guide's feeder specialties into Clinical Informatics (FACTS.md §1).
FEEDER_SPECIALTIES = (
    Specialty.internal_medicine,
    Specialty.family_medicine,
    Specialty.pediatrics,
    Specialty.pathology,
    Specialty.emergency_medicine,
)

SPECIALTY_LABELS = {
    Specialty.internal_medicine: "Internal Medicine",
    Specialty.family_medicine: "Family Medicine",
    Specialty.pediatrics: "Pediatrics",
    Specialty.pathology: "Pathology",
    Specialty.emergency_medicine: "Emergency Medicine",
    Specialty.neurology: "Neurology",
    Specialty.psychiatry: "Psychiatry",
    Specialty.anesthesiology: "Anesthesiology",
    Specialty.diagnostic_radiology: "Diagnostic Radiology",
}

SPECIALTY_SHORT = {
    Specialty.internal_medicine: "IM",
    Specialty.family_medicine: "FM",
    Specialty.pediatrics: "Peds",
    Specialty.pathology: "Path",
    Specialty.emergency_medicine: "EM",
    Specialty.neurology: "Neuro",
    Specialty.psychiatry: "Psych",
    Specialty.anesthesiology: "Anes",
    Specialty.diagnostic_radiology: "DR",
}

#: Prefix of generated program ids (``im-riverside-...``).
SPECIALTY_SLUG = {
    "internal_medicine": "im",
    "family_medicine": "fm",
    "pediatrics": "peds",
    "pathology": "path",
    "emergency_medicine": "em",
    "neurology": "neuro",
    "psychiatry": "psych",
    "anesthesiology": "anes",
    "diagnostic_radiology": "rad",
}

_SPECIALTY_ALIASES = {
    "im": Specialty.internal_medicine,
    "medicine": Specialty.internal_medicine,
    "internal medicine": Specialty.internal_medicine,
    "fm": Specialty.family_medicine,
    "family": Specialty.family_medicine,
    "family practice": Specialty.family_medicine,
    "family medicine": Specialty.family_medicine,
    "peds": Specialty.pediatrics,
    "paeds": Specialty.pediatrics,
    "paediatrics": Specialty.pediatrics,
    "pediatrics": Specialty.pediatrics,
    "path": Specialty.pathology,
    "ap/cp": Specialty.pathology,
    "pathology": Specialty.pathology,
    "pathology anatomic and clinical": Specialty.pathology,  # FREIDA's title
    "anatomic and clinical pathology": Specialty.pathology,
    "em": Specialty.emergency_medicine,
    "emergency": Specialty.emergency_medicine,
    "emergency medicine": Specialty.emergency_medicine,
    "neuro": Specialty.neurology,
    "neurology": Specialty.neurology,
    "psych": Specialty.psychiatry,
    "psychiatry": Specialty.psychiatry,
    "anesthesia": Specialty.anesthesiology,
    "anaesthesia": Specialty.anesthesiology,
    "anesthesiology": Specialty.anesthesiology,
    "radiology": Specialty.diagnostic_radiology,
    "dr": Specialty.diagnostic_radiology,
    "diagnostic radiology": Specialty.diagnostic_radiology,
}

STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "PR": "Puerto Rico", "RI": "Rhode Island",
    "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas",
    "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}  # fmt: skip
_STATE_NAMES = {name.lower(): code for code, name in STATES.items()}
_STATE_NAMES.update({"washington dc": "DC", "washington d.c.": "DC", "d.c.": "DC"})


class Visa(StrEnum):
    """Which visas an applicant can train on (``none`` = needs no sponsorship)."""

    none = "none"
    j1 = "j1"
    h1b = "h1b"
    any = "any"


class Location(StrEnum):
    """Where the applicant is now: it decides whether an H-1B is a new petition abroad."""

    abroad = "abroad"
    us = "us"


class UsStatus(StrEnum):
    """The applicant's current US immigration status (none: no US status)."""

    none = "none"
    f1 = "f1"
    j1 = "j1"
    j2 = "j2"
    h1b = "h1b"
    h4 = "h4"
    o1 = "o1"
    green_card = "green_card"
    citizen = "citizen"
    other = "other"


class PolicyStatus(StrEnum):
    in_force = "in_force"
    enjoined = "enjoined"
    pending = "pending"
    expired = "expired"
    unknown = "unknown"


class PolicyKind(StrEnum):
    """How a visa-policy rule works (imgplan.visa knows each kind; the rules are data)."""

    h1b_fee = "h1b_fee"
    travel_ban = "travel_ban"
    duration_of_status = "duration_of_status"
    statement_of_need = "statement_of_need"
    clock = "clock"
    home_residence = "home_residence"
    step3_before_petition = "step3_before_petition"
    info = "info"


class SourceTag(StrEnum):
    P = "P"  # primary / official
    S = "S"  # secondary
    U = "U"  # not found / unknown


class ProgramVisa(StrEnum):
    j1 = "j1"
    h1b = "h1b"


_VISA_ALIASES = {"j-1": "j1", "j 1": "j1", "h-1b": "h1b", "h1-b": "h1b", "h 1b": "h1b"}


class SignalTier(StrEnum):
    """A program signal's tier: gold and silver where a specialty has two, else signal."""

    gold = "gold"
    silver = "silver"
    signal = "signal"


class Setting(StrEnum):
    university = "university"
    community = "community"
    community_university_affiliated = "community_university_affiliated"


class UsceKind(StrEnum):
    hands_on = "hands_on"
    externship = "externship"
    observership = "observership"
    research = "research"


#: USCE with patient contact, which programs count as US clinical experience (FACTS §7).
HANDS_ON = frozenset({UsceKind.hands_on, UsceKind.externship})


class ProjectKind(StrEnum):
    qi = "qi"
    ehr_optimization = "ehr_optimization"
    cds = "cds"
    dashboard = "dashboard"
    database = "database"
    analytics = "analytics"
    other = "other"


class ScholarshipKind(StrEnum):
    publication = "publication"
    poster = "poster"
    presentation = "presentation"
    case_report = "case_report"
    abstract = "abstract"


class UsceRequirement(StrEnum):
    required = "required"
    preferred = "preferred"
    not_required = "not_required"


class EcfmgBy(StrEnum):
    application = "application"
    rank_list = "rank_list"
    start = "start"


class CiFellowship(StrEnum):
    in_house = "in_house"
    affiliated = "affiliated"
    none = "none"


def _key(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.strip().lower())


def suggest(word: str, choices: list[str]) -> str:
    """' did you mean X?' for the closest choice, or '' when nothing is close."""
    import difflib  # lazy: only a bad value needs it; ~2 ms on every run otherwise (#25)

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.7)
    return f"; did you mean '{close[0]}'?" if close else ""


@functools.cache
def _exact(enum: type[StrEnum]) -> dict[str, str]:
    return {m.value: m.value for m in enum}


@functools.cache
def _spellings(enum: type[StrEnum]) -> dict[str, str]:
    return {m.value.replace("_", " "): m.value for m in enum}


def choose(value: object, enum: type[StrEnum], what: str, aliases: dict | None = None) -> str:
    """Normalise ``value`` to a member value of ``enum`` or raise ValueError."""
    if isinstance(value, enum):
        return str(value)
    if not isinstance(value, str):
        raise ValueError(
            f"{what} must be text, got {type(value).__name__}; "
            f"expected one of: {', '.join(m.value for m in enum)}"
        )
    exact = _exact(enum)
    if value in exact:  # the common case: the value as written in the file
        return exact[value]
    key = _key(value)
    members = _spellings(enum)
    if key in members:
        return members[key]
    if aliases and key in aliases:
        return str(aliases[key])
    choices = [m.value for m in enum]
    hint = suggest(value.strip().lower().replace(" ", "_"), choices)
    raise ValueError(
        f"'{value}' is not a known {what}{hint}; expected one of: {', '.join(choices)}"
    )


def specialty(value: object) -> str:
    return choose(value, Specialty, "specialty", _SPECIALTY_ALIASES)


def visa(value: object) -> str:
    if isinstance(value, str):
        value = _VISA_ALIASES.get(_key(value), value)
    return choose(value, Visa, "visa")


def program_visa(value: object) -> str:
    if isinstance(value, str):
        value = _VISA_ALIASES.get(_key(value), value)
    return choose(value, ProgramVisa, "visa")


def state(value: object) -> str:
    """A US state or territory as its two-letter code; accepts names in any case."""
    if not isinstance(value, str):
        raise ValueError(
            f"a state must be text, got {type(value).__name__}; expected a two-letter code "
            "such as NY (quote NO, ON, YES as 'NO' if YAML reads them as booleans)"
        )
    text = value.strip()
    if text.upper() in STATES:
        return text.upper()
    code = _STATE_NAMES.get(_key(text))
    if code:
        return code
    hint = suggest(text.lower(), list(_STATE_NAMES))
    raise ValueError(f"'{value}' is not a US state{hint}; expected a code such as NY or a name")


def specialty_label(value: str) -> str:
    return SPECIALTY_LABELS.get(value, value)  # type: ignore[call-overload]

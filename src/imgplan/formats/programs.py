"""Program dataset, format 1 (SPEC.md "Program dataset format 1"): validation only (the
core uses `imgplan.models.programs` records).

Every screening field is optional: ``None`` means unknown, never a default.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import AfterValidator, Field, ValidationInfo, field_validator

from ..models import vocab
from ..models.programs import PROVENANCE_FIELDS
from .profile import FormatOne
from .types import (
    AttemptLimit,
    Bool,
    Date,
    Months,
    Positions,
    ProgramVisaName,
    Score,
    Share,
    SpecialtyName,
    StateCode,
    Strict,
    Text,
    YogYears,
    enum_of,
)

_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def _program_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(
            f"'{value}' is not a usable id; expected lower-case letters, digits, '-', '_' or '.'"
        )
    return value


ProgramId = Annotated[Text, AfterValidator(_program_id)]


class ProgramInformatics(Strict):
    ci_fellowship: enum_of(vocab.CiFellowship, "CI fellowship value") | None = None  # type: ignore[valid-type]
    informatics_faculty: Bool | None = None
    informatics_track: Bool | None = None
    ehr_projects: Bool | None = None
    analytics_team: Bool | None = None
    ehr_vendor: Text | None = None
    ci_fellowship_id: ProgramId | None = (
        None  # the directory's fellowship this program hosts (confirms the link)
    )


_NRMP = re.compile(r"^\d{7}[CPAR]\d$")


def _nrmp_code(value: str) -> str:
    if not _NRMP.match(value):
        raise ValueError(
            f"'{value}' is not an NRMP program code; expected 4 digits (institution), 3 digits "
            "(specialty), a track letter C, P, A or R and a digit, e.g. 1203140C0"
        )
    return value


NrmpCode = Annotated[Text, AfterValidator(_nrmp_code)]


def _field_name(value: str) -> str:
    if value not in PROVENANCE_FIELDS:
        raise ValueError(
            f"'{value}' is not a program field; expected one of: {', '.join(PROVENANCE_FIELDS)}"
        )
    return value


FieldName = Annotated[Text, AfterValidator(_field_name)]


FUTURE_DAYS = 366  # a figure dated more than a year after today is a typo, never "newest"


def _not_far_future(day: dt.date | None, info: ValidationInfo) -> dt.date | None:
    """A figure's date may not lie far in the future: a merge keeps the newest figure, and
    a date in 9999 would win it."""
    today = (info.context or {}).get("today")
    if day is not None and today is not None and day > today + dt.timedelta(days=FUTURE_DAYS):
        raise ValueError(
            f"{day.isoformat()} is more than a year after today ({today.isoformat()}); "
            "expected the date the figure was checked or published"
        )
    return day


class FieldSource(Strict):
    """Where a merged field's value came from, and how old it is."""

    source: Text
    as_of: Date | None = None

    _future = field_validator("as_of")(_not_far_future)


ERAS_FLAGS = ("osteopathic_recognition", "new_program")


def _eras_flag(value: str) -> str:
    if value not in ERAS_FLAGS:
        raise ValueError(f"'{value}' is not an ERAS flag; expected one of: {', '.join(ERAS_FLAGS)}")
    return value


ErasFlag = Annotated[Text, AfterValidator(_eras_flag)]


class Program(Strict):
    id: ProgramId
    name: Text
    specialty: SpecialtyName
    state: StateCode | None = None
    city: Text | None = None
    institution: Text | None = None  # the sponsoring institution, as ERAS or ACGME names it
    flags: list[ErasFlag] | None = Field(default=None, max_length=5)  # ERAS participants list
    setting: enum_of(vocab.Setting, "setting") | None = None  # type: ignore[valid-type]
    positions: Positions | None = None
    img_share: Share | None = None
    visas: list[ProgramVisaName] | None = None
    step2ck_min: Score | None = None
    step2ck_preferred: Score | None = None
    max_attempts: AttemptLimit | None = None
    yog_max_years: YogYears | None = None
    usce: enum_of(vocab.UsceRequirement, "USCE requirement") | None = None  # type: ignore[valid-type]
    usce_min_months: Months | None = None
    ecfmg_by: enum_of(vocab.EcfmgBy, "ECFMG deadline") | None = None  # type: ignore[valid-type]
    informatics: ProgramInformatics = Field(default_factory=ProgramInformatics)
    url: Text | None = None
    verified: Date | None = None
    notes: Text | None = None
    my_notes: Text | None = None  # the applicant's own notes (kept by merges and re-imports)
    nrmp_code: NrmpCode | None = None
    provenance: dict[FieldName, FieldSource] | None = None  # written by programs merge

    _future = field_validator("verified")(_not_far_future)


class Dataset(Strict):
    format: FormatOne
    name: Text
    as_of: Date

    _future = field_validator("as_of")(_not_far_future)

    source: Text
    example: Bool = False
    programs: list[Program]

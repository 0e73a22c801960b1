"""The Clinical Informatics fellowship directory, format 1 (data/fellowships.yaml, or the
user's own copy with --fellowships): validation only (the core uses
`imgplan.models.fellowships` records). Unknown keys, a repeated id, and an ACGME ID that is
not a Clinical Informatics program's are errors."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from ..models import vocab
from ..models.fellowships import CI_CODES, CONFIDENCE
from .profile import FormatOne
from .programs import ProgramId
from .types import Bool, Date, ProgramVisaName, SpecialtyName, StateCode, Strict, Text

_ACGME = re.compile(r"^\d{10}$")


def _acgme_id(value: str) -> str:
    if not _ACGME.match(value):
        raise ValueError(f"'{value}' is not an ACGME program ID; expected 10 digits")
    if value[:3] not in CI_CODES:
        codes = ", ".join(f"{c} ({vocab.specialty_label(s)})" for c, s in CI_CODES.items())
        raise ValueError(
            f"'{value}' starts with specialty code {value[:3]}, not a Clinical Informatics "
            f"code; expected one of {codes}"
        )
    return value


def _confidence(value: str) -> str:
    if value not in CONFIDENCE:
        raise ValueError(
            f"'{value}' is not a confidence grade; expected one of: {', '.join(CONFIDENCE)}"
        )
    return value


def _one_of(*words: str):  # type: ignore[no-untyped-def]
    def check(value: str) -> str:
        if value not in words:
            raise ValueError(f"'{value}' is not understood; expected one of: {', '.join(words)}")
        return value

    return AfterValidator(check)


AcgmeId = Annotated[Text, AfterValidator(_acgme_id)]
DepartmentFrom = Annotated[Text, _one_of("directory", "acgme_id")]
VisaScope = Annotated[Text, _one_of("program", "institution")]
Confidence = Annotated[Text, AfterValidator(_confidence)]


class Fellowship(Strict):
    id: ProgramId
    name: Text
    institution: Text | None = None
    city: Text | None = None
    state: StateCode | None = None
    department: SpecialtyName | None = None
    department_from: DepartmentFrom | None = None
    department_note: Text | None = None
    acgme_id: AcgmeId | None = None
    fellows_per_year: Text | None = None
    eligibility: Text | None = None
    open_to_any_specialty: Bool | None = None
    restricted_tracks: Text | None = None
    visa_policy: Text | None = None
    visas: list[ProgramVisaName] | None = None
    visa_scope: VisaScope | None = None
    military_only: Bool | None = None
    sources: list[Text] = Field(default_factory=list, max_length=50)
    source_dates: list[Text] = Field(default_factory=list, max_length=50)
    confidence: Confidence = "single 2021 source"
    notes: Text | None = None

    @model_validator(mode="after")
    def _department(self) -> Fellowship:
        """The department comes from the ACGME ID's specialty code when missing; a stated
        department that contradicts the code is an error."""
        if self.acgme_id is None:
            return self
        coded = CI_CODES[self.acgme_id[:3]]
        if self.department is None:
            self.department, self.department_from = coded, "acgme_id"
        elif self.department != coded:
            raise ValueError(
                f"department {self.department} contradicts ACGME ID {self.acgme_id} (code "
                f"{self.acgme_id[:3]}: {vocab.specialty_label(coded)}); expected them to agree"
            )
        return self


def _unique(fellowships: list[Fellowship]) -> list[Fellowship]:
    seen: set[str] = set()
    for f in fellowships:
        if f.id in seen:
            raise ValueError(f"id '{f.id}' is used twice; expected unique ids")
        seen.add(f.id)
    return fellowships


class FellowshipDirectory(Strict):
    format: FormatOne
    name: Text
    as_of: Date
    source: Text
    note: Text
    fellowships: Annotated[list[Fellowship], AfterValidator(_unique)] = Field(max_length=5000)

"""Visa and travel policy (data/visa-policy.yaml): validation only (the core uses the records
in `imgplan.models.visa_policy`; the fields are the same, in the same order)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from ..models import vocab
from .profile import FormatOne
from .types import Date, Strict, Text, enum_of


def _country(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z]{2}", value):
        raise ValueError(f"{value!r:.20} is not an ISO 3166 alpha-2 code; expected e.g. NG")
    return value


Country = Annotated[str, BeforeValidator(_country)]
Status = enum_of(vocab.PolicyStatus, "policy status")
Kind = enum_of(vocab.PolicyKind, "policy kind")
Tag = enum_of(vocab.SourceTag, "source tag")


class BanTier(Strict):
    name: Text
    blocks: list[Text] = Field(min_length=1)  # visa classes: immigrant, B, F, M, J, H, O
    countries: list[Country] = Field(min_length=1)
    note: Text | None = None


class PolicyRule(Strict):
    id: Text
    kind: Kind  # type: ignore[valid-type]
    title: Text
    says: Text
    status: Status  # type: ignore[valid-type]
    status_date: Date
    as_of: Date
    tag: Tag  # type: ignore[valid-type]
    source: Text
    visas: list[enum_of(vocab.Visa, "visa")] = Field(default_factory=list)  # type: ignore[valid-type]
    effective: Date | None = None
    expires: Date | None = None
    status_note: Text | None = None
    tiers: list[BanTier] = Field(default_factory=list)
    admission_years: int | None = Field(default=None, ge=1, le=10)
    years: int | None = Field(default=None, ge=1, le=20)
    lead_months: int | None = Field(default=None, ge=1, le=60)


class VisaPolicy(Strict):
    format: FormatOne
    as_of: Date
    rules: list[PolicyRule] = Field(min_length=1, max_length=200)

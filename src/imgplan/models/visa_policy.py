"""Visa and travel policy as the core sees it (validated from data/visa-policy.yaml by
`imgplan.formats.visa_policy`): each rule with its status, the date of that status, how old
the check is and its source. `imgplan.visa` applies them to a profile."""

from __future__ import annotations

import datetime as dt

from msgspec import field

from . import vocab
from .record import Record


class BanTier(Record):
    name: str
    blocks: list[str]
    countries: list[str]
    note: str | None = None


class PolicyRule(Record):
    id: str
    kind: vocab.PolicyKind
    title: str
    says: str
    status: vocab.PolicyStatus
    status_date: dt.date
    as_of: dt.date
    tag: vocab.SourceTag
    source: str
    visas: list[vocab.Visa] = field(default_factory=list)
    effective: dt.date | None = None
    expires: dt.date | None = None
    status_note: str | None = None
    tiers: list[BanTier] = field(default_factory=list)
    admission_years: int | None = None
    years: int | None = None
    lead_months: int | None = None


class VisaPolicy(Record):
    format: int
    as_of: dt.date
    rules: list[PolicyRule]

    def of_kind(self, kind: str) -> list[PolicyRule]:
        return [r for r in self.rules if r.kind == kind]

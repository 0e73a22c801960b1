"""The file formats imgplan reads, each by its record class (what the core sees, cheap to
import) and its pydantic format (imported only when a file is actually validated).

`format_of` is the one place where the formats are imported lazily: a warm run reads records
from the cache and never imports pydantic (benchmarks/README.md: the warm start-up goals; the
sys.modules test checks it).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ..models import (
    advice,
    calendar,
    fellowships,
    outcomes,
    profile,
    programs,
    reference,
    signals,
    visa_policy,
)

if TYPE_CHECKING:
    import datetime as dt

    from pydantic import BaseModel

    from .yaml_reader import Parsed


class Kind(StrEnum):
    profile = "profile"
    programs = "programs"
    fellowships = "fellowships"
    reference = "reference"
    calendar = "calendar"
    outcomes = "outcomes"
    signals = "signals"
    advice = "advice"
    visa_policy = "visa-policy"


#: Each kind's record class: a cache entry must be one of these to be used.
RECORDS: dict[Kind, type] = {
    Kind.profile: profile.Profile,
    Kind.programs: programs.Dataset,
    Kind.fellowships: fellowships.FellowshipDirectory,
    Kind.reference: reference.Reference,
    Kind.calendar: calendar.CalendarData,
    Kind.outcomes: outcomes.Outcomes,
    Kind.signals: signals.SignalsData,
    Kind.advice: advice.AdviceData,
    Kind.visa_policy: visa_policy.VisaPolicy,
}


def format_of(kind: Kind) -> type[BaseModel]:
    """The pydantic format class of ``kind`` (lazy: see the module docstring)."""
    match kind:
        case Kind.profile:
            from ..formats.profile import Profile

            return Profile
        case Kind.programs:
            from ..formats.programs import Dataset

            return Dataset
        case Kind.fellowships:
            from ..formats.fellowships import FellowshipDirectory

            return FellowshipDirectory
        case Kind.reference:
            from ..formats.reference import Reference

            return Reference
        case Kind.calendar:
            from ..formats.calendar import CalendarData

            return CalendarData
        case Kind.outcomes:
            from ..formats.outcomes import Outcomes

            return Outcomes
        case Kind.signals:
            from ..formats.signals import SignalsData

            return SignalsData
        case Kind.advice:
            from ..formats.advice import AdviceData

            return AdviceData
        case Kind.visa_policy:
            from ..formats.visa_policy import VisaPolicy

            return VisaPolicy


def validated(
    kind: Kind, parsed: Parsed, today: dt.date, what: str, context: dict[str, Any] | None
) -> Any:
    """``parsed`` validated as ``kind``'s format and turned into its record (InputError with
    every problem, located)."""
    from ..formats import to_record  # lazy, with format_of: pydantic only on a cache miss
    from .located import validate_as

    return to_record(validate_as(parsed, format_of(kind), today, what, context))

"""`imgplan visa`: the visa and travel rules for this applicant, each dated (docs/visas.md),
led by the Now / Next block."""

from __future__ import annotations

import datetime as dt

from msgspec import Struct

from ..models.profile import Profile
from ..nownext import NowNext
from ..rules.passing import step3_passed
from ..visa import VisaReport, assess
from . import Data, situate


class VisaResult(Struct):
    report: VisaReport
    now: NowNext


def report_for(profile: Profile, data: Data, today: dt.date) -> VisaReport:
    """The visa report (every command's Now block uses its biting lines)."""
    spec = profile.residency.specialty if profile.residency else profile.targets.specialties[0]
    years = data.calendar.residency_years.get(str(spec), 3)
    return assess(
        profile,
        data.visa_policy,
        today,
        residency_years=years,
        step3_passed=step3_passed(profile, data.reference),
    )


def run(profile: Profile, data: Data, today: dt.date) -> VisaResult:
    situation = situate(profile, data, today, visa_lines=False)
    return VisaResult(report_for(profile, data, today), situation.now)

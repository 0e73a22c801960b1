"""One core call per command: a pure function of loaded inputs that returns one result value.

The cli loads the files (``load/``), calls the command's function here and hands the result
to ``render.render``. Nothing here reads a file, the clock or the environment: the bundled
figures come in as a `Data` (the loader's `Bundled` reads each file on first use, so a command
loads only what it reads).

Every command with a profile starts from `situate`: the stage and phase of the season, the
timeline, and the Now / Next block the output leads with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

from msgspec import Struct, field

from ..models import vocab
from ..models.advice import AdviceData
from ..models.calendar import CalendarData
from ..models.fellowships import FellowshipDirectory
from ..models.outcomes import Outcomes
from ..models.profile import Profile
from ..models.reference import Reference
from ..models.signals import SignalsData
from ..models.tracker import Tracker
from ..models.visa_policy import VisaPolicy
from ..nownext import Line, NowNext, now_next
from ..rules.context import Context
from ..rules.findings import Finding
from ..rules.profile_findings import profile_findings
from ..season import Stage, stage_of, step2_failed
from ..timeline import Timeline, build
from ..tracking.alerts import Alert, alerts

Coordinates = dict[tuple[str, str], tuple[float, float]]


class Data(Protocol):
    """The bundled figures a command may read (data/*.yaml), each a record."""

    @property
    def reference(self) -> Reference: ...

    @property
    def calendar(self) -> CalendarData: ...

    @property
    def outcomes(self) -> Outcomes: ...

    @property
    def signals(self) -> SignalsData: ...

    @property
    def advice(self) -> AdviceData: ...

    @property
    def fellowships(self) -> FellowshipDirectory: ...

    @property
    def visa_policy(self) -> VisaPolicy: ...

    @property
    def cities(self) -> Coordinates: ...


class Situation(Struct):
    """Where the applicant stands today: the stage and phase, the dated plan, and the Now /
    Next block (with the profile's warnings)."""

    stage: Stage
    timeline: Timeline
    now: NowNext
    failed_step2: bool
    alerts: list[Alert] = field(default_factory=list)  # the tracker's (tracking.alerts)


def visa_warnings(profile: Profile, data: Data, today: dt.date) -> list[Line]:
    """The visa and travel rules that bite for this applicant (a ban on their visa, the H-1B
    fee from abroad, a clock over its limit), dated; and, for an applicant who needs a visa,
    what imgplan cannot check without citizenship or location."""
    if profile.visa == vocab.Visa.none:
        return []
    from .visa import report_for  # the visa core, only for an applicant who needs a visa

    report = report_for(profile, data, today)
    out = [
        Line(f"Visa: {line.text} ({line.dated})", line.source)
        for line in report.bites
        if line.kind in ("route", "fee", "clock")
    ]
    if report.missing:
        fields = " and ".join(m.split(":")[0].split(" (")[0] for m in report.missing)
        out.append(
            Line(
                f"Visa: without {fields} in your profile imgplan cannot check the travel ban or "
                "the H-1B fee for you (imgplan visa PROFILE says what each rule needs).",
                "imgplan's reading of your profile (docs/visas.md)",
            )
        )
    return out


def warning_lines(findings: Iterable[Finding]) -> list[Line]:
    """The profile findings that are problems or warnings, as lines said before any list."""
    return [Line(f.message, f.source) for f in findings if f.status in ("fail", "warn")]


def situate(
    profile: Profile | None,
    data: Data,
    today: dt.date,
    *,
    findings: list[Finding] | None = None,
    extra: Iterable[Line] = (),
    stage: Stage | None = None,
    tracker: Tracker | None = None,
    visa_lines: bool = True,
) -> Situation:
    """The stage, the timeline and the Now / Next block. ``findings``: the profile findings
    the command computed (their problems and warnings lead the output); computed here when
    not given. ``extra``: more Now lines. ``tracker``: the applicant's tracked programs (their
    interviews join the timeline, their alerts lead the Now block). ``visa_lines``: the visa
    rules that bite join the warnings (`imgplan visa` says them itself)."""
    ref = data.reference
    marks = ref.marks("step2ck_pass_history")
    stage = stage or stage_of(profile, data.calendar, today, marks)
    plan = build(
        profile, ref, data.calendar, today, signals=data.signals, stage=stage, tracker=tracker
    )
    failed = profile is not None and step2_failed(profile, marks)
    if findings is None and profile is not None and not stage.in_training:
        findings = profile_findings(Context.of(profile, ref, today))
    outcomes = data.outcomes if stage.phase == "ranking" else None
    found: list[Alert] = []
    extra = list(extra)
    if tracker is not None:
        found = alerts(tracker, today, events=plan.events, outcomes=data.outcomes)
        extra = [Line(a.text, a.source) for a in found] + extra
        if tracker.problem:
            extra.append(Line(tracker.problem, f"your tracker ({tracker.path})"))
        if any(a.kind == "contiguous" for a in found):
            outcomes = None  # said with the applicant's own count
    warnings = warning_lines(findings or [])
    if visa_lines and profile is not None:
        warnings += visa_warnings(profile, data, today)
    block = now_next(
        profile,
        stage,
        plan.events,
        data.advice,
        today,
        outcomes=outcomes,
        failed_step2=failed,
        warnings=warnings,
        extra=extra,
        tracked=any(a.kind == "registration" for a in found),
    )
    return Situation(stage, plan, block, failed, found)

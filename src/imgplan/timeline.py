"""The dated personal plan, from Step 2 CK study to the CI fellowship and boards.

Pure: (profile or None, reference, calendar, today) in, a :class:`Timeline` out. Dates the
applicant chose are ``personal``; published calendar dates ``published``; everything derived
from a pattern ``estimated``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .calendar import Dated, amia_match, fellowship_submit, match_season, month_day, nrmp_dates
from .calendar import add_years as _add_years
from .models import vocab
from .models.calendar import CalendarData
from .models.profile import Profile
from .models.reference import Reference
from .models.signals import SignalsData
from .rules.stage import Stage, stage_of
from .rules.step3 import Step3Facts, decide
from .signals import allowance

KINDS = (
    "study",
    "exam",
    "ecfmg",
    "application",
    "match",
    "residency",
    "informatics",
    "fellowship",
    "visa",
    "boards",
)
PHASES = (
    "Step 2 CK",
    "Licensing and certification",
    "Residency application",
    "Residency",
    "CI fellowship",
    "Boards",
)

# The guide's Step 2 CK study framework (FACTS.md §1), in days: (name, min, max, what).
STUDY_PHASES = (
    (
        "Diagnostic phase",
        14,
        28,
        "Take a baseline self-assessment; map weak systems; build the schedule.",
    ),
    ("Content + questions", 91, 152, "Work through content with timed question blocks daily."),
    (
        "Consolidation",
        30,
        61,
        "Review missed concepts; at least two timed full-length practice tests.",
    ),
    ("Final review", 14, 21, "High-yield review, rest, exam logistics."),
)
SIX_MONTHS = 182


@dataclass
class Event:
    key: str  # stable identity (for calendar UIDs)
    date: dt.date
    title: str
    kind: str
    certainty: str  # published | estimated | personal
    source: str
    phase: str
    end: dt.date | None = None
    detail: str = ""
    status: str = "upcoming"  # done | missed | next | upcoming


@dataclass
class Timeline:
    events: list[Event]
    warnings: list[str]
    generic: bool
    today: dt.date
    name: str | None = None
    notes: list[str] = field(default_factory=list)
    stage: Stage | None = None


def _months(days: int) -> str:
    return f"{days / 30.4:.1f} months"


def study_plan(
    today: dt.date, exam: dt.date
) -> tuple[list[tuple[str, dt.date, dt.date, str]], list[str]]:
    """The four phases sized to the time between today and the exam (guide: 6–9 months)."""
    lo = sum(p[1] for p in STUDY_PHASES)
    hi = sum(p[2] for p in STUDY_PHASES)
    available = (exam - today).days
    warnings: list[str] = []
    if available <= 0:
        return [], warnings
    if available >= hi:
        start = exam - dt.timedelta(days=hi)
        durations = [p[2] for p in STUDY_PHASES]
    elif available >= lo:
        f = (available - lo) / (hi - lo)
        durations = [round(p[1] + f * (p[2] - p[1])) for p in STUDY_PHASES]
        start = today
    else:
        scale = max(available, 0) / lo
        durations = [max(1, round(p[1] * scale)) for p in STUDY_PHASES]
        start = today
    durations[-1] += (exam - start).days - sum(durations) if available < hi else 0
    if available < SIX_MONTHS:
        warnings.append(
            f"Only {_months(max(available, 0))} until the Step 2 CK date {exam.isoformat()}: "
            "shorter than the guide's 6–9 months of study for IMGs. Consider a later date."
        )
    out = []
    cursor = start
    for (name, _, _, what), days in zip(STUDY_PHASES, durations, strict=True):
        end = min(cursor + dt.timedelta(days=days), exam)
        out.append((name, cursor, end - dt.timedelta(days=1), what))
        cursor = end
    return out, warnings


@dataclass
class _Plan:
    """What every phase needs, and the events and warnings they add."""

    profile: Profile | None
    ref: Reference
    data: CalendarData
    today: dt.date
    match_year: int
    spec: str
    in_residency_start: dt.date | None
    signals: SignalsData
    events: list[Event] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.season = match_season(self.match_year, self.data)
        self.release = dt.timedelta(weeks=self.data.pattern.score_release_weeks)
        self.guide = self.ref.cite("guide")
        self.start = self.in_residency_start or self.season.residency_start
        self.years = self.data.residency_years.get(str(self.spec), 3)
        self.label = vocab.specialty_label(self.spec)
        self.end = _add_years(self.start, self.years)  # residency ends, fellowship starts
        self.fyears = self.data.fellowship_years
        cas = self.data.residencycas.specialties
        self.service = "ResidencyCAS" if str(self.spec) in cas else "ERAS"

    def add(
        self,
        key: str,
        date: dt.date,
        title: str,
        kind: str,
        certainty: str,
        source: str,
        phase: str,
        end: dt.date | None = None,
        detail: str = "",
    ) -> None:
        self.events.append(Event(key, date, title, kind, certainty, source, phase, end, detail))


def build(
    profile: Profile | None,
    ref: Reference,
    data: CalendarData,
    today: dt.date,
    *,
    signals: SignalsData,
) -> Timeline:
    """The plan: one function per phase, in order, then sorted and marked against today."""
    stage = stage_of(profile, data, today) if profile is not None else None
    if profile is not None:
        match_year = profile.targets.match_year
        if stage is not None and stage.name == "between-seasons":
            match_year = stage.coming_match  # never assume the past Match was won
        spec = profile.residency.specialty if profile.residency else profile.targets.specialties[0]
    else:
        # The first season whose submission opening leaves the guide's 6 months of study
        # plus the score release.
        spec = vocab.Specialty.internal_medicine
        match_year = today.year + 1
        while (match_season(match_year, data).eras_submit - today).days < SIX_MONTHS + 35:
            match_year += 1
    residency_start = profile.residency.start if profile and profile.residency else None
    p = _Plan(profile, ref, data, today, match_year, spec, residency_start, signals)
    for phase in (_step2ck, _ecfmg, _application, _step3, _residency, _fellowship, _boards, _visa):
        phase(p)
    _meanwhile(p)
    p.events.sort(key=lambda e: (e.date, PHASES.index(e.phase), e.key))
    _mark_status(p.events, today)
    notes = _notes(p) + ([stage.note] if stage is not None and stage.note else [])
    name = profile.name if profile else None
    return Timeline(p.events, p.warnings, profile is None, today, name, notes, stage)


MEANWHILE_DAYS = 45  # a wait longer than this before the next milestone gets suggestions


def _meanwhile(p: _Plan) -> None:
    """No empty stretches: when the next milestone is more than MEANWHILE_DAYS away, what to do
    until then (the portfolio's top actions, hands-on USCE), labelled as imgplan's suggestion."""
    if p.profile is None:
        return
    ahead = [e.date for e in p.events if e.date > p.today]
    under_way = any(e.date <= p.today <= (e.end or e.date) for e in p.events)
    if not ahead or under_way or (min(ahead) - p.today).days <= MEANWHILE_DAYS:
        return
    from .rules.portfolio import strength

    todo = [a.text for a in strength(p.profile).actions()[:3]]
    if p.in_residency_start is None and p.profile.hands_on_usce_months == 0:
        todo.insert(0, "Arrange hands-on US clinical experience (an externship or sub-internship)")
    if not todo:
        return
    p.add(
        "meanwhile",
        p.today,
        "Until the next milestone: " + todo[0],
        "informatics",
        "estimated",
        "imgplan's suggestion, from `imgplan assess` (README: Stages)",
        "Residency" if p.in_residency_start else "Licensing and certification",
        end=min(ahead) - dt.timedelta(days=1),
        detail="Also: " + "; ".join(todo[1:]) if len(todo) > 1 else "",
    )


def _notes(p: _Plan) -> list[str]:
    notes = []
    if p.profile is None:
        notes.append(
            f"Generic roadmap (no profile): Step 2 CK not yet taken, aiming at the "
            f"{p.match_year} Match, a 3-year Internal Medicine residency. Give a profile "
            "for your own dates."
        )
    if p.in_residency_start:
        notes.append(
            f"You are in residency since {p.in_residency_start.isoformat()}: the plan starts there."
        )
    return notes


def _step2ck(p: _Plan) -> None:
    """Step 2 CK study, exam and score release (only before residency, when not taken)."""
    step2 = p.profile.usmle.step2ck if p.profile else None
    if p.in_residency_start is None and (step2 is None or not step2.taken):
        planned = step2.planned if step2 and step2.planned else None
        if planned is None:
            exam = p.season.eras_submit - p.release - dt.timedelta(weeks=1)
            how = "placed so the score is back before ERAS submission opens"
            certainty = "estimated"
        else:
            exam, how, certainty = planned, "your planned date", "personal"
        if exam < p.today:
            p.warnings.append(
                f"The planned Step 2 CK date {exam.isoformat()} is past: record the "
                "score (usmle.step2ck.score) or a new planned date."
            )
        phases, study_warnings = study_plan(p.today, exam)
        p.warnings += study_warnings
        for i, (name, begin, until, what) in enumerate(phases, 1):
            p.add(
                f"step2-phase-{i}",
                begin,
                f"Step 2 CK study: {name}",
                "study",
                "estimated",
                f"{p.guide} (study framework, sized by imgplan)",
                "Step 2 CK",
                until,
                what,
            )
        target = f" (target {step2.target})" if step2 and step2.target else ""
        p.add(
            "step2-exam",
            exam,
            f"Step 2 CK exam{target}",
            "exam",
            certainty,
            "your profile" if certainty == "personal" else p.guide,
            "Step 2 CK",
            detail=how,
        )
        score_back = exam + p.release
        p.add(
            "step2-score",
            score_back,
            "Step 2 CK score released (most within four weeks)",
            "exam",
            "estimated",
            "USMLE score reporting: most within four weeks (official); delays have happened",
            "Step 2 CK",
        )
        if score_back > p.season.eras_submit:
            p.warnings.append(
                f"The Step 2 CK score would arrive about {score_back.isoformat()}, after ERAS "
                f"submission opens ({p.season.eras_submit.isoformat()}) for the {p.match_year} "
                "Match: programs screen on it, so apply with the score or move the exam earlier."
            )


def _ecfmg(p: _Plan) -> None:
    """ECFMG certification: done, or the deadline it must meet."""
    ecfmg_src = p.ref.cite("ecfmg_nrmp")
    if p.profile is not None and p.profile.certified:
        date = (
            p.profile.ecfmg_certified if isinstance(p.profile.ecfmg_certified, dt.date) else p.today
        )
        p.add(
            "ecfmg",
            date,
            "ECFMG certified",
            "ecfmg",
            "personal",
            "your profile",
            "Licensing and certification",
        )
    elif p.in_residency_start is None:
        missing = _ecfmg_missing(p.profile)
        p.add(
            "ecfmg",
            p.season.rank_list_deadline,
            "ECFMG certification confirmed to NRMP (else "
            "withdrawn from the Match); also needed to start residency",
            "ecfmg",
            p.season.dated("rank_list_deadline").certainty,
            ecfmg_src,
            "Licensing and certification",
            detail="Still missing: " + "; ".join(missing),
        )
        pathway = month_day(p.match_year - 1, p.data.pattern.ecfmg_pathway_opens)
        p.add(
            "ecfmg-pathway",
            pathway,
            f"ECFMG Pathway applications open (for the {p.match_year} Match)",
            "ecfmg",
            "estimated",
            p.data.pattern.ecfmg_source,
            "Licensing and certification",
            detail="The clinical- and communication-skills Pathway, OET Medicine (at least 350 "
            "in Listening, Reading and Speaking and 300 in Writing, in one sitting) and a "
            "verified diploma complete ECFMG certification; ECFMG sets no processing time, "
            "so start early.",
        )


def _application(p: _Plan) -> None:
    """The residency application season: the application service (ERAS, or ResidencyCAS for
    Emergency Medicine), NRMP registration, interviews, rank list, Match, SOAP."""
    if p.in_residency_start is not None:
        return
    season, year, phase = p.season, p.match_year, "Residency application"
    service = p.service

    def at(key: str, name: str, title: str, kind: str, detail: str = "", **more: object) -> None:
        d = season.dated(name)
        p.add(key, d.date, title, kind, d.certainty, d.source, phase, detail=detail, **more)  # type: ignore[arg-type]

    if service == "ResidencyCAS":
        cas = p.data.residencycas
        released = month_day(year - 1, cas.released_to_programs)
        p.add(
            "residencycas-release",
            released,
            "ResidencyCAS: applications released to Emergency Medicine programs",
            "application",
            "estimated",
            cas.source,
            phase,
            detail="Emergency Medicine applies through ResidencyCAS, not ERAS, since the 2026 "
            "Match: submit in September, before programs receive applications on 1 Oct.",
        )
    else:
        at(
            "eras-opens",
            "eras_opens",
            f"MyERAS opens ({year} Match)",
            "application",
            "Register, start the application, request the ECFMG token (EFDO) and letters "
            "through the AAMC Letter Writer Portal early.",
        )
        at(
            "eras-submit",
            "eras_submit",
            "ERAS: applications can be submitted",
            "application",
            "Submit on day one: programs screen early. Choose your program signals now "
            "(the number depends on the specialty).",
        )
        at(
            "programs-review",
            "programs_review",
            "Programs start reviewing applications",
            "application",
        )
        _signals(p, phase)
    nrmp = nrmp_dates(year, p.data)
    for key, title in (
        ("registration_opens", "NRMP Main Residency Match registration opens"),
        (
            "registration_deadline",
            f"NRMP standard registration deadline (after it, a ${p.data.pattern.nrmp_late_fee} late fee)",
        ),
        ("ranking_opens", "NRMP ranking opens: enter your rank order list"),
    ):
        d = nrmp[key]
        p.add(f"nrmp-{key.replace('_', '-')}", d.date, title, "match", d.certainty, d.source, phase)
    p.add(
        "interviews",
        month_day(year - 1, p.data.pattern.interviews_from),
        "Interview season",
        "application",
        "estimated",
        p.data.pattern.source,
        phase,
        end=month_day(year, p.data.pattern.interviews_until),
    )
    at("rank-list", "rank_list_deadline", "NRMP rank order list deadline (9 pm ET)", "match")
    at("soap", "soap_start", "SOAP, if unmatched", "match", end=season.soap_end)
    at("match-day", "match_day", f"Match Day {year}", "match")


def _signals(p: _Plan, phase: str) -> None:
    """'Choose your program signals' at submission, with each target specialty's allowance
    (data/signals.yaml; a count carried forward or unknown says 'verify')."""
    specialties = p.profile.targets.specialties if p.profile else [p.spec]
    allowances = [allowance(p.match_year, str(s), p.signals) for s in specialties]
    submit = p.season.dated("eras_submit")
    published = all(a.known and not a.carried_from for a in allowances)
    notes = [a.note for a in allowances if a.note]
    detail = " · ".join(a.words().split(" (")[0] for a in allowances)
    if not published:
        detail += " — this season's counts are not published yet: verify"
    if notes:
        detail += "; " + "; ".join(notes)
    p.add(
        "signals",
        submit.date,
        "Choose your program signals (sent with the application)",
        "application",
        "published" if published else "estimated",
        "; ".join(dict.fromkeys(a.source for a in allowances)),
        phase,
        detail=detail,
    )


def _step3(p: _Plan) -> None:
    """Step 3: now, or early in residency, as check-step3 decides."""
    if p.profile is not None:
        verdict = decide(Step3Facts.from_profile(p.profile), p.ref, p.today)
        facts_src = p.ref.cite("guide")
        if verdict.verdict == "take-now":
            readiness = p.profile.step3_readiness
            weeks = max((readiness.study_weeks if readiness else None) or 6, 6)
            title = (
                "Step 3: study and sit it before the H-1B petition"
                if p.profile.visa == vocab.Visa.h1b
                else "Step 3: study and sit it now"
            )
            exam = p.today + dt.timedelta(weeks=weeks)
            p.add(
                "step3",
                p.today,
                title,
                "exam",
                "personal",
                facts_src,
                "Licensing and certification",
                end=exam,
                detail=f"check-step3 says take it now: {verdict.reasons[0].message} Step 3 "
                "is given only in the United States (an applicant abroad needs a trip), and "
                "you apply only after your ECFMG certificate is issued; a scheduling permit "
                "takes about 2 weeks.",
            )
            _step3_result(p, exam)
        elif verdict.verdict != "done":
            when = max(p.start + dt.timedelta(days=p.data.pattern.step3_in_residency_days), p.today)
            p.add(
                "step3",
                when,
                "Step 3 early in residency",
                "exam",
                "estimated",
                facts_src,
                "Licensing and certification",
                detail=f"check-step3: {verdict.verdict}. {verdict.reasons[0].message}",
            )


def _step3_result(p: _Plan, exam: dt.date) -> None:
    """The Step 3 result, about 3–4 weeks after the exam (FACTS §5, secondary), and whether it
    comes too late for the rank-list deadline or an H-1B petition before 1 July."""
    weeks = p.ref["step3_result_weeks"]
    result = exam + dt.timedelta(weeks=weeks)
    p.add(
        "step3-result",
        result,
        f"Step 3 result (about {weeks} weeks after the exam)",
        "exam",
        "estimated",
        p.ref.cite("step3_result_weeks"),
        "Licensing and certification",
    )
    if p.profile is None or p.profile.visa not in (vocab.Visa.h1b, vocab.Visa.any):
        return
    deadline = p.season.rank_list_deadline
    if p.in_residency_start is None and result > deadline:
        p.warnings.append(
            f"The Step 3 result would arrive about {result.isoformat()}, after the rank-list "
            f"deadline ({deadline.isoformat()}): H-1B programs rank knowing only that you sat "
            "it. Sit it earlier if an H-1B program is your goal."
        )
    petition = dt.date(p.start.year, 6, 1)
    if result > petition:
        p.warnings.append(
            f"The Step 3 result would arrive about {result.isoformat()}, too late for an H-1B "
            f"petition before residency starts on {p.start.isoformat()} (the petition needs "
            "Step 3 passed)."
        )


def _residency(p: _Plan) -> None:
    """Residency years with the guide's informatics milestones."""
    res_c = "personal" if p.in_residency_start else p.season.dated("match_day").certainty
    res_src = "your profile" if p.in_residency_start else p.season.dated("match_day").source
    milestones = {
        1: "PGY-1: observe and assist: join an EHR, order-set or QI committee; meet the CMIO "
        "or informatics faculty; join AMIA.",
        2: "PGY-2: lead a small QI or EHR project with a measurable outcome.",
        3: "PGY-3+: present and publish; prepare the CI fellowship application; take Step 3 "
        "if not yet done.",
    }
    for pgy in range(1, p.years + 1):
        year_start = _add_years(p.start, pgy - 1)
        text = milestones[min(pgy, 3)] if pgy < p.years else milestones[3]
        if pgy == 1:
            key, title, kind, cert, src = (
                "residency-start",
                f"{p.label} residency starts ({p.years} years): PGY-1",
                "residency",
                res_c,
                res_src,
            )
        else:
            key, title, kind, cert, src = (
                f"pgy{pgy}",
                f"PGY-{pgy} begins",
                "informatics",
                "estimated",
                p.guide,
            )
        title += " (final year)" if pgy == p.years else ""
        p.add(
            key,
            year_start,
            title,
            kind,
            cert,
            src,
            "Residency",
            end=_add_years(p.start, pgy) - dt.timedelta(days=1),
            detail=text,
        )


def _fellowship(p: _Plan) -> None:
    """The CI fellowship application, AMIA match and start, in the final residency year."""
    final_year = _add_years(p.start, p.years - 1)
    submit, review = fellowship_submit(final_year.year, p.data)
    commit, results = amia_match(final_year.year, p.data)
    fphase = "CI fellowship"
    amia_src = "AMIA Clinical Informatics Fellowship Match (official)"
    p.add(
        "fellowship-letters",
        submit.date - dt.timedelta(weeks=p.data.pattern.fellowship_letters_weeks_before),
        "Ask for fellowship letters (informatics leaders, program director)",
        "fellowship",
        "estimated",
        p.guide,
        fphase,
    )
    p.add(
        "amia-membership",
        submit.date - dt.timedelta(weeks=p.data.pattern.amia_membership_weeks_before),
        "AMIA membership active (required for the AMIA match)",
        "fellowship",
        "estimated",
        amia_src,
        fphase,
    )
    p.add(
        "fellowship-submit",
        submit.date,
        "ERAS fellowship (July cycle): submit CI fellowship applications",
        "fellowship",
        submit.certainty,
        submit.source,
        fphase,
        detail="Median 10 applications per applicant (AMIA, 2021–22).",
    )
    p.add(
        "fellowship-review",
        review.date,
        "Fellowship programs start reviewing",
        "fellowship",
        review.certainty,
        review.source,
        fphase,
    )
    _fellowship_match(p, review.date, commit, results)
    p.add(
        "fellowship-start",
        p.end,
        "CI fellowship starts (2 years)",
        "fellowship",
        "estimated",
        p.ref.cite("guide"),
        fphase,
        end=_add_years(p.end, p.fyears) - dt.timedelta(days=1),
    )


def _fellowship_match(p: _Plan, review: dt.date, commit: Dated, results: Dated) -> None:
    """Fellowship interviews, the AMIA match commit deadline and its results (December)."""
    fphase = "CI fellowship"
    data = p.data
    p.add(
        "fellowship-interviews",
        review + dt.timedelta(days=30),
        "Fellowship interviews",
        "fellowship",
        "estimated",
        data.pattern.source,
        fphase,
        end=commit.date - dt.timedelta(days=7),
    )
    p.add(
        "amia-commit",
        commit.date,
        "AMIA match: rank list commit deadline",
        "fellowship",
        commit.certainty,
        commit.source,
        fphase,
    )
    p.add(
        "amia-results",
        results.date,
        "AMIA match results",
        "fellowship",
        results.certainty,
        results.source,
        fphase,
    )


def _boards(p: _Plan) -> None:
    """Primary and Clinical Informatics boards."""
    p.add(
        "primary-boards",
        p.end + dt.timedelta(days=p.data.pattern.primary_boards_days_after_residency),
        f"{p.label} board certification exam (after residency; verify the date with your board)",
        "boards",
        "estimated",
        "imgplan estimate (no date in the reference); verify",
        "Boards",
    )
    p.add(
        "ci-boards",
        _add_years(p.end, p.fyears)
        + dt.timedelta(days=p.data.pattern.ci_boards_days_after_fellowship),
        "Clinical Informatics board "
        "exam (ABPM; ABPath for pathologists), after primary certification",
        "boards",
        "estimated",
        "ABMS/ABPM subspecialty (secondary); exam dates not in the reference: verify",
        "Boards",
    )


def _visa(p: _Plan) -> None:
    """Visa steps and limits: J-1 sponsorship after the Match, the 7-year cap and the 2-year
    home requirement; the H-1B petition and its 6-year limit (FACTS §5)."""
    _visa_steps(p)
    visa = p.profile.visa if p.profile is not None else None
    if visa in (vocab.Visa.j1, vocab.Visa.any):
        detail = "The 2-year home-country requirement (212(e)) applies unless waived."
        _visa_limit(p, "j1-cap", "J-1", "j1_cap_years", "cap", detail)
    if visa in (vocab.Visa.h1b, vocab.Visa.any):
        _visa_limit(p, "h1b-limit", "H-1B", "h1b_limit_years", "limit", "")


def _visa_limit(p: _Plan, key: str, name: str, figure: str, word: str, detail: str) -> None:
    """Residency + fellowship years against a visa's limit, warned when over it."""
    limit = p.ref[figure]
    used = p.years + p.fyears
    room = "within" if used <= limit else "OVER"
    room += "; no room left" if used == limit else ""
    p.add(
        key,
        p.end,
        f"{name} check: residency {p.years} y + fellowship {p.fyears} y = {used} of the "
        f"{limit}-year {word} ({room})",
        "visa",
        "estimated",
        p.ref.cite(figure),
        "CI fellowship",
        detail=detail,
    )
    if used > limit:
        p.warnings.append(f"{name}: {used} years of training exceed the {limit}-year {word}.")


def _visa_steps(p: _Plan) -> None:
    """Between the Match and residency: what a visa takes (only before residency starts)."""
    if p.profile is None or p.profile.visa == vocab.Visa.none or p.start < p.today:
        return
    after_match = p.season.match_day + dt.timedelta(days=14)
    if p.in_residency_start is not None:
        after_match = max(p.today, p.start - dt.timedelta(days=120))
    if p.profile.visa in (vocab.Visa.j1, vocab.Visa.any):
        p.add(
            "j1-sponsorship",
            after_match,
            "J-1: your program requests ECFMG sponsorship (DS-2019); then the consular interview",
            "visa",
            "estimated",
            p.ref.cite("visa_j1"),
            "Licensing and certification",
            detail="ECFMG sponsors the J-1 (programs accept it, they do not sponsor it) and "
            "needs your ECFMG certificate. The 2-year home-country requirement (212(e)) "
            "follows unless waived; a Conrad 30 waiver job needs 3 years of full-time clinical "
            "H-1B work in an underserved area, so an informatics-only job would not qualify.",
        )
    if p.profile.visa in (vocab.Visa.h1b, vocab.Visa.any):
        p.add(
            "h1b-petition",
            after_match,
            "H-1B: the program files the petition (needs Step 3 passed and a state licence or "
            "training permit)",
            "visa",
            "estimated",
            p.ref.cite("visa_h1b"),
            "Licensing and certification",
        )


def _ecfmg_missing(profile: Profile | None) -> list[str]:
    out = []
    step1 = profile.usmle.step1 if profile else None
    if step1 is None or step1.result == "fail":
        out.append("Step 1 pass")
    step2 = profile.usmle.step2ck if profile else None
    if step2 is None or not step2.taken:
        out.append("Step 2 CK pass")
    out.append(
        "clinical-skills pathway, OET Medicine and a verified diploma (not in the "
        "profile: verify with ECFMG)"
    )
    return out


def _mark_status(events: list[Event], today: dt.date) -> None:
    upcoming = None
    for e in events:
        last = e.end or e.date
        if last < today:
            e.status = "missed" if e.key == "step2-exam" and e.certainty == "personal" else "done"
        elif e.date <= today:
            e.status = "now"
        elif upcoming is None:
            e.status = upcoming = "next"
        else:
            e.status = "upcoming"

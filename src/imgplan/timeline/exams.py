"""The exams and ECFMG certification: Step 2 CK study (first attempt or a retake after a
failed score), the exam and its score; ECFMG certification and the Pathway; Step 3 when
check-step3 says so, and its result against the rank-list deadline and an H-1B petition."""

from __future__ import annotations

import datetime as dt

from ..calendar import month_day, working_day
from ..models import vocab
from ..rules.findings import Note
from ..rules.registry import (
    EXAM_PAST,
    SCORE_AFTER_SUBMISSION,
    STEP3_LATE_FOR_PETITION,
    STEP3_LATE_FOR_RANKS,
    STUDY_SHORT,
)
from ..rules.step3 import Step3Facts, decide
from .model import Plan

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
FSMB = (
    "Register and schedule through FSMB: since 12 Jan 2026 FSMB handles USMLE registration, "
    "scheduling and scores for IMGs (usmle.org, official)."
)


def _months(days: int) -> str:
    return f"{days / 30.4:.1f} months"


def study_plan(
    today: dt.date, exam: dt.date
) -> tuple[list[tuple[str, dt.date, dt.date, str]], list[Note]]:
    """The four phases sized to the time between today and the exam (guide: 6–9 months)."""
    lo = sum(p[1] for p in STUDY_PHASES)
    hi = sum(p[2] for p in STUDY_PHASES)
    available = (exam - today).days
    warnings: list[Note] = []
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
            Note(
                f"Only {_months(max(available, 0))} until the Step 2 CK date {exam.isoformat()}: "
                "shorter than the guide's 6–9 months of study for IMGs. Consider a later date.",
                STUDY_SHORT,
            )
        )
    out = []
    cursor = start
    for (name, _, _, what), days in zip(STUDY_PHASES, durations, strict=True):
        end = min(cursor + dt.timedelta(days=days), exam)
        out.append((name, cursor, end - dt.timedelta(days=1), what))
        cursor = end
    return out, warnings


def _planned_exam_past(p: Plan, exam: dt.date, score_back: dt.date) -> None:
    """A planned Step 2 CK date now past: the score is pending, or the profile is stale."""
    if p.today <= score_back + dt.timedelta(weeks=2):
        text = (
            f"Your Step 2 CK of {exam.isoformat()}: the score is pending (most within four "
            f"weeks: about {score_back.isoformat()}). When it comes, record it "
            "(usmle.step2ck.score, date and attempts)."
        )
    else:
        text = (
            f"The planned Step 2 CK date {exam.isoformat()} is past: record the score "
            "(usmle.step2ck.score) or a new planned date."
        )
    p.warnings.append(Note(text, EXAM_PAST))


def step2ck(p: Plan) -> None:
    """Step 2 CK study, exam and score release: before residency, when not taken or when
    the recorded score is a fail (the retake leads the plan)."""
    step2 = p.profile.usmle.step2ck if p.profile else None
    done = step2 is not None and step2.taken and not p.failed_step2
    if p.in_residency_start is not None or done:
        return
    retake = p.failed_step2
    planned = step2.planned if step2 and step2.planned else None
    if planned is None:
        exam = working_day(p.season.eras_submit - p.release - dt.timedelta(weeks=1))
        how = "placed so the score is back before ERAS submission opens"
        certainty = "estimated"
    else:
        exam, how, certainty = planned, "your planned date", "personal"
    score_back = exam + p.release
    if certainty == "personal" and exam < p.today:
        _planned_exam_past(p, exam, score_back)
    phases, study_warnings = study_plan(p.today, exam)
    p.warnings += study_warnings
    word = "Step 2 CK retake" if retake else "Step 2 CK"
    for i, (name, begin, until, what) in enumerate(phases, 1):
        p.add(
            f"step2-phase-{i}",
            begin,
            f"{word} study: {name}",
            "study",
            "estimated",
            f"{p.guide} (study framework, sized by imgplan)",
            "Step 2 CK",
            until,
            what,
        )
    target = f" (target {step2.target})" if step2 and step2.target else ""
    detail = f"{how}. {FSMB}"
    if retake and step2 is not None:
        attempt = (step2.attempts or 1) + 1
        detail = (
            f"{how}. Attempt {attempt} of {p.ref['attempt_limit']} (USMLE); the failed score "
            f"{step2.score} stays on your transcript. {FSMB}"
        )
    p.add(
        "step2-exam",
        exam,
        f"{word} exam{target}",
        "exam",
        certainty,
        "your profile" if certainty == "personal" else p.guide,
        "Step 2 CK",
        detail=detail,
    )
    p.add(
        "step2-score",
        score_back,
        f"{word} score released (most within four weeks)",
        "exam",
        "estimated",
        "USMLE score reporting: most within four weeks (official); delays have happened",
        "Step 2 CK",
    )
    if score_back > p.season.eras_submit:
        p.warnings.append(
            Note(
                f"The {word} score would arrive about {score_back.isoformat()}, after ERAS "
                f"submission opens ({p.season.eras_submit.isoformat()}) for the {p.match_year} "
                "Match: programs screen on it, so apply with the score or move the exam earlier.",
                SCORE_AFTER_SUBMISSION,
            )
        )


def ecfmg(p: Plan) -> None:
    """ECFMG certification: done, or what NRMP needs confirmed by the rank-list deadline
    (the exams and the Pathway and OET), with the Pathway's window."""
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
        return
    if p.in_residency_start is not None:
        return
    missing = ecfmg_missing(p)
    p.add(
        "ecfmg",
        p.season.rank_list_deadline,
        "ECFMG confirms to NRMP your exams and the Pathway and OET (else you are withdrawn "
        "from the Match); certification is also needed to start residency",
        "ecfmg",
        p.season.dated("rank_list_deadline").certainty,
        ecfmg_src,
        "Licensing and certification",
        detail="Still missing: " + "; ".join(missing),
    )
    pattern = p.data.pattern
    opens = month_day(p.match_year - 1, pattern.ecfmg_pathway_opens)
    p.add(
        "ecfmg-pathway",
        opens,
        f"ECFMG Pathway applications open (for the {p.match_year} Match)",
        "ecfmg",
        "estimated",
        pattern.ecfmg_source,
        "Licensing and certification",
        detail="The clinical- and communication-skills Pathway, OET Medicine (at least 350 "
        "in Listening, Reading and Speaking and 300 in Writing, in one sitting) and a "
        "verified diploma complete ECFMG certification; ECFMG sets no processing time, "
        "so start early.",
    )
    p.add(
        "ecfmg-pathway-deadline",
        working_day(month_day(p.match_year, pattern.ecfmg_pathway_deadline)),
        f"ECFMG Pathway application deadline (for the {p.match_year} Match; about end of January)",
        "ecfmg",
        "estimated",
        pattern.ecfmg_source,
        "Licensing and certification",
        detail="ECFMG sets a Pathway application deadline each season (31 Jan for the 2023 "
        "Match); this season's: verify on ecfmg.org.",
    )


def ecfmg_missing(p: Plan) -> list[str]:
    profile = p.profile
    out = []
    step1 = profile.usmle.step1 if profile else None
    if step1 is None or step1.result == "fail":
        out.append("Step 1 pass")
    step2 = profile.usmle.step2ck if profile else None
    if step2 is None or not step2.taken or p.failed_step2:
        out.append("Step 2 CK pass")
    out.append(
        "the clinical- and communication-skills Pathway, OET Medicine and a verified diploma "
        "(not in the profile: verify with ECFMG)"
    )
    return out


def step3(p: Plan) -> None:
    """Step 3: now, or early in residency, as check-step3 decides."""
    if p.profile is None:
        return
    verdict = decide(Step3Facts.from_profile(p.profile), p.ref, p.today, p.stage)
    facts_src = p.ref.cite("guide")
    if verdict.verdict == "take-now":
        readiness = p.profile.step3_readiness
        weeks = max((readiness.study_weeks if readiness else None) or 6, 6)
        title = (
            "Step 3: study and sit it before the H-1B petition"
            if p.profile.visa == vocab.Visa.h1b
            else "Step 3: study and sit it now"
        )
        exam = working_day(p.today + dt.timedelta(weeks=weeks))
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
            "you apply through FSMB only after your ECFMG certificate is issued; a scheduling "
            "permit takes about 2 weeks.",
        )
        step3_result(p, exam)
    elif verdict.verdict not in ("done", "retake"):
        when = max(p.start + dt.timedelta(days=p.ref["step3_in_residency_days"]), p.today)
        p.add(
            "step3",
            working_day(when),
            "Step 3 early in residency",
            "exam",
            "estimated",
            facts_src,
            "Licensing and certification",
            detail=f"check-step3: {verdict.verdict}. {verdict.reasons[0].message}",
        )


def step3_result(p: Plan, exam: dt.date) -> None:
    """The Step 3 result, about 3–4 weeks after the exam (FACTS §5, secondary): after the
    rank-list deadline it cannot help this season's rank lists, whatever the visa or the
    reason for taking it; after about 31 May it is late for an H-1B petition before a 1 July
    start (the petition needs the result)."""
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
    assert p.profile is not None
    deadline = p.season.rank_list_deadline
    if p.in_residency_start is None and result > deadline:
        p.warnings.append(
            Note(
                f"The Step 3 result would arrive about {result.isoformat()}, after the rank-list "
                f"deadline ({deadline.isoformat()}): programs rank knowing only that you sat it, "
                "so it cannot help this season's rank lists. Sit it earlier for it to count.",
                STEP3_LATE_FOR_RANKS,
            )
        )
    if p.profile.visa in (vocab.Visa.h1b, vocab.Visa.any):
        petition = result + dt.timedelta(days=1)
        p.add(
            "h1b-petition",
            petition,
            "H-1B: the program can file the petition once the Step 3 result is in (it also "
            "needs a state licence or training permit)",
            "visa",
            "estimated",
            p.ref.cite("visa_h1b"),
            "Licensing and certification",
        )
        late = dt.date(p.start.year, 5, 31)
        if result > late:
            p.warnings.append(
                Note(
                    f"The Step 3 result would arrive about {result.isoformat()}, after 31 May: "
                    f"late for an H-1B petition before residency starts on {p.start.isoformat()} "
                    "(the petition needs Step 3 passed).",
                    STEP3_LATE_FOR_PETITION,
                )
            )

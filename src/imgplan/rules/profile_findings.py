"""Profile-level findings shown on top of `recommend` (SPEC.md, FACTS.md §1, §5, §7)."""

from __future__ import annotations

from collections.abc import Callable

from ..models import vocab
from ..models.profile import Step2CK
from ..models.values import plural
from .context import Context
from .findings import Finding
from .passing import judge, step3_failed
from .registry import (
    ECFMG_STATUS,
    GRADUATION_AGE,
    INFORMATICS_STRENGTH,
    RED_FLAG,
    STEP1_GAP,
    STEP1_PASSED,
    STEP2CK_LEVEL,
    STEP2CK_PLANNED,
    STEP2CK_SPECIALTY,
    STEP3_POINTER,
    US_LETTERS,
    USCE_STATUS,
)

MITIGATIONS = (
    "a significant Step 2 CK improvement, strong letters (ideally from US "
    "mentors), research and informatics accomplishments"
)


NO_MATCH = "no ECFMG certificate, no Step 3 and no Match until a retake passes"


def _step2ck_failed(ctx: Context, step2ck: Step2CK, score: int) -> Finding:
    """A recorded Step 2 CK under the passing score: a failed attempt, with its retake."""
    taken_on = f" (taken {step2ck.date.isoformat()})" if step2ck.date else ""
    judged = judge(ctx.ref, score, step2ck.date)
    retake = (
        f" Your retake is planned for {step2ck.planned.isoformat()}"
        + (f" with a target of {step2ck.target}" if step2ck.target else "")
        + ": the list below is judged on that target, and the failure stays on your "
        "transcript."
        if step2ck.planned
        else " Plan the retake (usmle.step2ck.planned and target)."
    )
    return Finding(
        STEP2CK_LEVEL,
        "fail",
        f"Step 2 CK {score}{taken_on} is under the passing score ({judged.text}): a "
        f"failed attempt, and {NO_MATCH}.{retake}",
        ctx.ref.cite("step2ck_pass"),
    )


def step2ck_level(ctx: Context) -> Finding | None:
    score, ref = ctx.profile.step2, ctx.ref
    step2ck = ctx.profile.usmle.step2ck
    if ctx.step2_failed and step2ck is not None and step2ck.score is not None:
        return _step2ck_failed(ctx, step2ck, step2ck.score)
    if score is None:
        return Finding(
            STEP2CK_LEVEL,
            "warn",
            "No Step 2 CK score or planned target: add usmle.step2ck so cutoffs can be checked.",
            ref.cite("guide"),
        )
    who = ctx.step2_words
    low, high, workable = (
        ref["step2ck_aim_low"],
        ref["step2ck_aim_high"],
        ref["step2ck_min_workable"],
    )
    taken = step2ck is not None and step2ck.taken and not step2ck.retake
    # A taken score is judged by its own test date's mark; a planned target by the mark in
    # force on the planned date (or today's).
    when = (step2ck.date if taken else step2ck.planned or ctx.today) if step2ck else None
    passing = judge(ref, score, when)
    if passing.verdict == "fail":
        return Finding(
            STEP2CK_LEVEL,
            "fail",
            f"{who} is under the passing score ({passing.text}): that is a fail.",
            ref.cite("step2ck_pass"),
        )
    if passing.verdict == "depends":
        return Finding(
            STEP2CK_LEVEL,
            "warn",
            f"Whether {who} is a pass depends on the test date: {passing.text}.",
            ref.cite("step2ck_pass"),
        )
    if score < workable:
        return Finding(
            STEP2CK_LEVEL,
            "fail",
            (
                f"{who} is under {workable}, the guide's minimum workable score for IMGs; "
                f"aim for {low}–{high}."
            ),
            ref.cite("guide"),
        )
    if score < low:
        return Finding(
            STEP2CK_LEVEL,
            "warn",
            (
                f"{who} is workable (≥ {workable}) but under the guide's aim of {low}–{high}; many "
                "IM and primary-care programs screen IMGs at about 220–230."
            ),
            ref.cite("guide"),
        )
    status = "info" if ctx.profile.step2_planned else "ok"
    where = "within" if score <= high else "above"
    return Finding(
        STEP2CK_LEVEL,
        status,
        f"{who} is {where} the guide's aim of {low}–{high}.",
        ref.cite("guide"),
    )


def step2ck_specialty(ctx: Context) -> Finding | None:
    """The score against the first target specialty's matched non-US IMGs (NRMP Charting
    Outcomes): Pathology's matched Q1 is 232, Family Medicine's 222; the guide's 230-240 aim is
    general. Only with the outcome figures (a command that loads them)."""
    score, outcomes = ctx.profile.step2, ctx.outcomes
    if score is None or outcomes is None or not ctx.profile.targets.specialties:
        return None
    spec = ctx.profile.targets.specialties[0]
    co = outcomes.charting_outcomes
    o = co.specialties.get(str(spec))
    if o is None:
        return None
    q1, median = o.step2_matched[0], o.step2_matched[1]
    label = vocab.specialty_label(spec)
    src = f"{co.source} ({co.edition}; secondary)"
    if score < q1:
        return Finding(
            STEP2CK_SPECIALTY,
            "warn",
            f"{ctx.step2_words} is under the lowest quarter of matched non-US IMGs in {label} "
            f"(Q1 {q1:g}, median {median:g}): most who matched scored higher.",
            src,
        )
    where = "at or above the median" if score >= median else "between Q1 and the median"
    return Finding(
        STEP2CK_SPECIALTY,
        "info",
        f"{ctx.step2_words} is {where} of matched non-US IMGs in {label} (Q1 {q1:g}, "
        f"median {median:g}).",
        src,
    )


US_LETTERS_AIM = 3  # imgplan's convention: about three letters from US clinical experience


def us_letters(ctx: Context) -> Finding | None:
    """Letters from US clinical experience (usce[].us_letter), against imgplan's convention of
    about three."""
    if ctx.profile.residency is not None:
        return None
    count = sum(1 for u in ctx.profile.usce if u.us_letter)
    src = ctx.ref.cite("imgplan")
    if count >= US_LETTERS_AIM:
        return Finding(
            US_LETTERS, "ok", f"{plural(count, 'letter')} from US clinical experience.", src
        )
    need = US_LETTERS_AIM - count
    status = "warn" if count == 0 else "info"
    return Finding(
        US_LETTERS,
        status,
        f"{plural(count, 'letter')} from US clinical experience recorded (usce[].us_letter); "
        f"imgplan's convention is about {US_LETTERS_AIM}: ask for {need} more where "
        "a US clinician saw your work.",
        src,
    )


def step1_gap(ctx: Context) -> Finding | None:
    step1 = ctx.profile.usmle.step1
    if step1 is None or not isinstance(step1.result, int):
        return None
    ref = ctx.ref
    if step1.result >= ref["step1_low_below"]:
        return Finding(
            STEP1_GAP,
            "ok",
            (
                f"Legacy numeric Step 1 {step1.result} is not low by imgplan's reading "
                f"(under {ref['step1_low_below']}); programs will still see it."
            ),
            ref.cite("step1_low_below"),
        )
    needed = step1.result + ref["step1_gap"]
    score = ctx.profile.step2
    if score is not None and score >= needed:
        return Finding(
            STEP1_GAP,
            "ok",
            (
                f"Low legacy Step 1 {step1.result}: {ctx.step2_words} is {score - step1.result} "
                f"points higher, meeting the guide's {ref['step1_gap']}-point rule."
            ),
            ref.cite("guide"),
        )
    return Finding(
        STEP1_GAP,
        "warn",
        (
            f"Low legacy Step 1 {step1.result}: the guide wants Step 2 CK at least "
            f"{ref['step1_gap']} points higher, i.e. {needed} or more"
            + (f"; {ctx.step2_words} falls short." if score is not None else ".")
        ),
        ref.cite("guide"),
    )


def red_flags(ctx: Context) -> Finding | None:
    usmle = ctx.profile.usmle
    failed = []
    step1, step2ck = usmle.step1, usmle.step2ck
    if step1 and (step1.result == "fail" or (step1.attempts or 1) > 1):
        tries = f" ({plural(step1.attempts, 'attempt')})" if step1.attempts else ""
        failed.append(f"Step 1{tries}")
    if ctx.step2_failed and step2ck is not None:
        failed.append(f"Step 2 CK (a failed score, {step2ck.score})")
    elif step2ck and step2ck.taken and (step2ck.attempts or 1) > 1:
        failed.append(f"Step 2 CK ({plural(step2ck.attempts or 0, 'attempt')})")
    if step3_failed(ctx.profile, ctx.ref) or (usmle.step3.attempts or 1) > 1:
        failed.append("Step 3")
    if not failed:
        return None
    return Finding(
        RED_FLAG,
        "warn",
        (
            f"A failed attempt at {', '.join(failed)} is a red flag: "
            f"{ctx.ref['pd_failed_attempt_percent']:g}% of program directors cite failed attempts "
            f"({ctx.ref.cite('pd_failed_attempt_percent')}), and about "
            f"{ctx.ref['pd_step1_fail_refuse_percent']:g}% would not consider a first-attempt Step 1 "
            f"failure ({ctx.ref.cite('pd_step1_fail_refuse_percent')}). "
            f"Mitigate it with {MITIGATIONS}."
        ),
        ctx.ref.cite("pd_survey"),
    )


def step1_passed(ctx: Context) -> Finding | None:
    step1 = ctx.profile.usmle.step1
    if step1 is None:
        return Finding(
            STEP1_PASSED,
            "warn",
            "Your profile has no Step 1 result; ECFMG certification needs Step 1 passed.",
            ctx.ref.cite("ecfmg_nrmp"),
        )
    if step1.result == "fail":
        return Finding(
            STEP1_PASSED,
            "fail",
            "Step 1 is not passed yet: ECFMG certification, and so the Match, needs it.",
            ctx.ref.cite("ecfmg_nrmp"),
        )
    return None


def ecfmg_status(ctx: Context) -> Finding | None:
    if ctx.profile.certified:
        return None
    return Finding(
        ECFMG_STATUS,
        "info",
        "Not ECFMG certified yet: ECFMG must confirm your exams to "
        "the NRMP by the rank-list deadline or you are withdrawn from the Match; "
        "programs that want it at application are excluded.",
        ctx.ref.cite("ecfmg_nrmp"),
    )


def usce_status(ctx: Context) -> Finding | None:
    """No hands-on US clinical experience: say so, and say that observerships often do not
    count (FACTS §7)."""
    if ctx.profile.hands_on_usce_months > 0:
        return None
    observed = ctx.profile.observership_months
    if observed:
        return Finding(
            USCE_STATUS,
            "warn",
            f"You have {plural(observed, 'month')} of observership but no hands-on US clinical "
            "experience. Programs distinguish the two: an observership involves no patient "
            "care, and many programs do not count it as USCE, so programs that require USCE "
            "are 'verify' or excluded. A hands-on externship or sub-internship would count.",
            ctx.ref.cite("usce_practice"),
        )
    return Finding(
        USCE_STATUS,
        "warn",
        "No clinical US experience (research does not count here): "
        "programs that require USCE are excluded.",
        ctx.ref.cite("spec"),
    )


def graduation_age(ctx: Context) -> Finding | None:
    years = ctx.profile.targets.match_year - ctx.profile.graduation_year
    if years <= 5:
        return None
    return Finding(
        GRADUATION_AGE,
        "warn",
        (
            f"You will be {years} years from graduation at the {ctx.profile.targets.match_year} "
            "Match; cutoffs are often 5 years or less, trending to 3."
        ),
        ctx.ref.cite("yog_practice"),
    )


def informatics_strength(ctx: Context) -> Finding | None:
    need = ctx.ref["exceptional_strength"]
    score = ctx.strength.score
    words = "exceptional" if score >= need else "not yet exceptional"
    return Finding(
        INFORMATICS_STRENGTH,
        "ok" if score >= need else "info",
        (
            f"Informatics portfolio {score}/100 on the guide's four core elements: {words} "
            f"(exceptional at {need}); see `imgplan assess`."
        ),
        ctx.ref.cite("exceptional_strength"),
    )


PROFILE_RULES: tuple[Callable[[Context], Finding | None], ...] = (
    step1_passed,
    step2ck_level,
    step2ck_specialty,
    step1_gap,
    red_flags,
    ecfmg_status,
    usce_status,
    us_letters,
    graduation_age,
    informatics_strength,
)


def profile_findings(ctx: Context) -> list[Finding]:
    return [f for rule in PROFILE_RULES if (f := rule(ctx)) is not None]


def list_findings(ctx: Context, h1b_only: int) -> list[Finding]:
    """Findings about the ranked list as a whole: H-1B-only programs on it (point to
    check-step3), and a list judged on a planned Step 2 CK target rather than a score."""
    out = []
    if h1b_only:
        out.append(
            Finding(
                STEP3_POINTER,
                "info",
                (
                    (
                        ""
                        if ctx.profile.certified
                        else "First ECFMG certification (after a passed "
                        "Step 2 CK): IMGs register for Step 3 only once certified. Then: "
                    )
                    + f"{plural(h1b_only, 'program')} on your list accept only the H-1B among the "
                    "visas you can use: passing Step 3 before the petition would make them fully "
                    "eligible. See `imgplan check-step3`."
                ),
                ctx.ref.cite("visa_h1b"),
            )
        )
    if ctx.profile.step2_planned:
        what = "your Step 2 CK retake" if ctx.step2_failed else "Step 2 CK"
        out.append(
            Finding(
                STEP2CK_PLANNED,
                "info",
                (
                    f"{what[0].upper()}{what[1:]} is not taken yet: every program is judged on "
                    f"your planned target {ctx.profile.step2}."
                ),
                ctx.ref.cite("spec"),
            )
        )
    return out

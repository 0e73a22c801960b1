"""The Step 3 verdict (FACTS.md §1 and §5; SPEC.md "Step 3").

Pure: a :class:`Step3Facts` (from a profile, from flags, or both) and the reference figures in,
a :class:`Verdict` out. The deciding reason is always first.
"""

from __future__ import annotations

import datetime as dt

from msgspec import Struct, field
from msgspec.structs import replace

from ..models.profile import Profile
from ..models.reference import Reference
from ..models.values import passing, plural
from ..season import Stage
from .findings import Finding
from .passing import judge
from .registry import (
    ATTEMPT_LIMIT,
    CONFIDENCE,
    H1B,
    H1B_BEFORE_START,
    LOCK_IN,
    MATCHED,
    NO_GAIN,
    PRACTICE,
    READINESS_UNKNOWN,
    STEP1_FAILED_BEFORE,
    STEP1_LOW,
    STEP2_BORDERLINE,
    STEP3_DONE,
    STEP3_ECFMG,
    STEP3_FAILED,
    STEP3_STEP1,
    STEP3_STEP2CK,
    STUDY_WEEKS,
)

VERDICTS = ("take-now", "wait", "later", "not-eligible", "done", "retake", "verify")


class Step3Facts(Struct, frozen=True):
    """What the verdict needs. ``None`` means not given (unknown)."""

    step1: str | int | None = None  # pass | fail | legacy numeric
    step1_attempts: int | None = None  # unknown unless given
    step2: int | None = None  # a taken score
    step2_planned: bool = False
    step2_attempts: int | None = None
    step2_date: dt.date | None = None  # the test date: its passing score applies
    ecfmg: bool | None = None
    visa: str | None = None
    step3: str | int = "none"  # none | pass | fail | numeric
    step3_attempts: int | None = None
    step3_date: dt.date | None = None  # a numeric score is judged by its date's pass mark
    study_weeks: int | None = None
    practice_percent: float | None = None
    confident: bool | None = None
    residency_start: dt.date | None = None
    h1b_only_programs: int | None = None
    step1_failed_before: bool = False  # given as failed while certified: passed later  # with --programs: H-1B-only programs on the list

    @classmethod
    def from_profile(cls, profile: Profile) -> Step3Facts:
        usmle = profile.usmle
        ready = profile.step3_readiness
        step2ck = usmle.step2ck
        return cls(
            step1=usmle.step1.result if usmle.step1 else None,
            step1_attempts=usmle.step1.attempts if usmle.step1 else None,
            step2=step2ck.score if step2ck else None,
            step2_planned=bool(step2ck and not step2ck.taken),
            step2_attempts=step2ck.attempts if step2ck else None,
            step2_date=step2ck.date if step2ck else None,
            ecfmg=profile.certified,
            visa=str(profile.visa),
            step3=usmle.step3.result,
            step3_attempts=usmle.step3.attempts,
            step3_date=usmle.step3.date,
            study_weeks=ready.study_weeks if ready else None,
            practice_percent=ready.practice_percent if ready else None,
            confident=ready.confident if ready else None,
            residency_start=profile.residency.start if profile.residency else None,
        )

    def override(self, **changes: object) -> Step3Facts:
        """These facts with every given (non-None) change applied."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


class Verdict(Struct):
    verdict: str
    reasons: list[Finding]
    changes: list[str] = field(default_factory=list)  # what would change the verdict

    @property
    def missing(self) -> bool:
        """The verdict rests on an answer that was not given (readiness or confidence)."""
        unknown = (READINESS_UNKNOWN, STUDY_WEEKS, PRACTICE, CONFIDENCE)
        return self.verdict == "wait" and any(
            r.rule in unknown and r.fix is not None for r in self.reasons
        )

    @property
    def exit_code(self) -> int:
        return 0 if self.verdict == "take-now" else 1


def step3_result(facts: Step3Facts, ref: Reference) -> str:
    """'pass', 'fail', 'depends' (a numeric score near the mark, no date) or 'none'. A numeric
    score is judged by the mark in force on its test date (200 from 1 Jan 2024, 198 before)."""
    if facts.step3 in ("pass", "fail", "none"):
        return str(facts.step3)
    assert isinstance(facts.step3, int)
    return passing(facts.step3, facts.step3_date, ref.marks("step3_pass_history"))


def decide(
    facts: Step3Facts, ref: Reference, today: dt.date, stage: Stage | None = None
) -> Verdict:
    """The verdict; ``stage`` words the timing (before applying, before programs' ranking
    meetings, or too late for this season's rank lists)."""
    result = step3_result(facts, ref)
    if result == "pass":
        what = (
            "passed"
            if facts.step3 == "pass"
            else f"passed: {facts.step3} is at or over the pass mark for its date"
        )
        return Verdict(
            "done",
            [
                Finding(
                    STEP3_DONE, "ok", f"Step 3 is already {what}.", ref.cite("step3_eligibility")
                )
            ],
        )
    if isinstance(facts.step3, int) and result == "depends":
        return Verdict(
            "verify",
            [
                Finding(
                    STEP3_FAILED,
                    "warn",
                    f"Whether your Step 3 {facts.step3} passed depends on its test date (the pass "
                    "mark is 200 from 1 Jan 2024, 198 before): add usmle.step3.date. Until then "
                    "imgplan counts it neither as a pass nor as a fail.",
                    ref.cite("step3_pass_history"),
                    fix="Add usmle.step3.date",
                )
            ],
            ["the test date of your Step 3 score"],
        )
    if isinstance(facts.step3, int) and result == "fail":
        return _retake(facts, ref)
    notes = []
    if facts.step1 == "fail" and facts.ecfmg:
        # ECFMG certification needs Step 1 passed: a "fail" here is a failed attempt since passed.
        facts = replace(facts, step1="pass", step1_failed_before=True)
        notes.append(
            Finding(
                STEP1_FAILED_BEFORE,
                "info",
                (
                    "Step 1 is given as failed but you are ECFMG certified, which needs Step 1 passed: "
                    "read as passed after at least one failed attempt."
                ),
                ref.cite("ecfmg_nrmp"),
            )
        )
    if facts.step2 is not None:
        passing = judge(ref, facts.step2, facts.step2_date)
        if passing.verdict == "depends":
            notes.append(
                Finding(
                    STEP3_STEP2CK,
                    "warn",
                    f"Step 2 CK {facts.step2} is read as passed, but whether it is depends on "
                    f"the test date: {passing.text} (or --step2-date).",
                    ref.cite("step2ck_pass"),
                )
            )
    verdict = _decide(facts, ref, today, stage)
    verdict.reasons += notes
    return verdict


def _retake(facts: Step3Facts, ref: Reference) -> Verdict:
    """A numeric Step 3 under the pass mark of its date: a failed attempt, to retake."""
    mark = ref.marks("step3_pass_history")
    tries = facts.step3_attempts or 1
    left = ref["attempt_limit"] - tries
    when = f" on {facts.step3_date.isoformat()}" if facts.step3_date else ""
    reasons = [
        Finding(
            STEP3_FAILED,
            "fail",
            f"Your Step 3 {facts.step3}{when} is under the pass mark ({mark[-1][1]} from "
            f"{mark[-1][0].isoformat()}, {mark[0][1]} before): a failed attempt, and a red flag "
            "for programs. H-1B-only programs stay conditional until Step 3 is passed.",
            ref.cite("step3_pass_history"),
        ),
        Finding(
            ATTEMPT_LIMIT,
            "info" if left > 0 else "fail",
            f"USMLE allows {ref['attempt_limit']} attempts per Step: {plural(max(left, 0), 'attempt')} "
            "left. Retake it only when you can pass comfortably (the guide).",
            ref.cite("attempt_limit"),
        ),
    ]
    return Verdict("retake", reasons, ["a passed retake"])


def _decide(facts: Step3Facts, ref: Reference, today: dt.date, stage: Stage | None) -> Verdict:
    missing = _eligibility(facts, ref)
    if missing:
        return Verdict("not-eligible", missing, [m.fix or m.message for m in missing])
    if facts.residency_start is not None:
        return _matched(facts, ref, today)
    gains = _gains(facts, ref, _timing(stage))
    if not gains:
        return Verdict(
            "later",
            [
                Finding(
                    NO_GAIN,
                    "info",
                    (
                        "Your Step 1 is not low or failed, your Step 2 CK is not borderline, and you do not "
                        "need an H-1B: Step 3 is optional before residency. Take it early in residency, as "
                        "most residents do (it is required eventually)."
                    ),
                    ref.cite("guide"),
                )
            ],
            [
                "a low or borderline score, or an H-1B need, would make taking it before applying "
                "worth the risk"
            ],
        )
    readiness, ready = _readiness(facts, ref)
    if ready:
        return Verdict("take-now", gains + readiness)
    lock_in = []
    low = ref["step2ck_aim_low"]
    if facts.step2 is not None and facts.step2 < low:
        lock_in = [
            Finding(
                LOCK_IN,
                "warn",
                (
                    f"Your Step 2 CK {facts.step2} is under the guide's aim of {low}–"
                    f"{ref['step2ck_aim_high']}: the guide warns that a poor Step 3 after a "
                    "borderline or low Step 2 CK locks in a negative pattern. Sit it only when you "
                    "can pass comfortably."
                ),
                ref.cite("guide"),
            )
        ]
    changes = [f.fix or f.message for f in readiness if f.status != "ok"]
    # A missing answer decides first: the verdict cannot be better until it is given.
    unanswered = [f for f in readiness if f.status != "ok" and f.fix is not None]
    short = [f for f in readiness if f.status != "ok" and f.fix is None]
    return Verdict(
        "wait",
        unanswered + lock_in + short + gains + [f for f in readiness if f.status == "ok"],
        changes,
    )


def _eligibility(facts: Step3Facts, ref: Reference) -> list[Finding]:
    src = ref.cite("step3_eligibility")
    out = []
    limit = ref["attempt_limit"]
    if facts.step3 == "fail" and (facts.step3_attempts or 1) >= limit:
        out.append(
            Finding(
                ATTEMPT_LIMIT,
                "fail",
                (
                    f"No attempts left: Step 3 failed {facts.step3_attempts} times, and USMLE allows "
                    f"{limit} per Step."
                ),
                ref.cite("attempt_limit"),
                fix="No attempts left",
            )
        )
    if facts.step1 is None or facts.step1 == "fail":
        why = "no passed Step 1 is recorded, and " if facts.step1 is None else ""
        out.append(
            Finding(
                STEP3_STEP1,
                "fail",
                f"Pass Step 1: {why}Step 3 needs Step 1 and Step 2 CK passed.",
                src,
                fix="Pass Step 1",
            )
        )
    if facts.step2 is None:
        why = "it is only planned" if facts.step2_planned else "no Step 2 CK score is recorded"
        out.append(
            Finding(
                STEP3_STEP2CK,
                "fail",
                f"Pass Step 2 CK: {why}, and Step 3 needs it passed.",
                src,
                fix="Pass Step 2 CK",
            )
        )
    elif (passing := judge(ref, facts.step2, facts.step2_date)).verdict == "fail":
        out.append(
            Finding(
                STEP3_STEP2CK,
                "fail",
                f"Pass Step 2 CK: {facts.step2} is under the passing score ({passing.text}).",
                ref.cite("step2ck_pass"),
                fix="Pass Step 2 CK",
            )
        )
    if not facts.ecfmg:
        said = (
            "certification is not given (--ecfmg yes|no), and IMGs need it to register for Step 3"
            if facts.ecfmg is None
            else "IMGs need ECFMG certification to register for Step 3"
        )
        out.append(
            Finding(
                STEP3_ECFMG, "fail", f"Get ECFMG certified: {said}.", src, fix="Get ECFMG certified"
            )
        )
    return out


def _timing(stage: Stage | None) -> str:
    """When a Step 3 pass helps, said for the applicant's place in the season."""
    phase = stage.phase if stage is not None and stage.name == "applying" else None
    if phase == "interviewing":
        return "before programs' ranking meetings (January to February)"
    if phase in ("ranking", "match_week"):
        return (
            "now only for later seasons: a result after the rank-list deadline cannot help "
            "this season's rank lists"
        )
    if stage is not None and stage.name == "between-seasons":
        return "before the next season's applications"
    return "before applying"


def _matched(facts: Step3Facts, ref: Reference, today: dt.date) -> Verdict:
    start = facts.residency_start
    assert start is not None
    settled = start + dt.timedelta(days=ref["step3_in_residency_days"])
    if today >= settled:
        return Verdict(
            "take-now",
            [
                Finding(
                    MATCHED,
                    "warn",
                    f"You are in residency since {start.isoformat()}, past the first months: "
                    "take Step 3 now. It is required for licensure, an H-1B extension or a "
                    "fellowship on an H-1B needs it, and it gets no easier later in training.",
                    ref.cite("guide"),
                )
            ],
        )
    if start > today and facts.visa == "h1b":
        return Verdict(
            "take-now",
            [
                Finding(
                    H1B_BEFORE_START,
                    "warn",
                    (
                        f"You matched for a residency starting {start.isoformat()} and train on an H-1B: the "
                        "petition needs Step 3 passed, so take it now, before the start."
                    ),
                    ref.cite("visa_h1b"),
                )
            ],
        )
    if start > today:
        message = (
            f"You have matched (residency starts {start.isoformat()}): Step 3 is less vital "
            "before residency; take it early in residency."
        )
    else:
        message = (
            f"You are in residency (since {start.isoformat()}): plan Step 3 about "
            f"{ref['step3_in_residency_days'] // 30} months in, from {settled.isoformat()}; "
            "it is required for licensure."
        )
    return Verdict(
        "later",
        [Finding(MATCHED, "info", message, ref.cite("guide"))],
        ["an H-1B start date before you have passed Step 3 would make it urgent"],
    )


def _gains(facts: Step3Facts, ref: Reference, timing: str = "before applying") -> list[Finding]:
    out = []
    guide = ref.cite("guide")
    if facts.visa == "h1b":
        count = (
            f" All {facts.h1b_only_programs} H-1B-only programs on your list would open."
            if facts.h1b_only_programs
            else ""
        )
        out.append(
            Finding(
                H1B,
                "info",
                (
                    "You can train only on an H-1B, and the H-1B petition needs Step 3 passed: passing it "
                    f"{timing} makes you eligible at H-1B programs from the start.{count}"
                ),
                ref.cite("visa_h1b"),
            )
        )
    if facts.step1 == "fail" or facts.step1_failed_before or (facts.step1_attempts or 1) > 1:
        took = (
            f"Step 1 took {facts.step1_attempts} attempts"
            if (facts.step1_attempts or 1) > 1
            else "Step 1 was failed at least once"
        )
        out.append(
            Finding(
                STEP1_LOW,
                "info",
                f"{took}: a first-attempt Step 3 pass shows you can clear the licensing steps.",
                guide,
            )
        )
    elif isinstance(facts.step1, int) and facts.step1 < ref["step1_low_below"]:
        out.append(
            Finding(
                STEP1_LOW,
                "info",
                (
                    f"Legacy Step 1 {facts.step1} is low (under {ref['step1_low_below']}): a strong Step 3 "
                    "can help."
                ),
                guide,
            )
        )
    low = ref["step2ck_aim_low"]
    if facts.step2 is not None and facts.step2 < low:
        out.append(
            Finding(
                STEP2_BORDERLINE,
                "info",
                (
                    f"Step 2 CK {facts.step2} is under the guide's {low}–{ref['step2ck_aim_high']} aim: a "
                    "comfortable Step 3 pass can offset a borderline score."
                ),
                guide,
            )
        )
    if facts.visa == "any" and facts.h1b_only_programs:
        out.append(
            Finding(
                H1B,
                "info",
                (
                    f"{plural(facts.h1b_only_programs, 'program')} on your list sponsor only the H-1B: passing "
                    "Step 3 would open them."
                ),
                ref.cite("visa_h1b"),
            )
        )
    return out


def _readiness(facts: Step3Facts, ref: Reference) -> tuple[list[Finding], bool]:
    """Study weeks, practice score and confidence; ready only when all three are."""
    if facts.study_weeks is None and facts.practice_percent is None and facts.confident is None:
        return [
            Finding(
                READINESS_UNKNOWN,
                "warn",
                (
                    "Readiness unknown: give study weeks, a recent practice percentage and whether you "
                    "feel confident (step3_readiness in the profile, or --study-weeks, "
                    "--practice-percent, --confident). Take Step 3 only when you can pass comfortably."
                ),
                ref.cite("guide"),
                fix="Give your readiness (--study-weeks, --practice-percent, --confident)",
            )
        ], False
    out = [_weeks(facts, ref), _practice(facts, ref), _confidence(facts, ref)]
    return out, all(f.status == "ok" for f in out)


def _weeks(facts: Step3Facts, ref: Reference) -> Finding:
    """Weeks available to study against imgplan's minimum."""
    src = ref.cite("step3_study_weeks_min")
    weeks_min = ref["step3_study_weeks_min"]
    if facts.study_weeks is None:
        return Finding(
            STUDY_WEEKS,
            "warn",
            f"Study time unknown: give the weeks you can study (at least {weeks_min}; "
            "--study-weeks or step3_readiness.study_weeks).",
            src,
            fix="Give your study weeks (--study-weeks)",
        )
    elif facts.study_weeks < weeks_min:
        return Finding(
            STUDY_WEEKS,
            "warn",
            (f"Study for at least {weeks_min} weeks: you have {facts.study_weeks}."),
            src,
        )
    else:
        return Finding(
            STUDY_WEEKS,
            "ok",
            f"{facts.study_weeks} weeks of study available (at least {weeks_min}).",
            src,
        )


def _practice(facts: Step3Facts, ref: Reference) -> Finding:
    """The latest practice percentage against imgplan's minimum."""
    practice_min = ref["step3_practice_min"]
    if facts.practice_percent is None:
        return Finding(
            PRACTICE,
            "warn",
            "No practice score: take a timed self-assessment "
            f"(aim for {practice_min}% or more; give it with --practice-percent or "
            "step3_readiness.practice_percent).",
            ref.cite("step3_practice_min"),
            fix="Give a practice score (--practice-percent)",
        )
    elif facts.practice_percent < practice_min:
        return Finding(
            PRACTICE,
            "warn",
            (
                f"Reach {practice_min}% on practice tests: your latest is {facts.practice_percent:g}%."
            ),
            ref.cite("step3_practice_min"),
        )
    else:
        return Finding(
            PRACTICE,
            "ok",
            f"Latest practice {facts.practice_percent:g}% (at least {practice_min}%).",
            ref.cite("step3_practice_min"),
        )


def _confidence(facts: Step3Facts, ref: Reference) -> Finding:
    """Confidence of a comfortable first-attempt pass (the guide), or that it is not given."""
    if facts.confident is None:
        return Finding(
            CONFIDENCE,
            "warn",
            "Confidence not given: say whether you feel confident of a comfortable "
            "first-attempt pass (--confident or --not-confident, or "
            "step3_readiness.confident: true in the profile); the guide says take it only then.",
            ref.cite("guide"),
            fix="Say whether you feel confident (--confident)",
        )
    elif not facts.confident:
        return Finding(
            CONFIDENCE,
            "warn",
            "Feel confident of a comfortable first-attempt pass: the guide says take it only then.",
            ref.cite("guide"),
        )
    else:
        return Finding(
            CONFIDENCE, "ok", "You feel confident of passing comfortably.", ref.cite("guide")
        )

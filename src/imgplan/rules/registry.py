"""Every rule imgplan applies, with a unique id, its family, and what it checks and why.

A finding's ``rule`` is always one of these ids (a test checks every id in every output). One
id never names two rules: a program screen, a profile finding and a Step 3 reason about the
same subject have different ids (``ecfmg`` screens a program; ``ecfmg-status`` describes the
applicant; ``step3-ecfmg`` is a Step 3 eligibility reason).
"""

from __future__ import annotations

from msgspec import Struct

FAMILIES = ("screen", "profile", "ranking", "step3", "plan", "timeline")


class Rule(Struct, frozen=True):
    id: str
    family: str
    doc: str  # what the rule checks, and where the rule comes from


RULES: dict[str, Rule] = {}


def rule(rule_id: str, family: str, doc: str) -> str:
    """Register a rule and return its id (the id constant's value)."""
    if rule_id in RULES:
        raise ValueError(f"rule id '{rule_id}' is registered twice")
    if family not in FAMILIES:
        raise ValueError(f"rule family '{family}' is not one of {FAMILIES}")
    RULES[rule_id] = Rule(rule_id, family, " ".join(doc.split()))
    return rule_id


# Program screens (rules/screens.py): can exclude a program or make it conditional ----------

SPECIALTY = rule(
    "specialty",
    "screen",
    """The program is in one of the applicant's target specialties (the profile's
    targets.specialties, or --specialty).""",
)
VISA = rule(
    "visa",
    "screen",
    """An applicant who needs sponsorship needs a program that sponsors a visa they can use;
    an H-1B-only program is conditional until Step 3 is passed (SPEC rules; ECFMG J-1 facts,
    FACTS §5). Unknown visa policy is 'verify'.""",
)
GRADUATION = rule(
    "graduation",
    "screen",
    """Years since graduation at the Match against the program's year-of-graduation limit
    (FACTS §7: often 5 years or fewer).""",
)
ATTEMPTS = rule(
    "attempts",
    "screen",
    """The most attempts at any Step against the program's attempt limit (NRMP Program
    Director Survey: a failed attempt is a common screen).""",
)
STEP2CK = rule(
    "step2ck",
    "screen",
    """Step 2 CK against the program's minimum; a few points under it is kept as the guide's
    exception at a program with strong informatics when the portfolio is exceptional.""",
)
USCE = rule(
    "usce",
    "screen",
    """US clinical experience against what the program requires or prefers (FACTS §7).""",
)
ECFMG = rule(
    "ecfmg",
    "screen",
    """ECFMG certification against when the program needs it (application, rank list, start;
    ECFMG must confirm to NRMP by the rank-list deadline, FACTS §5).""",
)
FRESHNESS = rule(
    "freshness",
    "screen",
    """Program figures older than 18 months (by verified, else the dataset's as_of) are
    flagged as stale (SPEC: Program dataset format).""",
)

# Profile findings (rules/profile_findings.py): about the applicant, not a program -----------

STEP2CK_LEVEL = rule(
    "step2ck-level",
    "profile",
    """Step 2 CK against the guide's minimum workable 220 and aim of 230–240, and the passing
    score (FACTS §1, §5).""",
)
STEP2CK_SPECIALTY = rule(
    "step2ck-specialty",
    "profile",
    """Step 2 CK against the target specialty's matched non-US IMGs (NRMP Charting Outcomes
    2026: Q1 and median), not Internal Medicine's for every specialty (FACTS §2).""",
)
US_LETTERS = rule(
    "us-letters",
    "profile",
    """Letters from US clinical experience (usce[].us_letter): imgplan's convention of about
    three US clinical letters.""",
)
STEP1_GAP = rule(
    "step1-gap",
    "profile",
    """A low legacy numeric Step 1 needs a Step 2 CK at least 20 points higher (FACTS §1).""",
)
RED_FLAG = rule(
    "red-flag",
    "profile",
    """Any failed attempt is a red flag, with the guide's mitigations (FACTS §1, §7).""",
)
STEP1_PASSED = rule(
    "step1-passed",
    "profile",
    """Whether Step 1 is recorded as passed (needed for ECFMG certification and Step 3).""",
)
ECFMG_STATUS = rule(
    "ecfmg-status",
    "profile",
    """Whether the applicant is ECFMG certified (needed to start residency; FACTS §5).""",
)
USCE_STATUS = rule(
    "usce-status",
    "profile",
    """How many months of clinical US experience the profile records (FACTS §7).""",
)
GRADUATION_AGE = rule(
    "graduation-age",
    "profile",
    """Years since graduation at the target Match, against the common 5-year limit
    (FACTS §7).""",
)
INFORMATICS_STRENGTH = rule(
    "informatics-strength",
    "profile",
    """The informatics portfolio on the guide's four core elements (imgplan's scoring,
    docs/rules.md: Scoring).""",
)

# Ranking (recommend.py): findings attached while ranking -------------------------------

INFORMATICS_FIT = rule(
    "informatics-fit",
    "ranking",
    """The program's informatics features the guide asks an IMG to look for (in-house CI
    fellowship, informatics faculty, track, EHR projects, analytics; imgplan's weighting).""",
)
STEP3_POINTER = rule(
    "step3-pointer",
    "profile",
    """Points H-1B applicants with conditional programs to check-step3.""",
)
STEP2CK_PLANNED = rule(
    "step2ck-planned",
    "profile",
    """The list uses the planned Step 2 CK target, not a real score.""",
)

# Step 3 reasons (rules/step3.py) ----------------------------------------------------------

STEP3_DONE = rule("step3-done", "step3", """Step 3 is already passed.""")
STEP3_FAILED = rule(
    "step3-failed",
    "step3",
    """A numeric Step 3 under the pass mark of its test date (200 from 1 Jan 2024, 198
    before) is a failed attempt: verdict retake, a red flag (FACTS §5).""",
)
STEP1_FAILED_BEFORE = rule(
    "step1-failed-before",
    "step3",
    """Step 1 given as failed with ECFMG certification: read as passed after a failed attempt
    (certification needs Step 1 passed).""",
)
NO_GAIN = rule(
    "no-gain",
    "step3",
    """Nothing low or borderline and no H-1B need: Step 3 is optional before residency
    (FACTS §1).""",
)
LOCK_IN = rule(
    "lock-in",
    "step3",
    """A poor Step 3 after a low Step 2 CK locks in a negative pattern (FACTS §1).""",
)
ATTEMPT_LIMIT = rule("attempt-limit", "step3", """USMLE allows 4 attempts per Step (FACTS §5).""")
STEP3_STEP1 = rule(
    "step3-step1", "step3", """Step 3 eligibility needs Step 1 passed (FSMB, FACTS §5)."""
)
STEP3_STEP2CK = rule(
    "step3-step2ck", "step3", """Step 3 eligibility needs Step 2 CK passed (FSMB, FACTS §5)."""
)
STEP3_ECFMG = rule(
    "step3-ecfmg",
    "step3",
    """IMGs apply for Step 3 only after ECFMG certification (FSMB, FACTS §5).""",
)
H1B_BEFORE_START = rule(
    "h1b-before-start",
    "step3",
    """Matched with an H-1B: Step 3 must be passed before the petition (FACTS §5).""",
)
MATCHED = rule(
    "matched",
    "step3",
    """Matched or in residency: take Step 3 early in residency (FACTS §1).""",
)
H1B = rule("h1b", "step3", """Step 3 passed helps H-1B sponsorship (FACTS §1, §5).""")
STEP1_LOW = rule(
    "step1-low", "step3", """A low or failed Step 1 is a reason to take Step 3 (FACTS §1)."""
)
STEP2_BORDERLINE = rule(
    "step2-borderline",
    "step3",
    """A borderline Step 2 CK is a reason to take Step 3 when a comfortable pass is likely
    (FACTS §1).""",
)
READINESS_UNKNOWN = rule(
    "readiness-unknown",
    "step3",
    """No Step 3 readiness given: the verdict cannot be take-now.""",
)
STUDY_WEEKS = rule(
    "study-weeks", "step3", """Weeks available to study for Step 3 (imgplan's convention)."""
)
PRACTICE = rule(
    "practice", "step3", """The latest practice-test percentage (imgplan's convention)."""
)
CONFIDENCE = rule(
    "confidence",
    "step3",
    """The guide: take Step 3 only with confidence to pass comfortably (FACTS §1).""",
)


# The application plan's signal checks (plan.py) ----------------------------------------

SIGNAL_VISA_UNKNOWN = rule(
    "signal-visa-unknown",
    "plan",
    """A signal to a program whose visa policy is unknown while the applicant needs a visa:
    verify before spending it (imgplan's convention).""",
)
SIGNAL_SAFETY = rule(
    "signal-safety",
    "plan",
    """A signal to a safety program, which would probably interview the applicant anyway
    (imgplan's convention, FACTS §8).""",
)
SIGNAL_UNKNOWN_ID = rule(
    "signal-unknown-id", "plan", """A chosen signal names a program not in the dataset."""
)
SIGNAL_TWICE = rule("signal-twice", "plan", """One program takes one signal.""")
SIGNAL_WASTED = rule(
    "signal-wasted",
    "plan",
    """A chosen signal to a program whose known visa policy rules the applicant out is
    wasted (FACTS §8, advising consensus).""",
)
SIGNAL_SCREENED_OUT = rule(
    "signal-screened-out", "plan", """A chosen signal to a program another screen excludes."""
)
SIGNAL_TIER_WORD = rule(
    "signal-tier-word",
    "plan",
    """A signal's tier must be the specialty's kind: gold or silver for a two-tier specialty,
    a plain signal otherwise (data/signals.yaml).""",
)

# The timeline's checks (timeline/) ------------------------------------------------------

STUDY_SHORT = rule(
    "study-short",
    "timeline",
    """Less than six months until the Step 2 CK date: shorter than the guide's 6-9 months of
    study for IMGs (FACTS §1).""",
)
SCORE_AFTER_SUBMISSION = rule(
    "score-after-submission",
    "timeline",
    """The Step 2 CK score would come after ERAS submission opens: programs screen on it.""",
)
EXAM_PAST = rule(
    "exam-past",
    "timeline",
    """Your own exam date is past: the score is pending (about four weeks), else record it or
    a new date (FACTS §5).""",
)
STEP3_LATE_FOR_RANKS = rule(
    "step3-late-for-ranks",
    "timeline",
    """A Step 3 result after the rank-list deadline cannot help that season's rank lists,
    whatever the visa or the reason (FACTS §4, §5).""",
)
STEP3_LATE_FOR_PETITION = rule(
    "step3-late-for-petition",
    "timeline",
    """A Step 3 result after about 31 May is late for an H-1B petition before a 1 July start
    (FACTS §5).""",
)
VISA_LIMIT = rule(
    "visa-limit",
    "timeline",
    """Residency + CI fellowship years against the J-1 cap (7) and the H-1B limit (6)
    (FACTS §5).""",
)

# The rank order list (imgplan rank, ranking/checks.py) ----------------------------------------

RANK_CONTIGUOUS = rule(
    "rank-contiguous",
    "ranking",
    """Programs of the preferred specialty ranked in a row from the top, against Charting
    Outcomes 2026's medians for matched and unmatched non-US IMGs (FACTS §2).""",
)
RANK_FEES = rule(
    "rank-fees",
    "ranking",
    """The NRMP fee covers 20 program codes on the primary list (and 20 across supplemental
    lists); each extra code costs $30 (FACTS §4).""",
)
RANK_CAP = rule(
    "rank-cap",
    "ranking",
    """A rank order list holds at most 300 ranks (FACTS §4).""",
)
RANK_TRACKS = rule(
    "rank-tracks",
    "ranking",
    """Preliminary and advanced positions: a supplemental list is used only if the applicant
    matches the advanced program it is linked to (FACTS §4).""",
)
RANK_RULES_OUT = rule(
    "rank-rules-out",
    "ranking",
    """A program whose stated policy (visa, graduation limit, attempts ...) rules the applicant
    out: ranking it costs a code and cannot match.""",
)
RANK_VERIFY = rule(
    "rank-verify",
    "ranking",
    """A program whose policies are unknown: verify them before ranking.""",
)
RANK_DATES = rule(
    "rank-dates",
    "ranking",
    """Where today falls: before ranking opens, before the certification deadline (16 days
    before Match Day, 9 pm ET), or after it (FACTS §4).""",
)
RANK_LOCK_PILOT = rule(
    "rank-lock-pilot",
    "ranking",
    """The Voluntary Program ROL Lock pilot (2026 Match on; Internal Medicine, Pediatrics,
    Vascular Surgery): a program that locks its list cannot change it; second looks only after
    it locked (FACTS §4).""",
)
RANK_EMPTY = rule(
    "rank-empty",
    "ranking",
    """No interview tracked: nothing to rank yet (track update --status scheduled).""",
)

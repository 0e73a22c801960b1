"""Program screens (SPEC.md "Rules the guide fixes").

Each screen looks at one program field against the profile and returns one Finding:
``ok`` (passes), ``fail`` (excluded), ``verify`` (the program left the field empty: never
excludes, never counts as a pass), ``conditional`` (H-1B only, before Step 3), ``exception``
(the guide's informatics exception), or ``warn``/``info``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from operator import attrgetter

from ..models import vocab
from ..models.programs import Program
from ..models.values import plural
from .context import Context
from .findings import Finding
from .registry import ATTEMPTS, ECFMG, FRESHNESS, GRADUATION, SPECIALTY, STEP2CK, USCE, VISA

VERIFY = "unknown — verify on the program's site"
VISA_NAMES = {"j1": "J-1", "h1b": "H-1B"}


def takes(visas: object) -> str:
    """'accepts the J-1 (ECFMG sponsors it) and sponsors the H-1B': a program accepts the
    J-1, which ECFMG sponsors; it sponsors the H-1B itself (FACTS §5)."""
    parts = []
    if vocab.ProgramVisa.j1 in visas:  # type: ignore[operator]
        parts.append("accepts the J-1 (ECFMG sponsors it)")
    if vocab.ProgramVisa.h1b in visas:  # type: ignore[operator]
        parts.append("sponsors the H-1B")
    return " and ".join(parts) or "takes no visa"


Screen = Callable[[Context, Program, dt.date], Finding]


def specialty(ctx: Context, p: Program, as_of: dt.date) -> Finding:
    targets = ctx.targets
    label = vocab.specialty_label(p.specialty)
    if p.specialty in targets:
        rank = targets.index(p.specialty) + 1
        return Finding(
            SPECIALTY,
            "ok",
            lambda: f"{label} is your target specialty #{rank}.",
            ctx.ref.cite("spec"),
        )
    wanted = ", ".join(vocab.specialty_label(s) for s in targets)
    return Finding(
        SPECIALTY,
        "fail",
        lambda: f"{label} is not among your target specialties ({wanted}).",
        ctx.ref.cite("spec"),
    )


def visa(ctx: Context, p: Program, as_of: dt.date) -> Finding:
    need = ctx.profile.visa
    if need == vocab.Visa.none:
        return Finding(VISA, "ok", "You need no visa sponsorship.", ctx.ref.cite("spec"))
    if p.visas is None:
        return Finding(
            VISA, "verify", lambda: f"Visa sponsorship: {VERIFY}.", ctx.ref.cite("freida_quality")
        )
    usable_kinds = (
        {vocab.ProgramVisa.j1, vocab.ProgramVisa.h1b} if need == vocab.Visa.any else {need}
    )
    usable = {v for v in p.visas if v in usable_kinds}
    if not usable:
        offered = takes(p.visas)
        you = {"j1": "a J-1", "h1b": "an H-1B"}.get(need, "a visa")
        return Finding(
            VISA,
            "fail",
            lambda: f"The program {offered}; you need {you}.",
            ctx.ref.cite("visa_j1" if need == "j1" else "visa_h1b"),
        )
    if usable == {vocab.ProgramVisa.h1b} and not ctx.step3_passed:
        return Finding(
            VISA,
            "conditional",
            (
                "Of the visas you can use, the program takes only the H-1B, and the H-1B petition needs "
                "Step 3 passed: conditional until you pass Step 3 (see `imgplan check-step3`)."
            ),
            ctx.ref.cite("visa_h1b"),
        )
    return Finding(
        VISA,
        "ok",
        lambda: f"The program {takes(usable)}, which you can use.",
        ctx.ref.cite("visa_j1"),
    )


def graduation(ctx: Context, p: Program, as_of: dt.date) -> Finding:
    year = ctx.profile.targets.match_year
    years = year - ctx.profile.graduation_year
    if p.yog_max_years is None:
        return Finding(
            GRADUATION,
            "verify",
            (
                lambda: (
                    f"Year-of-graduation cutoff: {VERIFY} (you will be {years} years from graduation "
                    f"at the {year} Match; cutoffs of 3–5 years are common)."
                )
            ),
            ctx.ref.cite("yog_practice"),
        )
    if years <= p.yog_max_years:
        return Finding(
            GRADUATION,
            "ok",
            (
                lambda: (
                    f"Graduated {years} years before the {year} Match; the program accepts up to "
                    f"{p.yog_max_years}."
                )
            ),
            ctx.ref.cite("yog_practice"),
        )
    return Finding(
        GRADUATION,
        "fail",
        (
            lambda: (
                f"Graduated {years} years before the {year} Match; the program accepts at most "
                f"{p.yog_max_years}."
            )
        ),
        ctx.ref.cite("yog_practice"),
    )


def attempts(ctx: Context, p: Program, as_of: dt.date) -> Finding:
    most = ctx.most_attempts
    if most is None:
        return _attempts_unknown(ctx, p)
    if most == 1:
        return Finding(
            ATTEMPTS,
            "ok",
            "Every Step passed on the first attempt, which any attempt policy accepts.",
            ctx.ref.cite("pd_survey"),
        )
    if p.max_attempts is None:
        return Finding(
            ATTEMPTS,
            "verify",
            (
                lambda: (
                    f"Attempt policy: {VERIFY}; you needed {most} attempts at a Step, and "
                    f"{ctx.ref['pd_failed_attempt_percent']:g}% of program directors cite a failed "
                    "attempt in interview decisions."
                )
            ),
            ctx.ref.cite("pd_survey"),
        )
    if most <= p.max_attempts:
        return Finding(
            ATTEMPTS,
            "ok",
            lambda: f"Accepts up to {p.max_attempts} attempts per Step; your most is {most}.",
            ctx.ref.cite("pd_survey"),
        )
    rule = (
        "first-attempt passes only" if p.max_attempts == 1 else f"at most {p.max_attempts} attempts"
    )
    return Finding(
        ATTEMPTS,
        "fail",
        lambda: f"Takes {rule}; you needed {most} attempts at a Step.",
        ctx.ref.cite("pd_survey"),
    )


def _attempts_unknown(ctx: Context, p: Program) -> Finding:
    """The profile does not say how many attempts a Step took: unknown, never a first-attempt
    pass; only a program that accepts every attempt USMLE allows is a known pass."""
    missing = " and ".join(ctx.profile.unknown_attempts)
    how = f"your {missing} attempt count is not in the profile (add usmle.*.attempts)"
    if p.max_attempts is not None and p.max_attempts >= ctx.ref["attempt_limit"]:
        return Finding(
            ATTEMPTS,
            "ok",
            lambda: f"Accepts up to {p.max_attempts} attempts per Step, as many as USMLE allows.",
            ctx.ref.cite("pd_survey"),
        )
    policy = VERIFY if p.max_attempts is None else f"at most {p.max_attempts} per Step"
    return Finding(
        ATTEMPTS,
        "verify",
        lambda: f"Attempt policy: {policy}; {how}.",
        ctx.ref.cite("pd_survey"),
    )


def strong_informatics(p: Program) -> list[str]:
    """The features that make a program eligible for the guide's exception."""
    out = []
    if p.informatics.ci_fellowship == vocab.CiFellowship.in_house:
        out.append("an in-house CI fellowship")
    if p.informatics.informatics_track:
        out.append("an informatics track")
    return out


def step2ck(ctx: Context, p: Program, as_of: dt.date) -> Finding:
    score = ctx.step2
    src = ctx.ref.cite("guide")
    if score is None:
        return Finding(
            STEP2CK,
            "verify",
            "Your profile has no Step 2 CK score or planned target, so no cutoff can be checked.",
            src,
        )
    planned = " (planned)" if ctx.profile.step2_planned else ""
    if p.step2ck_min is None:
        pref = f"; it prefers {p.step2ck_preferred}" if p.step2ck_preferred else ""
        return Finding(
            STEP2CK,
            "verify",
            lambda: f"Step 2 CK minimum: {VERIFY}{pref}.",
            ctx.ref.cite("freida_quality"),
        )
    if score >= p.step2ck_min:
        plus = score - p.step2ck_min
        return Finding(
            STEP2CK,
            "ok",
            (lambda: f"{ctx.step2_words} meets the minimum {p.step2ck_min} (+{plus}){planned}."),
            src,
        )
    gap = p.step2ck_min - score
    few = ctx.ref["exception_points"]
    strong = strong_informatics(p)
    need = ctx.ref["exceptional_strength"]
    if gap <= few and strong and ctx.exceptional:
        return Finding(
            STEP2CK,
            "exception",
            (
                lambda: (
                    f"{ctx.step2_words} is {plural(gap, 'point')} under the minimum {p.step2ck_min}, but the "
                    f"program has {' and '.join(strong)} and your informatics portfolio is exceptional "
                    f"({ctx.strength.score}/100, at least {need}): the guide's exception keeps it, as "
                    "a reach."
                )
            ),
            src,
        )
    hint = ""
    if gap <= few and strong:
        hint = (
            f" It has {' and '.join(strong)}: an exceptional informatics portfolio "
            f"({need}/100; yours {ctx.strength.score}) would keep it as an exception."
        )
    return Finding(
        STEP2CK,
        "fail",
        (
            lambda: (
                f"{ctx.step2_words} is {plural(gap, 'point')} under the minimum "
                f"{p.step2ck_min}.{hint}"
            )
        ),
        src,
    )


def usce(ctx: Context, p: Program, as_of: dt.date) -> Finding:
    """US clinical experience against the program's requirement. Hands-on months (hands-on,
    externship) count; observerships (no patient care) are not counted by many programs
    (FACTS §7), so where only they would meet a requirement the program is 'verify'."""
    months, observed = ctx.usce_months, ctx.observership_months
    have = f"you have {plural(months, 'month')} of hands-on USCE" + (
        f" and {plural(observed, 'month')} of observership" if observed else ""
    )
    src = ctx.ref.cite("usce_practice")
    if p.usce is None:
        return Finding(
            USCE,
            "verify",
            lambda: f"US clinical experience requirement: {VERIFY}; {have}.",
            ctx.ref.cite("freida_quality"),
        )
    if p.usce == vocab.UsceRequirement.required:
        return _usce_required(ctx, p, months, observed, have, src)
    if p.usce == vocab.UsceRequirement.preferred and months == 0:
        return Finding(USCE, "warn", lambda: f"Prefers US clinical experience; {have}.", src)
    words = "prefers" if p.usce == vocab.UsceRequirement.preferred else "does not require"
    return Finding(USCE, "ok", lambda: f"The program {words} USCE; {have}.", src)


def _usce_required(
    ctx: Context, p: Program, months: float, observed: float, have: str, src: str
) -> Finding:
    need = p.usce_min_months
    if need is None:
        if months > 0 or observed > 0:
            return Finding(
                USCE, "verify", lambda: f"Requires USCE, minimum months {VERIFY}; {have}.", src
            )
        need = 1
    if months >= need:
        return Finding(
            USCE, "ok", lambda: f"Requires {plural(need, 'month')} of USCE; {have}.", src
        )
    if months + observed >= need:
        return Finding(
            USCE,
            "verify",
            lambda: (
                f"Requires {plural(need, 'month')} of USCE; {have}. Only with the observership would you "
                "meet it, and many programs do not count observerships: verify on the program's "
                "site."
            ),
            src,
        )
    return Finding(USCE, "fail", lambda: f"Requires {plural(need, 'month')} of USCE; {have}.", src)


def ecfmg(ctx: Context, p: Program, as_of: dt.date) -> Finding:
    src = ctx.ref.cite("ecfmg_nrmp")
    if ctx.profile.certified:
        return Finding(ECFMG, "ok", "You are ECFMG certified.", src)
    if p.ecfmg_by is None:
        return Finding(
            ECFMG,
            "verify",
            lambda: f"When ECFMG certification is needed: {VERIFY}; you are not certified yet.",
            src,
        )
    if p.ecfmg_by == vocab.EcfmgBy.application:
        return Finding(
            ECFMG,
            "fail",
            "Requires ECFMG certification at application; you are not certified yet.",
            src,
        )
    if p.ecfmg_by == vocab.EcfmgBy.rank_list:
        return Finding(
            ECFMG,
            "warn",
            "Requires ECFMG certification by the rank-list deadline; you are not certified yet.",
            src,
        )
    return Finding(
        ECFMG,
        "info",
        "Requires ECFMG certification by the residency start "
        "(NRMP still needs your exams confirmed by the rank-list deadline).",
        src,
    )


def freshness(ctx: Context, p: Program, as_of: dt.date) -> Finding:
    checked = p.verified or as_of
    months = (ctx.today.year - checked.year) * 12 + (ctx.today.month - checked.month)
    what = "verified" if p.verified else "dataset dated"
    limit = ctx.ref["stale_months"]
    if months > limit:
        return Finding(
            FRESHNESS,
            "warn",
            (
                lambda: (
                    f"Figures are stale: {what} {checked.isoformat()}, {plural(months, 'month')} ago (over "
                    f"{limit}); verify on the program's site."
                )
            ),
            ctx.ref.cite("stale_months"),
        )
    return Finding(
        FRESHNESS,
        "ok",
        lambda: f"Figures {what} {checked.isoformat()} ({plural(months, 'month')} ago).",
        ctx.ref.cite("stale_months"),
    )


def _step2ck_key(p: Program) -> object:
    """The scores, and what strong_informatics reads, as it reads it: as few distinct keys as
    the finding has (each is screened once per profile; a batch screens 100 profiles)."""
    info = p.informatics
    return (
        p.step2ck_min,
        p.step2ck_preferred,
        info.ci_fellowship == vocab.CiFellowship.in_house,
        bool(info.informatics_track),
    )


def _visa_key(p: Program) -> object:
    return None if p.visas is None else tuple(p.visas)


#: What each screen reads of a program. Two programs with the same key get the same finding,
#: so a list evaluates each screen once per distinct key (tests check the keys are complete).
#: (attrgetter where a key is plain fields: a 13,000-program list reads them in C.)
KEYS: dict[Screen, Callable[[Program], object]] = {
    specialty: attrgetter("specialty"),
    visa: _visa_key,
    graduation: attrgetter("yog_max_years"),
    attempts: attrgetter("max_attempts"),
    step2ck: _step2ck_key,
    usce: attrgetter("usce", "usce_min_months"),
    ecfmg: attrgetter("ecfmg_by"),
    freshness: attrgetter("verified"),
}

#: Screens whose finding depends on the program, the dataset's date and today only, not on
#: the profile: a batch of profiles shares their findings.
PROFILE_FREE: frozenset[Screen] = frozenset({freshness})

#: The screens in the order `explain` shows them.
SCREENS: tuple[Screen, ...] = (
    specialty,
    visa,
    graduation,
    attempts,
    step2ck,
    usce,
    ecfmg,
    freshness,
)

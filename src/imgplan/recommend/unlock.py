"""What-if runs and `--unlock`: which single change an applicant can still make opens the most
excluded programs. Every candidate is evaluated by the same path as the list
(`evaluate.evaluate`)."""

from __future__ import annotations

import datetime as dt

from msgspec.structs import replace

from ..models import vocab
from ..models.profile import Profile, Step2CK, Step3, Usce
from ..models.programs import Dataset
from ..models.reference import Reference
from ..models.values import plural
from ..rules.context import Context
from ..rules.passing import step3_passed
from ..season import step2_failed
from .evaluate import Assessed, evaluate
from .result import Unlock


def with_overrides(
    profile: Profile,
    *,
    step2: int | None = None,
    usce_months: float | None = None,
    step3_pass: bool = False,
    ecfmg: bool | None = None,
) -> Profile:
    """A copy of the profile with what-if changes; the file is never touched."""
    usmle = profile.usmle
    update: dict[str, object] = {}
    if step2 is not None:
        attempts = usmle.step2ck.attempts if usmle.step2ck and usmle.step2ck.taken else None
        usmle = usmle.copy_with(step2ck=Step2CK(score=step2, attempts=attempts))
    if step3_pass:
        usmle = usmle.copy_with(step3=Step3(result="pass"))
    update["usmle"] = usmle
    if usce_months is not None:  # replaces all clinical USCE; research entries stay
        usce = [u for u in profile.usce if u.kind == vocab.UsceKind.research]
        if usce_months > 0:
            usce.append(Usce(kind=vocab.UsceKind.hands_on, months=usce_months))
        update["usce"] = usce
    if ecfmg is not None:
        update["ecfmg_certified"] = ecfmg
    return profile.copy_with(**update)


RETAKE_AIMS = (0, 5, 10, 15, 20)  # points over a retake's target (or the guide's aim)


def _retakes(profile: Profile, ref: Reference) -> list[tuple[str, str, Profile, bool | None]]:
    """A failed Step 2 CK: passing the retake is the lever (USMLE: 4 attempts per Step); the
    failure stays on the transcript, so the attempt count goes up by one."""
    step2ck = profile.usmle.step2ck
    assert step2ck is not None and step2ck.score is not None
    base = step2ck.target or ref["step2ck_aim_low"]
    attempts = (step2ck.attempts or 1) + 1
    out: list[tuple[str, str, Profile, bool | None]] = []
    for plus in RETAKE_AIMS:
        score = base + plus
        if score > 300 or attempts > ref["attempt_limit"]:
            continue
        passed = Step2CK(score=score, attempts=attempts)
        changed = profile.copy_with(usmle=profile.usmle.copy_with(step2ck=passed))
        label = (
            f"Pass the Step 2 CK retake with {score} (attempt {attempts} of {ref['attempt_limit']})"
        )
        out.append(("step2", label, changed, None))
    return out


def candidates(profile: Profile, ref: Reference) -> list[tuple[str, str, Profile, bool | None]]:
    """(kind, label, changed profile, exceptional portfolio?) for each single change an
    applicant can actually make, smallest first within a kind.

    A score is a lever only for a Step 2 CK that is planned (its target) or failed (the
    retake): USMLE does not let anyone retake a passed Step (FACTS §5). Until a failed Step 2
    CK is passed, neither ECFMG certification nor Step 3 is possible, so neither is offered.
    """
    out: list[tuple[str, str, Profile, bool | None]] = []
    step2ck = profile.usmle.step2ck
    failed = step2_failed(profile, ref.marks("step2ck_pass_history"))
    if failed:
        out += _retakes(profile, ref)
    elif step2ck is not None and not step2ck.taken and step2ck.target is not None:
        for plus in (5, 10, 15, 20, 30):
            if step2ck.target + plus <= 300:
                aim = step2ck.copy_with(target=step2ck.target + plus)
                changed = profile.copy_with(usmle=profile.usmle.copy_with(step2ck=aim))
                label = f"Aim for Step 2 CK {step2ck.target + plus} (+{plus} over your target)"
                out.append(("step2", label, changed, None))
    have = profile.hands_on_usce_months
    for months in (1, 2, 3, 4, 6):
        if months > have:
            label = f"{plural(months, 'month')} of hands-on US clinical experience"
            out.append(("usce", label, with_overrides(profile, usce_months=months), None))
    if not failed and not step3_passed(profile, ref):
        out.append(("step3", "Step 3 passed", with_overrides(profile, step3_pass=True), None))
    if not failed and not profile.certified:
        out.append(("ecfmg", "ECFMG certified", with_overrides(profile, ecfmg=True), None))
    if profile.visa in (vocab.Visa.j1, vocab.Visa.h1b):
        label = "Able to train on either visa (J-1 or H-1B)"
        out.append(("visa", label, profile.copy_with(visa=vocab.Visa.any), None))
    out.append(
        (
            "portfolio",
            "An exceptional informatics portfolio (opens the guide's exception programs)",
            profile,
            True,
        )
    )
    return out


def unlock_note(profile: Profile, ref: Reference) -> str | None:
    """Why a taken Step 2 CK is not among the changes, and which levers are left: only the
    ones this applicant still has."""
    step2ck = profile.usmle.step2ck
    if step2ck is None or not step2ck.taken:
        return None
    if step2_failed(profile, ref.marks("step2ck_pass_history")):
        return (
            f"Your Step 2 CK {step2ck.score} is a fail: passing the retake is the lever (USMLE "
            f"allows {ref['attempt_limit']} attempts per Step; the failure stays on your "
            "transcript). ECFMG certification and Step 3 come only after it."
        )
    levers = ["hands-on US clinical experience"]
    if not step3_passed(profile, ref):
        levers.append("Step 3")
    if not profile.certified:
        levers.append("ECFMG certification")
    levers.append("your informatics portfolio (it opens the guide's exception programs)")
    if profile.visa in (vocab.Visa.j1, vocab.Visa.h1b):
        levers.append("the visas you can train on")
    levers.append("your target specialties")
    return (
        f"Your Step 2 CK {step2ck.score} is taken: USMLE does not allow retaking a passed Step, "
        f"so the score is not a lever. What you can still change: {', '.join(levers)}."
    )


def unlock_report(
    profile: Profile,
    dataset: Dataset,
    ref: Reference,
    today: dt.date,
    excluded: list[Assessed],
) -> list[Unlock]:
    """Which single change opens the most excluded programs (in your target specialties)."""
    position = {id(p): i for i, p in enumerate(dataset.programs)}
    pool = [
        position[id(a.program)]
        for a in excluded
        if a.program.specialty in profile.targets.specialties
    ]
    kept: list[Unlock] = []
    best: dict[str, int] = {}
    for kind, label, changed, exceptional in candidates(profile, ref):
        ctx = Context.of(changed, ref, today)
        if exceptional and not ctx.exceptional:
            ctx = replace(ctx, exceptional_override=True)
        elif exceptional:
            continue  # already exceptional: not a change
        passed = {e.pos for e in evaluate(ctx, dataset, pool).ranked} if pool else set()
        opened = [dataset.programs[i].id for i in pool if i in passed]
        # Of several sizes of the same change, keep a larger one only if it opens more.
        if len(opened) > best.get(kind, 0):
            best[kind] = len(opened)
            kept.append(Unlock(label, len(opened), opened))
    return sorted(kept, key=lambda u: -u.opens)

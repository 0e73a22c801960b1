"""Residency years with the guide's informatics milestones, the CI fellowship application
and AMIA match, the fellowship, and the boards."""

from __future__ import annotations

import datetime as dt

from ..calendar import Dated, add_years, amia_match, fellowship_submit, working_day
from ..rules.portfolio import strength
from .model import Plan


def residency(p: Plan) -> None:
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
        year_start = add_years(p.start, pgy - 1)
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
            end=add_years(p.start, pgy) - dt.timedelta(days=1),
            detail=text,
        )


def fellowship(p: Plan) -> None:
    """The CI fellowship application, AMIA match and start, in the final residency year (the
    application steps are left out once the profile records the fellowship)."""
    fphase = "CI fellowship"
    recorded = p.profile.fellowship if p.profile else None
    if recorded is None:
        final_year = add_years(p.start, p.years - 1)
        submit, review = fellowship_submit(final_year.year, p.data)
        commit, results = amia_match(final_year.year, p.data)
        amia_src = "AMIA Clinical Informatics Fellowship Match (official)"
        p.add(
            "fellowship-letters",
            working_day(
                submit.date - dt.timedelta(weeks=p.data.pattern.fellowship_letters_weeks_before)
            ),
            "Ask for fellowship letters (informatics leaders, program director)",
            "fellowship",
            "estimated",
            p.guide,
            fphase,
        )
        p.add(
            "amia-membership",
            working_day(
                submit.date - dt.timedelta(weeks=p.data.pattern.amia_membership_weeks_before)
            ),
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
        fellowship_match(p, review.date, commit, results)
    where = f": {recorded.program}" if recorded and recorded.program else ""
    p.add(
        "fellowship-start",
        p.fstart,
        f"CI fellowship starts{where} ({p.fyears} years)",
        "fellowship",
        "personal" if recorded else "estimated",
        "your profile" if recorded else p.ref.cite("guide"),
        fphase,
        end=p.fend - dt.timedelta(days=1),
    )


def fellowship_match(p: Plan, review: dt.date, commit: Dated, results: Dated) -> None:
    """Fellowship interviews, the AMIA match commit deadline and its results (December)."""
    fphase = "CI fellowship"
    p.add(
        "fellowship-interviews",
        review + dt.timedelta(days=30),
        "Fellowship interviews",
        "fellowship",
        "estimated",
        p.data.pattern.source,
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


def boards(p: Plan) -> None:
    """Primary and Clinical Informatics boards: placeholder dates (imgplan's estimate, never
    on a weekend or a US federal holiday); verify with the boards."""
    p.add(
        "primary-boards",
        working_day(p.end + dt.timedelta(days=p.data.pattern.primary_boards_days_after_residency)),
        f"{p.label} board certification exam (after residency; verify the date with your board)",
        "boards",
        "estimated",
        "imgplan estimate (no date in the reference); verify",
        "Boards",
    )
    p.add(
        "ci-boards",
        working_day(p.fend + dt.timedelta(days=p.data.pattern.ci_boards_days_after_fellowship)),
        "Clinical Informatics board exam (ABPM; ABPath for pathologists), after the fellowship "
        "and primary board certification: the date is imgplan's estimate",
        "boards",
        "estimated",
        "ABMS/ABPM subspecialty (secondary); exam dates not in the reference: verify",
        "Boards",
    )


MEANWHILE_DAYS = 45  # a wait longer than this before the next milestone gets suggestions


def meanwhile(p: Plan) -> None:
    """No empty stretches: when the next milestone is more than MEANWHILE_DAYS away, what to do
    until then (the portfolio's top actions, hands-on USCE), labelled as imgplan's suggestion."""
    if p.profile is None:
        return
    ahead = [e.date for e in p.events if e.date > p.today]
    under_way = any(e.date <= p.today <= (e.end or e.date) for e in p.events)
    if not ahead or under_way or (min(ahead) - p.today).days <= MEANWHILE_DAYS:
        return
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
        "imgplan's suggestion, from `imgplan assess` (docs/commands.md: Stages)",
        "Residency" if p.in_residency_start else "Licensing and certification",
        end=min(ahead) - dt.timedelta(days=1),
        detail="Also: " + "; ".join(todo[1:]) if len(todo) > 1 else "",
    )

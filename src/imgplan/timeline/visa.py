"""Visa steps and limits (FACTS §5): what a J-1 or an H-1B takes between the Match and
residency, the 7-year J-1 cap and the 6-year H-1B limit across residency and fellowship, and,
on a J-1, the 212(e) waiver-job search a year before training ends."""

from __future__ import annotations

import datetime as dt

from ..calendar import add_years, working_day
from ..models import vocab
from ..rules.findings import Note
from ..rules.registry import VISA_LIMIT
from .model import Plan


def visa(p: Plan) -> None:
    steps(p)
    need = p.profile.visa if p.profile is not None else None
    if need in (vocab.Visa.j1, vocab.Visa.any):
        detail = "The 2-year home-country requirement (212(e)) applies unless waived."
        limit(p, "j1-cap", "J-1", "j1_cap_years", "cap", detail)
    if need in (vocab.Visa.h1b, vocab.Visa.any):
        limit(p, "h1b-limit", "H-1B", "h1b_limit_years", "limit", "")
    if need == vocab.Visa.j1:
        waiver_search(p)
    if need in (vocab.Visa.j1, vocab.Visa.any):
        fellowship_statement(p)


STATEMENT_LEAD_DAYS = 150  # imgplan's estimate: request it about five months before the start


def fellowship_statement(p: Plan) -> None:
    """On a J-1, the CI fellowship needs its own Statement of Need naming the subspecialty,
    and a new DS-2019 (FACTS §5)."""
    day = working_day(p.fstart - dt.timedelta(days=STATEMENT_LEAD_DAYS))
    if day < p.today and p.fstart < p.today:
        return
    p.add(
        "j1-fellowship-statement",
        day,
        "J-1: request a new Statement of Need for the CI fellowship (naming the subspecialty) "
        "and a new DS-2019 through the fellowship program",
        "visa",
        "estimated",
        p.ref.cite("visa_j1"),
        "CI fellowship",
        detail="ECFMG sponsors only training with more than incidental patient care: verify "
        "with ECFMG and the program that the CI fellowship qualifies.",
    )


def limit(p: Plan, key: str, name: str, figure: str, word: str, detail: str) -> None:
    """Residency + fellowship years against a visa's limit, warned when over it."""
    cap = p.ref[figure]
    used = p.years + p.fyears
    room = "within" if used <= cap else "OVER"
    room += "; no room left" if used == cap else ""
    p.add(
        key,
        p.end,
        f"{name} check: residency {p.years} y + fellowship {p.fyears} y = {used} of the "
        f"{cap}-year {word} ({room})",
        "visa",
        "estimated",
        p.ref.cite(figure),
        "CI fellowship",
        detail=detail,
    )
    if used > cap:
        p.warnings.append(
            Note(f"{name}: {used} years of training exceed the {cap}-year {word}.", VISA_LIMIT)
        )


def steps(p: Plan) -> None:
    """Between the Match and residency: what the J-1 takes (the H-1B petition follows the
    Step 3 result: see exams.step3_result). Only before residency starts."""
    if p.profile is None or p.profile.visa == vocab.Visa.none or p.start < p.today:
        return
    after_match = p.season.match_day + dt.timedelta(days=14)
    if p.in_residency_start is not None:
        after_match = max(p.today, p.start - dt.timedelta(days=120))
    if p.profile.visa in (vocab.Visa.j1, vocab.Visa.any):
        p.add(
            "j1-sponsorship",
            working_day(after_match),
            "J-1: your program requests ECFMG sponsorship (DS-2019), with the Statement of Need "
            "from your Ministry of Health; then the consular interview",
            "visa",
            "estimated",
            p.ref.cite("visa_j1"),
            "Licensing and certification",
            detail="Programs accept the J-1; ECFMG sponsors it and needs your ECFMG "
            "certificate. The 2-year home-country requirement (212(e)) follows unless waived; "
            "a Conrad 30 waiver job needs 3 years of full-time clinical H-1B work in an "
            "underserved area, so an informatics-only job would not qualify.",
        )
    if p.profile.location != vocab.Location.us:
        p.add(
            "visa-consulate",
            working_day(after_match + dt.timedelta(days=CONSULATE_AFTER_DAYS)),
            "Book the consular interview for your visa stamp as soon as the DS-2019 or the "
            "petition approval arrives (waits vary by consulate; check the travel rules: "
            "imgplan visa)",
            "visa",
            "estimated",
            p.ref.cite("visa_j1"),
            "Licensing and certification",
        )


CONSULATE_AFTER_DAYS = 45  # imgplan's estimate: a DS-2019 arrives some weeks after the Match
WAIVER_SEARCH_YEARS = 1  # the search starts about a year before training ends (FACTS §5)


def waiver_search(p: Plan) -> None:
    """On a J-1: the 212(e) waiver-job search (Conrad 30: clinical, underserved) about a year
    before training ends: the fellowship's end, or the residency's without a fellowship."""
    end = p.fend if p.profile and p.profile.fellowship else p.fend
    start = working_day(add_years(end, -WAIVER_SEARCH_YEARS))
    p.add(
        "j1-waiver-search",
        start,
        "J-1: start the 212(e) waiver-job search (a Conrad 30 job is clinical, in an "
        "underserved area)",
        "visa",
        "estimated",
        p.ref.cite("visa_j1"),
        "CI fellowship",
        detail="About a year before your training ends: a waiver job needs 3 years of "
        "full-time clinical H-1B work, so an informatics-only job does not qualify.",
    )

"""The residency application season: the application service (ERAS, or ResidencyCAS for
Emergency Medicine), signals, NRMP registration, interviews, the rank list, Match Day and SOAP."""

from __future__ import annotations

from ..calendar import month_day, nrmp_dates
from ..signals import allowance
from .model import Plan


def application(p: Plan) -> None:
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
        signals(p, phase)
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


def signals(p: Plan, phase: str) -> None:
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

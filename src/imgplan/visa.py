"""The visa and travel rules for one applicant (docs/visas.md): which training visas
are open, whether the H-1B fee would apply, the clocks across residency and the CI fellowship,
and the steps each visa takes — every line from a rule in data/visa-policy.yaml, with its
status, the date of that status, how old the check is and its source. Pure: the profile, the
policy and today are parameters. imgplan is not legal advice.

The code knows how each *kind* of rule works (a travel ban blocks visa classes for the
nationals of its tiers; a fee applies to new petitions from abroad; a clock counts years ...);
which rules exist, their countries, years, dates and statuses are data.
"""

from __future__ import annotations

import datetime as dt

from msgspec import Struct, field

from .models import vocab
from .models.profile import Profile
from .models.visa_policy import PolicyRule, VisaPolicy

STALE_DAYS = 183  # a rule checked more than six months before today is flagged
FELLOWSHIP_YEARS = 2  # ACGME CI fellowships (FACTS §6)
VISA_CLASS = {vocab.Visa.j1: "J", vocab.Visa.h1b: "H"}
VISA_NAME = {vocab.Visa.j1: "J-1", vocab.Visa.h1b: "H-1B"}
INSIDE_STATUS = {vocab.Visa.j1: vocab.UsStatus.j1, vocab.Visa.h1b: vocab.UsStatus.h1b}
NOT_ADVICE = (
    "imgplan is not legal advice: verify with ECFMG, the program and an immigration attorney"
)


class VisaLine(Struct, frozen=True):
    rule: str  # the policy rule's id
    kind: str  # route | fee | clock | step | info | missing
    level: str  # problem | warn | info | ok
    text: str
    source: str
    status: str
    status_date: dt.date | None
    as_of: dt.date | None
    stale: bool = False

    @property
    def dated(self) -> str:
        if self.status_date is None:
            return ""
        stale = "; STALE: checked over six months ago" if self.stale else ""
        return (
            f"status as of {self.status_date.isoformat()}: {self.status.replace('_', ' ')}; "
            f"checked {self.as_of.isoformat() if self.as_of else '?'}{stale}: verify"
        )


class Route(Struct):
    visa: str  # J-1 | H-1B
    open: bool | None  # None: imgplan cannot tell (citizenship unknown)
    lines: list[VisaLine] = field(default_factory=list)


class VisaReport(Struct):
    name: str | None
    needs: vocab.Visa
    citizenship: str | None
    location: vocab.Location | None
    us_status: vocab.UsStatus | None
    routes: list[Route]
    lines: list[VisaLine]  # the fee, the clocks, the steps, what matters after training
    policies: list[PolicyRule]
    missing: list[str]
    policy_as_of: dt.date
    today: dt.date
    not_advice: str = NOT_ADVICE

    @property
    def bites(self) -> list[VisaLine]:
        """The lines that change the plan (said at the top of every command)."""
        out = [line for r in self.routes for line in r.lines if line.level in ("problem", "warn")]
        return out + [line for line in self.lines if line.level in ("problem", "warn")]

    @property
    def blocked(self) -> bool:
        """No training visa the applicant needs is open (a documented negative answer)."""
        return bool(self.routes) and all(r.open is False for r in self.routes)


def _line(rule: PolicyRule, kind: str, level: str, text: str, today: dt.date) -> VisaLine:
    stale = (today - rule.as_of).days > STALE_DAYS
    source = f"{rule.source} [{rule.tag}]"
    return VisaLine(
        rule.id, kind, level, text, source, str(rule.status), rule.status_date, rule.as_of, stale
    )


def _in_force(rule: PolicyRule, today: dt.date) -> bool | None:
    """True in force today, False not, None unknown (pending, or past an expiry whose renewal
    is not known)."""
    if rule.status in (vocab.PolicyStatus.enjoined, vocab.PolicyStatus.expired):
        return False
    if rule.status in (vocab.PolicyStatus.pending, vocab.PolicyStatus.unknown):
        return None
    if rule.effective is not None and today < rule.effective:
        return False
    if rule.expires is not None and today > rule.expires:
        return None
    return True


def _visas(need: vocab.Visa) -> list[vocab.Visa]:
    if need == vocab.Visa.any:
        return [vocab.Visa.j1, vocab.Visa.h1b]
    if need == vocab.Visa.none:
        return []
    return [need]


def assess(
    profile: Profile,
    policy: VisaPolicy,
    today: dt.date,
    *,
    residency_years: int,
    step3_passed: bool,
) -> VisaReport:
    """``residency_years``: the residency's length for the specialty (data/calendar.yaml);
    ``step3_passed``: as `rules.passing.step3_passed` judges it (the pass mark of its date)."""
    needs = _visas(profile.visa)
    report = VisaReport(
        profile.name,
        profile.visa,
        profile.citizenship,
        profile.location,
        profile.us_status,
        [],
        [],
        list(policy.rules),
        [],
        policy.as_of,
        today,
    )
    if not needs:
        return report
    if profile.citizenship is None:
        report.missing.append(
            "citizenship: without it imgplan cannot check the travel ban (add citizenship: "
            "your country, e.g. Nigeria or NG)"
        )
    if profile.location is None:
        report.missing.append(
            "location (abroad or us): without it imgplan cannot tell whether an H-1B would be a "
            "new petition from abroad, the case the $100,000 fee covers"
        )
    for visa in needs:
        report.routes.append(_route(profile, policy, visa, today))
    report.lines += _fee(profile, policy, needs, today)
    report.lines += _clocks(policy, needs, residency_years, today)
    report.lines += _steps(policy, needs, today, step3_passed)
    return report


def _route(profile: Profile, policy: VisaPolicy, visa: vocab.Visa, today: dt.date) -> Route:
    route = Route(VISA_NAME[visa], True)
    holds = profile.us_status == INSIDE_STATUS[visa] and profile.location != vocab.Location.abroad
    for rule in policy.of_kind(vocab.PolicyKind.travel_ban):
        _travel_ban(route, rule, profile, visa, holds, today)
    return route


def _travel_ban(
    route: Route,
    rule: PolicyRule,
    profile: Profile,
    visa: vocab.Visa,
    holds: bool,
    today: dt.date,
) -> None:
    """What one travel-ban rule means for this route: not checked, not listed, not
    suspending this visa, not in force, a held status, or suspended."""
    letter = VISA_CLASS[visa]
    force = _in_force(rule, today)

    def say(level: str, text: str) -> None:
        route.lines.append(_line(rule, "route", level, text, today))

    if profile.citizenship is None:
        route.open = None
        say("info", f"{rule.title}: not checked (citizenship not given).")
        return
    tier = next((t for t in rule.tiers if profile.citizenship in t.countries), None)
    if tier is None:
        return
    blocks = letter in tier.blocks
    name = f"{rule.title} ({tier.name} list, from {rule.effective.isoformat() if rule.effective else '?'})"
    if not blocks:
        say(
            "info",
            f"{name}: your country is listed, but the {VISA_NAME[visa]} is not among the visas it suspends ({', '.join(tier.blocks)}).",
        )
        return
    if force is False:
        say(
            "info",
            f"{name}: it would suspend new {VISA_NAME[visa]} visas for your country, but it is {rule.status.replace('_', ' ')}.",
        )
        return
    if holds:
        say(
            "warn",
            f"{name}: you hold {VISA_NAME[visa]} status in the US, which the ban does not revoke; a new "
            f"{VISA_NAME[visa]} visa (to come back after travel abroad) is suspended for your country: do not leave the US without advice.",
        )
        return
    route.open = False if force else None
    word = "suspended" if force else "may be suspended (status unknown)"
    say(
        "problem" if force else "warn",
        f"{name}: new {VISA_NAME[visa]} visas are {word} for your country; a visa issued before "
        f"{rule.effective.isoformat() if rule.effective else 'it'} is not revoked"
        + (f" ({rule.status_note})." if rule.status_note else "."),
    )
    if visa == vocab.Visa.j1 and "H" not in tier.blocks:
        say(
            "info",
            "The H-1B is not among the visas it suspends for your country: an H-1B route "
            "(Step 3 passed before the petition, and the fee question if you are abroad) is "
            "the alternative to discuss with programs.",
        )


def _fee(
    profile: Profile, policy: VisaPolicy, needs: list[vocab.Visa], today: dt.date
) -> list[VisaLine]:
    if vocab.Visa.h1b not in needs:
        return []
    out = []
    for rule in policy.of_kind(vocab.PolicyKind.h1b_fee):
        force = _in_force(rule, today)
        where = profile.location
        if where is None:
            verdict, level = (
                "imgplan cannot tell whether it applies to you without your location (abroad or us).",
                "info",
            )
        elif profile.us_status == vocab.UsStatus.h1b and where == vocab.Location.us:
            verdict, level = (
                "you already hold H-1B status in the US: a transfer or extension is not a new petition from abroad, so it does not apply.",
                "ok",
            )
        elif where == vocab.Location.us:
            verdict, level = (
                "you are in the US: a change of status to H-1B approved inside the US does not carry it (if the change is denied and the petition goes to a consulate, it does).",
                "ok",
            )
        else:
            verdict, level = (
                "you are abroad: an H-1B for you would be a new petition with consular notification, which carries it unless an exception is granted (none reported). Programs may decline to sponsor: J-1 programs are the safer list.",
                "warn",
            )
        if force is False:
            verdict, level = f"it is {rule.status.replace('_', ' ')}: " + verdict, "info"
        elif force is None and level == "warn":
            verdict = "its status today is unknown (see the date): " + verdict
        note = f" ({rule.status_note})" if rule.status_note else ""
        out.append(_line(rule, "fee", level, f"{rule.title}: {verdict}{note}", today))
    for rule in policy.of_kind(vocab.PolicyKind.info):
        if vocab.Visa.h1b in rule.visas:
            out.append(_line(rule, "info", "info", f"{rule.title}: {rule.says}", today))
    return out


def _clocks(
    policy: VisaPolicy, needs: list[vocab.Visa], residency_years: int, today: dt.date
) -> list[VisaLine]:
    used = residency_years + FELLOWSHIP_YEARS
    out = []
    for rule in policy.of_kind(vocab.PolicyKind.clock):
        visa = next((v for v in rule.visas if v in needs), None)
        if visa is None or rule.years is None:
            continue
        room = rule.years - used
        level = "problem" if room < 0 else ("warn" if room == 0 else "info")
        left = (
            "no year left"
            if room == 0
            else (f"{room} year(s) left" if room > 0 else f"{-room} year(s) OVER")
        )
        out.append(
            _line(
                rule,
                "clock",
                level,
                f"{rule.title}: residency {residency_years} y + CI fellowship {FELLOWSHIP_YEARS} y = {used} of {rule.years} ({left}).",
                today,
            )
        )
    for rule in policy.of_kind(vocab.PolicyKind.duration_of_status):
        if not any(v in needs for v in rule.visas) or rule.admission_years is None:
            continue
        force = _in_force(rule, today)
        extension = used > rule.admission_years
        state = {
            True: "in force",
            False: rule.status.replace("_", " "),
            None: rule.status.replace("_", " "),
        }[force]
        text = f"{rule.title} ({state}): admission for up to {rule.admission_years} years; " + (
            f"your {used}-year path would need at least one extension (Form I-539) if it takes effect."
            if extension
            else f"your {used}-year path fits in one admission."
        )
        if rule.status_note:
            text += f" ({rule.status_note})"
        out.append(_line(rule, "clock", "warn" if force and extension else "info", text, today))
    return out


def _steps(
    policy: VisaPolicy, needs: list[vocab.Visa], today: dt.date, step3_passed: bool
) -> list[VisaLine]:
    out = []
    for rule in policy.rules:
        if not any(v in needs for v in rule.visas):
            continue
        if rule.kind == vocab.PolicyKind.statement_of_need:
            out.append(
                _line(
                    rule,
                    "step",
                    "info",
                    f"{rule.title}: one for the residency, and a new one for the CI fellowship "
                    "naming the subspecialty; ECFMG sponsors only training with more than "
                    "incidental patient care: verify each CI program with ECFMG.",
                    today,
                )
            )
        elif rule.kind == vocab.PolicyKind.home_residence:
            lead = rule.lead_months or 12
            out.append(
                _line(
                    rule,
                    "step",
                    "info",
                    f"{rule.title}: two years at home after training unless waived; search for a "
                    f"waiver job (clinical, underserved area) about {lead} months before training "
                    "ends: an informatics-only job would not qualify.",
                    today,
                )
            )
        elif rule.kind == vocab.PolicyKind.step3_before_petition:
            passed = step3_passed
            level = "ok" if passed else "warn"
            state = (
                "you have passed Step 3."
                if passed
                else "Step 3 is not passed yet: see imgplan check-step3."
            )
            out.append(_line(rule, "step", level, f"{rule.title}: {state}", today))
    return out

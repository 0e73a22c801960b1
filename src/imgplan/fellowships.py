"""The Clinical Informatics fellowship directory at work (issue #16): distances between
cities, the residency → fellowship link, the directory's filters, and the ranked fellowship
list for a resident. Pure: the directory and the city coordinates are parameters.

**The link** of a residency program to the directory, in this order:

1. ``in_house``: the program's sponsoring institution (its name without the specialty and
   "Program") is the fellowship's institution or one of its joint sponsors ("A / B"), in the
   same state. Names are compared as ordered word lists after folding case, punctuation,
   "&"/"and", common abbreviations (Univ., Med., Ctr., Hosp., St., Mt.) and generic words
   (medical center, hospital, health system, school/college of medicine ...); an acronym
   (UCSF, OHSU) matches the initials of the other name. "University of Washington" does not
   match "Washington University": word order counts. A dataset can confirm a link by naming
   the fellowship (``informatics.ci_fellowship_id``) or refuse it (``ci_fellowship: none``).
2. ``same_city``: a fellowship in the program's city and state.
3. ``nearby``: the nearest fellowship within ``NEARBY_MILES`` (great-circle miles between the
   two cities' coordinates: us-cities.csv, GeoNames).

The dataset's own ``informatics.ci_fellowship`` always wins; when it says ``none`` and the
directory finds the program's institution hosting one, `conflict` says so.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable

from msgspec import Struct, field

from .institutions import (
    ACRONYM,
    distinctive,
    initials_of,
    institution_of,
    same_institution,
    sponsors,
)
from .models.fellowships import (
    CONFIDENCE,
    Fellowship,
    FellowshipDirectory,
    Link,
    city_key,
    city_variants,
)
from .models.profile import Profile
from .models.programs import Dataset, Program

NEARBY_MILES = 60  # imgplan's convention: about an hour's drive
EARTH_MILES = 3958.8

Coordinates = dict[tuple[str, str], tuple[float, float]]


# Cities and distances ---------------------------------------------------------------------


def miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in miles (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    return _haversine(lat1, lon1, math.cos(lat1), lat2, lon2, math.cos(lat2))


def _haversine(
    lat1: float, lon1: float, cos1: float, lat2: float, lon2: float, cos2: float
) -> float:
    """`miles` from radians and the latitudes' cosines (`_Places.nearest` keeps them)."""
    h = math.sin((lat2 - lat1) / 2) ** 2 + cos1 * cos2 * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_MILES * math.asin(min(1.0, math.sqrt(h)))


def where(city: str | None, state: str | None, coords: Coordinates) -> tuple[float, float] | None:
    """A city's coordinates (None: the city cannot be placed: distance unknown, never 0)."""
    if not city or not state:
        return None
    for key in city_variants(city, state):
        found = coords.get(key)
        if found is not None:
            return found
    return None


_ACGME_ID = re.compile(r"\d{10}")


# The link ---------------------------------------------------------------------------------


def _source(f: Fellowship) -> str:
    first = f.sources[0] if f.sources else "no source given"
    date = f.source_dates[0] if f.source_dates else "undated"
    return f"{first} ({date})"


def _link(kind: str, f: Fellowship, distance: float | None, how: str) -> Link:
    rounded = None if distance is None else round(distance, 1)
    return Link(kind, f.id, f.name, rounded, f.confidence, _source(f), how)


class _Places(Struct):
    """The directory's fellowships with their coordinates, by state and by city."""

    directory: FellowshipDirectory
    coords: Coordinates
    by_state: dict[str, list[Fellowship]] = field(default_factory=dict)
    by_city: dict[tuple[str, str], list[Fellowship]] = field(default_factory=dict)
    located: list[tuple[Fellowship, tuple[float, float]]] = field(default_factory=list)
    code_states: dict[str, str] = field(default_factory=dict)  # ACGME state code -> state
    # per state: (distinctive words -> fellowship, an acronym sponsor -> fellowship,
    # a sponsor's initials -> fellowship)
    names: dict[
        str, tuple[dict[tuple[str, ...], Fellowship], dict[str, Fellowship], dict[str, Fellowship]]
    ] = field(default_factory=dict)
    # worked out once each: a city's point, a point's nearest fellowship, and the located
    # fellowships' (fellowship, latitude and longitude in radians, cosine of the latitude)
    points: dict[tuple[str | None, str | None], tuple[float, float] | None] = field(
        default_factory=dict
    )
    near: dict[tuple[float, float], tuple[Fellowship, float] | None] = field(default_factory=dict)
    radians: list[tuple[Fellowship, float, float, float]] | None = None

    def __post_init__(self) -> None:
        for f in self.directory.fellowships:
            if f.acgme_id and f.state:
                self.code_states.setdefault(f.acgme_id[3:5], f.state)
            if f.state:
                self.by_state.setdefault(f.state, []).append(f)
                words, acronyms, initials = self.names.setdefault(f.state, ({}, {}, {}))
                for name in sponsors(f):
                    if ACRONYM.match(name.strip()):
                        acronyms.setdefault(name.strip().lower(), f)
                        continue
                    d = distinctive(name)
                    if d and d != ("university",):
                        words.setdefault(d, f)
                    initials.setdefault(initials_of(name), f)
            if f.city and f.state:
                self.by_city.setdefault(city_key(f.city, f.state), []).append(f)
                point = where(f.city, f.state, self.coords)
                if point is not None:
                    self.located.append((f, point))

    def point(self, city: str | None, state: str | None) -> tuple[float, float] | None:
        """`where` a city is, each (city, state) worked out once (a dataset names a city
        many times)."""
        key = (city, state)
        if key not in self.points:
            self.points[key] = where(city, state, self.coords)
        return self.points[key]

    def nearest(self, point: tuple[float, float]) -> tuple[Fellowship, float] | None:
        """The nearest located fellowship and its distance (`miles`, with each fellowship's
        radians and cosine worked out once), each point once."""
        if point in self.near:
            return self.near[point]
        if self.radians is None:
            self.radians = [
                (f, lat, lon, math.cos(lat))
                for f, other in self.located
                for lat, lon in [tuple(map(math.radians, other))]
            ]
        lat1, lon1 = map(math.radians, point)
        cos1 = math.cos(lat1)
        best = None
        for f, lat2, lon2, cos2 in self.radians:
            d = _haversine(lat1, lon1, cos1, lat2, lon2, cos2)
            if best is None or d < best[1]:
                best = (f, d)
        self.near[point] = best
        return best


def _in_house(p: Program, places: _Places) -> Link | None:
    """Rule 1: the program's sponsor (its ``institution``, else read from its name; each of
    joint sponsors 'A/B') is a fellowship's institution, in the program's state, or in the
    state its ACGME ID's state code stands for (a sponsor across a state line)."""
    states = [p.state] if p.state else []
    if _ACGME_ID.fullmatch(p.id):
        coded = places.code_states.get(p.id[3:5])
        if coded and coded not in states:
            states.append(coded)
    owns = [p.institution] if p.institution else [institution_of(p.name)]
    owns += [part.strip() for own in list(owns) for part in own.split("/") if "/" in own]
    for state in states:
        index = places.names.get(state)
        if index is None:
            continue
        words, acronyms, initials = index
        for own in owns:
            if ACRONYM.match(own):
                f = initials.get(own.lower())
            else:
                d = distinctive(own)
                f = words.get(d) if d != ("university",) else None
                f = f or acronyms.get(initials_of(own))
            if f is not None:
                why = f"'{own}' is the fellowship's institution ({f.institution or f.name})"
                return _link("in_house", f, None, why)
    return None


def link_of(p: Program, places: _Places, by_id: dict[str, Fellowship]) -> Link | None:
    """One program's link (see the module's rules), or None when none is known."""
    info = p.informatics
    named = info.ci_fellowship_id
    if named:
        f = by_id.get(named)
        if f is not None:
            return _link(
                "in_house", f, None, "the dataset names this fellowship (ci_fellowship_id)"
            )
    point = places.point(p.city, p.state)
    found = _in_house(p, places)
    if found is not None:
        return found
    if p.city and p.state:
        here = places.by_city.get(city_key(p.city, p.state))
        if here:
            f = min(here, key=lambda f: CONFIDENCE.index(f.confidence))
            return _link("same_city", f, 0.0, f"a CI fellowship in {p.city}, {p.state}")
    if point is not None:
        near = places.nearest(point)
        if near is not None:
            f, distance = near
            kind = "nearby" if distance <= NEARBY_MILES else "far"
            return _link(
                kind,
                f,
                distance,
                f"the nearest CI fellowship, {distance:.0f} miles away ({f.city}, {f.state})",
            )
    return None


def links(
    dataset: Dataset, directory: FellowshipDirectory, coords: Coordinates
) -> list[Link | None]:
    """Every program's link, in dataset order. Programs in the same city, state and
    institution share one result (a 13,000-program dataset has a few thousand)."""
    places = _Places(directory, coords)
    by_id = {f.id: f for f in directory.fellowships}
    memo: dict[tuple[object, ...], Link | None] = {}
    out = []
    for p in dataset.programs:
        info = p.informatics
        key = (
            p.name,
            p.institution,
            p.id[3:5],
            p.city,
            p.state,
            info.ci_fellowship,
            info.ci_fellowship_id,
        )
        if key not in memo:
            memo[key] = link_of(p, places, by_id)
        out.append(memo[key])
    return out


def describe(link: Link | None) -> str:
    """The link in one sentence, with its confidence and source."""
    if link is None:
        return (
            "CI fellowship link: none known (the program's city cannot be placed, or the "
            "directory has none: distance unknown; the directory is incomplete: verify)."
        )
    away = "an unknown distance" if link.miles is None else f"{link.miles:.0f} miles"
    kind = {
        "in_house": "in house",
        "same_city": "in the same city",
        "nearby": f"nearby, {away}",
        "far": f"none within {NEARBY_MILES} miles; the nearest is {away} away",
    }[link.kind]
    return (
        f"CI fellowship link: {kind} — {link.fellowship_name} ({link.fellowship_id}); "
        f"{link.how}; directory confidence: {link.confidence}; source: {link.source}."
    )


# Listing ----------------------------------------------------------------------------------


def matches(
    f: Fellowship,
    *,
    states: Iterable[str] = (),
    departments: Iterable[str] = (),
    visa: str | None = None,
    near: tuple[float, float] | None = None,
    within: float | None = None,
    coords: Coordinates | None = None,
) -> bool:
    """The `fellowships list` filters. ``visa``: a known policy naming it (unknown is kept
    out: the filter asks for programs known to take that visa)."""
    states, departments = set(states), set(departments)
    if states and f.state not in states:
        return False
    if departments and (f.department is None or str(f.department) not in departments):
        return False
    if visa and (f.visas is None or visa not in {str(v) for v in f.visas}):
        return False
    if near is not None and within is not None:
        point = where(f.city, f.state, coords or {})
        if point is None or miles(near, point) > within:
            return False
    return True


# The fellowship list for a resident -------------------------------------------------------


class Ranked(Struct):
    """One fellowship on a resident's list, with every reason for its place."""

    fellowship: Fellowship
    visa: str  # ok | verify | against | against-institution | n/a
    internal: bool  # the resident's own institution hosts it
    preferred_state: bool
    miles: float | None
    reasons: list[str]
    warnings: list[str]


class FellowshipPlan(Struct):
    """The ranked directory for a resident, and how many to apply to at what cost."""

    ranked: list[Ranked]
    directory: FellowshipDirectory
    applications: int  # the AMIA median
    fee: int  # ERAS fellowship fee for that many
    fee_source: str
    source: str  # where the median comes from
    submit: str  # the July ERAS fellowship cycle, in words
    submit_date: dt.date  # the July cycle's opening
    notes: list[str]
    closed: str | None = None  # this season's applications are out: what happens instead


VISA_ORDER = {"ok": 0, "n/a": 0, "verify": 1, "against-institution": 2, "against": 3}


def _visa_fit(f: Fellowship, need: str) -> tuple[str, str]:
    if f.military_only:
        if need != "none":
            return (
                "against",
                "a military program: its positions are for uniformed service members, not for applicants on a visa",
            )
        return "verify", "a military program: uniformed service members only (verify)"
    if need == "none":
        return "n/a", "you need no visa"
    wanted = {"j1", "h1b"} if need == "any" else {need}
    if f.visas is None:
        return "verify", "visa policy unknown: verify on the program's site"
    named = {str(v) for v in f.visas}
    words = " and ".join(sorted(v.upper() for v in named)) or "no visa"
    scope = " (an institution-wide rule, not CI-specific)" if f.visa_scope == "institution" else ""
    if named & wanted:
        return "ok", f"takes {words}{scope} (imgplan's reading of: {f.visa_policy})"
    if f.visa_scope == "institution":
        return (
            "against-institution",
            f"an institution-wide rule names only {words}: verify for this program",
        )
    return "against", f"names only {words}; you need {need.upper()}"


def _eligibility(f: Fellowship, specialty: str, reasons: list[str], warnings: list[str]) -> None:
    """Who may apply, as the directory says: a restricted track, any specialty, or unknown."""
    if f.restricted_tracks:
        restricted = f.restricted_tracks.lower()
        if "patholog" in restricted and specialty != "pathology":
            warnings.append(
                f"Eligibility: a restricted track ({f.restricted_tracks}); check which track is open to you."
            )
        else:
            reasons.append(f"Eligibility: note the restricted track ({f.restricted_tracks}).")
    elif f.open_to_any_specialty:
        reasons.append("Eligibility: open to any specialty after an ACGME residency.")
    else:
        warnings.append("Eligibility: not stated in the directory: verify.")


def rank_fellowships(
    profile: Profile,
    directory: FellowshipDirectory,
    coords: Coordinates,
    *,
    applications: int,
    fee: int,
    fee_source: str,
    source: str,
    submit: dt.date,
    submit_words: str,
) -> FellowshipPlan:
    """Rank every directory entry for a resident (``profile.residency`` set): visa fit, the
    resident's own institution first (internal candidates), eligibility, preferred states,
    distance from the residency, the entry's confidence. imgplan's ordering, explained per row."""
    residency = profile.residency
    need = str(profile.visa)
    states = set(profile.targets.states)
    home = where(residency.city, residency.state, coords) if residency else None
    own = institution_of(residency.program) if residency and residency.program else ""
    specialty = str(residency.specialty) if residency else ""
    out = []
    for f in directory.fellowships:
        visa, visa_words = _visa_fit(f, need)
        reasons: list[str] = []
        warnings: list[str] = []
        (reasons if visa in ("ok", "n/a") else warnings).append(f"Visa: {visa_words}.")
        internal = (
            bool(own) and f.state == residency.state if residency and residency.state else bool(own)
        )
        internal = internal and any(same_institution(own, name) for name in sponsors(f))
        if internal:
            reasons.append(
                f"Your own institution ({own}): you would apply as an internal candidate."
            )
        _eligibility(f, specialty, reasons, warnings)
        preferred = f.state in states
        if preferred:
            reasons.append(f"In a state you prefer ({f.state}).")
        here = where(f.city, f.state, coords)
        distance = None if home is None or here is None else round(miles(home, here), 1)
        if distance is not None:
            reasons.append(f"{distance:.0f} miles from your residency.")
        reasons.append(f"Directory confidence: {f.confidence}.")
        if f.notes:
            reasons.append(f"Directory notes: {f.notes}")
        out.append(Ranked(f, visa, internal, preferred, distance, reasons, warnings))
    out.sort(
        key=lambda r: (
            VISA_ORDER[r.visa],
            not r.internal,
            not r.preferred_state,
            math.inf if r.miles is None else r.miles,
            CONFIDENCE.index(r.fellowship.confidence),
            r.fellowship.id,
        )
    )
    notes = [
        "imgplan's ordering: visa fit, your own institution, preferred states, distance from your "
        "residency, then the entry's confidence. Most visa policies are unknown: verify each.",
        "AMIA membership is required for the AMIA Clinical Informatics Fellowship Match (FACTS §6).",
    ]
    if home is None:
        notes.append(
            "Add residency.city and residency.state to your profile to sort by distance from "
            "your residency."
        )
    return FellowshipPlan(
        out, directory, applications, fee, fee_source, source, submit_words, submit, notes
    )


def link_dataset(
    dataset: Dataset,
    directory: FellowshipDirectory,
    coords: Coordinates,
) -> dict[int, Link]:
    """{position: link} for the dataset's linked programs, equal links shared (a
    13,000-program dataset has a few thousand links and far fewer distinct ones)."""
    shared: dict[Link, Link] = {}
    return {
        i: shared.setdefault(link, link)
        for i, link in enumerate(links(dataset, directory, coords))
        if link is not None
    }


def apply_links(dataset: Dataset, found: dict[int, Link]) -> Dataset:
    """Set each program's link (Program.link) from {position: link}."""
    programs = dataset.programs
    for i, link in found.items():
        if 0 <= i < len(programs):
            programs[i].link = link
    return dataset

"""The Clinical Informatics fellowship directory as the core sees it (validated from
data/fellowships.yaml by `imgplan.formats.fellowships`; the fields are the same, in the same
order), and a residency program's link to it."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

from msgspec import field

from . import vocab
from .record import Record

#: ACGME specialty codes of Clinical Informatics programs, by housing department (FACTS §9).
CI_CODES: dict[str, vocab.Specialty] = {
    "139": vocab.Specialty.internal_medicine,
    "322": vocab.Specialty.pediatrics,
    "302": vocab.Specialty.pathology,
    "122": vocab.Specialty.family_medicine,
    "111": vocab.Specialty.emergency_medicine,
    "044": vocab.Specialty.anesthesiology,
}
#: Confidence grades, best first (FACTS §9): the 2026 facts file grades by the ACGME 2026 list;
#: the earlier grades stay valid for directories written before it.
CONFIDENCE = (
    "ACGME list 2026",
    "confirmed 2022+",
    "confirmed older",
    "ACGME list 2026 (new; one source)",
    "single undated source",
    "single 2021 source",
)


class Fellowship(Record):
    id: str
    name: str
    institution: str | None = None
    city: str | None = None
    state: str | None = None
    department: vocab.Specialty | None = None
    department_from: str | None = None  # "directory" | "acgme_id"
    department_note: str | None = None
    acgme_id: str | None = None
    fellows_per_year: str | None = None
    eligibility: str | None = None
    open_to_any_specialty: bool | None = None
    restricted_tracks: str | None = None
    visa_policy: str | None = None
    visas: list[vocab.ProgramVisa] | None = None
    visa_scope: str | None = None  # "program" | "institution"
    military_only: bool | None = None  # positions for uniformed service members only
    sources: list[str] = field(default_factory=list)
    source_dates: list[str] = field(default_factory=list)
    confidence: str = "single 2021 source"
    notes: str | None = None


class FellowshipDirectory(Record):
    format: int
    name: str
    as_of: dt.date
    source: str
    note: str
    fellowships: list[Fellowship]


# frozen (hashable: the fit is memoised by it) on a base without fields: msgspec allows it;
# mypy's dataclass_transform check does not know that.
class Link(Record, frozen=True):  # type: ignore[misc]
    """A residency program's relation to the directory: ``in_house`` (its sponsoring
    institution hosts the fellowship), ``same_city``, ``nearby`` (within NEARBY_MILES), or
    ``far`` (the nearest fellowship, further away: its miles are shown, it adds no points)."""

    kind: str
    fellowship_id: str
    fellowship_name: str
    miles: float | None  # None: a coordinate is unknown
    confidence: str
    source: str  # the directory entry's first source and its date
    how: str  # what the link rests on, in words


def conflict(stated: vocab.CiFellowship | None, link: Link | None) -> str | None:
    """The dataset and the directory disagree (the dataset says no CI fellowship; the
    directory finds one at the program's institution): the dataset's value is used, and said."""
    if link is None or stated != vocab.CiFellowship.none or link.kind != "in_house":
        return None
    return (
        f"Conflict: the dataset says no CI fellowship, but the fellowship directory lists "
        f"{link.fellowship_name} at this institution ({link.confidence}; {link.source}); "
        "the dataset's value is used — verify on the program's site."
    )


_CITY_ALIASES = {
    "new york city": "new york",
    "saint": "st",
    "sainte": "ste",
    "fort": "ft",
    "mount": "mt",
    "hts": "heights",
}


_NOT_ALNUM = re.compile(r"[^a-z0-9 ]+")
_PARENTHETICAL = re.compile(r"\s*\(.*?\)\s*")


@functools.lru_cache(maxsize=1 << 16)
def city_key(city: str, state: str) -> tuple[str, str]:
    """('st louis', 'MO') for 'St. Louis, MO', 'Saint Louis', 'St.Louis' or 'ST LOUIS';
    accents and apostrophes folded ('Española' is 'espanola', "Lee's" is 'lees'). Cached: a
    dataset names each city many times (13,000 programs: ~70,000 calls, a tenth of linking)."""
    plain = unicodedata.normalize("NFKD", city).encode("ascii", "ignore").decode("ascii")
    plain = plain.lower().replace("'", "").replace("\u2019", "").replace(".", " ")
    words = _NOT_ALNUM.sub(" ", plain).split()
    text = " ".join(_CITY_ALIASES.get(w, w) for w in words)
    return _CITY_ALIASES.get(text, text), state.upper()


def city_variants(city: str, state: str) -> list[tuple[str, str]]:
    """The keys to try for a city as a list writes it: as written, then without a
    parenthetical ('Oak Lawn (Chicago)'), without a trailing state ('Mesa, AZ') and each part
    of a joint name ('Sugar Land/Houston')."""
    found = [city_key(city, state)]
    bare = _PARENTHETICAL.sub(" ", city).strip()
    bare = re.sub(rf",\s*{re.escape(state)}\s*$", "", bare, flags=re.I).strip()
    for part in [bare, *bare.split("/")]:
        key = city_key(part, state)
        if part and key not in found:
            found.append(key)
    return found

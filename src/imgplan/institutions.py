"""Institution names compared (the link's rule 1, see `fellowships`): ordered words after
folding case, punctuation, "&"/"and", common abbreviations and generic words; an acronym
matches the other name's initials. Pure functions of strings (distinctive and initials_of cached)."""

from __future__ import annotations

import functools
import re

from .models import vocab
from .models.fellowships import Fellowship

_ABBREVIATIONS = {
    "univ": "university",
    "med": "medical",
    "ctr": "center",
    "cntr": "center",
    "centre": "center",
    "hosp": "hospital",
    "hosps": "hospitals",
    "st": "saint",
    "mt": "mount",
    "&": "and",
    "sch": "school",
    "coll": "college",
}
_GENERIC = frozenset(
    [
        "the",
        "of",
        "at",
        "for",
        "and",
        "in",
        "medical",
        "center",
        "centers",
        "hospital",
        "hospitals",
        "health",
        "healthcare",
        "care",
        "system",
        "systems",
        "school",
        "college",
        "medicine",
        "clinic",
        "clinics",
        "program",
        "programs",
        "sponsored",
        "residency",
        "fellowship",
        "clinical",
        "informatics",
        "academic",
        "campus",
        "inc",
        "llc",
        "department",
        "dept",
        "affiliated",
        "graduate",
        "education",
        "gme",
    ]
)
_SPECIALTY_WORDS = sorted(
    {w for label in vocab.SPECIALTY_LABELS.values() for w in [label.lower()]}
    | {"transitional year", "preliminary", "categorical"},
    key=len,
    reverse=True,
)
ACRONYM = re.compile(r"^[A-Z]{2,6}$")


_WORD_BREAK = re.compile(r"[^A-Za-z0-9]+")


def _words(name: str) -> list[str]:
    text = name.replace("&", " and ").replace("'s", "s").replace("’s", "s")
    out = []
    for w in _WORD_BREAK.split(text):
        if w:
            low = w.lower()
            out.append(_ABBREVIATIONS.get(low, low))
    return out


# distinctive and initials_of are cached: a dataset's programs of one sponsor share its name
@functools.lru_cache(maxsize=1 << 16)
def distinctive(name: str) -> tuple[str, ...]:
    """The ordered words that tell one institution from another."""
    return tuple(w for w in _words(name) if w not in _GENERIC)


@functools.lru_cache(maxsize=1 << 16)
def initials_of(name: str) -> str:
    return "".join(w[0] for w in _words(name) if w not in {"of", "for", "and", "the", "at", "in"})


_NOT_INSTITUTION = re.compile(
    r"\b("
    + "|".join(re.escape(w) for w in [*_SPECIALTY_WORDS, "residency", "program", "sponsored"])
    + r")\b",
    re.I,
)


_SPACES = re.compile(r"\s+")
_TRAILING_PUNCTUATION = re.compile(r"[\s\-–,:]+$")


def institution_of(program_name: str) -> str:
    """A residency program's sponsoring institution, read from its name: the specialty,
    "Program" and "Residency" left out ('Riverside Health Internal Medicine' -> 'Riverside
    Health')."""
    text = _NOT_INSTITUTION.sub(" ", program_name)
    return _TRAILING_PUNCTUATION.sub("", _SPACES.sub(" ", text)).strip()


def sponsors(f: Fellowship) -> list[str]:
    """The fellowship's institution names: joint sponsors split on '/', plus its own name."""
    names = [part.strip() for part in re.split(r"\s*/\s*", f.institution or "") if part.strip()]
    return names + [f.name]


def same_institution(a: str, b: str) -> bool:
    """Do two names denote one institution? See the module's rule 1."""
    raw_a, raw_b = a.strip(), b.strip()
    for x, y in ((raw_a, raw_b), (raw_b, raw_a)):
        if ACRONYM.match(x) and len(x) >= 3:
            return x.lower() == initials_of(y)
    da, db = distinctive(a), distinctive(b)
    if not da or not db or da != db:
        return False
    return da != ("university",)

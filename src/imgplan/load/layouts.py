"""The spreadsheet layouts applicants really hold (issue #18; `../shared/samples/README.md`):
which layout a header row is, and which column feeds which field.

Each layout maps its own column names (folded: case, spaces, punctuation and line breaks
ignored) to dataset fields, or to one of these import-only fields:

* ``h1b_visa`` / ``j1_visa``: FREIDA legacy's two yes/no columns, which make one visa list;
* ``hint``: free text that may mention informatics (FREIDA's special features, a sheet's
  informatics notes): scanned and reported as a hint, kept in the notes, never scored;
* ``my_notes``: the applicant's own notes (kept across re-imports and merges);
* ``ignore``: a column the layout has that imgplan does not use (listed as ignored).

A known layout's other columns are ignored and listed; in a sheet of no known layout an
unknown column is an error unless ``--ignore-unknown-columns``.
"""

from __future__ import annotations

import re

from msgspec import Struct

from ..models import vocab


def fold(text: str) -> str:
    """'Step 2\\n(min)' -> 'step 2 min'; 'pct_img' -> 'pct img'; a BOM is dropped."""
    return re.sub(r"[\s_\-./()?:#]+", " ", text.replace("\ufeff", "").strip().lower()).strip()


class Layout(Struct, frozen=True):
    name: str
    title: str  # for the import report
    columns: dict[str, str]  # folded header -> field
    known: bool  # True: other columns are ignored (listed); False: they are errors


FREIDA_LEGACY = Layout(
    "freida-legacy",
    "FREIDA legacy scrape (pipe-delimited)",
    {
        "program id": "id",
        "program name": "name",
        "city": "city",
        "state": "state",
        "speciality": "specialty",
        "specialty": "specialty",
        "first year positions open": "positions",
        "h1b visa": "h1b_visa",
        "j1 visa": "j1_visa",
        "img percent": "img_share",
        "min step2 score": "step2ck_min",
        "freida info last updated": "verified",
        "freida comments": "notes",
    },
    True,
)
FREIDA_CURRENT = Layout(
    "freida-current",
    "FREIDA current-site scrape",
    {
        "program id": "id",
        "program name suffix": "name",
        "program name": "name",
        "city": "city",
        "state": "state",
        "specialty title": "specialty",
        "first year positions": "positions",
        "pct img": "img_share",
        "visa statuses accepted": "visas",
        "program best described as": "setting",
        "website": "url",
        "special features text": "hint",
        "data last updated": "verified",
    },
    True,
)
ACGME = Layout(
    "acgme-search",
    "ACGME program-search listing (no screening figures: they stay unknown)",
    {
        "program name": "name",
        "city": "city",
        "state": "state",
        "specialty": "specialty",
        "program code": "id",
        "program id": "id",
        "program number": "id",
        "acgme id": "id",
        "sponsoring institution name": "institution",
        "sponsoring institution": "institution",
    },
    True,
)
ERAS_PARTICIPANTS = Layout(
    "eras-participants",
    "ERAS participating-programs list (facts only: every policy figure stays unknown)",
    {
        "acgme id": "id",
        "specialty": "specialty",
        "institution": "institution",
        "city": "city",
        "state": "state",
        "flags": "flags",
        "notes": "notes",
    },
    True,
)

IMGPLAN_LIST = Layout(
    "imgplan-recommend",
    "imgplan's own list (recommend --format csv): rank, tier, status, score, fit, margin, "
    "flags and fellowship link are computed by imgplan and ignored; the facts are read back",
    {
        "id": "id",
        "name": "name",
        "specialty": "specialty",
        "state": "state",
        "visas": "visas",
        "url": "url",
        "rank": "ignore",
        "tier": "ignore",
        "status": "ignore",
        "score": "ignore",
        "informatics fit": "ignore",
        "margin": "ignore",
        "flags": "ignore",
        "fellowship link": "ignore",
    },
    True,
)

#: How each layout is recognised: columns it has that no other layout has.
SIGNATURES = (
    (IMGPLAN_LIST, {"rank", "tier", "informatics fit", "margin", "fellowship link"}),
    (FREIDA_LEGACY, {"h1b visa", "j1 visa", "freida info last updated"}),
    (FREIDA_CURRENT, {"pct img", "visa statuses accepted"}),
    (ACGME, {"sponsoring institution name", "accreditation status"}),
    (ERAS_PARTICIPANTS, {"acgme id", "institution", "flags"}),
)

#: A hand-kept sheet's plain-word columns beyond importing.HEADERS.
SHEET_EXTRA = {
    "my notes": "my_notes",
    "own notes": "my_notes",
    "informatics notes": "hint",
    "ci fellowship on site": "ci_fellowship",
    "step 2 min": "step2ck_min",
    "yog limit": "yog_max_years",
    "visa": "visas",
    "nrmp code": "nrmp_code",
    "nrmp program code": "nrmp_code",
}


def detect(header: list[str]) -> Layout | None:
    folded = {fold(h) for h in header}
    for layout, signature in SIGNATURES:
        if signature <= folded:
            return layout
    return None


_INFORMATICS_WORDS = re.compile(
    r"informatics|\bcmio\b|\bcmo\b|\behr\b|\bemr\b|\bepic\b|\bcerner\b|clinical decision support|"
    r"\bcds\b|data science|analytics|quality improvement|\bqi\b",
    re.I,
)


def informatics_hint(text: str) -> str | None:
    """The informatics words a free-text cell mentions, or None."""
    found = sorted({m.group().lower() for m in _INFORMATICS_WORDS.finditer(text)})
    return ", ".join(found) if found else None


#: ACGME specialty codes of the residencies (samples README; FACTS §9).
ACGME_SPECIALTY = {
    "140": vocab.Specialty.internal_medicine,
    "120": vocab.Specialty.family_medicine,
    "320": vocab.Specialty.pediatrics,
    "300": vocab.Specialty.pathology,
    "110": vocab.Specialty.emergency_medicine,
}
ACGME_ID = re.compile(r"^\d{10}$")
NRMP_CODE = re.compile(r"^(\d{4})(\d{3})([CPAR])(\d)$")
TRACKS = {"C": "categorical", "P": "preliminary", "A": "advanced", "R": "reserved"}


def id_warning(program_id: str, specialty: str) -> str | None:
    """An ACGME ID whose specialty code contradicts the row's specialty."""
    if not ACGME_ID.match(program_id):
        return None
    coded = ACGME_SPECIALTY.get(program_id[:3])
    if coded is None or str(coded) == specialty:
        return None
    return (
        f"ACGME ID {program_id} has specialty code {program_id[:3]} "
        f"({vocab.specialty_label(coded)}) but the row says {vocab.specialty_label(specialty)}: "
        "check the row"
    )


def specialty_in_name(name: str) -> str | None:
    """The one specialty a program's name spells out ('Riverbend Pathology Program'), or
    None when it names none or several."""
    found = {
        str(spec)
        for spec, label in vocab.SPECIALTY_LABELS.items()
        if re.search(rf"\b{re.escape(label)}\b", name, re.I)
    }
    return found.pop() if len(found) == 1 else None

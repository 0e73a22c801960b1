"""One spreadsheet cell at a time: the header spellings each field accepts, and the parser that
turns a cell's plain words into a dataset value ("J1 + H1B", "62 %", "<= 5 yrs", "?"), with
the message for a cell that cannot be read. Shared by the program and directory importers."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from ..errors import CONTROL
from ..models import values, vocab
from ..models.values import looks_like_formula
from . import layouts
from .layouts import SHEET_EXTRA, fold

#: field -> the header spellings accepted (compared lower-case, spaces/punctuation folded)
HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("id", "program id", "program code", "acgme id", "nrmp code", "code"),
    "name": ("program name", "name", "program"),
    "specialty": ("specialty", "speciality"),
    "state": ("state", "us state"),
    "city": ("city", "town"),
    "institution": ("institution", "sponsoring institution", "sponsor"),
    "flags": ("flags", "eras flags"),
    "setting": ("setting", "program type", "type"),
    "positions": ("positions", "pgy1 positions", "pgy 1 positions", "spots", "slots"),
    "img_share": ("img %", "img percent", "img share", "% img", "imgs", "img", "img residents"),
    "visas": ("visas", "visa", "visa sponsorship", "visas sponsored", "sponsors"),
    "step2ck_min": (
        "step 2 ck minimum",
        "step 2 ck min",
        "step 2 minimum",
        "step 2 min",
        "step2 min",
        "step 2 ck cutoff",
        "step 2 cutoff",
        "minimum step 2",
        "min step 2",
        "step2ck min",
    ),
    "step2ck_preferred": (
        "step 2 ck preferred",
        "step 2 preferred",
        "preferred step 2",
        "step2 preferred",
        "step2ck preferred",
    ),
    "max_attempts": ("max attempts", "attempts allowed", "attempts", "maximum attempts"),
    "yog_max_years": (
        "yog cutoff",
        "yog",
        "yog max years",
        "years since graduation",
        "graduation cutoff",
        "yog cutoff years",
    ),
    "usce": ("usce", "usce required", "us clinical experience", "usce requirement"),
    "usce_min_months": (
        "usce months",
        "usce min months",
        "usce minimum months",
        "minimum usce months",
    ),
    "ecfmg_by": ("ecfmg by", "ecfmg certification by", "ecfmg required by", "ecfmg"),
    "ci_fellowship": ("ci fellowship", "clinical informatics fellowship", "informatics fellowship"),
    "informatics_faculty": ("informatics faculty", "cmio", "cmio on faculty"),
    "informatics_track": ("informatics track", "informatics curriculum"),
    "ehr_projects": ("ehr projects", "ehr optimization projects", "resident ehr projects"),
    "analytics_team": ("analytics team", "data analytics team"),
    "ehr_vendor": ("ehr vendor", "ehr", "emr"),
    "url": ("url", "website", "web site", "link"),
    "verified": ("verified", "last verified", "checked", "date checked"),
    "notes": ("notes", "comments", "comment"),
}


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


_UNKNOWN = {"", "?", "unknown", "n/a", "na", "-", "--", "tbd", "not listed", "not published"}


NOT_YAML = re.compile("[\ufffe\uffff\ud800-\udfff]")  # noncharacters, lone surrogates


_TICKS = {"x", "✓"}  # a ticked spreadsheet cell; other yes/no words: models.values


_fold = fold


_HEADER_INDEX = {_fold(h): name for name, spellings in HEADERS.items() for h in spellings}
_HEADER_INDEX.update(SHEET_EXTRA)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (as a spreadsheet names columns)."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _int(bound: values.Bound, what: str) -> Callable[[str], int | None]:
    lo, hi = f"{bound.lo:g}", f"{bound.hi:g}"

    def parse(text: str) -> int | None:
        digits = re.sub(
            r"^(≤|<=|<|max|up to)\s*|\s*(years?|yrs?|y|months?|mos?)$", "", text.lower().strip()
        )
        if not re.fullmatch(r"\d{1,9}(\.0+)?", digits):
            raise ValueError(f"'{text}' is not a whole number; expected {what} ({lo}–{hi})")
        value = int(float(digits))
        if not bound.lo <= value <= bound.hi:
            raise ValueError(f"{value} is outside {lo}–{hi}; expected {what}")
        return value

    return parse


def _share(text: str) -> float:
    raw = text.rstrip("%").strip().replace(",", ".")
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(
            f"'{text}' is not a share; expected a percentage like 40% or 0.40"
        ) from None
    if text.endswith("%") or value > 1:
        value /= 100
    if not 0 <= value <= 1:
        raise ValueError(f"'{text}' is outside 0–100%; expected a percentage like 40%")
    return round(value, 4)


_NO_VISA = re.compile(r"^(none|no|no visas?|no visa sponsorship|citizens only|0)$")


_VISA_WORDS = (("j1", re.compile(r"\bj-?1\b", re.I)), ("h1b", re.compile(r"\bh-?1b\b", re.I)))


def _visas(text: str) -> list[str]:
    """'J-1, H-1B', 'J1 + H1B', 'J-1 only', 'none', and FREIDA's sentences ('J-1 visa
    sponsorship through ECFMG; H-1B visa sponsorship', 'No visa sponsorship')."""
    lowered = text.lower().strip()
    if _NO_VISA.match(lowered):
        return []
    out = []
    for part in re.split(r"[,;/+&]|\band\b|\s+or\s+", lowered):
        part = part.replace("only", "").strip()
        if not part:
            continue
        try:
            out.append(vocab.program_visa(part))
        except ValueError:
            words = part.split()
            if len(words) > 1 and all(w in ("j1", "h1b", "j-1", "h-1b") for w in words):
                out += [vocab.program_visa(w) for w in words]  # imgplan's own 'j1 h1b'
                continue
            named = [v for v, rx in _VISA_WORDS if rx.search(part)]
            if len(named) != 1:  # 'TN': the plain message says which visas are known
                raise
            out.append(named[0])  # a sentence: 'J-1 visa sponsorship through ECFMG'
    if not out:
        raise ValueError(f"'{text}' names no visa; expected J-1, H-1B, both, or none")
    return list(dict.fromkeys(out))


def _bool(text: str) -> bool:
    if text.lower() in _TICKS:
        return True
    try:
        return values.yes_no(text)
    except ValueError:
        pass
    raise ValueError(f"'{text}' is not yes/no; expected yes or no (blank = unknown)")


def _usce(text: str) -> str:
    lowered = _fold(re.sub(r"\(.*?\)", "", text))
    table = {
        "yes": "required",
        "required": "required",
        "mandatory": "required",
        "preferred": "preferred",
        "recommended": "preferred",
        "no": "not_required",
        "not required": "not_required",
        "none": "not_required",
        "optional": "not_required",
    }
    if lowered in table:
        return table[lowered]
    raise ValueError(
        f"'{text}' is not a USCE requirement; expected required, preferred or not required"
    )


def _ecfmg(text: str) -> str:
    lowered = _fold(text)
    for word, value in (
        ("application", "application"),
        ("apply", "application"),
        ("rank", "rank_list"),
        ("start", "start"),
        ("residency", "start"),
    ):
        if word in lowered:
            return value
    raise ValueError(f"'{text}' is not an ECFMG deadline; expected application, rank list or start")


def _ci(text: str) -> str:
    if re.search(r"\(.*affiliat.*\)", text, re.I):  # 'no (affiliated nearby)'
        return "affiliated"
    lowered = _fold(re.sub(r"\(.*?\)", "", text))
    if lowered in {"yes", "in house", "inhouse", "own", "y"}:
        return "in_house"
    if lowered in {"affiliated", "partner", "partnership", "affiliate"}:
        return "affiliated"
    if lowered in {"no", "none", "n"}:
        return "none"
    raise ValueError(
        f"'{text}' is not understood; expected in-house (yes), affiliated or none (no)"
    )


def _date(text: str) -> str:
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            dt.date.fromisoformat(text)
            return text
        match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        if match:
            month, day, year = (int(g) for g in match.groups())
            return dt.date(year, month, day).isoformat()
    except ValueError:
        raise ValueError(
            f"'{text}' is not a real calendar date; expected YYYY-MM-DD (or M/D/YYYY)"
        ) from None
    raise ValueError(f"'{text}' is not a date; expected YYYY-MM-DD (or M/D/YYYY)")


def _setting(text: str) -> str:
    """FREIDA's 'University hospital', 'Community-based, university-affiliated hospital',
    'Community-based' and the plain words."""
    lowered = _fold(text)
    if "affiliat" in lowered:
        return "community_university_affiliated"
    if lowered.startswith("university"):
        return "university"
    if lowered.startswith("community"):
        return "community"
    return vocab.choose(text, vocab.Setting, "setting")


def _flags(text: str) -> list[str]:
    """ERAS flags, ';', ',' or space separated: osteopathic_recognition, new_program."""
    known = ("osteopathic_recognition", "new_program")
    out = []
    for word in re.split(r"[;,\s]+", text.strip()):
        flag = word.strip().lower().replace("-", "_")
        if not flag:
            continue
        if flag not in known:
            raise ValueError(f"'{word}' is not an ERAS flag; expected one of: {', '.join(known)}")
        out.append(flag)
    return out


def _nrmp(text: str) -> str:
    code = text.strip().upper()
    if not layouts.NRMP_CODE.match(code):
        raise ValueError(
            f"'{text}' is not an NRMP program code; expected 4 digits (institution), 3 digits "
            "(specialty), a track letter C, P, A or R and a digit, e.g. 1203140C0"
        )
    return code


PARSERS: dict[str, Callable[[str], Any]] = {
    "id": lambda t: t.strip(),
    "name": lambda t: t.strip(),
    "specialty": vocab.specialty,
    "state": vocab.state,
    "city": lambda t: t.strip(),
    "setting": _setting,
    "positions": _int(values.POSITIONS, "a number of positions"),
    "img_share": _share,
    "visas": _visas,
    "step2ck_min": _int(values.SCORE, "a Step 2 CK score"),
    "step2ck_preferred": _int(values.SCORE, "a Step 2 CK score"),
    "max_attempts": _int(values.ATTEMPT_LIMIT, "an attempt limit"),
    "yog_max_years": _int(values.YOG_YEARS, "a number of years"),
    "usce": _usce,
    "usce_min_months": _int(values.MONTHS, "a number of months"),
    "ecfmg_by": _ecfmg,
    "ci_fellowship": _ci,
    "informatics_faculty": _bool,
    "informatics_track": _bool,
    "ehr_projects": _bool,
    "analytics_team": _bool,
    "ehr_vendor": lambda t: t.strip().lower(),
    "url": lambda t: t.strip(),
    "verified": _date,
    "notes": lambda t: t.strip(),
    "my_notes": lambda t: t.strip(),
    "institution": lambda t: " ".join(t.split()),
    "flags": _flags,
    "nrmp_code": _nrmp,
    "h1b_visa": _bool,
    "j1_visa": _bool,
    "hint": lambda t: t.strip(),
    "ignore": lambda t: t,
}


#: Fields that only exist while importing (see load/layouts.py).
IMPORT_ONLY = ("h1b_visa", "j1_visa", "hint", "ignore")


def cell_problem(cell: str) -> str | None:
    """What makes a cell unusable in a YAML file imgplan writes, or None: a control character,
    a character YAML cannot hold, a formula."""
    control = CONTROL.search(cell)
    if control:
        return (
            f"control character U+{ord(control.group()):04X} in the cell (a line break "
            "inside a quoted cell?); expected printable text on one line"
        )
    odd = NOT_YAML.search(cell)
    if odd:
        return (
            f"character U+{ord(odd.group()):04X} cannot be written to a YAML dataset; "
            "expected printable text"
        )
    if looks_like_formula(cell):
        return (
            f"{cell!r:.60} would run as a formula when a spreadsheet opens it; expected "
            "plain text (remove the leading '=', '+', '-' or '@')"
        )
    return None

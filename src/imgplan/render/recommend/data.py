"""`recommend` as JSON (docs/formats.md: JSON output)."""

from __future__ import annotations

from itertools import repeat
from operator import add, attrgetter, itemgetter
from typing import Any

from ...commands.recommend import Batch, RecommendResult
from ...recommend import WEIGHTS, Recommendation
from ..common import dataset_info, dumps_bytes, encoder, link_json, stage_fields
from ..formats import View
from .plan import plan_json, signals_json
from .residents import resident_json

#: A listed program's JSON object: its keys, each with the column it is read from, a
#: `Program` attribute ("program.x") or a `Listed` column; then "fellowship_link", the
#: program's link as JSON.
_LISTED = (
    ("id", "program.id"),
    ("name", "program.name"),
    ("specialty", "program.specialty"),
    ("state", "program.state"),
    ("city", "program.city"),
    ("setting", "program.setting"),
    ("tier", "tiers"),
    ("status", "statuses"),
    ("score", "scores"),
    ("informatics_fit", "fits"),
    ("margin", "margins"),
    ("reference_score", "program.reference_score"),
    ("visas", "program.visas"),
    ("img_share", "program.img_share"),
    ("url", "program.url"),
    ("flags", "flags"),
    ("tier_reason", "tier_reasons"),
    ("findings", "findings"),
)
_LISTED_KEYS = (*(key for key, _ in _LISTED), "fellowship_link")
_LINK = attrgetter("link")
_EXCLUDED_KEYS = ("id", "name", "specialty", "state", "reasons")
_EXCLUDED_VALUES = attrgetter("id", "name", "specialty", "state")
_FIRST, _SECOND = itemgetter(0), itemgetter(1)


def _listed(rec: Recommendation, level: int) -> list[dict[str, Any]]:
    """The ranked programs as JSON, the same objects as `assessed` gives, built from the
    columns of `Recommendation.listed`. Vocabulary values are passed as they are: they are
    `StrEnum` members, which orjson writes as their text. Links are shared by programs in one
    place: each is converted once. The objects are made by map and zip (in C) from one list
    per key: thousands of programs, one dict each. The list is ``level`` levels into the
    output document; findings are written as pre-encoded fragments (see `encoder`):
    4,600 programs hold 41,000 findings, 1,200 distinct objects, and were half the bytes."""
    # a finding object is in the list (level), a program, its findings: three levels down
    encode = encoder(level + 3)
    listed = rec.listed(lambda finding: encode(finding.as_json()))
    programs = listed.programs
    links = list(map(_LINK, programs))
    converted = {
        key: link_json(link) if link is not None else None
        for key, link in dict(zip(map(id, links), links, strict=True)).items()
    }
    columns = [
        map(attrgetter(source[len("program.") :]), programs)
        if source.startswith("program.")
        else getattr(listed, source)
        for _, source in _LISTED
    ]
    columns.append(map(converted.__getitem__, map(id, links)))
    return list(map(dict, map(zip, repeat(_LISTED_KEYS), zip(*columns, strict=True))))


def _excluded_json(rec: Recommendation, level: int) -> list[dict[str, Any]]:
    """The excluded programs as JSON, the list ``level`` levels into the output document;
    one reasons list per shared finding list, each pre-encoded (see `encoder`)."""
    pairs = rec.excluded_reasons()
    failed = list(map(_SECOND, pairs))
    # a reasons list is in the list (level), an excluded program: two levels down
    encode = encoder(level + 2)
    reasons = {
        key: encode([{"rule": f.rule, "message": f.message} for f in findings])
        for key, findings in dict(zip(map(id, failed), failed, strict=True)).items()
    }
    values = map(
        add,
        map(_EXCLUDED_VALUES, map(_FIRST, pairs)),
        zip(map(reasons.__getitem__, map(id, failed))),
    )
    return list(map(dict, map(zip, repeat(_EXCLUDED_KEYS), values)))


def to_json(result: RecommendResult, level: int = 0) -> dict[str, Any]:
    """The document for `dumps_bytes`, ``level`` levels into the output (a batch's results
    are at level 2): the longest lists hold pre-encoded fragments, indented for that level."""
    rec = result.rec
    doc: dict[str, Any] = {
        "format": 1,
        "command": "recommend",
        "profile": rec.profile.name,
        **stage_fields(rec.stage, result.now),
        "what_if": rec.what_if or None,
        "notes": [*rec.notes, *result.notes],
        "informatics_strength": rec.strength,
        "findings": [f.as_json() for f in rec.findings],
        "programs": _listed(rec, level + 1),
        "tracked": result.tracked,
        "excluded": _excluded_json(rec, level + 1),
        "summary": rec.summary(),
        "weights": dict(WEIGHTS),
        "dataset": dataset_info(rec.dataset),
    }
    if result.fellowships is not None:
        doc["fellowships"] = resident_json(result.fellowships)
    if result.plan is not None:
        doc["signals"] = signals_json(result.plan)
        doc["application_plan"] = plan_json(result.plan)
    if result.plan_closed is not None:
        doc["signals"] = []
        doc["application_plan"] = {"closed": result.plan_closed}
    if rec.unlocks is not None:
        doc["unlock"] = [
            {"change": u.change, "opens": u.opens, "programs": u.program_ids} for u in rec.unlocks
        ]
        doc["unlock_note"] = rec.unlock_note
    return doc


def json_view(result: Any, view: View) -> bytes:
    """UTF-8 bytes, not text: the whole ranked list can be 17 MB, and decoding it only to
    encode it again for stdout was a sixth of a warm run."""
    if isinstance(result, Batch):
        docs = [{"path": path, **to_json(rec, level=2)} for path, rec in result.items]
        return dumps_bytes({"format": 1, "command": "recommend", "results": docs})
    return dumps_bytes(to_json(result))

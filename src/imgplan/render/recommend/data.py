"""`recommend` as JSON (docs/formats.md: JSON output)."""

from __future__ import annotations

from itertools import repeat
from operator import add, attrgetter, itemgetter
from typing import Any

from ...commands.recommend import Batch, RecommendResult
from ...recommend import WEIGHTS, Recommendation
from ..common import dataset_info, dumps_bytes, link_json, stage_fields
from ..formats import View
from .plan import plan_json, signals_json
from .residents import resident_json

#: A listed program's JSON object: its keys, and what each is read from (a `Listed` row).
_LISTED_KEYS = (
    "id",
    "name",
    "specialty",
    "state",
    "city",
    "setting",
    "tier",
    "status",
    "score",
    "informatics_fit",
    "margin",
    "reference_score",
    "visas",
    "img_share",
    "url",
    "flags",
    "tier_reason",
    "findings",
    "fellowship_link",
)
_LISTED_VALUES = attrgetter(
    "program.id",
    "program.name",
    "program.specialty",
    "program.state",
    "program.city",
    "program.setting",
    "tier",
    "status",
    "score",
    "fit",
    "margin",
    "program.reference_score",
    "program.visas",
    "program.img_share",
    "program.url",
    "flags",
    "tier_reason",
    "findings",
)
_LINK = attrgetter("program.link")
_EXCLUDED_KEYS = ("id", "name", "specialty", "state", "reasons")
_EXCLUDED_VALUES = attrgetter("id", "name", "specialty", "state")
_FIRST, _SECOND = itemgetter(0), itemgetter(1)


def _listed(rec: Recommendation) -> list[dict[str, Any]]:
    """The ranked programs as JSON, the same objects as `assessed` gives, built from the
    rows of `Recommendation.listed`. Vocabulary values are passed as they are: they are
    `StrEnum` members, which orjson writes as their text. Links are shared by programs in one
    place: each is converted once. The objects are made by map and zip (in C): thousands of
    programs, one dict each."""
    rows = rec.listed()
    links = list(map(_LINK, rows))
    converted = {
        key: link_json(link) if link is not None else None
        for key, link in dict(zip(map(id, links), links, strict=True)).items()
    }
    values = map(add, map(_LISTED_VALUES, rows), zip(map(converted.__getitem__, map(id, links))))
    return list(map(dict, map(zip, repeat(_LISTED_KEYS), values)))


def _excluded_json(rec: Recommendation) -> list[dict[str, Any]]:
    """The excluded programs as JSON; one reasons list per shared finding list."""
    pairs = rec.excluded_reasons()
    failed = list(map(_SECOND, pairs))
    reasons = {
        key: [{"rule": f.rule, "message": f.message} for f in findings]
        for key, findings in dict(zip(map(id, failed), failed, strict=True)).items()
    }
    values = map(
        add,
        map(_EXCLUDED_VALUES, map(_FIRST, pairs)),
        zip(map(reasons.__getitem__, map(id, failed))),
    )
    return list(map(dict, map(zip, repeat(_EXCLUDED_KEYS), values)))


def to_json(result: RecommendResult) -> dict[str, Any]:
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
        "programs": _listed(rec),
        "tracked": result.tracked,
        "excluded": _excluded_json(rec),
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
        docs = [{"path": path, **to_json(rec)} for path, rec in result.items]
        return dumps_bytes({"format": 1, "command": "recommend", "results": docs})
    return dumps_bytes(to_json(result))

"""`recommend` as JSON (docs/formats.md: JSON output)."""

from __future__ import annotations

from typing import Any

from ...commands.recommend import Batch, RecommendResult
from ...recommend import WEIGHTS, Recommendation
from ..common import dataset_info, dumps_bytes, link_json, stage_fields
from ..formats import View
from .plan import plan_json, signals_json
from .residents import resident_json


def _listed(rec: Recommendation) -> list[dict[str, Any]]:
    """The ranked programs as JSON, the same objects as `assessed` gives, built from the
    rows of `Recommendation.listed`. Vocabulary values are passed as they are: they are
    `StrEnum` members, which orjson writes as their text. Links are shared by programs in one
    place: each is converted once."""
    rows = rec.listed()
    links = {id(r.program.link): link_json(r.program.link) for r in rows if r.program.link}
    return [
        {
            "id": (p := row.program).id,
            "name": p.name,
            "specialty": p.specialty,
            "state": p.state,
            "city": p.city,
            "setting": p.setting,
            "tier": row.tier,
            "status": row.status,
            "score": row.score,
            "informatics_fit": row.fit,
            "margin": row.margin,
            "reference_score": p.reference_score,
            "visas": p.visas,
            "img_share": p.img_share,
            "url": p.url,
            "flags": row.flags,
            "tier_reason": row.tier_reason,
            "findings": row.findings,
            "fellowship_link": links.get(id(p.link)) if p.link is not None else None,
        }
        for row in rows
    ]


def _excluded_json(rec: Recommendation) -> list[dict[str, Any]]:
    """The excluded programs as JSON; one reasons list per shared finding list."""
    reasons: dict[int, list[dict[str, str]]] = {}
    out = []
    for p, failed in rec.excluded_reasons():
        key = id(failed)
        if key not in reasons:
            reasons[key] = [{"rule": f.rule, "message": f.message} for f in failed]
        out.append(
            {
                "id": p.id,
                "name": p.name,
                "specialty": p.specialty,
                "state": p.state,
                "reasons": reasons[key],
            }
        )
    return out


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

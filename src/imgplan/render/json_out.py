"""JSON documents (SPEC.md "JSON output"): explicit dicts, stable keys, ``format: 1``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..commands import Assessment, Batch, Explanation
from ..models.fellowships import Link
from ..models.programs import Dataset, Program
from ..models.record import as_dict
from ..recommend import ESTIMATES, WEIGHTS, Assessed, Recommendation, points
from . import example_notice, stage_fields
from .formats import View

if TYPE_CHECKING:
    from ..chances import Chances
    from ..rules.portfolio import ReadinessItem, Strength
    from ..timeline import Timeline


def dumps(doc: dict[str, Any]) -> str:
    """One JSON document, indented by 2, UTF-8 text, dates as ISO text, a final newline.

    orjson writes the same bytes as ``json.dumps(doc, indent=2, ensure_ascii=False)`` about
    7x faster (the standard library's indenting encoder is pure Python: 1.3 s of a 1.8 s run
    printing 4,600 ranked programs), and never writes NaN or Infinity, which strict JSON
    parsers refuse: a non-finite float becomes null."""

    return dumps_bytes(doc).decode("utf-8")


def dumps_bytes(doc: dict[str, Any]) -> bytes:
    """`dumps` as UTF-8 bytes."""
    import orjson

    options = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE | orjson.OPT_NON_STR_KEYS
    return orjson.dumps(doc, default=str, option=options)


def dataset_info(dataset: Dataset) -> dict[str, Any]:
    info: dict[str, Any] = {
        "name": dataset.name,
        "as_of": dataset.as_of.isoformat(),
        "example": dataset.example,
        "count": len(dataset.programs),
        "source": dataset.source,
    }
    if dataset.example:
        info["notice"] = example_notice(dataset.name, dataset.as_of.isoformat())
    return info


def program_fields(p: Program) -> dict[str, Any]:
    """The program's own figures, as in the dataset (None = unknown)."""
    return as_dict(p)


def link_json(link: Link | None) -> dict[str, Any] | None:
    """A program's link to the CI fellowship directory (None: none known)."""
    if link is None:
        return None
    return {
        "kind": link.kind,
        "fellowship": link.fellowship_id,
        "name": link.fellowship_name,
        "miles": link.miles,
        "confidence": link.confidence,
        "source": link.source,
        "how": link.how,
    }


def assessed(a: Assessed) -> dict[str, Any]:
    p = a.program
    return {
        "id": p.id,
        "name": p.name,
        "specialty": p.specialty.value,
        "state": p.state,
        "city": p.city,
        "setting": p.setting.value if p.setting else None,
        "tier": a.tier,
        "status": a.status,
        "score": a.score,
        "informatics_fit": a.fit.score,
        "margin": a.margin,
        "reference_score": p.reference_score,
        "visas": [v.value for v in p.visas] if p.visas is not None else None,
        "img_share": p.img_share,
        "url": p.url,
        "flags": a.flags,
        "tier_reason": a.tier_reason,
        "findings": [f.as_json() for f in a.findings],
        "fellowship_link": link_json(p.link),
    }


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


def _excluded(rec: Recommendation) -> list[dict[str, Any]]:
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


def excluded(a: Assessed) -> dict[str, Any]:
    return {
        "id": a.program.id,
        "name": a.program.name,
        "specialty": a.program.specialty.value,
        "state": a.program.state,
        "reasons": [{"rule": f.rule, "message": f.message} for f in a.reasons],
    }


def weights(a: Assessed) -> dict[str, Any]:
    return {
        name: {
            "weight": weight,
            "component": None if a.components[name] is None else round(a.components[name] or 0, 3),
            "points": round(points(name, a.components[name]), 1),
            "estimated": a.components[name] is None and name in ESTIMATES,
        }
        for name, weight in WEIGHTS.items()
    }


def recommend(rec: Recommendation) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "format": 1,
        "command": "recommend",
        "profile": rec.profile.name,
        **stage_fields(rec.stage),
        "what_if": rec.what_if or None,
        "notes": rec.notes,
        "informatics_strength": rec.strength,
        "findings": [f.as_json() for f in rec.findings],
        "programs": _listed(rec),
        "excluded": _excluded(rec),
        "summary": rec.summary(),
        "weights": dict(WEIGHTS),
        "dataset": dataset_info(rec.dataset),
    }
    if rec.fellowships is not None:
        from .fellowships import resident_json

        doc["fellowships"] = resident_json(rec.fellowships)
    if rec.plan is not None:
        from .plan import plan_json, signals_json

        doc["signals"] = signals_json(rec.plan)
        doc["application_plan"] = plan_json(rec.plan)
    if rec.unlocks is not None:
        doc["unlock"] = [
            {"change": u.change, "opens": u.opens, "programs": u.program_ids} for u in rec.unlocks
        ]
        doc["unlock_note"] = rec.unlock_note
    return doc


def explain(a: Assessed, dataset: Dataset) -> dict[str, Any]:
    doc = {"format": 1, "command": "explain", **assessed(a)}
    doc["excluded"] = a.excluded
    from ..models.fellowships import conflict

    doc["fellowship_conflict"] = conflict(a.program.informatics.ci_fellowship, a.program.link)
    doc["weights"] = weights(a)
    doc["program"] = program_fields(a.program)
    doc["dataset"] = dataset_info(dataset)
    return doc


def timeline(t: Timeline) -> dict[str, Any]:
    return {
        "format": 1,
        "command": "timeline",
        "today": t.today.isoformat(),
        "profile": t.name,
        **stage_fields(t.stage),
        "generic": t.generic,
        "notes": t.notes,
        "warnings": t.warnings,
        "events": [
            {
                "date": e.date.isoformat(),
                **({"end": e.end.isoformat()} if e.end else {}),
                "title": e.title,
                "kind": e.kind,
                "certainty": e.certainty,
                "source": e.source,
                "phase": e.phase,
                "status": e.status,
                "detail": e.detail,
                "key": e.key,
            }
            for e in t.events
        ],
    }


def _r(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def chances(c: Chances) -> dict[str, Any]:
    return {
        "format": 1,
        "command": "chances",
        "profile": c.profile.name,
        **stage_fields(c.stage),
        "fellowship": None
        if c.fellowship is None
        else {
            "matched_share": c.fellowship.matched_share,
            "median_applications": c.fellowship.median_applications,
            "fee_for_median": c.fellowship.fee_for_median,
            "fees": [{"applications": n, "fee": fee} for n, fee in c.fellowship.fees],
            "source": c.fellowship.source,
            "fee_source": c.fellowship.fee_source,
        },
        "step2ck": c.profile.step2,
        "step2ck_planned": c.profile.step2_planned,
        "source": c.source,
        "derivation": c.derivation,
        "limits": c.limits,
        "specialties": [
            {
                "specialty": s.specialty,
                "match_rate": _r(s.base_rate),
                "matched": s.matched,
                "ranked_first": s.ranked,
                "percentile_matched": _r(s.percentile_matched, 1),
                "percentile_unmatched": _r(s.percentile_unmatched, 1),
                "likelihood": _r(s.likelihood),
                "score_separates": s.separates,
                "contiguous_ranks_median": {
                    "matched": s.ranks_matched,
                    "unmatched": s.ranks_unmatched,
                },
                "eligible_programs": s.eligible,
                "tiers": s.tiers,
                "service": s.service,
                "application_fees": [{"applications": n, "fee_usd": fee} for n, fee in s.fees],
                "eras_fees": [{"applications": n, "fee_usd": fee} for n, fee in s.fees]
                if s.service == "ERAS"
                else None,
                "notes": s.notes,
            }
            for s in c.specialties
        ],
        "nrmp_extra_rank_fees": [{"ranks": r, "fee_usd": fee} for r, fee in c.nrmp],
        "dataset": None if c.dataset is None else dataset_info(c.dataset),
        "fee_sources": {"eras": c.eras_source, "nrmp": c.nrmp_source},
    }


def assess(
    name: str | None,
    strength: Strength,
    readiness: list[ReadinessItem] | None,
    pgy: int | None,
    source: str,
) -> dict[str, Any]:
    from ..rules.portfolio import ELEMENT_TITLES

    return {
        "format": 1,
        "command": "assess",
        "profile": name,
        "strength": strength.score,
        "source": source,
        "elements": [
            {"element": key, "title": ELEMENT_TITLES[key], "score": e.score, "evidence": e.evidence}
            for key, e in strength.elements.items()
        ],
        "actions": [
            {"element": a.element, "gain": a.gain, "action": a.text} for a in strength.actions()
        ],
        "fellowship_readiness": None
        if readiness is None
        else {
            "current_pgy": pgy,
            "items": [
                {"pgy": i.pgy, "item": i.item, "met": i.met, "evidence": i.evidence}
                for i in readiness
            ],
        },
    }


def recommend_view(result: Any, view: View) -> bytes:
    """UTF-8 bytes, not text: the whole ranked list can be 17 MB, and decoding it only to
    encode it again for stdout was a sixth of a warm run."""
    if isinstance(result, Batch):
        docs = [{"path": path, **recommend(rec)} for path, rec in result.items]
        return dumps_bytes({"format": 1, "command": "recommend", "results": docs})
    return dumps_bytes(recommend(result))


def explain_view(result: Explanation, view: View) -> str:
    doc = {**explain(result.assessed, result.dataset), **stage_fields(result.stage)}
    doc["notes"] = result.notes
    return dumps(doc)


def timeline_view(result: Timeline, view: View) -> str:
    return dumps(timeline(result))


def chances_view(result: Chances, view: View) -> str:
    return dumps(chances(result))


def assess_view(r: Assessment, view: View) -> str:
    return dumps(
        {**assess(r.name, r.strength, r.readiness, r.pgy, r.source), **stage_fields(r.stage)}
    )


def validate_view(report: Any, view: View) -> str:
    files = [
        {
            "path": r.path,
            "kind": r.kind,
            "valid": not r.problems,
            "problems": [p.as_json() for p in r.problems],
            "warnings": [w.as_json() for w in r.warnings],
        }
        for r in report.files
    ]
    return dumps({"format": 1, "command": "validate", "files": files})
